"""Competitor mentions ("other airlines offer…", "unlike Emirates", "compared to X") are the empathy map's "sees".

Texts are our own. Before, the quadrant rules put "I think other airlines offer more legroom" in thinks & feels
and "We will fly with Virgin instead next time" in says & does, so the sees quadrant never showed the market.
"""

from __future__ import annotations

import pandas as pd

import empathic
from empathic.feelings.competitors import competitor_mentions, competitor_names
from empathic.feelings.empathy import classify_quadrant
from empathic.feelings.textnorm import clean_texts
from empathic.feelings.vectors import embedder_name
from empathic.text.embed import get_embedder

COMPETITOR = [
    "I think other airlines offer far more legroom for the price.",
    "Unlike Emirates, they charge for every seat selection.",
    "Compared to Qatar the food felt like a budget snack.",
    "Next time we will fly with Virgin instead.",
    "Honestly I feel the service is worse than Lufthansa these days.",
]
NOT_COMPETITOR = [
    "Skyway lost my bag and I am furious.",
    "The crew on Skyway were lovely.",
    "It was better than expected.",
    "The seats were nicer than on my last trip.",
    "Our flight to Paris was cheaper than Skyway usually is.",  # the own brand is no competitor
    "I booked the window seat in advance.",
]


def test_names_and_generic_mentions() -> None:
    texts = COMPETITOR + NOT_COMPETITOR
    names = competitor_names(texts)
    assert names[: len(COMPETITOR)] == ["other airlines", "Emirates", "Qatar", "Virgin", "Lufthansa"]
    assert names[len(COMPETITOR) :] == [None] * len(NOT_COMPETITOR)


def test_competitor_mentions_are_sees_whatever_the_other_cues_say() -> None:
    texts = COMPETITOR + NOT_COMPETITOR
    vectors = get_embedder(embedder_name("fast")).embed(clean_texts(texts))
    quadrants = classify_quadrant(texts, vectors, embedder="fast")
    assert list(quadrants[: len(COMPETITOR)]) == ["sees"] * len(COMPETITOR)
    assert competitor_mentions(texts).sum() == len(COMPETITOR)


def test_empathy_map_sees_shows_the_competitor_mentions(tmp_path) -> None:
    comments = [f"{c} {n}" for c, n in zip(COMPETITOR, NOT_COMPETITOR, strict=False)] + NOT_COMPETITOR * 3
    with empathic.Workspace.open(tmp_path / "cx.empathic") as ws:
        ws.ingest(pd.DataFrame({"id": [f"c{i}" for i in range(len(comments))], "text": comments}), text="text", id="id")
        ws.analyze(stages=["sentences", "feelings"])
        stored = ws.sql(
            "SELECT s.text, sf.quadrant FROM sentence_feelings sf JOIN sentences s USING (feedback_id, sentence_idx)"
        )
        by_text = dict(zip(stored.text, stored.quadrant, strict=True))
        assert all(by_text[c] == "sees" for c in COMPETITOR)
        cells = ws.empathy_map().set_index("cell")
    quotes = [q["text"] for q in cells.loc["sees", "quotes"]]
    assert quotes and set(quotes[: max(1, len(quotes) // 2)]) <= set(COMPETITOR)
