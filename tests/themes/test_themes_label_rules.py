"""Labels a reader accepts (issue 17, item 2), round 11: no possessives, pronouns, verdicts or lone modifiers, and
the word that names the product itself never labels a theme alone."""

from __future__ import annotations

import pytest

from empathic.themes.labels import container_words, drop_containers, labelable, phrase_scores


@pytest.mark.parametrize(
    "phrase", ["ba's", "gatwick's morning", "nobody", "least", "none", "flight fine", "mid afternoon"]
)
def test_possessives_pronouns_and_verdicts_are_never_labels(phrase):
    assert not labelable(phrase)


@pytest.mark.parametrize("phrase", ["afternoon tea", "customer service", "fit", "boarding"])
def test_aspects_stay_labels(phrase):
    assert labelable(phrase)


def test_a_word_that_always_qualifies_another_is_not_a_label_alone():
    # "absolute" precedes a different content word each time: a modifier; "meal" is named on its own
    group = [
        "an absolute disgrace from start to end",
        "the crew were an absolute pleasure",
        "boarding was an absolute joke",
        "an absolute shambles at the gate",
        "what an absolute mess today",
        "the meal was cold",
        "meal came late",
        "no meal at all",
        "the meal was fine",
        "a meal and a drink",
    ]
    phrases = {p for p, _ in phrase_scores([group, ["the seat was hard", "the seat was wide"]])[0]}
    assert "meal" in phrases
    assert "absolute" not in phrases


def test_the_word_most_comments_use_is_a_container_and_never_a_label_alone():
    comments = [["the flight was late", f"seat {i} was hard"] for i in range(40)]
    comments += [["our flight left on time", "food was cold"] for _ in range(30)]
    comments += [["the food was cold"] for _ in range(20)] + [["great value"] for _ in range(10)]
    containers = container_words(comments)
    assert containers == {"flight"}  # in 70 % of the comments; "food" in 50 %, "seat" in 40 %
    ranked = [[("flight", 1.0), ("flights", 0.9), ("flight delayed", 0.8), ("seat", 0.5)]]
    assert drop_containers(ranked, containers) == [[("flight delayed", 0.8), ("seat", 0.5)]]


def test_few_or_short_comments_have_no_container():
    assert container_words([["card declined"]] * 49) == frozenset()
    words = ["refund", "card", "transfer", "pin", "fee"]
    assert container_words([[f"{words[i % 5]} problem"] for i in range(100)]) == {"problem"}
    assert container_words([[words[i % 5]] for i in range(100)]) == frozenset()


def test_a_word_a_reader_takes_for_the_container_is_dropped_too():
    from empathic.themes.discover import _container_synonyms

    ranked = [[("flying", 1.0), ("airline", 0.9), ("aircraft", 0.8), ("food", 0.7), ("return flight", 0.6)]]
    assert _container_synonyms(ranked, frozenset({"flight"})) == {"flying", "airline"}
    assert _container_synonyms(ranked, frozenset()) == frozenset()


def test_a_unit_that_only_names_places_is_no_aspect():
    from empathic.themes.stage import names_only

    got = names_only(["San Jose to London.", "It's ok.", "London seat was wide", "Really?"], {"san", "jose", "london"})
    assert got.tolist() == [True, False, False, False]


def test_the_products_catch_all_is_labelled_general_not_after_an_aspect_it_does_not_hold():
    from empathic.themes.labels import general_labels

    containers = frozenset({"flight"})
    ranked = [
        [("flight", 0.056), ("cabin", 0.045), ("cabin crew", 0.043), ("crew", 0.041)],  # no aspect stands out
        [("flight", 0.147), ("bags", 0.077), ("baggage", 0.065)],  # led by the container, but about bags
        [("food", 0.229), ("meal", 0.075)],  # not led by the container
        [],
    ]
    assert general_labels(ranked, containers) == ["flight (general)", None, None, None]
    assert general_labels(ranked, frozenset()) == [None, None, None, None]  # no container: nothing is general


@pytest.mark.parametrize("phrase", ["customers", "premium passengers", "frequent flyers", "users"])
def test_the_people_who_write_are_no_label(phrase):
    # round 12: BA's "customers", "passengers", "premium passengers" name whom, not what
    assert not labelable(phrase)


@pytest.mark.parametrize("phrase", ["customer service", "passenger seat", "user interface"])
def test_a_phrase_about_what_the_people_get_stays(phrase):
    assert labelable(phrase)


def test_phrases_that_name_a_kind_of_the_product_are_dropped_with_it():
    ranked = [
        [
            ("budget airline", 0.5),
            ("return flight", 0.4),
            ("flight experience", 0.3),
            ("flight delayed", 0.2),
            ("flight attendant", 0.1),
            ("airline", 0.05),
        ]
    ]
    kept = [p for p, _ in drop_containers(ranked, frozenset({"flight", "airline"}))[0]]
    assert kept == ["flight delayed", "flight attendant"]


def test_experience_never_labels_a_theme_alone():
    group = ["the whole experience was poor", "a poor experience", "experience was bad", "what an experience"]
    phrases = {p for p, _ in phrase_scores([group, ["the seat was hard", "the seat was wide"]])[0]}
    assert "experience" not in phrases
