"""Sentiment per unit: negation, contrast, intensifiers, emoji — on both the fast and the accurate heads."""

from __future__ import annotations

import numpy as np
import pytest

from empathic.feelings.sentiment import score_sentiment
from empathic.text.sentences import split_units

EMBEDDERS = ["fast", "accurate"]


def _score(texts: list[str], embedder: str) -> tuple[np.ndarray, np.ndarray]:
    return score_sentiment(texts, embedder=embedder)


@pytest.mark.parametrize("embedder", EMBEDDERS)
def test_negation_flips_polarity(embedder: str) -> None:
    scores, labels = _score(
        ["The quality is good.", "The quality is not good.", "I would recommend it.", "I would not recommend it."],
        embedder,
    )
    assert scores[0] > 0.3 and labels[0] == "positive"
    assert scores[1] < scores[0] - 0.5 and labels[1] == "negative"
    assert scores[2] > scores[3] + 0.5 and labels[3] == "negative"


@pytest.mark.parametrize("embedder", EMBEDDERS)
def test_each_side_of_a_contrast_gets_its_own_sentiment(embedder: str) -> None:
    text = "I love the fabric but it runs small and the zipper broke"
    units = [text[s:e] for s, e in split_units(text)]
    assert len(units) == 2
    scores, labels = _score(units, embedder)
    assert labels[0] == "positive" and scores[0] > 0.3
    assert labels[1] == "negative" and scores[1] < -0.3


@pytest.mark.parametrize("embedder", EMBEDDERS)
def test_emoji_move_the_score(embedder: str) -> None:
    scores, labels = _score(["Flight delayed again 😡", "Got my refund today 😍", "Got my refund today 😡"], embedder)
    assert labels[0] == "negative"
    assert scores[1] > scores[2]  # the emoji alone moves the score the right way


@pytest.mark.parametrize("embedder", EMBEDDERS)
def test_intensifiers_raise_the_score(embedder: str) -> None:
    scores, _ = _score(["The quality was good.", "The quality was extremely good!!!"], embedder)
    assert scores[1] >= scores[0] > 0


@pytest.mark.parametrize("embedder", EMBEDDERS)
def test_scores_are_bounded_and_neutral_facts_are_neutral(embedder: str) -> None:
    scores, labels = _score(
        ["I ordered a medium.", "What time does the store open?", "Terrible!", "Perfect!"], embedder
    )
    assert np.all(np.abs(scores) <= 1.0)
    assert labels[0] == "neutral" and labels[1] == "neutral"
    assert scores[2] < -0.5 < 0.5 < scores[3]


def test_emoji_are_read_as_words_for_sentiment_only() -> None:
    from empathic.feelings.encoder import emoji_as_words, get_encoder

    texts = ["Got my refund today 😍", "Got my refund today 😡", "Got my refund today", "plain  text"]
    read = emoji_as_words(texts)
    assert read[0] == "Got my refund today smiling face with heart-eyes" and "pouting face" in read[1]
    assert read[2:] == texts[2:]  # texts without an emoji are left as they are
    encoder = get_encoder()
    raw_sentiment, raw_emotions = encoder.predict(texts)
    sentiment = encoder.sentiment(texts)
    np.testing.assert_array_equal(sentiment[2:], raw_sentiment[2:])
    assert sentiment[0, 2] - sentiment[0, 0] > sentiment[1, 2] - sentiment[1, 0]
    np.testing.assert_allclose(raw_emotions[0], raw_emotions[1], atol=1e-6)  # emotions still read [UNK]
    np.testing.assert_array_equal(encoder.predict(texts)[1], raw_emotions)  # the shared run is not overwritten


def test_plain_statement_rule_is_narrow() -> None:
    from empathic.feelings.lexicon import lexicon_features
    from empathic.feelings.sentiment import PLAIN_NEUTRAL, plain_statement_adjust

    texts = ["I ordered a medium.", "I ordered a medium.", "I love it.", "The zipper broke."]
    proba = np.array(
        [[0.05, 0.45, 0.5], [0.05, PLAIN_NEUTRAL - 0.05, 1.0 - PLAIN_NEUTRAL], [0.0, 0.45, 0.55], [0.3, 0.5, 0.2]]
    )
    out = plain_statement_adjust(texts, proba, lexicon_features(texts)[:, 0])
    assert out[0].argmax() == 1 and out[0, 2] < 0.2
    np.testing.assert_array_equal(out[1:], proba[1:])  # low own neutral margin, an opinion word, a problem cue
    np.testing.assert_allclose(out.sum(axis=1), 1.0)


def test_fast_no_opinion_rule_settings() -> None:
    from empathic.feelings.lexicon import lexicon_features
    from empathic.feelings.sentiment import NO_OPINION_MIN_NEUTRAL, NO_OPINION_SHIFT, lexicon_adjust

    texts = ["I ordered a medium.", "I ordered a small.", "I love it.", "My bag never arrived."]
    proba = np.array([[0.53, 0.21, 0.26], [0.1, 0.5, 0.4], [0.0, 0.45, 0.55], [0.2, 0.6, 0.2]])
    compound = lexicon_features(texts)[:, 0]
    shipped = lexicon_adjust(texts, proba, compound)
    explicit = lexicon_adjust(
        texts, proba, compound, no_opinion_shift=NO_OPINION_SHIFT, no_opinion_min_neutral=NO_OPINION_MIN_NEUTRAL
    )
    np.testing.assert_array_equal(shipped, explicit)
    assert shipped[0].argmax() == 1  # every calm unit: the plain fact becomes neutral
    narrow = lexicon_adjust(texts, proba, compound, no_opinion_shift=0.8, no_opinion_min_neutral=0.4)
    np.testing.assert_array_equal(narrow[0], proba[0])  # its own P(neutral) 0.21 < 0.4: left alone
    assert narrow[1, 1] > proba[1, 1]
    np.testing.assert_array_equal(narrow[2], proba[2])  # an opinion word
    assert narrow[3, 0] > proba[3, 0]  # the problem report still moves to negative
    np.testing.assert_allclose(narrow.sum(axis=1), 1.0)
