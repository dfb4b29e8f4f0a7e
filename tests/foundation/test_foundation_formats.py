"""Every supported format and encoding lands the same rows, scores and attributes in a real workspace file."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from empathic import Workspace

ROWS = [
    {"id": "r1", "comment": "The checkout page kept crashing on my phone today", "nps": 3, "plan": "free"},
    {"id": "r2", "comment": "Support answered quickly and fixed the billing issue", "nps": 9, "plan": "pro"},
    {"id": "r3", "comment": "Crème brûlée café: the naïve résumé of a façade", "nps": 7, "plan": "pro"},
    {"id": "r4", "comment": "Too expensive for what it does, I will cancel soon", "nps": 1, "plan": "free"},
    {"id": "r5", "comment": "Love the new dashboard, it saves me an hour every week", "nps": 10, "plan": "team"},
    {"id": "r6", "comment": "Search is slow and the filters reset every single time", "nps": 5, "plan": "team"},
]
FRAME = pd.DataFrame(ROWS)


def _delimited(sep: str) -> str:
    out = io.StringIO()
    FRAME.to_csv(out, sep=sep, index=False, lineterminator="\n")
    return out.getvalue()


def assert_landed(ws: Workspace, *, accents: bool = True) -> None:
    """The six ROWS are in the workspace with their text, NPS score and plan attribute."""
    fb = ws.sql("SELECT feedback_id, text FROM feedback ORDER BY feedback_id")
    assert fb["feedback_id"].tolist() == [r["id"] for r in ROWS]
    if accents:
        assert fb["text"].tolist() == [r["comment"] for r in ROWS]
    scores = ws.sql("SELECT feedback_id, kind, scale_min, scale_max, value FROM feedback_scores ORDER BY feedback_id")
    assert scores["value"].tolist() == [float(r["nps"]) for r in ROWS]
    assert set(scores["kind"]) == {"nps"}
    assert (scores["scale_min"].iloc[0], scores["scale_max"].iloc[0]) == (0.0, 10.0)
    attrs = ws.sql("SELECT feedback_id, value FROM feedback_attributes WHERE name = 'plan' ORDER BY feedback_id")
    assert attrs["value"].tolist() == [r["plan"] for r in ROWS]


@pytest.mark.parametrize(
    ("name", "sep"),
    [("data.csv", ","), ("data.tsv", "\t"), ("semicolon.csv", ";"), ("pipes.txt", "|")],
)
def test_delimited_text_files(ws: Workspace, write_text, name: str, sep: str) -> None:
    summary = ws.ingest(write_text(name, _delimited(sep)))
    assert summary.mapping.id == "id"
    assert summary.n_inserted == 6
    assert summary.mapping.text == ["comment"]
    assert_landed(ws)


@pytest.mark.parametrize(
    ("encoding", "prefix", "warns"),
    [
        ("utf-8", b"", False),
        ("utf-8", b"\xef\xbb\xbf", False),
        ("utf-16-le", b"\xff\xfe", True),
        ("utf-16-be", b"\xfe\xff", True),
        ("utf-32-le", b"\xff\xfe\x00\x00", False),
        ("utf-32-be", b"\x00\x00\xfe\xff", False),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf32le-bom", "utf32be-bom"],
)
def test_unicode_encodings(ws: Workspace, write_text, encoding: str, prefix: bytes, warns: bool) -> None:
    path = write_text("enc.csv", prefix + _delimited(",").encode(encoding))
    summary = ws.ingest(path)
    assert summary.mapping.id == "id"  # a BOM must not glue itself onto the first column name
    assert_landed(ws)
    assert any("UTF-16" in w for w in summary.warnings) is warns
    assert any("UTF-32" in w for w in summary.warnings) is encoding.startswith("utf-32")


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_latin1_and_cp1252_are_read_with_a_warning(ws: Workspace, write_text, encoding: str) -> None:
    rows = [*ROWS]
    text = _delimited(",")
    if encoding == "cp1252":  # a curly quote and a euro sign only exist in CP1252
        text = text.replace("Too expensive", "Too expensive (€40) \u2019cause")
        rows[3] = {**rows[3], "comment": rows[3]["comment"].replace("Too expensive", "Too expensive (€40) \u2019cause")}
    summary = ws.ingest(write_text("latin.csv", text, encoding=encoding))
    assert any("not UTF-8" in w for w in summary.warnings)
    got = ws.sql("SELECT text FROM feedback ORDER BY feedback_id")["text"].tolist()
    assert got == [r["comment"] for r in rows]


def test_json_array(ws: Workspace, write_text) -> None:
    ws.ingest(write_text("data.json", json.dumps(ROWS, ensure_ascii=False)))
    assert_landed(ws)


def test_jsonl(ws: Workspace, write_text) -> None:
    ws.ingest(write_text("data.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in ROWS) + "\n"))
    assert_landed(ws)


def test_parquet(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "data.parquet"
    pq.write_table(pa.Table.from_pandas(FRAME, preserve_index=False), path)
    ws.ingest(path)
    assert_landed(ws)


def test_xlsx(ws: Workspace, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    sheet.append(list(FRAME.columns))
    for row in ROWS:
        sheet.append(list(row.values()))
    sheet.append([None, None, None, None])  # trailing blank rows, as spreadsheets have
    path = tmp_path / "data.xlsx"
    wb.save(path)
    summary = ws.ingest(path)
    assert summary.n_rows == 6
    assert_landed(ws)


def test_xlsx_dates_become_timestamps(ws: Workspace, tmp_path: Path) -> None:
    from datetime import datetime

    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    sheet.append(["comment", "submitted"])
    for i, row in enumerate(ROWS):
        sheet.append([row["comment"], datetime(2024, 3, i + 1, 9, 30)])
    path = tmp_path / "dated.xlsx"
    wb.save(path)
    summary = ws.ingest(path)
    assert summary.mapping.date == "submitted"
    first = ws.sql("SELECT min(created_at) AS t FROM feedback")["t"].iloc[0]
    assert pd.Timestamp(first) == pd.Timestamp("2024-03-01 09:30")


def test_pandas_frame(ws: Workspace) -> None:
    ws.ingest(FRAME)
    assert_landed(ws)


def test_polars_frame(ws: Workspace) -> None:
    pl = pytest.importorskip("polars")
    ws.ingest(pl.from_pandas(FRAME))
    assert_landed(ws)


def test_arrow_table(ws: Workspace) -> None:
    ws.ingest(pa.Table.from_pandas(FRAME, preserve_index=False))
    assert_landed(ws)


def test_headerless_tsv_gets_generated_column_names(ws: Workspace, write_text) -> None:
    body = "".join(f"{r['comment']}\t{r['nps']}\tk{i}\n" for i, r in enumerate(ROWS))
    summary = ws.ingest(write_text("goemotions_like.tsv", body))
    assert summary.n_rows == 6  # the first row is data, not a header
    assert summary.mapping.text == ["column0"]
    texts = ws.sql("SELECT text FROM feedback")["text"].tolist()
    assert sorted(texts) == sorted(r["comment"] for r in ROWS)


def test_whitespace_aligned_table_like_cdnow(ws: Workspace, write_text) -> None:
    lines = [" customer_id  date number_of_cds  dollar_value"]
    purchases = [
        ("00001", "19970101", 1, "11.77"),
        ("00002", "19970112", 2, "12.00"),
        ("00002", "19970328", 5, "77.00"),
    ]
    lines += [f" {c} {d}  {n}   {v}" for c, d, n, v in purchases]
    summary = ws.ingest(write_text("cdnow_like.txt", "\n".join(lines) + "\n"))
    assert summary.kind == "events"
    assert any("whitespace" in w for w in summary.warnings)
    events = ws.sql("SELECT customer_id, ts, value FROM events ORDER BY ts")
    assert events["customer_id"].tolist() == ["00001", "00002", "00002"]  # leading zeros kept: ids are strings
    assert events["value"].tolist() == [11.77, 12.0, 77.0]
    assert pd.Timestamp(events["ts"].iloc[1]) == pd.Timestamp("1997-01-12")
    assert ws.store.count("customers") == 2


def test_crlf_line_endings_and_quoted_newlines(ws: Workspace, write_text) -> None:
    content = (
        'id,comment\r\na,"first line\r\nsecond line of the same long comment"\r\nb,"another, with a comma inside"\r\n'
    )
    ws.ingest(write_text("crlf.csv", content), text="comment")
    texts = dict(ws.sql("SELECT feedback_id, text FROM feedback").itertuples(index=False))
    assert texts["b"] == "another, with a comma inside"
    assert "second line" in texts["a"]
