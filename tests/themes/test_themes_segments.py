"""A unit that names two aspects carries both themes (its segments are assigned on their own)."""

from __future__ import annotations

import numpy as np

from empathic.text.embed import get_embedder
from empathic.themes.assign import assign
from empathic.themes.model import Theme
from empathic.themes.segments import aspect_segments, segment_tags


def _leaf(theme_id: str, text: str) -> Theme:
    v = get_embedder("fast-minilm").embed([text])[0]
    return Theme(theme_id, None, 1, theme_id, v, v[None, :])


def test_segments_are_cut_at_list_separators_and_need_a_content_word():
    segments, owner = aspect_segments(["The food was, and the staff", "Only the food", "and, so, the"])
    assert segments == ["The food was", "the staff"]
    assert owner.tolist() == [0, 0]


def test_a_unit_naming_food_and_staff_is_tagged_with_both():
    themes = [_leaf("food", "the food and the dishes"), _leaf("service", "the staff and the waiter")]
    texts = ["The food was and the staff", "The food was"]
    vectors = get_embedder("fast-minilm").embed(["the food", "the food"])
    first = assign(vectors, themes, min_similarity=0.25, guided_similarity=2.0)
    assert [first.leaf_ids[i] for i in first.leaf] == ["food", "food"]
    tags = segment_tags(texts, first, themes, min_similarity=0.25)
    assert [(u, t) for u, t, _ in tags] == [(0, "service")]
    assert all(np.isfinite(s) and s >= 0.25 for _, _, s in tags)


def test_no_extra_tag_when_every_segment_is_about_the_units_own_theme():
    themes = [_leaf("food", "the food and the dishes"), _leaf("service", "the staff and the waiter")]
    vectors = get_embedder("fast-minilm").embed(["the food"])
    first = assign(vectors, themes, min_similarity=0.25, guided_similarity=2.0)
    assert segment_tags(["The pasta, the pizza and the dessert"], first, themes, min_similarity=0.25) == []
