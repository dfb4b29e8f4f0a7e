"""Weak data warns instead of crashing; a workspace without comments is skipped with a reason."""

from __future__ import annotations

import pandas as pd

import empathic


def test_three_comments_warn_but_get_a_readable_theme(tmp_path):
    texts = ["The delivery was late again.", "Runs small, order a size up.", "Great price for this dress."]
    with empathic.Workspace.open(tmp_path / "weak.empathic") as ws:
        ws.ingest(pd.DataFrame({"id": ["a", "b", "c"], "text": texts}), text="text", id="id")
        result = ws.analyze(stages=["themes"])[-1]
        assert not result.skipped
        assert any("coarse" in w for w in result.warnings)
        tree = ws.themes()
        real = tree[~tree.is_other]
        assert len(real) >= 1 and not real.label.str.startswith("theme ").any()
        primary = ws.sql("SELECT count(*) AS n FROM feedback_themes WHERE is_primary AND level = 1")
        assert primary.n[0] == 3


def test_no_comments_is_skipped_with_a_reason(tmp_path):
    with empathic.Workspace.open(tmp_path / "empty.empathic") as ws:
        result = ws.analyze(stages=["themes"])[-1]
        assert result.skipped and "ingest" in result.message
