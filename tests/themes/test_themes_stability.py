"""Stability (issue 17, item 6): two files that differ in 5 % of their rows keep ≥ 90 % of their top-level themes,
matched by members (Jaccard ≥ 0.5 on the comments both hold), with the same labels (as a reader compares them).
bench/themes_stability.py measures the same on the BA reviews."""

from __future__ import annotations

import pandas as pd
import pytest
from themes_corpus import NEW_TOPIC, corpus

import empathic
from empathic.themes.labels import label_key


def _top_level(path, rows: pd.DataFrame) -> dict[str, set[str]]:
    with empathic.Workspace.open(path) as ws:
        ws.ingest(rows[["id", "text"]], text="text", id="id")
        ws.analyze(stages=["themes"])
        tops = ws.sql("SELECT theme_id, label FROM themes WHERE level = 1 AND NOT is_other AND status <> 'deleted'")
        ft = ws.sql("SELECT feedback_id, theme_id FROM feedback_themes WHERE level = 1")
    return {
        label: set(ft[ft.theme_id == tid].feedback_id) for tid, label in zip(tops.theme_id, tops.label, strict=True)
    }


def _matched(tmp_path) -> tuple[int, int, int]:
    """(top-level themes of file A, kept by members, kept by members with the same label)."""
    a = corpus()
    b = a.copy()
    swap = list(range(0, len(a), 20))  # every 20th row replaced by a comment on another subject
    b.loc[swap, "id"] = [f"x{i:04d}" for i in range(len(swap))]
    b.loc[swap, "text"] = [NEW_TOPIC[i % len(NEW_TOPIC)] for i in range(len(swap))]
    shared = set(a.id) & set(b.id)
    first, second = _top_level(tmp_path / "a.empathic", a), _top_level(tmp_path / "b.empathic", b)
    kept = same = 0
    for label, members in first.items():
        members &= shared
        scores = {o: len(members & m) / max(1, len(members | (m & shared))) for o, m in second.items()}
        best = max(sorted(scores), key=scores.__getitem__)
        kept += scores[best] >= 0.5
        same += scores[best] >= 0.5 and label_key(best) == label_key(label)
    return len(first), kept, same


@pytest.fixture(scope="module")
def matched(tmp_path_factory) -> tuple[int, int, int]:
    return _matched(tmp_path_factory.mktemp("stability"))


@pytest.mark.xfail(
    reason="issue #17: with units in content order (ids no longer matter) file A's top level is 8 themes, two topics "
    "split in two because the 6-group cut's biggest group exceeds group_clusters' 25 % unit cap; file B has 6: "
    "6 of 8 kept (main, units in id order: 6 of 6)"
)
def test_five_percent_other_rows_keep_the_top_level_by_members(matched):
    n, kept, _ = matched
    assert n >= 3
    assert kept >= 0.9 * n


@pytest.mark.xfail(reason="issue #17: 5 of 6 top-level labels kept on merged main (one branch run kept 6 of 6)")
def test_five_percent_other_rows_keep_the_top_level_labels(matched):
    n, _, same = matched
    assert same >= 0.9 * n
