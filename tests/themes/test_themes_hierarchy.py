"""The tree's shape: children under the parent they are most like, and no more subthemes than the data carries."""

from __future__ import annotations

import numpy as np

from empathic.themes.assign import assign
from empathic.themes.hierarchy import cap_subthemes, reparent, subtheme_cap
from empathic.themes.model import Theme, normalise

DIM = 6


def _unit(*weights: float) -> np.ndarray:
    return normalise(np.array(list(weights) + [0.0] * (DIM - len(weights)), np.float32))


def test_a_cluster_placed_with_the_wrong_group_moves_to_the_group_it_is_like():
    cents = np.stack([_unit(1, 0.1), _unit(1, 0.2), _unit(0.1, 1), _unit(0.2, 1), _unit(1, 0.15)])
    group = np.array([0, 0, 1, 1, 1])  # the last cluster is about axis 0 but was grouped with axis 1
    moved = reparent(cents, np.ones(5), group)
    assert moved.tolist() == [0, 0, 1, 1, 0]


def test_a_group_never_loses_its_last_member():
    cents = np.stack([_unit(1, 0.1), _unit(1, 0.2), _unit(1, 0.15)])
    assert reparent(cents, np.ones(3), np.array([0, 0, 1])).tolist() == [0, 0, 1]


def test_the_subtheme_cap_scales_with_the_square_root_of_the_comments():
    assert subtheme_cap(100) == 20
    assert subtheme_cap(1289) == 71
    assert subtheme_cap(10_000) == 200


def test_capping_merges_the_least_distinct_siblings_first_and_keeps_the_bigger_id():
    top = Theme("top", None, 1, "top", _unit(1, 1, 1), np.zeros((0, DIM), np.float32))
    subs = [
        Theme(f"s{i}", "top", 2, f"s{i}", v, v[None, :])
        for i, v in enumerate([_unit(1, 0, 0), _unit(1, 0.05, 0), _unit(0, 1, 0), _unit(0, 0, 1)])
    ]
    themes = [top, *subs]
    units = np.stack([_unit(1, 0, 0)] * 1 + [_unit(1, 0.05, 0)] * 3 + [_unit(0, 1, 0)] * 2 + [_unit(0, 0, 1)] * 2)
    first = assign(units, themes, min_similarity=0.25, guided_similarity=2.0)
    assert cap_subthemes(themes, units, first, 3) == 1
    kept = [t.theme_id for t in themes if t.level == 2]
    assert kept == ["s1", "s2", "s3"]  # s0 (1 unit) merged into its near twin s1 (3 units)
    assert len(themes[1].prototypes) == 2
    after = assign(units, themes, min_similarity=0.25, guided_similarity=2.0)
    assert [after.leaf_ids[i] for i in after.leaf[:4]] == ["s1"] * 4


def test_a_leaf_of_one_comments_sentences_goes_and_so_does_its_empty_parent():
    from empathic.themes.hierarchy import drop_ghosts

    big = Theme("big", None, 1, "big", _unit(1), _unit(1)[None, :])
    ghost_top = Theme("gtop", None, 1, "gtop", _unit(0, 1), np.zeros((0, DIM), np.float32))
    ghost = Theme("ghost", "gtop", 2, "ghost", _unit(0, 1), _unit(0, 1)[None, :])
    themes = [big, ghost_top, ghost]
    units = np.stack([_unit(1)] * 6 + [_unit(0.2, 1)] * 6)
    comment = np.array([0, 1, 2, 3, 4, 5] + [6] * 6)  # the ghost's six units are one comment's sentences
    first = assign(units, themes, min_similarity=0.25, guided_similarity=2.0)
    assert drop_ghosts(themes, first, 5, comment) == 1
    assert [t.theme_id for t in themes] == ["big"]
    assert drop_ghosts(themes, assign(units, themes, min_similarity=0.25, guided_similarity=2.0), 50, comment) == 0
