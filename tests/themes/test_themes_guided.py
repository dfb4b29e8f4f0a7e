"""Guided themes catch paraphrases of an analyst's examples and keywords, and leave same-topic chatter alone.

The texts are our own. Before :mod:`empathic.themes.guided`, a guided theme tagged every unit at least 0.5 close to
one of its prototypes: "the baggage allowance was generous" sat as close to "lost luggage" as "my suitcase never
turned up", so the theme either caught the chatter or missed the paraphrases (measured on the BA reviews in
docs/bench/themes-guided.md).
"""

from __future__ import annotations

import shutil
import zlib
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import empathic
from empathic.text.embed import get_embedder
from empathic.themes.guided import (
    GuidedSpec,
    example_anchors,
    keyword_groups,
    keyword_hit,
    match_guided,
    phrase_hit,
    stem,
    tokens,
    unit_pieces,
)

LOST_BAGGAGE = GuidedSpec(
    "g1",
    "lost baggage",
    keywords=("lost luggage", "missing bag"),
    examples=(
        "My suitcase never arrived at the destination",
        "The airline lost our luggage and nobody knew where it was",
        "Our bags were delivered to the hotel four days later",
    ),
)
PARAPHRASES = [
    "When we landed in Lisbon my luggage simply was not on the belt and it never showed up.",
    "They managed to lose both of our suitcases on a direct flight.",
    "Three days later the courier finally dropped my bag at the hotel.",
    "Our luggage went missing somewhere between Madrid and home.",
]
SAME_TOPIC_CHATTER = [
    "The baggage allowance was generous for an economy ticket.",
    "Bag drop at the terminal was quick and the staff were friendly.",
    "Hand luggage had to go under the seat because the lockers were full.",
    "I paid forty pounds extra for a checked bag.",
]
OTHER = [
    "The seat was narrow and my knees touched the tray table.",
    "Dinner was a tasty chicken curry with a small salad.",
    "The crew were cheerful and attentive all night.",
    "We left on time and landed twenty minutes early.",
    "The lounge was crowded and the coffee machine was broken.",
    "Boarding was chaotic with no queue order at the gate.",
    "The entertainment screen froze twice during the film.",
    "Check-in online was easy and the app worked well.",
]


def _embed(name: str):
    return get_embedder(name).embed


def test_stem_and_phrase_window() -> None:
    assert stem("refunds") == stem("refunded") == stem("refund")
    groups = [[frozenset({"lost"}), frozenset({"luggage", "bags"})]]
    assert phrase_hit(tokens("They lost some of our bags"), groups)  # within the window
    assert not phrase_hit(tokens("I lost my patience at the gate, and much later in the hall our bags came"), groups)


def test_keyword_words_gain_corpus_synonyms() -> None:
    vocabulary = ["luggage", "baggage", "suitcase", "refresh", "pack", "seat"]
    (group,) = keyword_groups(["luggage"], vocabulary, _embed("fast-minilm"))
    assert {"luggage", "baggage", "suitcase"} <= group[0]
    assert "seat" not in group[0] and "pack" not in group[0]


def test_guided_theme_catches_paraphrases_and_not_chatter() -> None:
    texts = PARAPHRASES + SAME_TOPIC_CHATTER + OTHER
    found = match_guided(texts, LOST_BAGGAGE, embed=_embed("accurate"), word_embed=_embed("fast-minilm"), sure=0.43)
    tagged = {texts[i] for i in found.positions}
    assert set(PARAPHRASES) <= tagged
    assert not tagged & set(SAME_TOPIC_CHATTER)
    assert not tagged & set(OTHER)
    again = match_guided(texts, LOST_BAGGAGE, embed=_embed("accurate"), word_embed=_embed("fast-minilm"), sure=0.43)
    assert np.array_equal(found.positions, again.positions)  # deterministic


