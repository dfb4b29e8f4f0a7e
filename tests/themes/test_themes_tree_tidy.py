"""A tree a reader accepts (issue 17, item 2): labels are noun-phrase aspects, synonyms are one theme, a subtheme
that holds most of its parent is the parent, and each subtheme sits under the parent it is most like."""

from __future__ import annotations

import numpy as np
import pytest

from empathic.themes.assign import assign
from empathic.themes.hierarchy import (
    dissolve_catch_alls,
    leaf_units,
    merge_synonyms,
    reparent_leaves,
)
from empathic.themes.labels import labelable, phrase_scores
from empathic.themes.model import Theme, children, normalise

DIM = 6


def _unit(*weights: float) -> np.ndarray:
    return normalise(np.array(list(weights) + [0.0] * (DIM - len(weights)), np.float32))


def _top(tid: str, label: str, *weights: float) -> Theme:
    return Theme(tid, None, 1, label, _unit(*weights), np.zeros((0, DIM), np.float32))


def _sub(tid: str, parent: str, label: str, *weights: float) -> Theme:
    v = _unit(*weights)
    return Theme(tid, parent, 2, label, v, v[None, :])


@pytest.mark.parametrize(
    "phrase",
    [
        "turned out",  # verb + particle
        "flight back",  # direction adverb: a story
        "hour flight",  # a duration
        "time flying",
        "feet tall",  # a size
        "flight landed",  # what happened
        "lounge appeared",
        "flight left",  # irregular past
        "earlier flight",  # a place in the story
        "overall experience",
        "full flight",  # a state
        "quick and flight",
        "go hungry",  # a light verb's phrase
        "plan on stopping",  # a clause
        "landed on time",
        "cheaper flight",  # a comparative
        "food-awesome",  # a judgement behind a hyphen
        "far",  # an adverb
    ],
)
def test_a_narrative_duration_or_state_phrase_is_never_a_label(phrase):
    assert not labelable(phrase)


@pytest.mark.parametrize(
    "phrase",
    ["cabin crew", "leg room", "seat comfort", "flight cancelled", "card declined", "return policy", "battery life"],
)
def test_aspects_and_reported_events_stay_labels(phrase):
    assert labelable(phrase)


def test_a_phrase_cut_out_of_a_longer_name_is_never_a_candidate():
    # "class" always follows "business" here, "aisle" always precedes "seat": "class seat" and "aisle" alone are
    # cuts; "business class" and "aisle seat" are whole names
    group = [
        "the business class seat was wide",
        "business class lounge had showers",
        "we paid for business class again",
        "business class meal came late",
        "the business class cabin felt new",
        "got an aisle seat for once",
        "the aisle seat had room",
        "booked the aisle seat online",
        "aisle seat near the front",
        "an aisle seat in row nine",
    ]
    phrases = {p for p, _ in phrase_scores([group, ["the meal was cold", "the meal came late"]])[0]}
    assert "business class" in phrases and "aisle seat" in phrases
    assert not {"class seat", "class lounge", "class", "aisle"} & phrases


def _tree_with(counts: dict[str, int], themes: list[Theme]):
    """Units placed at each leaf's centroid, ``counts[label]`` times, assigned to the tree."""
    vectors = np.concatenate([np.repeat(t.centroid[None, :], counts[t.label], axis=0) for t in themes if t.level == 2])
    return vectors, assign(vectors, themes, min_similarity=0.0, guided_similarity=2.0)


def test_a_subtheme_holding_most_of_its_parents_units_folds_into_the_parent():
    themes = [
        _top("seat", "seat", 1, 1, 0),
        _sub("aisle", "seat", "aisle seat", 1, 0, 0),
        _sub("leg", "seat", "leg room", 0, 1, 0),
    ]
    vectors, result = _tree_with({"aisle seat": 80, "leg room": 20}, themes)
    folded = dissolve_catch_alls(themes, leaf_units(themes, result))
    assert folded == ["aisle seat"]
    assert [c.label for c in children(themes, "seat")] == ["leg room"]
    again = assign(vectors, themes, min_similarity=0.0, guided_similarity=2.0)
    held = {tid: int((again.leaf == i).sum()) for i, tid in enumerate(again.leaf_ids)}
    assert held == {"seat": 80, "leg": 20}  # the units stay, now with the parent itself


def test_subthemes_that_share_their_parent_evenly_are_kept():
    themes = [
        _top("food", "food", 1, 1, 1),
        _sub("a", "food", "drinks", 1, 0, 0),
        _sub("b", "food", "breakfast", 0, 1, 0),
        _sub("c", "food", "cup of tea", 0, 0, 1),
    ]
    _, result = _tree_with({"drinks": 45, "breakfast": 30, "cup of tea": 25}, themes)
    assert dissolve_catch_alls(themes, leaf_units(themes, result)) == []
    assert len(children(themes, "food")) == 3


def _label_vectors(labels):
    from empathic.text.embed import get_embedder

    vectors = normalise(np.asarray(get_embedder("fast-minilm").embed(labels), np.float32))
    return dict(zip(labels, vectors, strict=True))


