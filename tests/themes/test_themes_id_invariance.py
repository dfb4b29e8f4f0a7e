"""Determinism (issue 17): the tree depends on what the comments say, not on their ids. The same texts under other
ids (and so in another id order) give the same themes, labels and comment counts."""

from __future__ import annotations

import numpy as np
from themes_corpus import corpus

import empathic
from empathic.themes.stage import content_order


def _tree(path, rows) -> list[tuple]:
    with empathic.Workspace.open(path, settings={"themes": {"mode": "fast", "fast_discovery_sample": 200}}) as ws:
        ws.ingest(rows[["id", "text"]], text="text", id="id")
        ws.analyze(stages=["themes"])
        tree = ws.sql("SELECT theme_id, parent_id, level, label, n_comments FROM themes ORDER BY theme_id")
    return [tuple(r) for r in tree.itertuples(index=False)]


def test_renamed_ids_give_the_same_tree(tmp_path):
    rows = corpus(n_single=120, n_double=30)
    renamed = rows.copy()
    # reversed: the new ids sort the comments in the opposite order
    renamed["id"] = [f"z{len(rows) - i:05d}" for i in range(len(rows))]
    first, second = _tree(tmp_path / "a.empathic", rows), _tree(tmp_path / "b.empathic", renamed)
    assert len(first) > 3
    assert first == second


def test_content_order_keeps_comments_whole_and_ignores_ids():
    texts = ["b one", "b two", "a one", "c one", "c two"]
    order = content_order(["1", "1", "2", "3", "3"], texts)
    other = content_order(["9", "9", "8", "7", "7"], texts)
    assert sorted(order.tolist()) == list(range(5))
    assert [texts[i] for i in order] == [texts[i] for i in other]
    position = {int(u): k for k, u in enumerate(order)}
    assert position[1] == position[0] + 1 and position[4] == position[3] + 1  # a comment stays together, in order
    assert isinstance(order, np.ndarray)