@pytest.fixture(scope="module")
def airline_workspace(tmp_path_factory) -> str:
    rows = []
    for i, text in enumerate(PARAPHRASES + SAME_TOPIC_CHATTER + OTHER * 4):
        rows.append({"id": f"c{i:03d}", "text": text + " " + OTHER[(i * 3) % len(OTHER)]})
    path = tmp_path_factory.mktemp("guided") / "airline.empathic"
    with empathic.Workspace.open(path) as ws:
        ws.ingest(pd.DataFrame(rows), text="text", id="id")
        ws.analyze(stages=["sentences", "themes"])
    return str(path)


def test_create_theme_tags_exactly_the_matching_comments(airline_workspace) -> None:
    with empathic.Workspace.open(airline_workspace) as ws:
        tree = ws.create_theme(
            "lost baggage", keywords=list(LOST_BAGGAGE.keywords), examples=list(LOST_BAGGAGE.examples)
        )
        theme_id = tree.loc[tree.label == "lost baggage", "theme_id"].iloc[0]
        tagged = set(ws.sql("SELECT feedback_id FROM feedback_themes WHERE theme_id = ?", [theme_id]).feedback_id)
        assert tagged == {f"c{i:03d}" for i in range(len(PARAPHRASES))}
        assert tree.loc[tree.theme_id == theme_id, "n_comments"].iloc[0] == len(PARAPHRASES)
        # the tagged comments keep a discovered theme as well (a guided theme is a tag, not a new home)
        others = ws.sql(
            "SELECT count(DISTINCT feedback_id) AS n FROM feedback_themes WHERE level = 1 AND theme_id NOT IN (?, ?) "
            "AND feedback_id IN (SELECT feedback_id FROM feedback_themes WHERE theme_id = ?)",
            [theme_id, "other", theme_id],
        ).n[0]
        assert others == len(PARAPHRASES)


def test_split_of_a_guided_theme_splits_what_its_matcher_tagged(airline_workspace, tmp_path) -> None:
    """``split`` cuts the units the matcher tagged (the 4 paraphrases), not the old nearest-prototype members: the
    parts' labels are made of the paraphrases' own words, never of the chatter's or the other sentences'."""
    source = Path(airline_workspace)
    copy = tmp_path / source.name
    shutil.copytree(source, copy) if source.is_dir() else shutil.copy2(source, copy)
    with empathic.Workspace.open(copy) as ws:
        tree = ws.themes()
        if not (tree.label == "lost baggage").any():
            tree = ws.create_theme(
                "lost baggage", keywords=list(LOST_BAGGAGE.keywords), examples=list(LOST_BAGGAGE.examples)
            )
        theme_id = tree.loc[tree.label == "lost baggage", "theme_id"].iloc[0]
        before = set(tree.theme_id)
        after = ws.split_theme(theme_id, 2)
        parts = after[~after.theme_id.isin(before)]
        assert len(parts) == 2 and theme_id not in set(after.theme_id)
        own = {stem(w) for text in PARAPHRASES for w in tokens(text)}
        for label in parts.label:
            assert {stem(w) for w in tokens(label)} <= own, label


def test_negated_and_two_word_forms_stand_in_for_a_keyword_word() -> None:
    vocabulary = ["comfortable", "uncomfortable", "seat", "seats", "leg", "room", "legroom", "hotel", "the"]
    groups = keyword_groups(["comfortable seat", "legroom"], vocabulary, _embed("fast-minilm"))
    assert phrase_hit(tokens("Uncomfortable seats all the way"), groups)  # themes say what, not how
    assert phrase_hit(tokens("There was no leg room at all"), groups)
    assert not phrase_hit(tokens("The room at the hotel was comfortable"), groups)


def test_rare_example_words_anchor_and_common_ones_do_not() -> None:
    counts = Counter({"voucher": 2, "vouchers": 1, "hold": 1, "flight": 400, "offered": 30, "small": 9})
    anchors = example_anchors(["All they offered was a small voucher", "An hour on hold"], counts, n_units=1000)
    assert anchors == {"voucher", "vouchers", "hold"}  # at most 0.5 % of 1,000 units each


