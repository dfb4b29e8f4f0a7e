"""The whole feelings read of a batch of sentence units, and its roll-up to comments (pure, Arrow in/out).

``annotate_units`` is what Spark would run per batch (``mapInArrow``); ``aggregate_comments`` is a group-by that
translates to SQL. Neither touches the store.
"""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa

from empathic.feelings.emotions import EMOTIONS, detect_emotions, emotion_labels
from empathic.feelings.empathy import QUADRANTS, classify_quadrant, pains_and_gains
from empathic.feelings.intent import INTENTS, classify_intent
from empathic.feelings.sentiment import label_sentiment, sentiment_probabilities
from empathic.feelings.settings import FeelingsSettings

SENTENCE_FEELINGS_SCHEMA = pa.schema(
    [
        ("feedback_id", pa.string()),
        ("sentence_idx", pa.int32()),
        ("sentiment", pa.float64()),
        ("sentiment_label", pa.string()),
        ("emotions", pa.string()),
        ("emotion_scores", pa.string()),
        ("quadrant", pa.string()),
        ("pain", pa.bool_()),
        ("gain", pa.bool_()),
        ("intent", pa.string()),
    ]
)
FEEDBACK_FEELINGS_SCHEMA = pa.schema(
    [
        ("feedback_id", pa.string()),
        ("sentiment", pa.float64()),
        ("sentiment_label", pa.string()),
        ("emotions", pa.string()),
        ("emotion_scores", pa.string()),
        ("empathy_quadrants", pa.string()),
        ("intent", pa.string()),
        ("churn_signal", pa.bool_()),
    ]
)
FEEDBACK_EMOTIONS_SCHEMA = pa.schema([("feedback_id", pa.string()), ("emotion", pa.string()), ("score", pa.float64())])


def _scores_json(row: np.ndarray) -> str:
    return json.dumps({e: round(float(v), 3) for e, v in zip(EMOTIONS, row, strict=True)})


def annotate_units(
    units: pa.Table, embeddings: np.ndarray, settings: FeelingsSettings, *, embedder: str
) -> tuple[pa.Table, np.ndarray]:
    """Feelings of every unit.

    Args:
        units: Arrow table with ``feedback_id``, ``sentence_idx``, ``text`` (n rows).
        embeddings: float32 (n, dim) embeddings of the cleaned unit texts from ``embedder``.
        settings: thresholds (neutral band, pain/gain, emotion threshold).
        embedder: "fast" or "accurate" — selects the heads trained on that embedder.

    Returns:
        (a table in SENTENCE_FEELINGS_SCHEMA, float32 (n, len(EMOTIONS)) emotion scores for the roll-up).
    """
    texts = units.column("text").to_pylist()
    scores, labels = label_sentiment(sentiment_probabilities(texts, embeddings, embedder=embedder))
    emotions = detect_emotions(texts, embeddings, embedder=embedder)
    quadrants = classify_quadrant(texts, embeddings, embedder=embedder)
    intents = classify_intent(
        texts, embeddings, scores, embedder=embedder, pain_below=settings.pain_below, gain_above=settings.gain_above
    )
    pain, gain = pains_and_gains(scores, intents, pain_below=settings.pain_below, gain_above=settings.gain_above)
    columns = [
        units.column("feedback_id"),
        units.column("sentence_idx").cast(pa.int32()),
        pa.array(scores),
        pa.array(labels.tolist(), pa.string()),
        pa.array(emotion_labels(emotions, settings.emotion_threshold)),
        pa.array([_scores_json(r) for r in emotions]),
        pa.array(quadrants.tolist(), pa.string()),
        pa.array(pain),
        pa.array(gain),
        pa.array(intents.tolist(), pa.string()),
    ]
    return pa.Table.from_arrays(columns, schema=SENTENCE_FEELINGS_SCHEMA), emotions


def _comment_label(unit_scores: np.ndarray, unit_labels: list[str], settings: FeelingsSettings) -> str:
    band = settings.neutral_band
    opinion = np.abs(unit_scores) >= band
    if opinion.sum() >= 2:
        pos = float((unit_scores[opinion] > 0).mean())
        if pos >= settings.mixed_share and 1 - pos >= settings.mixed_share:
            return "mixed"
    if len(unit_labels) == 1 and unit_labels[0] == "mixed":
        return "mixed"
    mean = float(unit_scores.mean())
    return "positive" if mean >= band else "negative" if mean <= -band else "neutral"


def _ordered_join(values: set[str], order: tuple[str, ...]) -> str:
    return ";".join(v for v in order if v in values)


def aggregate_comments(units: pa.Table, emotions: np.ndarray, settings: FeelingsSettings) -> tuple[pa.Table, pa.Table]:
    """Roll unit feelings up to comments: (FEEDBACK_FEELINGS_SCHEMA table, FEEDBACK_EMOTIONS_SCHEMA table).

    A comment's sentiment is the mean of its units; it is ``mixed`` when at least ``mixed_share`` of its
    opinionated units go each way; its emotion scores are the maximum over its units.
    """
    df = units.select(["feedback_id", "sentiment", "sentiment_label", "quadrant", "intent"]).to_pandas()
    df["_row"] = np.arange(len(df))
    rows, emo_rows = [], []
    for feedback_id, group in df.groupby("feedback_id", sort=True):
        emo = emotions[group["_row"].to_numpy()].max(axis=0)
        over = [int(i) for i in np.argsort(-emo, kind="stable") if emo[i] >= settings.emotion_threshold]
        intents = set(group["intent"]) - {"other"}
        rows.append(
            (
                feedback_id,
                round(float(group["sentiment"].mean()), 4),
                _comment_label(group["sentiment"].to_numpy(), group["sentiment_label"].tolist(), settings),
                ";".join(EMOTIONS[i] for i in over),
                _scores_json(emo),
                _ordered_join(set(group["quadrant"]), QUADRANTS),
                _ordered_join(intents, INTENTS) if intents else "other",
                "churn" in intents,
            )
        )
        emo_rows.extend((feedback_id, EMOTIONS[i], round(float(emo[i]), 4)) for i in over)
    comments = pa.Table.from_pylist(
        [dict(zip(FEEDBACK_FEELINGS_SCHEMA.names, r, strict=True)) for r in rows], schema=FEEDBACK_FEELINGS_SCHEMA
    )
    long = pa.Table.from_pylist(
        [dict(zip(FEEDBACK_EMOTIONS_SCHEMA.names, r, strict=True)) for r in emo_rows], schema=FEEDBACK_EMOTIONS_SCHEMA
    )
    return comments, long
