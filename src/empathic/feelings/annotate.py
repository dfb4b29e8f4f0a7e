"""The whole feelings read of a batch of sentence units, and its roll-up to comments (pure, Arrow in/out).

``annotate_units`` is what Spark would run per batch (``mapInArrow``); ``aggregate_comments`` is a group-by that
translates to SQL. Neither touches the store.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from empathic.feelings import rules
from empathic.feelings.emotions import EMOTIONS, comment_scores, detect_emotions, emotion_labels
from empathic.feelings.empathy import QUADRANTS, classify_quadrant, pains_and_gains
from empathic.feelings.encoder import get_encoder
from empathic.feelings.intent import INTENTS, classify_intent, intent_flags
from empathic.feelings.lexicon import lexicon_features
from empathic.feelings.sentiment import label_sentiment, sentiment_probabilities
from empathic.feelings.settings import FeelingsSettings
from empathic.feelings.textnorm import clean_texts
from empathic.store.tables import TABLES

SENTENCE_FEELINGS_SCHEMA = TABLES["sentence_feelings"].arrow_schema()
FEEDBACK_FEELINGS_SCHEMA = TABLES["feedback_feelings"].arrow_schema()
FEEDBACK_EMOTIONS_SCHEMA = TABLES["feedback_emotions"].arrow_schema()


_SCORES_TEMPLATE = "{{" + ", ".join(f'"{e}": {{:.3f}}' for e in EMOTIONS) + "}}"
#: "0.000" … "1.000": every score in 0..1 printed with 3 decimals, looked up instead of formatted.
_THOUSANDTHS = pa.array([f"{k / 1000:.3f}" for k in range(1001)], pa.string())


def _scores_json(row: np.ndarray) -> str:
    """JSON object emotion → score (3 decimals), formatted directly (json.dumps per row is the slow part)."""
    return _SCORES_TEMPLATE.format(*row.tolist())


def scores_json(scores: np.ndarray) -> pa.Array:
    """Arrow strings (n,): ``_scores_json`` of every row of float (n, len(EMOTIONS)) scores, for the whole batch.

    A float32 score times 1000 is exact in float64 and never lies on a .5 tie, so rounding it gives the same
    3 decimals as ``"{:.3f}"``; the digits come from a lookup table and Arrow joins the columns.
    """
    if len(scores) == 0:
        return pa.array([], pa.string())
    if scores.dtype != np.float32 or not ((scores >= 0) & (scores <= 1)).all():
        return pa.array([_scores_json(r) for r in scores], pa.string())
    k = np.rint(scores.astype(np.float64) * 1000).astype(np.int64)
    parts: list = []
    for j, name in enumerate(EMOTIONS):
        parts.append(("{" if j == 0 else ", ") + f'"{name}": ')
        parts.append(_THOUSANDTHS.take(pa.array(k[:, j])))
    parts.append("}")
    return pc.binary_join_element_wise(*parts, "")


@lru_cache(maxsize=1)
def _blas_controller() -> object | None:
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - a core dependency; without it BLAS keeps its own threads
        return None
    return ThreadpoolController()


_BLAS_LOCK = threading.Lock()
_blas_state: dict = {"users": 0, "limiter": None}


@contextlib.contextmanager
def _one_blas_thread() -> Iterator[None]:
    """Context: BLAS on one thread. The heads' products are small (20k × 263 × 384): on 2 cores OpenBLAS's own
    threads cost ≈ 40 % more CPU seconds than they save (``docs/bench/feelings-speed.md``); results are identical.
    Counted, so concurrent ``annotate_units`` calls restore the original limit only when the last one ends."""
    controller = _blas_controller()
    if controller is None:
        yield
        return
    with _BLAS_LOCK:
        if _blas_state["users"] == 0:
            _blas_state["limiter"] = controller.limit(limits=1, user_api="blas")
        _blas_state["users"] += 1
    try:
        yield
    finally:
        with _BLAS_LOCK:
            _blas_state["users"] -= 1
            if _blas_state["users"] == 0:
                _blas_state["limiter"].restore_original_limits()
                _blas_state["limiter"] = None


#: ``annotate_units`` splits a batch over its workers only when each part gets at least this many distinct texts.
MIN_UNITS_PER_WORKER = 2_000


def annotate_units(
    units: pa.Table,
    embeddings: np.ndarray,
    settings: FeelingsSettings,
    *,
    embedder: str,
    workers: int | None = None,
    cleaned: list[str] | None = None,
) -> tuple[pa.Table, np.ndarray]:
    """Feelings of every unit.

    Every output row depends only on the unit's text (and its embedding, a function of the text), so identical
    texts are read once, and the distinct texts are split into contiguous parts read on ``workers`` threads
    (numpy's matrix products, polars' regexes and Arrow release the GIL). The result does not depend on the
    number of workers or on how the caller batches the units (``tests/feelings/test_fast_path_parallel.py``).

    Args:
        units: Arrow table with ``feedback_id``, ``sentence_idx``, ``text`` (n rows).
        embeddings: float32 (n, dim) embeddings of the cleaned unit texts from ``embedder``.
        settings: thresholds (neutral band, pain/gain, emotion threshold) and ``workers``.
        embedder: "fast" or "accurate" — selects the heads trained on that embedder.
        workers: threads for this batch (default ``settings.workers``).
        cleaned: ``clean_texts`` of the unit texts (n,) when the caller already has them (computed here otherwise).

    Returns:
        (a table in SENTENCE_FEELINGS_SCHEMA, float32 (n, len(EMOTIONS)) emotion scores for the roll-up).
    """
    workers = max(1, settings.workers if workers is None else workers)
    text = units.column("text").combine_chunks()
    encoded = pc.dictionary_encode(text, null_encoding="encode")
    inverse = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    first = np.full(len(encoded.dictionary), len(inverse), dtype=np.int64)
    np.minimum.at(first, inverse, np.arange(len(inverse), dtype=np.int64))
    texts = encoded.dictionary.to_pylist()
    clean = clean_texts(texts) if cleaned is None else [cleaned[i] for i in first.tolist()]
    vectors = embeddings[first] if len(first) else embeddings[:0]
    n = len(texts)
    parts = min(workers, max(1, n // MIN_UNITS_PER_WORKER))
    bounds = [n * k // parts for k in range(parts + 1)]
    spans = list(itertools.pairwise(bounds))

    def read(span: tuple[int, int]) -> tuple[list, np.ndarray]:
        a, b = span
        return _annotate_texts(texts[a:b], vectors[a:b], settings, embedder, clean[a:b])

    with _one_blas_thread():
        if parts == 1:
            results = [read(spans[0])]
        else:
            with ThreadPoolExecutor(parts, thread_name_prefix="feelings") as pool:
                results = list(pool.map(read, spans))
    take = pa.array(inverse)
    per_text = [pa.concat_arrays([r[0][j] for r in results]).take(take) for j in range(len(results[0][0]))]
    emotions = np.vstack([r[1] for r in results])[inverse]
    columns = [units.column("feedback_id"), units.column("sentence_idx").cast(pa.int32()), *per_text]
    return pa.Table.from_arrays(columns, schema=SENTENCE_FEELINGS_SCHEMA), emotions


def _annotate_texts(
    texts: list, embeddings: np.ndarray, settings: FeelingsSettings, embedder: str, cleaned: list[str] | None = None
) -> tuple[list[pa.Array], np.ndarray]:
    """The per-text columns of SENTENCE_FEELINGS_SCHEMA (sentiment … intent) and float32 emotion scores."""
    cleaned = clean_texts(texts) if cleaned is None else cleaned
    lexicon = lexicon_features(cleaned)
    scores, labels = label_sentiment(
        sentiment_probabilities(texts, embeddings, embedder=embedder, lexicon=lexicon, cleaned=cleaned)
    )
    emotions = detect_emotions(texts, embeddings, embedder=embedder, lexicon=lexicon)
    lowered = rules.lowered_column(texts)
    quadrants = classify_quadrant(texts, embeddings, embedder=embedder, lowered=lowered)
    intents = classify_intent(
        texts,
        embeddings,
        scores,
        embedder=embedder,
        pain_below=settings.pain_below,
        gain_above=settings.gain_above,
        lowered=lowered,
        head=get_encoder().intent_flags(cleaned) if embedder == "accurate" else None,
    )
    pain, gain = pains_and_gains(scores, intents, pain_below=settings.pain_below, gain_above=settings.gain_above)
    columns = [
        pa.array(scores, pa.float64()),
        pa.array(labels.tolist(), pa.string()),
        pa.array(emotion_labels(emotions, settings.emotion_threshold), pa.string()),
        scores_json(emotions),
        pa.array(quadrants.tolist(), pa.string()),
        pa.array(pain, pa.bool_()),
        pa.array(gain, pa.bool_()),
        pa.array(intents.tolist(), pa.string()),
    ]
    return columns, emotions


def _group_starts(ids: np.ndarray) -> np.ndarray:
    """Start index of each run of equal ids in a sorted id array."""
    return np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])


def _any_per_group(flags: np.ndarray, starts: np.ndarray) -> np.ndarray:
    return np.maximum.reduceat(flags.astype(np.int8), starts).astype(bool)


def _joined(flags: dict[str, np.ndarray], order: tuple[str, ...]) -> list[str]:
    """Per group, the ';'-joined names whose flag is set, in ``order``."""
    columns = [np.where(flags[name], name, "") for name in order]
    return [";".join(v for v in row if v) for row in zip(*columns, strict=True)]


def comment_labels(
    mean: np.ndarray,
    n_units: np.ndarray,
    n_pos: np.ndarray,
    n_neg: np.ndarray,
    single_mixed: np.ndarray,
    settings: FeelingsSettings,
) -> np.ndarray:
    """Comment sentiment labels from ``mean``, the mean score of each comment's opinionated units (of all its units
    when none is opinionated).

    - ``mixed`` when at least ``mixed_share`` of its opinionated units go each way **and** they nearly cancel
      (|mean| < ``mixed_margin``), or when its only unit is mixed;
    - else by the mean against ``neutral_band``; a comment with two or more opinionated units whose mean falls
      inside the band leans to its sign (its opinions are there, one side just outweighs the other).

    Why: a long review is mostly plain facts ("I'm 5'4 and ordered a small") around a few opinions; the mean over
    every unit diluted them to neutral, and any second negative clause made a 5-star review ``mixed``. On 800 long
    clothing reviews outside the held-out fifth (dev), agreement with 1–2 vs 4–5 stars went 0.573 → 0.745 (accurate)
    and 0.471 → 0.715 (fast); docs/bench/feelings.md, "Comment roll-up".
    """
    n_opinion = n_pos + n_neg
    with np.errstate(invalid="ignore", divide="ignore"):
        mixed = (
            (n_opinion >= 2)
            & (n_pos / n_opinion >= settings.mixed_share)
            & (n_neg / n_opinion >= settings.mixed_share)
            & (np.abs(mean) < settings.mixed_margin)
        )
    mixed |= (n_units == 1) & single_mixed
    band = settings.neutral_band
    labels = np.where(mean >= band, "positive", np.where(mean <= -band, "negative", "neutral")).astype(object)
    lean = (labels == "neutral") & (n_opinion >= 2) & (mean != 0)
    labels[lean] = np.where(mean[lean] > 0, "positive", "negative")
    labels[mixed] = "mixed"
    return labels


def comment_sentiment(units: pa.Table, settings: FeelingsSettings) -> pa.Table:
    """(feedback_id, sentiment, sentiment_label) per comment from unit ``sentiment`` / ``sentiment_label`` columns:
    the sentiment part of :func:`aggregate_comments` (the same arithmetic), for readers that need nothing else."""
    ids = np.asarray(units.column("feedback_id").to_pylist(), dtype=object)
    order = np.argsort(ids.astype(str), kind="stable")
    ids = ids[order]
    if len(ids) == 0:
        return pa.table(
            {
                "feedback_id": pa.array([], pa.string()),
                "sentiment": pa.array([], pa.float64()),
                "sentiment_label": pa.array([], pa.string()),
            }
        )
    sentiment = units.column("sentiment").to_numpy()[order]
    unit_labels = np.asarray(units.column("sentiment_label").to_pylist(), dtype=object)[order]
    starts = _group_starts(ids)
    mean, labels = _comment_sentiment(sentiment, unit_labels, starts, settings)
    return pa.table(
        {
            "feedback_id": pa.array(ids[starts].tolist(), pa.string()),
            "sentiment": pa.array(np.round(mean, 4)),
            "sentiment_label": pa.array(labels.tolist(), pa.string()),
        }
    )


def _comment_sentiment(
    sentiment: np.ndarray, unit_labels: np.ndarray, starts: np.ndarray, settings: FeelingsSettings
) -> tuple[np.ndarray, np.ndarray]:
    """(mean score of all units, label) per comment of units sorted by comment (``starts``: each comment's first
    unit). The score stays the mean of every unit; the label reads the mean of the opinionated ones
    (:func:`comment_labels`)."""
    n_units = np.diff(np.r_[starts, len(sentiment)])
    band = settings.neutral_band
    mean = np.add.reduceat(sentiment, starts) / n_units
    opinionated = np.abs(sentiment) >= band
    n_pos = np.add.reduceat((sentiment >= band).astype(int), starts)
    n_neg = np.add.reduceat((sentiment <= -band).astype(int), starts)
    n_opinion = n_pos + n_neg
    opinion_sum = np.add.reduceat(np.where(opinionated, sentiment, 0.0), starts)
    with np.errstate(invalid="ignore", divide="ignore"):
        opinion_mean = np.where(n_opinion > 0, opinion_sum / np.maximum(n_opinion, 1), mean)
    single_mixed = _any_per_group(unit_labels == "mixed", starts)
    labels = comment_labels(opinion_mean, n_units, n_pos, n_neg, single_mixed, settings)
    return mean, labels


def aggregate_comments(
    units: pa.Table,
    emotions: np.ndarray,
    settings: FeelingsSettings,
    mode: str = "fast",
    named: np.ndarray | None = None,
) -> tuple[pa.Table, pa.Table]:
    """Roll unit feelings up to comments: (FEEDBACK_FEELINGS_SCHEMA table, FEEDBACK_EMOTIONS_SCHEMA table).

    A comment's sentiment score is the mean of its units; its label follows the mean of its opinionated units
    (|sentiment| ≥ neutral_band) and is ``mixed`` only when they go both ways and nearly cancel
    (:func:`comment_labels`); its emotion scores are its best unit's, calibrated for the number of
    units (:func:`empathic.feelings.emotions.comment_scores`, ``mode`` picks the calibration, ``named``: which
    units name which emotion, rows like ``emotions``); quadrants and
    intents are the sets over its units ("other" only when nothing else).
    """
    ids = np.asarray(units.column("feedback_id").to_pylist(), dtype=object)
    order = np.argsort(ids.astype(str), kind="stable")
    ids = ids[order]
    sentiment = units.column("sentiment").to_numpy()[order]
    unit_labels = np.asarray(units.column("sentiment_label").to_pylist(), dtype=object)[order]
    quadrants = np.asarray(units.column("quadrant").to_pylist(), dtype=object)[order]
    intents = np.asarray(units.column("intent").to_pylist(), dtype=object)[order]
    if len(ids) == 0:
        return FEEDBACK_FEELINGS_SCHEMA.empty_table(), FEEDBACK_EMOTIONS_SCHEMA.empty_table()
    starts = _group_starts(ids)
    mean, labels = _comment_sentiment(sentiment, unit_labels, starts, settings)
    emo = comment_scores(emotions[order], starts, mode, None if named is None else named[order])
    per_comment = {i: _any_per_group(flags, starts) for i, flags in intent_flags(intents).items()}
    intent_text = _joined(per_comment, tuple(i for i in INTENTS if i != "other"))
    comments = pa.table(
        {
            "feedback_id": pa.array(ids[starts].tolist(), pa.string()),
            "sentiment": pa.array(np.round(mean, 4)),
            "sentiment_label": pa.array(labels.tolist(), pa.string()),
            "emotions": pa.array(emotion_labels(emo, settings.emotion_threshold), pa.string()),
            "emotion_scores": scores_json(emo),
            "empathy_quadrants": pa.array(
                _joined({q: _any_per_group(quadrants == q, starts) for q in QUADRANTS}, QUADRANTS), pa.string()
            ),
            "intent": pa.array([t or "other" for t in intent_text], pa.string()),
            "churn_signal": pa.array(per_comment["churn"]),
        },
        schema=FEEDBACK_FEELINGS_SCHEMA,
    )
    rows, cols = np.nonzero(emo >= settings.emotion_threshold)
    long = pa.table(
        {
            "feedback_id": pa.array(ids[starts][rows].tolist(), pa.string()),
            "emotion": pa.array([EMOTIONS[c] for c in cols], pa.string()),
            "score": pa.array(np.round(emo[rows, cols].astype(np.float64), 4)),
        },
        schema=FEEDBACK_EMOTIONS_SCHEMA,
    )
    return comments, long
