"""Overriding inferred roles: keyword arguments, CLI flags, JSON/TOML mapping files, ``col:kind`` scores, bad names."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from foundation_helpers import is_empty_workspace

from empathic import InputError, Workspace
from empathic.cli.main import main

FRAME = pd.DataFrame(
    {
        "ref": ["a1", "a2", "a3", "a4", "a5", "a6"],
        "who": ["k1", "k2", "k1", "k3", "k2", "k4"],
        "when": ["01/02/2024", "02/02/2024", "03/02/2024", "04/02/2024", "05/02/2024", "06/02/2024"],
        "q1": [1, 4, 2, 5, 3, 4],
        "q2": [0, 9, 4, 10, 6, 8],
        "seg": ["x", "y", "x", "y", "x", "y"],
        "notes": ["short", "tiny", "brief", "small", "terse", "curt"],
        "comment": [
            "The delivery was late and the box was damaged badly",
            "Quick delivery and friendly driver, thank you so much",
            "Item did not match the photos on the product page",
            "Perfect fit, great quality fabric, will order again",
            "Customer service never answered my two emails",
            "Good value for money but sizing runs a little small",
        ],
    }
)


@pytest.fixture
def survey(write_text) -> Path:
    out = io.StringIO()
    FRAME.to_csv(out, index=False, lineterminator="\n")
    return write_text("survey.csv", out.getvalue())


def test_keyword_overrides_win(ws: Workspace, survey: Path) -> None:
    summary = ws.ingest(
        survey,
        text="notes",
        id="ref",
        customer="who",
        date="when",
        date_format="%m/%d/%Y",
        score=["q1:csat", "q2:nps"],
        attr=["seg"],
    )
    m = summary.mapping
    assert (m.text, m.id, m.customer, m.date, m.attrs) == (["notes"], "ref", "who", "when", ["seg"])
    assert {s.column: s.kind for s in m.scores} == {"q1": "csat", "q2": "nps"}
    assert all(m.reasons[c] == "given" for c in ("notes", "ref", "who", "when", "q1", "q2", "seg"))
    row = ws.sql("SELECT text, customer_id, created_at FROM feedback WHERE feedback_id = 'a3'").iloc[0]
    assert (row["text"], row["customer_id"]) == ("brief", "k1")
    assert pd.Timestamp(row["created_at"]) == pd.Timestamp("2024-03-02")  # "03/02/2024" read month first, as told


def test_several_text_columns_are_joined(ws: Workspace, survey: Path) -> None:
    ws.ingest(survey, text=["comment", "notes"], id="ref")
    text = ws.sql("SELECT text FROM feedback WHERE feedback_id = 'a2'")["text"].iloc[0]
    assert text == FRAME.loc[1, "comment"] + "\ntiny"


@pytest.mark.parametrize(
    ("spec", "kind", "scale"),
    [("q1:rating", "rating", (1, 5)), ("q2:number", "number", (0, 10)), ("q1:nps", "nps", (0, 10))],
)
def test_score_kind_syntax(ws: Workspace, survey: Path, spec: str, kind: str, scale: tuple[int, int]) -> None:
    summary = ws.ingest(survey, score=[spec], only_scores=True)
    (score,) = summary.mapping.scores
    assert (score.column, score.kind, score.scale_min, score.scale_max) == (spec.split(":")[0], kind, *scale)
    stored = ws.sql("SELECT DISTINCT kind, scale_min, scale_max FROM feedback_scores")
    assert stored.values.tolist() == [[kind, float(scale[0]), float(scale[1])]]


def test_column_names_match_case_insensitively(ws: Workspace, survey: Path) -> None:
    assert ws.ingest(survey, text="COMMENT").mapping.text == ["comment"]


@pytest.mark.parametrize(
    ("roles", "needle"),
    [
        ({"text": "nope"}, "'nope'"),
        ({"score": ["missing:nps"]}, "'missing'"),
        ({"attr": ["seg", "region"]}, "'region'"),
        ({"id": "uuid"}, "'uuid'"),
        ({"score": ["q1:stars"]}, "unknown score kind"),
        ({"score": ["q2:rating"]}, "outside the rating scale"),  # q2 holds a 0
        ({"score": ["q2:csat"]}, "outside the csat scale"),
    ],
)
def test_unknown_columns_and_kinds_are_clean_errors(ws: Workspace, survey: Path, roles: dict, needle: str) -> None:
    with pytest.raises(InputError) as info:
        ws.ingest(survey, **roles)
    assert needle in info.value.message
    assert info.value.hint
    assert ws.store.count("feedback") == 0


def test_unknown_column_error_lists_the_real_columns(ws: Workspace, survey: Path) -> None:
    with pytest.raises(InputError) as info:
        ws.ingest(survey, text="nope")
    assert "comment" in info.value.hint and "q2" in info.value.hint


def test_json_mapping_file(ws: Workspace, survey: Path, tmp_path: Path) -> None:
    mapping = tmp_path / "roles.json"
    roles = {"text": "notes", "id": "ref", "score": ["q2:nps"], "attr": ["seg"], "only_scores": True}
    mapping.write_text(json.dumps(roles))
    m = ws.ingest(survey, mapping=mapping).mapping
    assert (m.text, m.id, m.attrs, [s.kind for s in m.scores]) == (["notes"], "ref", ["seg"], ["nps"])


def test_a_given_score_keeps_the_detected_ones(ws: Workspace, survey: Path) -> None:
    """Issue 20: one --score used to drop the auto-detected scores; now only --only-scores does."""
    given = ws.ingest(survey, text="notes", id="ref", score=["q2:nps"]).mapping.scores
    assert {s.column: s.kind for s in given} == {"q2": "nps", "q1": "rating"}  # q1: an aspect rating beside it


def test_toml_mapping_file_and_flags_win(tmp_path: Path, survey: Path, capsys) -> None:
    mapping = tmp_path / "roles.toml"
    mapping.write_text('text = "notes"\nid = "ref"\nscore = ["q1:csat"]\nattr = ["seg"]\nonly_scores = true\n')
    ws_path = tmp_path / "cli.empathic"
    code = main(["ingest", str(ws_path), str(survey), "--mapping", str(mapping), "--text", "comment", "-q"])
    assert code == 0, capsys.readouterr().err
    with Workspace.open(ws_path) as ws:
        text = ws.sql("SELECT text FROM feedback WHERE feedback_id = 'a1'")["text"].iloc[0]
        assert text == FRAME.loc[0, "comment"]  # --text beat the file's "notes"
        assert ws.sql("SELECT DISTINCT name, kind FROM feedback_scores").values.tolist() == [["q1", "csat"]]


def test_mapping_file_may_choose_the_kind(ws: Workspace, survey: Path, tmp_path: Path) -> None:
    mapping = tmp_path / "customers.json"
    mapping.write_text(json.dumps({"kind": "customers", "customer": "who", "attr": ["seg"]}))
    summary = ws.ingest(survey, mapping=mapping)
    assert summary.kind == "customers"
    assert ws.store.count("customers") == 4


@pytest.mark.parametrize(
    ("content", "suffix", "needle"),
    [
        ('{"text": "comment", "colour": "x"}', ".json", "unknown role"),
        ("{not json", ".json", "cannot parse"),
        ('text = "comment', ".toml", "cannot parse"),
        ('["comment"]', ".json", "must hold an object"),
    ],
)
def test_bad_mapping_files(ws: Workspace, survey: Path, tmp_path: Path, content: str, suffix: str, needle: str) -> None:
    mapping = tmp_path / f"bad{suffix}"
    mapping.write_text(content)
    with pytest.raises(InputError) as info:
        ws.ingest(survey, mapping=mapping)
    assert needle in info.value.message


def test_cli_flags(tmp_path: Path, survey: Path, capsys) -> None:
    ws_path = tmp_path / "flags.empathic"
    args = ["ingest", str(ws_path), str(survey), "--text", "notes", "--id", "ref", "--customer", "who"]
    args += ["--date", "when", "--date-format", "%d/%m/%Y", "--score", "q2:nps", "--attr", "seg", "-q"]
    assert main(args) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "6 new" in out
    with Workspace.open(ws_path) as ws:
        row = ws.sql("SELECT text, customer_id, created_at FROM feedback WHERE feedback_id = 'a3'").iloc[0]
        assert (row["text"], row["customer_id"], pd.Timestamp(row["created_at"])) == (
            "brief",
            "k1",
            pd.Timestamp("2024-02-03"),
        )


def test_cli_unknown_column_exits_2_and_writes_nothing(tmp_path: Path, survey: Path, capsys) -> None:
    ws_path = tmp_path / "bad.empathic"
    assert main(["ingest", str(ws_path), str(survey), "--text", "nope", "-q"]) == 2
    err = capsys.readouterr().err
    assert "error:" in err and "hint:" in err and "nope" in err and "Traceback" not in err
    assert is_empty_workspace(ws_path)


LENIENT = pd.DataFrame(
    {
        "id": ["c", "d", "e"],
        "when": ["2024-01-01", "garbage", "2024-01-03"],
        "nps": [3, 11, 5],
        "comment": ["some words here for the text", "more words for the text column", "and a third comment here"],
    }
)


def test_lenient_stores_bad_values_as_empty_and_warns(ws: Workspace) -> None:
    summary = ws.ingest(LENIENT, lenient=True, score=["nps:nps"], date="when")
    assert any("unparseable date 'garbage'" in w and "row 2" in w for w in summary.warnings)
    assert any("outside the nps scale" in w for w in summary.warnings)
    rows = ws.sql(
        "SELECT f.feedback_id, f.created_at, s.value FROM feedback f "
        "LEFT JOIN feedback_scores s USING (feedback_id) ORDER BY 1"
    )
    assert rows["feedback_id"].tolist() == ["c", "d", "e"]  # every row is kept
    assert pd.isna(rows["created_at"].iloc[1])
    assert pd.isna(rows["value"].iloc[1])  # an NPS of 11 must not reach the score table
    assert rows["value"].iloc[[0, 2]].tolist() == [3.0, 5.0]


def test_lenient_from_the_cli(tmp_path: Path, write_text, capsys) -> None:
    out = io.StringIO()
    LENIENT.to_csv(out, index=False, lineterminator="\n")
    path = write_text("lenient.csv", out.getvalue())
    ws_path = tmp_path / "lenient.empathic"
    assert main(["ingest", str(ws_path), str(path), "--score", "nps:nps", "--date", "when", "-q"]) == 2
    assert "--lenient" in capsys.readouterr().err  # the error says how to go on
    assert main(["ingest", str(ws_path), str(path), "--score", "nps:nps", "--date", "when", "--lenient", "-q"]) == 0
    assert "warning:" in capsys.readouterr().err
    with Workspace.open(ws_path) as ws:
        assert ws.store.count("feedback") == 3
        assert ws.store.count("feedback_scores") == 2


def test_overlong_comments_are_truncated_with_a_warning(ws: Workspace) -> None:
    frame = pd.DataFrame({"id": ["long", "short"], "comment": ["word " * 6000, "a normal comment with words"]})
    summary = ws.ingest(frame)
    limit = ws.settings.ingest.max_text_chars
    assert ws.store.scalar("SELECT length(text) FROM feedback WHERE feedback_id = 'long'") == limit
    assert any("truncated" in w for w in summary.warnings)
