"""Emotions (multi-label), empathy-map quadrants and intent on clear examples."""

from __future__ import annotations

import numpy as np
import pytest

from empathic.feelings.emotions import EMOTIONS, detect_emotions, emotion_labels
from empathic.feelings.empathy import classify_quadrant, pains_and_gains
from empathic.feelings.heads import embedder_name
from empathic.feelings.intent import classify_intent
from empathic.feelings.sentiment import score_sentiment
from empathic.feelings.textnorm import clean_texts
from empathic.text.embed import get_embedder

EMBEDDERS = ["fast", "accurate"]


def _vectors(texts: list[str], embedder: str) -> np.ndarray:
    return get_embedder(embedder_name(embedder)).embed(clean_texts(texts))


def test_emotion_scores_are_calibrated_per_emotion() -> None:
    scores = detect_emotions(["ok"], embedder="fast")
    assert scores.shape == (1, len(EMOTIONS))
    assert np.all((scores >= 0) & (scores <= 1))


@pytest.mark.parametrize("embedder", EMBEDDERS)
def test_emotions_are_multi_label(embedder: str) -> None:
    texts = [
        "I am furious and so disappointed with this order.",
        "Thank you so much, I'm so relieved it arrived in time!",
        "I'm worried it won't arrive before the wedding.",
        "I'm confused, which size should I order?",
    ]
    labels = [set(s.split(";")) - {""} for s in emotion_labels(detect_emotions(texts, embedder=embedder))]
    assert {"anger", "disappointment"} & labels[0] and len(labels[0]) >= 2
    assert "gratitude" in labels[1] and len(labels[1]) >= 2
    assert "fear" in labels[2]
    assert "confusion" in labels[3]
    assert not ({"joy", "gratitude", "love"} & labels[0])


CLEAR_QUADRANTS = [
    ("I love how soft this sweater is.", "thinks_feels"),
    ("I'm so disappointed with the quality.", "thinks_feels"),
    ("Other stores offer free returns.", "sees"),
    ("The sleeves are longer than in the photo.", "sees"),
    ("I returned it the next day.", "says_does"),
    ("I cancelled my order and called customer service.", "says_does"),
    ("My friend said it runs small.", "hears"),
    ("Reviewers mentioned the zipper breaks.", "hears"),
]


@pytest.mark.parametrize("embedder", EMBEDDERS)
def test_each_quadrant_on_clear_examples(embedder: str) -> None:
    texts = [t for t, _ in CLEAR_QUADRANTS]
    got = classify_quadrant(texts, _vectors(texts, embedder), embedder=embedder)
    assert list(got) == [q for _, q in CLEAR_QUADRANTS]


CLEAR_INTENTS = [
    ("The zipper broke after one wear.", "bug"),
    ("The material feels cheap for the price.", "complaint"),
    ("It would be great if it came in more colors.", "request"),
    ("Please add a petite size.", "request"),
    ("Absolutely love this dress, fits perfectly!", "praise"),
    ("Does this come in a size 2?", "question"),
    ("I'm cancelling my subscription.", "churn"),
    ("I will never fly with them again.", "churn"),
    ("I ordered a medium.", "other"),
]


@pytest.mark.parametrize("embedder", EMBEDDERS)
def test_each_intent_on_clear_examples(embedder: str) -> None:
    texts = [t for t, _ in CLEAR_INTENTS]
    vectors = _vectors(texts, embedder)
    scores, _ = score_sentiment(texts, vectors, embedder=embedder)
    got = classify_intent(texts, vectors, scores, embedder=embedder)
    assert list(got) == [i for _, i in CLEAR_INTENTS]


def test_pains_and_gains_follow_sentiment_and_intent() -> None:
    sentiment = np.array([-0.8, 0.9, 0.0, 0.1])
    intents = np.array(["complaint", "praise", "churn", "other", "bug;request"], dtype=object)
    pain, gain = pains_and_gains(np.r_[sentiment, 0.0], intents)
    assert pain.tolist() == [True, False, True, False, True]
    assert gain.tolist() == [False, True, False, False, False]


def test_fast_mode_reads_every_vector_from_the_embedder_its_heads_were_trained_on() -> None:
    from empathic.feelings.heads import FAST_EMBEDDER, load_head
    from empathic.feelings.lexicon import FEATURE_NAMES
    from empathic.feelings.prototypes import prototype_embeddings
    from empathic.feelings.vectors import distinct_vectors

    dim = get_embedder(FAST_EMBEDDER).dim
    assert embedder_name("fast") == FAST_EMBEDDER and embedder_name("accurate") == "accurate"
    for head in ("sentiment-fast", "emotions-fast"):
        assert load_head(head).n_features == dim + len(FEATURE_NAMES)
    assert distinct_vectors(["ok", "fine", "ok"], "fast").shape == (3, dim)
    for prototypes in ("empathy_prototypes", "intent_prototypes"):
        assert prototype_embeddings(prototypes, "fast").shape[1] == dim