def test_sibling_themes_with_synonym_labels_merge_and_different_ones_do_not():
    themes = [
        _top("top", "flight", 1, 1, 1, 1),
        _sub("meal", "top", "meal", 1, 0, 0),
        _sub("food", "top", "food", 0.9, 0.1, 0),
        _sub("aisle", "top", "aisle seat", 0, 1, 0),
        _sub("window", "top", "window seat", 0, 0.9, 0.1),
    ]
    units = {"meal": 10, "food": 30, "aisle": 20, "window": 15}
    vectors = _label_vectors(["flight", "meal", "food", "aisle seat", "window seat"])
    merged = merge_synonyms(themes, units, vectors)
    assert merged == [("food", "meal")]  # the bigger one stays
    assert sorted(c.label for c in children(themes, "top")) == ["aisle seat", "food", "window seat"]
    food = next(t for t in themes if t.theme_id == "food")
    assert len(food.prototypes) == 2 and units["food"] == 40


def test_a_subtheme_named_as_its_parent_folds_in_but_a_part_of_it_stays():
    themes = [
        _top("food", "food", 1, 1, 1),
        _sub("meal", "food", "meal", 1, 0, 0),
        _sub("quality", "food", "food quality", 0, 1, 0),
        _sub("drinks", "food", "drinks", 0, 0, 1),
    ]
    units = {"meal": 10, "quality": 30, "drinks": 20}
    merged = merge_synonyms(themes, units, _label_vectors(["food", "meal", "food quality", "drinks"]))
    assert merged == [("food", "meal")]
    assert sorted(c.label for c in children(themes, "food")) == ["drinks", "food quality"]
    assert len(next(t for t in themes if t.theme_id == "food").prototypes) == 1


def test_a_subtheme_under_the_wrong_parent_moves_to_the_one_it_is_like():
    themes = [
        _top("a", "food", 1, 0, 0),
        _sub("a1", "a", "meal", 1, 0.1, 0),
        _sub("a2", "a", "drinks", 1, 0.2, 0),
        _top("b", "boarding", 0, 1, 0),
        _sub("b1", "b", "queues", 0.1, 1, 0),
        _sub("b2", "b", "gate", 0.2, 1, 0),
        _sub("b3", "b", "breakfast", 1, 0.15, 0),  # about food, grouped with boarding
    ]
    moved = reparent_leaves(themes)
    assert moved == 1
    assert sorted(c.label for c in children(themes, "a")) == ["breakfast", "drinks", "meal"]
    assert sorted(c.label for c in children(themes, "b")) == ["gate", "queues"]


def test_a_tree_the_user_edited_is_not_reparented():
    themes = [
        _top("a", "food", 1, 0, 0),
        _sub("a1", "a", "meal", 1, 0.1, 0),
        _top("b", "boarding", 0, 1, 0),
        _sub("b1", "b", "queues", 0.1, 1, 0),
        _sub("b3", "b", "breakfast", 1, 0.15, 0),
    ]
    themes[-1].label_locked = True
    assert reparent_leaves(themes) == 0
    assert themes[-1].parent_id == "b"


def test_two_subthemes_that_split_their_parent_unevenly_are_both_kept():
    themes = [_top("kb", "keyboard", 1, 1, 0), _sub("k", "kb", "keys", 1, 0, 0), _sub("t", "kb", "touchpad", 0, 1, 0)]
    _, result = _tree_with({"keys": 60, "touchpad": 40}, themes)
    assert dissolve_catch_alls(themes, leaf_units(themes, result)) == []


def test_a_theme_whose_every_aspect_is_taken_is_named_general_not_after_a_rare_phrase():
    from empathic.themes.labels import distinct_labels

    ranked = [[("flight", 3.0), ("quick", 2.0)] + [(f"word{i}", 1.0) for i in range(80)] + [("rare thing", 0.1)]]
    assert distinct_labels(ranked, [0], {"other", "flight"}) == {0: "word0"}
    # nothing free in the head (verdicts are never labels); the free phrase beyond it is used once
    ranked = [[("flight", 3.0), ("quick", 2.0)] + [("service is fast", 0.5)] * 70 + [("rare thing", 0.1)]]
    assert distinct_labels(ranked, [0], {"other", "flight"}) == {0: "flight (general)"}


def test_a_plural_in_es_is_the_same_label_to_a_reader():
    from empathic.themes.labels import label_key

    assert label_key("dresses") == label_key("dress") and label_key("lunches") == label_key("lunch")
    assert label_key("shoes") == label_key("shoe")


def test_a_subtheme_named_as_the_plural_of_its_parent_folds_in():
    themes = [_top("d", "dress", 1, 1, 0), _sub("p", "d", "dresses", 1, 0, 0), _sub("l", "d", "lining", 0, 1, 0)]
    units = {"p": 20, "l": 20}
    assert merge_synonyms(themes, units, _label_vectors(["dress", "dresses", "lining"])) == [("dress", "dresses")]
    assert [c.label for c in children(themes, "d")] == ["lining"]
