"""Customer attributes as comment segments, multi-valued tags, and the value column (issue 20, item 3).

One small workspace: 90 comments from 9 customers (JSONL with a ``tags`` list), and a CRM customers file that
holds each customer's plan and MRR. ``plan`` lives only on the customers; ``tags`` only on the comments.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from empathic import Workspace
from empathic.cli.main import app
from empathic.errors import InputError
from empathic.usage import why

PLANS = ["Enterprise"] * 3 + ["Pro"] * 3 + ["Free"] * 3
WORDS = ["billing was wrong again", "the export is slow", "search cannot find my notes", "support was kind"]


def _tags(i: int) -> list[str]:
    return [["billing"], ["billing", "export"], ["export"], []][i % 4]


@pytest.fixture(scope="module")
def ws_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("custattr")
    comments = folder / "tickets.jsonl"
    rows = [
        {"ticket": f"t{i:03d}", "requester": f"c{i % 9}", "body": f"Ticket {i}: {WORDS[i % 4]} for us this week",
         "score": i % 11, "tags": _tags(i), "created": f"2024-03-{1 + i % 28:02d}"}
        for i in range(90)
    ]  # fmt: skip
    comments.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    crm = folder / "crm.csv"
    crm.write_text(
        "customer_id,signup_date,plan,MRR\n"
        + "".join(f"c{k},2023-01-0{1 + k},{PLANS[k]},{100 * (k + 1)}\n" for k in range(9)),
        encoding="utf-8",
    )
    path = folder / "w.empathic"
    with Workspace.open(path) as ws:
        summary = ws.ingest(comments, customer="requester", score=["score:nps"])
        assert summary.mapping.multi == ["tags"]
        assert ws.ingest(crm).kind == "customers"
    return path


def test_tags_are_one_row_per_value(ws_path: Path) -> None:
    with Workspace.open(ws_path, read_only=True) as ws:
        values = ws.sql("SELECT value, count(*) AS n FROM feedback_attribute_values WHERE name = 'tags' GROUP BY 1")
        stored = ws.sql("SELECT value FROM feedback_attributes WHERE name = 'tags' AND feedback_id = 't001'")
    counts = dict(zip(values["value"], values["n"], strict=True))
    assert counts == {"billing": sum("billing" in _tags(i) for i in range(90)),
                      "export": sum("export" in _tags(i) for i in range(90))}  # fmt: skip
    assert stored["value"].tolist() == ["billing; export"]  # the whole list, for exports and display


def test_segments_count_a_comment_in_each_of_its_tags(ws_path: Path) -> None:
    with Workspace.open(ws_path, read_only=True) as ws:
        df = ws.segments(by="tags", live=True)
    sizes = df.drop_duplicates("segment").set_index("segment")
    with_tags = sum(bool(_tags(i)) for i in range(90))
    n_billing = sum("billing" in _tags(i) for i in range(90))
    assert sizes.loc["billing", "n_segment"] == n_billing
    assert sizes.loc["export", "n_segment"] == sum("export" in _tags(i) for i in range(90))
    # the rest of "billing" is the tagged comments without it, not the sum of the other segments
    assert sizes.loc["billing", "n_rest"] == with_tags - n_billing
    assert set(sizes.index) == {"billing", "export"}  # not "billing; export"


def test_customer_attribute_is_a_segment_of_comments(ws_path: Path) -> None:
    with Workspace.open(ws_path, read_only=True) as ws:
        df = ws.segments(by="plan", live=True)
        scores = df[df.metric == "score"].set_index("segment")
        nps = ws.sql("SELECT f.customer_id, s.value FROM feedback f JOIN feedback_scores s USING (feedback_id)")
    enterprise = {f"c{k}" for k in range(9) if PLANS[k] == "Enterprise"}
    assert scores.loc["Enterprise", "n_segment"] == 30 and scores.loc["Enterprise", "n_rest"] == 60
    ent = nps[nps.customer_id.isin(enterprise)]["value"]
    expected_nps = 100 * ((ent >= 9).mean() - (ent <= 6).mean())
    assert scores.loc["Enterprise", "value_segment"] == pytest.approx(expected_nps)


def test_cli_segments_by_a_customer_attribute(ws_path: Path) -> None:
    out = CliRunner().invoke(app, ["segments", str(ws_path), "--by", "plan", "--all"], env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.output
    assert "segments by plan: 0 significant of 3 tests" in out.output
    assert "Enterprise" in out.output and "Traceback" not in out.output


def test_search_filters_on_customer_attributes_and_tags(ws_path: Path) -> None:
    with Workspace.open(ws_path, read_only=True) as ws:
        enterprise = ws.search("plan:Enterprise", limit=500)
        billing = ws.search("tags:billing", limit=500)
        rich = ws.search("value>=700", limit=500)
    assert len(enterprise) == 30
    assert len(billing) == sum("billing" in _tags(i) for i in range(90))
    assert len(rich) == 30  # c6, c7, c8 have MRR 700, 800, 900


def test_value_column_is_kept_as_value(ws_path: Path) -> None:
    with Workspace.open(ws_path, read_only=True) as ws:
        value = ws.sql("SELECT customer_id, value_num FROM customer_attributes WHERE name = 'value' ORDER BY 1")
        names = set(ws.sql("SELECT DISTINCT name FROM customer_attributes")["name"])
    assert value["value_num"].tolist() == [100.0 * (k + 1) for k in range(9)]
    assert "MRR" not in names and "plan" in names


def test_why_accepts_attribute_groups(ws_path: Path) -> None:
    with Workspace.open(ws_path, read_only=True) as ws:
        con = ws.store.cursor()
        try:
            assert why.parse_group("plan:Enterprise", why.attribute_names(con)) == ("plan", "Enterprise")
            members = why.load_members(con, [("plan", "enterprise")])  # case-insensitive value
            assert set(members.customer_id) == {"c0", "c1", "c2"}
            assert not why.needs_usage(con, "plan:Enterprise") and why.needs_usage(con, "churned")
            with pytest.raises(InputError, match="unknown group"):
                why.parse_group("colour:red", why.attribute_names(con))
        finally:
            con.close()


def test_cli_multi_flag_splits_a_csv_column(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,comment,labels\n" + "".join(
        f'{i},"Comment {i} about the export and the billing page","{["billing, refund", "export", "billing"][i % 3]}"\n'
        for i in range(6)), encoding="utf-8")  # fmt: skip
    ws_path = tmp_path / "w.empathic"
    out = CliRunner().invoke(app, ["ingest", str(ws_path), str(path), "--multi", "labels", "-q"], terminal_width=200)
    assert out.exit_code == 0, out.output
    with Workspace.open(ws_path, read_only=True) as ws:
        values = ws.sql("SELECT value, count(*) AS n FROM feedback_attribute_values GROUP BY 1 ORDER BY 1")
    assert dict(zip(values["value"], values["n"], strict=True)) == {"billing": 4, "export": 2, "refund": 2}
