"""Shares a VP can read (issue 17, round 12): a long comment counts under a theme only through sentences naming the
theme's aspect terms, and the product's catch-all ("flight (general)") hands its subthemes to the top level."""

from __future__ import annotations

import zlib

import numpy as np

from empathic.themes.assign import Assignment
from empathic.themes.hierarchy import merge_lone_top_synonyms, promote_from_catch_all, trim_top_level
from empathic.themes.model import Theme
from empathic.themes.naming import aspect_terms, long_comment_units, named_only, names_any

DIM = 4


def _theme(tid, parent, level, label, keywords=(), own=True, **kw) -> Theme:
    vec = np.zeros(DIM, np.float32)
    vec[zlib.crc32(tid.encode()) % DIM] = 1.0
    protos = vec[None, :] if own else np.zeros((0, DIM), np.float32)
    return Theme(tid, parent, level, label, vec, protos, keywords=list(keywords), **kw)


def test_aspect_terms_leave_out_the_product_word_and_stop_words():
    terms = aspect_terms(["flight was full", "seats", "leg room", "return flight"], frozenset({"flight"}))
    # "flight was full" keeps "full" (not a stop word), "return flight" keeps "return"
    assert frozenset({"seat"}) in terms
    assert frozenset({"leg", "room"}) in terms
    assert all("flight" not in t for t in terms)
    assert names_any("The seat was narrow", terms)
    assert names_any("no room for my leg", terms)  # every word of a term, any order
    assert not names_any("We flew from Leeds to Geneva", terms)


def test_a_long_comments_sentence_that_names_nothing_of_its_theme_goes_to_other():
    seat = _theme("s", None, 1, "seat", keywords=["seat", "leg room"])
    food = _theme("f", None, 1, "food", keywords=["food", "meal"])
    # comment A: 3 units (long), comment B: 1 unit
    texts = ["the seat was hard", "we flew to geneva", "the meal was cold", "we flew to geneva"]
    result = Assignment(["s", "f"], np.array([0, 0, 1, 0]), np.ones(4, np.float32), np.ones(4, bool), [])
    assert long_comment_units(np.array([3, 1])).tolist() == [True, True, True, False]
    out, moved = named_only(result, [seat, food], texts, np.array([3, 1]), frozenset())
    # the long comment's narrative sentence names neither "seat" nor "leg room": other; the one-unit comment keeps
    # its theme (there the unit is the comment)
    assert out.leaf.tolist() == [0, -1, 1, 0]
    assert moved == 1


def test_a_long_comment_that_names_no_theme_keeps_the_themes_it_had():
    card = _theme("c", None, 1, "card", keywords=["card"])
    texts = ["hello there", "i need help", "what can be done", "my card is broken", "it is bad", "why"]
    result = Assignment(["c"], np.zeros(6, np.int64), np.ones(6, np.float32), np.ones(6, bool), [])
    out, moved = named_only(result, [card], texts, np.array([3, 3]), frozenset())
    # the first comment names no term of its theme anywhere: kept as it was; the second loses its unnamed units
    assert out.leaf.tolist() == [0, 0, 0, 0, -1, -1]
    assert moved == 2


def test_a_theme_the_user_named_keeps_all_its_units():
    seat = _theme("s", None, 1, "my seats", keywords=["seat"], label_locked=True)
    result = Assignment(["s"], np.array([0, 0, 0]), np.ones(3, np.float32), np.ones(3, bool), [])
    out, moved = named_only(result, [seat], ["a", "b", "c"], np.array([3]), frozenset())
    assert moved == 0 and out.leaf.tolist() == [0, 0, 0]


def test_segment_tags_of_long_comments_count_only_where_named():
    seat = _theme("s", None, 1, "seat", keywords=["seat"])
    food = _theme("f", None, 1, "food", keywords=["food"])
    result = Assignment(
        ["s", "f"],
        np.array([0, 0, 0]),
        np.ones(3, np.float32),
        np.ones(3, bool),
        [],
        secondary=[(0, "f", 0.5), (1, "f", 0.5)],
    )
    texts = ["seat was hard and the food cold", "seat fine and staff rude", "seat ok"]
    out, _ = named_only(result, [seat, food], texts, np.array([3]), frozenset())
    assert out.secondary == [(0, "f", 0.5)]


def _vectors(labels):
    out = {}
    for i, label in enumerate(labels):
        v = np.zeros(len(labels), np.float32)
        v[i] = 1.0
        out[label] = v
    return out


def test_the_products_catch_all_hands_its_subthemes_to_the_top_level():
    themes = [
        _theme("g", None, 1, "flight (general)", own=False),
        _theme("g1", "g", 2, "crew"),
        _theme("g2", "g", 2, "food and drinks"),
        _theme("g3", "g", 2, "inflight entertainment"),
        _theme("f", None, 1, "food", own=False),
        _theme("f1", "f", 2, "meal"),
    ]
    vectors = _vectors(["flight (general)", "crew", "inflight entertainment", "food", "meal"])
    vectors["food and drinks"] = vectors["food"]  # a reader takes them for the same
    promoted = promote_from_catch_all(themes, vectors)
    assert sorted(promoted) == ["crew", "food and drinks", "inflight entertainment"]
    by = {t.label: t for t in themes}
    assert "flight (general)" not in by
    assert by["crew"].level == 1 and by["crew"].parent_id is None
    assert by["inflight entertainment"].level == 1
    assert by["food and drinks"].parent_id == "f" and by["food and drinks"].level == 2


def test_a_top_level_theme_that_is_no_catch_all_keeps_its_subthemes():
    themes = [_theme("b", None, 1, "baggage", own=False), _theme("b1", "b", 2, "delayed")]
    assert promote_from_catch_all(themes, _vectors(["baggage", "delayed"])) == []
    assert [t.parent_id for t in themes] == [None, "b"]


def test_promoted_synonyms_merge_and_the_top_level_is_trimmed_to_its_cap():
    themes = [
        _theme("a", None, 1, "cabin crew"),
        _theme("b", None, 1, "crew"),
        _theme("c", None, 1, "boarding"),
        _theme("d", None, 1, "landing"),
        _theme("e", None, 1, "food", own=False),
        _theme("e1", "e", 2, "meal"),
    ]
    vectors = _vectors(["cabin crew", "boarding", "landing", "food", "meal"])
    vectors["crew"] = vectors["cabin crew"]
    units = {"a": 50, "b": 10, "c": 30, "d": 3, "e1": 80}
    assert merge_lone_top_synonyms(themes, units, vectors) == [("cabin crew", "crew")]
    assert len(next(t for t in themes if t.theme_id == "a").prototypes) == 2  # its units stay with "cabin crew"
    # 4 top-level themes, cap 3: the smallest lone one goes, the grouping "food" never does
    assert trim_top_level(themes, units, 3) == ["landing"]
    assert sorted(t.label for t in themes if t.level == 1) == ["boarding", "cabin crew", "food"]
