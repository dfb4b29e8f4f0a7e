"""Aspect texts: judgements and names leave the text themes are found from; what the unit is about stays."""

from __future__ import annotations

from empathic.themes.aspect import aspect_texts, entity_words, opinion_words


def test_opposite_verdicts_on_one_thing_give_one_aspect_text():
    good, bad = aspect_texts(["The food was great.", "The food was not very good."])
    assert good == bad == "The food was."


def test_words_that_name_a_thing_or_an_event_stay():
    texts = ["My card was stolen", "Flight delayed and bag lost", "The seat comfort", "I was charged a fee twice"]
    assert aspect_texts(texts) == texts
    assert {"stolen", "delay", "lost", "comfort", "charged"}.isdisjoint(opinion_words())


def test_a_pure_verdict_keeps_its_words():
    assert aspect_texts(["Amazing!", "Love it"]) == ["Amazing!", "Love it"]


def test_entity_words_come_from_capitalisation_inside_sentences():
    texts = [
        "We flew from Johannesburg to London last week.",
        "The crew to London were kind.",
        "Our trip via Johannesburg was long.",
        "Again we chose Johannesburg and London, and the food was fine.",
        "The London lounge was busy. London again.",
        "Food came late and the seat was broken.",
        "The food was cold and the seat too.",
        "I said the food was bad and the seat worse.",
    ]
    names, places = entity_words(texts)
    assert "johannesburg" in places and "london" in places
    assert "food" not in names and "seat" not in names and "the" not in names


def test_a_name_that_never_follows_a_place_word_is_not_a_place():
    texts = ["I paid with my Visa card.", "Is my Visa accepted?", "The new Visa is fine.", "We flew to Rome."] * 3
    names, places = entity_words(texts)
    assert "visa" in names and "rome" in names
    assert "visa" not in places and "rome" in places


def test_routes_and_names_are_masked_where_they_are_capitalised():
    entities = ["hong", "johannesburg", "kong", "london"]
    out = aspect_texts(
        [
            "We flew Hong Kong to London and the seats were cramped.",
            "From Johannesburg the crew was late.",
            "How do I change GBP to AUD?",
            "the london eye",  # lower case: not the name as the corpus writes it
        ],
        entities,
    )
    assert out[0] == "We flew and the seats were cramped."
    assert out[1] == "the crew was late."
    assert out[2] == "How do I change GBP to AUD?"  # codes in capitals may be the topic
    assert out[3] == "the london eye"


def test_aspect_texts_are_deterministic_and_keep_order():
    texts = [f"The staff was friendly number {i}" for i in range(50)]
    assert aspect_texts(texts) == aspect_texts(list(texts))
    assert aspect_texts(texts)[7] == "The staff was number 7"


def test_label_wording_drops_names_in_any_case():
    assert aspect_texts(["the windows laptop", "The Windows laptop"], ["windows"], any_case=True) == [
        "the laptop",
        "The laptop",
    ]
    assert aspect_texts(["the windows seat"], ["windows"]) == ["the windows seat"]


def test_a_unit_of_names_only_gives_labels_nothing():
    assert aspect_texts(["London Heathrow."], ["london", "heathrow"]) == ["London Heathrow."]
    assert aspect_texts(["London Heathrow."], ["london", "heathrow"], any_case=True, keep_names=False) == ["."]


def test_acronym_names_are_names_and_acronym_things_are_not():
    texts = ["We flew BA from LHR to JFK in March.", "Then BA lost the bags at JFK again."] * 3 + [
        "The RAM is enough and the TV works.",
        "I added more RAM, the TV screen froze.",
    ] * 3
    names, places = entity_words(texts)
    assert {"ba", "lhr", "jfk"} <= set(names)
    assert "ram" not in names and "tv" not in names  # "the RAM", "the TV": things customers talk about
    assert {"lhr", "jfk"} <= set(places)


def test_hyphenated_routes_of_names_leave_the_label_text():
    from empathic.themes.aspect import vector_and_label_texts

    _, label = vector_and_label_texts(["the Cairo-London route was long"], ["cairo", "london"], ["cairo", "london"])
    assert "cairo" not in label[0].lower() and "route" in label[0]


def test_flight_numbers_and_websites_of_names_leave_the_label_text():
    from empathic.themes.aspect import vector_and_label_texts

    _, label = vector_and_label_texts(["BA16 was late and BA.com crashed", "booked on ba.com"], [], ["ba"])
    assert "ba" not in label[0].lower().replace("late", "") and "late" in label[0]
    assert "ba" not in label[1].lower()
