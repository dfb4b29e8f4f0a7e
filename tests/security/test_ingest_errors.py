"""Bad files get an error that says what is actually wrong (issue 16), not "a row or field is larger than 16 MB"
or "no free-text column found"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from empathic.errors import InputError
from empathic.ingest import inspect

ROWS = [
    "The parcel arrived two days late and the box was crushed",
    "Lovely fabric and it fits well and I would buy it again",
    "Support never answered my emails about the refund",
    "The app logs me out every single time I switch screens",
]
VAGUE = ("16 MB", "no free-text column")


def _refused(path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        inspect(path)
    err = caught.value
    assert err.file == str(path)
    assert not any(v in str(err) for v in VAGUE), str(err)
    return err


def test_mixed_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(f"id,review\r\n1,{ROWS[0]}\n2,{ROWS[1]}\r\n3,{ROWS[2]}\r4,{ROWS[3]}\n".encode())
    err = _refused(path)
    assert "mixes line endings" in err.message
    assert "\\r\\n (Windows)" in err.message and "\\n (Unix)" in err.message and "\\r (old Mac)" in err.message
    assert "line ending" in err.hint


def test_ragged_rows_name_the_row_and_the_counts(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text(f"id,review,score\n1,{ROWS[0]},5\n2,{ROWS[1]},4,extra,fields\n3,{ROWS[2]},3\n")
    err = _refused(path)
    assert err.message == "row 2 (line 3) has 5 fields; the header has 3 (ragged rows)"
    assert err.row == 2 and "comma" in err.hint


def test_unclosed_quote_names_the_line_it_opens_on(tmp_path: Path) -> None:
    path = tmp_path / "unclosed.csv"
    path.write_text(f'id,review,score\n1,"The parcel, arrived late,5\n2,{ROWS[1]},4\n3,{ROWS[2]},1\n')
    err = _refused(path)
    assert err.message == 'a quoted value that starts on line 2 is never closed (no matching ")'
    assert '""' in err.hint


def test_deeply_nested_json(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    deep = "[" * 5000 + "1" + "]" * 5000
    path.write_text(f'[{{"review": "{ROWS[0]}", "deep": {deep}}}]')
    err = _refused(path)
    assert err.message == "the JSON is nested too deeply (more than 128 levels)"
    assert "flat object" in err.hint


def test_a_bare_json_value_is_not_records(tmp_path: Path) -> None:
    path = tmp_path / "42.json"
    path.write_text("42")
    err = _refused(path)
    assert err.message == "the JSON file holds a single value ('42'), not records"
    assert "JSON Lines" in err.hint


def test_json_objects_one_per_line_in_a_json_file_are_read(tmp_path: Path) -> None:
    path = tmp_path / "lines.json"
    path.write_text("".join(json.dumps({"review": r}) + "\n" for r in ROWS))
    assert inspect(path).n_rows == 4


@pytest.mark.parametrize(
    ("encoding", "script", "rows"),
    [
        (
            "shift_jis",
            "Japanese",
            [
                "配送が遅くて箱が潰れていました。とても残念です",
                "生地が素敵でサイズもぴったりでした",
                "返金についての問い合わせに返事がありません",
            ],
        ),
        (
            "cp1251",
            "Cyrillic",
            [
                "Доставка была очень медленной и коробка помята",
                "Ткань приятная и размер подошёл идеально",
                "Поддержка так и не ответила на мои письма",
            ],
        ),
        (
            "gb18030",
            "Chinese",
            ["送货很慢，盒子被压坏了，非常失望", "面料很好，尺码也非常合适，还会再买", "客服一直没有回复我的退款邮件"],
        ),
    ],
)
def test_non_latin_encodings_are_read_as_text(tmp_path: Path, encoding: str, script: str, rows: list[str]) -> None:
    """Shift-JIS used to be read as Windows-1252 and then found no text column; now it is read as itself."""
    path = tmp_path / f"{encoding}.csv"
    path.write_bytes(("id,review\n" + "".join(f"{i},{r}\n" for i, r in enumerate(rows, 1))).encode(encoding))
    result = inspect(path)
    assert result.mapping.text == ["review"]
    assert result.samples["review"][0] == rows[0]
    assert any(script in w and "not UTF-8" in w for w in result.warnings)
