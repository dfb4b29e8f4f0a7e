"""The export contract of themes: each comment's primary subtheme and a one-line summary of its theme."""

from __future__ import annotations

import pandas as pd

import empathic
from empathic.cli.main import main
from empathic.themes.rows import SUMMARY_CHARS, summary_line


def test_comments_export_has_the_primary_subtheme_and_the_theme_summary(workspace_copy, tmp_path):
    out = tmp_path / "comments.csv"
    assert main(["export", str(workspace_copy), "comments", "-o", str(out)]) == 0
    comments = pd.read_csv(out, dtype=str, keep_default_na=False)
    for column in ("primary_subtheme_id", "primary_subtheme", "theme_summary"):
        assert column in comments.columns, column
    with empathic.Workspace.open(workspace_copy, read_only=True) as ws:
        tree = ws.themes()
        primary = ws.sql("SELECT feedback_id, theme_id FROM feedback_themes WHERE is_primary AND level = 2")
    subs = tree[tree.level == 2].set_index("theme_id")
    assert len(primary) > 0
    got = comments.set_index("id")
    for fid, sub_id in primary.head(50).itertuples(index=False):
        assert got.loc[fid, "primary_subtheme_id"] == sub_id
        assert got.loc[fid, "primary_subtheme"] == subs.loc[sub_id, "label"]
        assert got.loc[fid, "theme_summary"] == subs.loc[sub_id, "summary"]
    alive = tree[~tree.is_other & (tree.n_comments > 0)]
    assert alive.summary.notna().all() and (alive.summary.str.len() <= SUMMARY_CHARS).all()


def test_a_summary_is_one_line_cut_at_a_word():
    assert summary_line("The  seat\nwas fine.") == "The seat was fine."
    long = "word " * 60
    line = summary_line(long)
    assert len(line) <= SUMMARY_CHARS and line.endswith("word…")


def test_places_and_names_are_a_facet_of_each_comment_and_never_a_theme(tmp_path):
    rows = []
    for i in range(12):
        rows.append((f"a{i:02d}", f"We flew from London to Rome on trip {i}. The seat was cramped and the crew slow."))
        rows.append((f"b{i:02d}", f"Booked it with my Visa card, number {i}. The refund took weeks to arrive."))
        rows.append((f"c{i:02d}", f"The food on board was cold, meal {i}. The lounge had no seats left."))
    frame = pd.DataFrame(rows, columns=["id", "text"])
    path = tmp_path / "e.empathic"
    with empathic.Workspace.open(path) as ws:
        ws.ingest(frame, text="text", id="id")
        ws.analyze(stages=["themes"])
        ents = ws.sql("SELECT feedback_id, entity, kind FROM feedback_entities ORDER BY ALL")
        labels = ws.themes().label.str.lower().tolist()
        comments = ws.comments().set_index("id")
        found = ws.search('entity:"london"', limit=100)
        not_london = ws.search("entity!=London", limit=100)
    assert set(ents[ents.feedback_id == "a00"].entity) == {"London", "Rome"}
    assert set(ents[ents.entity == "London"].kind) == {"place"}
    assert set(ents[ents.entity == "Visa"].kind) == {"name"}
    assert comments.loc["a03", "entities"] == "London;Rome"
    assert comments.loc["c03", "entities"] is None or comments.loc["c03", "entities"] != comments.loc["c03", "entities"]
    assert not any(w in label.split() for label in labels for w in ("london", "rome", "visa"))
    assert sorted(found.id if "id" in found else found.feedback_id) == [f"a{i:02d}" for i in range(12)]
    assert len(not_london) == 24
