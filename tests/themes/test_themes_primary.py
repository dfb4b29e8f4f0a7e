"""A comment's primary theme is the one that fits the whole comment, not the one most of its sentences carry."""

from __future__ import annotations

import duckdb
import numpy as np

from empathic.themes.assign import FEEDBACK_THEMES_SQL, assign, comment_similarity, sentence_rows
from empathic.themes.model import Theme

DIM = 8


def _axis(i: int) -> np.ndarray:
    v = np.zeros(DIM, np.float32)
    v[i] = 1.0
    return v


def _tree() -> list[Theme]:
    """Two top-level themes, each with one subtheme along its own axis."""
    themes = []
    for top, sub, axis in (("tA", "sA", 0), ("tB", "sB", 1)):
        c = _axis(axis)
        themes.append(Theme(top, None, 1, top, c, np.zeros((0, DIM), np.float32)))
        themes.append(Theme(sub, top, 2, sub, c, c[None, :]))
    return themes


def _primary(whole) -> dict[tuple[str, int], str]:
    themes = _tree()
    # comment c1: two asides near A, one sentence near B; comment c2: a single sentence near B
    units = np.stack([_axis(0) * 0.9 + _axis(2) * 0.1, _axis(0) * 0.8 + _axis(3) * 0.2, _axis(1), _axis(1)])
    units /= np.linalg.norm(units, axis=1, keepdims=True)
    result = assign(units, themes, min_similarity=0.25, guided_similarity=0.5)
    st = sentence_rows(
        np.array(["c1", "c1", "c1", "c2"], dtype=object), np.array([0, 1, 2, 0]), np.arange(4), result, themes, whole
    )
    con = duckdb.connect()
    con.register("st", st)
    rows = con.sql(FEEDBACK_THEMES_SQL).fetchall()
    return {(f, level): t for f, t, level, primary, _ in rows if primary}


def test_without_the_whole_comment_the_majority_of_sentences_decides():
    primary = _primary(None)
    assert primary[("c1", 1)] == "tA" and primary[("c1", 2)] == "sA"
    assert primary[("c2", 1)] == "tB"


def test_the_theme_nearest_the_whole_comment_is_primary_even_when_outvoted():
    themes = _tree()
    whole_c1 = _axis(1) * 0.9 + _axis(0) * 0.3  # the comment as a whole is about B
    whole_c1 /= np.linalg.norm(whole_c1)
    leaf_ids = ["sA", "sB"]
    sims = comment_similarity(whole_c1[None, :], themes, leaf_ids)
    assert sims.shape == (1, 2) and sims[0, 1] > sims[0, 0]
    row = np.array([0, 0, 0, -1])  # c2 is one unit: its own score ranks its themes
    primary = _primary((row, sims))
    assert primary[("c1", 1)] == "tB" and primary[("c1", 2)] == "sB"
    assert primary[("c2", 1)] == "tB"


def test_every_comment_keeps_all_its_themes_whatever_is_primary():
    themes = _tree()
    sims = comment_similarity(np.stack([_axis(1)]), themes, ["sA", "sB"])
    st = sentence_rows(
        np.array(["c1", "c1"], dtype=object),
        np.array([0, 1]),
        np.arange(2),
        assign(np.stack([_axis(0), _axis(1)]), themes, min_similarity=0.25, guided_similarity=0.5),
        themes,
        (np.array([0, 0]), sims),
    )
    con = duckdb.connect()
    con.register("st", st)
    rows = con.sql(FEEDBACK_THEMES_SQL).fetchall()
    assert sorted(t for _, t, level, _, _ in rows if level == 1) == ["tA", "tB"]
    assert sum(primary for _, _, level, primary, _ in rows if level == 1) == 1


def test_only_comments_of_three_units_or_more_are_ranked_by_the_whole():
    import pyarrow as pa

    from empathic.themes.assign import WHOLE_MIN_UNITS
    from empathic.themes.stage import _long_comments_only

    assert WHOLE_MIN_UNITS == 3
    units = pa.table({"feedback_id": ["a", "a", "b", "c", "c", "c"], "sentence_idx": [0, 1, 0, 0, 1, 2]})
    row = np.array([0, 0, -1, 1, 1, 1])
    assert _long_comments_only(units, row).tolist() == [-1, -1, -1, 1, 1, 1]


def test_a_secondary_tag_is_a_theme_of_the_comment_but_never_its_primary():
    from dataclasses import replace

    themes = _tree()
    first = assign(np.stack([_axis(0) * 0.6 + _axis(2) * 0.8]), themes, min_similarity=0.25, guided_similarity=2.0)
    result = replace(first, secondary=[(0, "sB", 0.99)])  # a stronger score than the unit's own 0.6
    st = sentence_rows(np.array(["c1"], dtype=object), np.array([0]), np.arange(1), result, themes)
    con = duckdb.connect()
    con.register("st", st)
    rows = con.sql(FEEDBACK_THEMES_SQL).fetchall()
    assert sorted((t, level, primary) for _, t, level, primary, _ in rows) == [
        ("sA", 2, True),
        ("sB", 2, False),
        ("tA", 1, True),
        ("tB", 1, False),
    ]
