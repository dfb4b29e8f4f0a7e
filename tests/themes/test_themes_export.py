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