def test_paraphrase_families_stand_in_for_keyword_words() -> None:
    """A keyword's paraphrase family ("call centre" for "customer service", "did not arrive" for "lost") counts as
    the keyword, with "not" standing for any negator; the bare verb without its negator does not."""
    vocabulary = sorted(
        {w for t in ("call centre helpline luggage arrived arrive sign centre town", "") for w in t.split()}
    )
    groups = keyword_groups(["customer service", "lost luggage"], vocabulary, _embed("fast-minilm"))
    assert phrase_hit(tokens("I rang the call centre three times"), groups)
    assert phrase_hit(tokens("Their helpline was no use at all"), groups)
    assert phrase_hit(tokens("My luggage didn't arrive with me"), groups)
    assert phrase_hit(tokens("There was no sign of our luggage anywhere"), groups)
    assert not phrase_hit(tokens("My luggage arrived quickly"), groups)
    assert not phrase_hit(tokens("We had a call from the town centre"), groups)


def test_asides_hyphens_and_short_clauses_keep_a_keyword_together() -> None:
    """Keyword words 5+ words apart still match across a parenthetical aside or inside one short clause, and a
    hyphenated compound names its parts; a clause break keeps the old limit."""
    vocabulary = ["luggage", "lost", "voucher", "vouchers", "food-vouchers", "food"]
    embed = _embed("fast-minilm")
    lost = keyword_groups(["lost luggage"], vocabulary, embed)
    aside = "Luggage damaged (one large case) and lost (two small cases)."
    assert keyword_hit(aside, tokens(aside), lost)
    clause = "We waited for the luggage until we realised it was lost."
    assert keyword_hit(clause, tokens(clause), lost)
    apart = "I lost my patience at the gate, and much later in the hall our luggage came."
    assert not keyword_hit(apart, tokens(apart), lost)
    voucher = keyword_groups(["voucher"], vocabulary, embed)
    assert phrase_hit(tokens("Everyone was handed food-vouchers at the gate"), voucher)


CONCEPTS = {
    "bag": 0, "bags": 0, "suitcase": 0, "lost": 1, "vanished": 1, "disappeared": 1, "film": 2, "dull": 2,
    "meal": 3, "cold": 3, "seat": 4, "hard": 4, "allowance": 5, "generous": 5, "drop": 6, "quick": 6,
}  # fmt: skip


def _concept_embed(texts: list[str]) -> np.ndarray:
    """A toy sentence embedder: the sum of its words' concepts (bag, loss, film, food, seat …), so a long sentence is
    a blend of everything it mentions and one of its clauses can sit much closer to an example."""
    out = np.full((len(texts), 8), 1e-3, np.float32)
    for row, text in enumerate(texts):
        for word in tokens(text):
            if word in CONCEPTS:
                out[row, CONCEPTS[word]] += 1.0
    return out


def _one_hot_words(texts: list[str]) -> np.ndarray:
    """A toy word embedder under which no two different words are close (no synonym stand-ins): each word is a
    fixed random direction (seeded by its crc32) in a 512-d space."""
    out = np.zeros((len(texts), 512), np.float32)
    for row, text in enumerate(texts):
        for word in tokens(text):
            out[row] += np.random.default_rng(zlib.crc32(word.encode())).standard_normal(512).astype(np.float32)
    return out


def test_a_long_sentence_is_judged_by_its_best_clause() -> None:
    """The bag that vanished is one clause of a sentence about the film, the meal and the seat: as a whole the
    sentence is a blend that stays under the bar, its clause is not."""
    spec = GuidedSpec("g2", "lost bag", keywords=("lost bag",), examples=("my suitcase vanished",))
    long_one = "The film was dull and the meal was cold, the seat was hard and then my bag disappeared."
    texts = [
        long_one,
        "The bag allowance was generous.",
        "Bag drop was quick.",
        "My bag was on the seat.",
        "The film was dull.",
    ]
    assert ["my", "bag", "disappeared"] in [tokens(p) for p in unit_pieces(long_one, frozenset({"bag"}))]
    found = match_guided(texts, spec, embed=_concept_embed, word_embed=_one_hot_words, sure=0.43)
    assert {texts[i] for i in found.positions} == {long_one}
