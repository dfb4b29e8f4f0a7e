"""CLI crashes and dead ends found on real exports, each on a tiny planted workspace through the real entry point."""

from __future__ import annotations

import pytest
from analytics_tiny import tiny_store

from empathic import Workspace
from empathic.analytics.compare import resolve_score
from empathic.cli.main import main
from empathic.report import views

MIXED = [10, 9, 9, 8, 7, 6, 3, 10, 9, 5, 8]


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.fixture
def workspace(tmp_path):
    """240 comments: 'Department Name' (3 values) and 'country' (40 values, 'UK' the biggest); a theme that lowers
    the score, one that raises it, and sentiment per comment (the feelings stage's table)."""
    rows = []
    for i in range(240):
        themes = ["bad"] if i % 6 == 0 else ["good"] if i % 6 == 1 else []
        score = 1 if "bad" in themes else 10 if "good" in themes else MIXED[i % 11]
        rows.append({
            "id": f"c{i:03d}", "scores": {"nps": ("nps", score)}, "themes": themes,
            "attrs": {"Department Name": ["Tops", "Dresses", "Bottoms"][i % 3],
                      "country": "UK" if i % 2 else f"country {i % 40:02d}"},
        })  # fmt: skip
    path = tmp_path / "dead.empathic"
    store = tiny_store(path, rows, {"bad": "late delivery", "good": "friendly staff"})
    with store.write() as con:
        con.executemany(
            "INSERT INTO feedback_feelings (feedback_id, sentiment, sentiment_label) VALUES (?, ?, ?)",
            [(r["id"], (-0.6 if r["themes"] == ["bad"] else 0.2) if i % 3 else 0.4, "neutral")
             for i, r in enumerate(rows)],
        )  # fmt: skip
    store.close()
    with Workspace.open(path) as ws:  # the stored results: NULL score_name comes back as NaN
        ws.analyze(stages=["analytics"])
    return path


def test_segments_with_sentiment_rows_render(workspace, capsys):
    # sentiment tests have no score_name (NaN in the frame): Rich could not render it → traceback
    code, out = run(capsys, "segments", workspace, "--by", "Department Name", "--all")
    assert code == 0, out
    assert "Traceback" not in out and "sentiment" in out and "nan" not in out.lower()


def test_drivers_rank_both_directions(workspace, capsys):
    code, out = run(capsys, "drivers", workspace, "--score", "nps", "--top", "1")
    assert code == 0, out
    assert "late delivery" in out and "friendly staff" in out  # the lowering and the raising theme
    assert "nan" not in out.lower()


def test_high_cardinality_attribute_is_pooled_not_skipped(workspace, capsys):
    code, out = run(capsys, "segments", workspace, "--by", "country", "--all", "--top", "3", "-n", "500")
    assert code == 0, out
    assert "skipped" not in out and "pooled as 'other'" in out
    assert "UK" in out and "other" in out


@pytest.fixture
def feelings_workspace(tmp_path):
    """Two themes with sentences in the empathy map's 'thinks & feels' and 'pains' cells."""
    rows = [{"id": f"c{i}", "text": f"comment {i}", "themes": ["tz" if i % 2 else "tw"]} for i in range(8)]
    path = tmp_path / "map.empathic"
    store = tiny_store(path, rows, {"tz": "zipper", "tw": "waist"})
    with store.write() as con:
        for r in rows:
            theme = r["themes"][0]
            text = "the zipper broke at once" if theme == "tz" else "I think the waist runs small"
            con.execute("INSERT INTO sentences VALUES (?, 0, ?, 0, ?)", [r["id"], text, len(text)])
            con.execute("INSERT INTO sentence_themes VALUES (?, 0, ?, NULL, 0.9)", [r["id"], theme])
            con.execute(
                "INSERT INTO sentence_feelings (feedback_id, sentence_idx, sentiment, sentiment_label, quadrant, pain) "
                "VALUES (?, 0, -0.5, 'negative', ?, ?)",
                [r["id"], "pains" if theme == "tz" else "thinks_feels", theme == "tz"],
            )
    store.close()
    return path


def test_empathy_map_theme_by_name(feelings_workspace, capsys):
    code, out = run(capsys, "empathy-map", feelings_workspace, "--theme", "Zipper")
    assert code == 0, out
    assert "theme “zipper”" in out and "the zipper broke" in out and "waist runs small" not in out
    code, by_id = run(capsys, "empathy-map", feelings_workspace, "--theme", "tz")
    assert code == 0 and "the zipper broke" in by_id
    code, out = run(capsys, "empathy-map", feelings_workspace, "--theme", "zipepr")
    assert code == 2 and "no theme 'zipepr'" in out and "'zipper'" in out and "Traceback" not in out


def test_scores_rename_and_what_they_measure(workspace, capsys):
    code, out = run(capsys, "scores", "rename", workspace, "nps", "Likelihood to recommend")
    assert code == 0, out
    code, out = run(capsys, "scores", workspace)
    assert code == 0 and "Likelihood to recommend" in out and "% promoters (9–10) − % detractors (0–6)" in out
    with Workspace.open(workspace, read_only=True) as ws:
        card = views.scores(ws.store)[0]
        assert card["display_name"] == "Likelihood to recommend" and card["measures"].startswith("NPS: % promoters")
        assert resolve_score(ws.store, "likelihood to recommend") == ("nps", "nps")  # compare --score takes it
    code, out = run(capsys, "scores", "rename", workspace, "Q9", "x")
    assert code == 2 and "no score 'Q9'" in out and "Traceback" not in out
    code, out = run(capsys, "scores", "rename", workspace, "nps", "")
    assert code == 0 and "column name again" in out
    code, out = run(capsys, "scores", workspace)
    assert "Likelihood" not in out


def test_score_names_set_at_ingest(tmp_path, capsys):
    csv = tmp_path / "survey.csv"
    csv.write_text("id,comment,Q1\n" + "".join(f"r{i},comment number {i},{i % 11}\n" for i in range(30)))
    target = tmp_path / "named.empathic"
    code, out = run(capsys, "ingest", target, csv, "--text", "comment", "--score", "Q1:nps", "-q",
                    "--score-name", "Q1=Likelihood to recommend")  # fmt: skip
    assert code == 0, out
    code, out = run(capsys, "scores", target)
    assert code == 0 and "Likelihood to recommend" in out and "% promoters" in out
    code, out = run(capsys, "ingest", tmp_path / "bad.empathic", csv, "--score-name", "no equals sign")
    assert code == 2 and "COLUMN=NAME" in out and "Traceback" not in out
    assert not (tmp_path / "bad.empathic").exists()  # a malformed name fails before anything is written
    code, out = run(capsys, "ingest", target, csv, "--text", "comment", "-q", "--score-name", "Q7=x")
    assert code == 2 and "no score 'Q7'" in out and "Traceback" not in out
