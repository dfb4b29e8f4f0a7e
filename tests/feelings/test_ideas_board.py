"""The ideas board on intent ``request`` (issue 18, item 7): grouped, counted, quoted; who asks, the pain around
it and its score gap; the same board in the CLI, the report and the web page."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from empathic import Workspace
from empathic.cli.main import app
from empathic.feelings.ideas import top_customers, who_asks
from empathic.report.html import render_report

#: (id, text, rating 1–5, plan, customer): Pro customers ask for an export, with pain; Basic ones praise.
ROWS = [
    *[(f"e{i}", t, 2, "Pro", f"k{i % 3}") for i, t in enumerate([
        "The report is broken again. Please add an export to Excel.",
        "Please add an export to Excel, copying by hand is painful.",
        "Wish it had an export to Excel.",
        "An export to Excel would make it five stars.",
        "It would be great to export to Excel.",
    ])],
    *[(f"p{i}", t, 5, "Basic", None) for i, t in enumerate([
        "Lovely app, works perfectly.", "Great support team.", "Very happy with it.", "Fast and reliable.",
        "Does exactly what I need.", "Best tool we use.",
    ])],
]  # fmt: skip


def _workspace(path: Path) -> Workspace:
    ws = Workspace.open(path, settings={"feelings": {"mode": "fast"}})
    now = datetime(2026, 1, 1)
    with ws.store.write() as con:
        con.execute(
            "INSERT INTO sources VALUES ('s1', 'feedback', 'test', 'x', '{}', ?, ?, 0, ?)", [len(ROWS)] * 2 + [now]
        )
        for fid, text, rating, plan, customer in ROWS:
            con.execute("INSERT INTO feedback VALUES (?, 's1', ?, ?, ?, ?, ?)", [fid, customer, text, now, fid, now])
            con.execute("INSERT INTO feedback_scores VALUES (?, 'rating', 'rating', 1, 5, ?)", [fid, float(rating)])
            con.execute("INSERT INTO feedback_attributes VALUES (?, 'plan', ?)", [fid, plan])
        for k, arr in (("k0", 100.0), ("k1", 9000.0), ("k2", 500.0)):
            con.execute("INSERT INTO customers VALUES (?, 's1', NULL, NULL)", [k])
            con.execute("INSERT INTO customer_attributes VALUES (?, 'ARR', ?, ?)", [k, str(arr), arr])
    ws.analyze(stages=["feelings"])
    return ws


def test_board_says_who_asks_how_much_it_hurts_and_the_score_gap(tmp_path: Path) -> None:
    with _workspace(tmp_path / "ideas.empathic") as ws:
        board = ws.ideas()
        report = render_report(ws.store, ws.settings)
    top = board.iloc[0]
    assert (
        top["n_comments"] == 5 and "excel" in top["label"].lower() + " ".join(q["text"] for q in top["quotes"]).lower()
    )
    assert [s["value"] for s in top["segments"]] == ["Pro"] and top["segments"][0]["n"] == 5
    assert top["segments"][0]["share"] == 1.0 and top["segments"][0]["overall_share"] == round(5 / 11, 4)
    assert [c["customer_id"] for c in top["customers"]] == ["k1", "k2", "k0"]  # by ARR, not by volume
    assert top["customers"][0]["arr"] == 9000.0
    assert top["score"] == "rating" and top["n_scored"] == 5
    assert top["score_gap"] < -1.0  # askers rate 2 against an average of ≈ 3.6 (in stars)
    assert 0.2 <= top["share_pain"] <= 1.0  # at least the "broken again" comment also reports a pain
    assert "Ideas board" in report and "plan=Pro" in report


def test_cli_ideas_shows_who_asks(tmp_path: Path) -> None:
    path = tmp_path / "cli.empathic"
    _workspace(path).close()
    out = CliRunner().invoke(app, ["ideas", str(path)], env={"COLUMNS": "250"})
    assert out.exit_code == 0, out.output
    assert "plan=Pro" in out.output and "customer k1" in out.output and "rating" in out.output
    with Workspace.open(path, read_only=True) as ws:
        quotes = [q["text"] for q in ws.ideas().quotes.iloc[0]]
    lines = out.output.splitlines()
    assert quotes and all(any(f"“{q[:60]}" in line for line in lines) for q in quotes)  # each example on one line


def test_who_asks_needs_enough_comments_and_a_lift() -> None:
    attrs = pd.DataFrame(
        {"feedback_id": [f"f{i}" for i in range(10)], "name": ["plan"] * 10, "value": ["Pro"] * 3 + ["Basic"] * 7}
    )
    got = who_asks({"a": {"f0", "f1", "f2"}, "b": {"f0", "f1"}, "c": {"f3", "f4", "f5"}}, attrs, n_total=10)
    assert [(s["value"], s["n"], s["lift"]) for s in got["a"]] == [("Pro", 3, 3.33)]
    assert got["b"] == []  # two comments say nothing
    assert [(s["value"], s["lift"]) for s in got["c"]] == [("Basic", 1.43)]  # 100 % of them against 70 % overall
    mixed = who_asks({"d": {"f0", "f3", "f4", "f5"}}, attrs, n_total=10)
    assert mixed["d"] == []  # Basic 75 % against 70 %: no lift worth naming; Pro has one comment
    counts = {"a": pd.Series({"x": 1, "y": 4})}
    assert [c["customer_id"] for c in top_customers(counts, None)["a"]] == ["y", "x"]


def test_requests_the_themes_left_in_other_are_pooled_last_not_an_idea_of_their_own() -> None:
    """Long reviews leave many request sentences in the themes stage's "other" theme; the board must not lead with
    "other" as if it were an idea."""
    from empathic.feelings.ideas import rank_ideas
    from empathic.feelings.queries import grouped_units

    rows = [(f"o{i}", "other", None, "other", None) for i in range(6)]
    rows += [(f"s{i}", "t_seat", "t_leg", "seat", "leg room") for i in range(3)]
    units = pd.DataFrame(rows, columns=["feedback_id", "theme_id", "subtheme_id", "theme", "subtheme"]).assign(
        text="please add more leg room", sentiment=-0.2
    )
    grouped = grouped_units(None, units, seed=42)  # type: ignore[arg-type]  (themed units never touch the store)
    assert set(grouped.loc[grouped["theme_id"].eq("other"), "label"]) == {"other ideas"}
    board = rank_ideas(grouped, n_comments_total=9, min_group=2)
    assert board["label"].tolist()[0] == "leg room"
    assert board["label"].tolist()[-1] == "other ideas"
