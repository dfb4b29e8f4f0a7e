"""The lakehouse per-row function: a batch of comments in, one annotated row per sentence unit out (no I/O).

Every comment's units are in the same batch, so the comment-level reads (its vector for the theme context, its
feelings roll-up, its primary theme) are computed here too and repeated on each of its units; the job then takes
them once per comment. Models load once per Python worker (cached per process).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pyarrow as pa

from empathic.feelings.annotate import aggregate_comments
from empathic.feelings.heads import row_matmul
from empathic.feelings.rows import annotate_batch, split_emotions
from empathic.feelings.settings import FeelingsSettings
from empathic.spark.model import ThemeModel, meaning_texts
from empathic.text.embed import get_embedder
from empathic.text.sentences import split_sentences
from empathic.themes.embedding import normalise_rows
from empathic.themes.model import OTHER_ID, leaves

ANNOTATED_UNITS_SCHEMA = pa.schema(
    [
        ("feedback_id", pa.string()),
        ("sentence_idx", pa.int32()),
        ("text", pa.string()),
        ("theme_id", pa.string()),
        ("subtheme_id", pa.string()),
        ("theme_score", pa.float64()),
        ("sentiment", pa.float64()),
        ("sentiment_label", pa.string()),
        ("emotions", pa.string()),
        ("quadrant", pa.string()),
        ("intent", pa.string()),
        ("pain", pa.bool_()),
        ("gain", pa.bool_()),
        # the comment's, repeated on each of its units
        ("primary_theme_id", pa.string()),
        ("comment_sentiment", pa.float64()),
        ("comment_sentiment_label", pa.string()),
        ("comment_emotions", pa.string()),
        ("comment_intent", pa.string()),
        ("churn_signal", pa.bool_()),
        ("n_units", pa.int32()),
    ]
)


def _mapped(static: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Normalised static vectors mapped into MiniLM's space, every row bit-for-bit independent of the batch
    around it (fixed-shape products: ``row_matmul``), so partitioning never changes a theme or a score."""
    return normalise_rows(row_matmul(normalise_rows(static), weights[:-1]) + weights[-1])


def _assign(vectors: np.ndarray, model: ThemeModel) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(leaf ids, each unit's leaf index or −1 for other, its similarity): the nearest prototype wins, as in
    :func:`empathic.themes.assign.assign`, with batch-independent products."""
    leaf_themes = leaves(model.themes)
    if not leaf_themes or len(vectors) == 0:
        return [], np.full(len(vectors), -1, np.int64), np.zeros(len(vectors), np.float32)
    protos = np.concatenate([t.prototypes for t in leaf_themes]).astype(np.float32)
    starts = np.cumsum([0] + [len(t.prototypes) for t in leaf_themes[:-1]])
    per_leaf = np.maximum.reduceat(row_matmul(vectors, protos.T), starts, axis=1)
    best = np.argmax(per_leaf, axis=1)
    score = per_leaf[np.arange(len(best)), best]
    return [t.theme_id for t in leaf_themes], np.where(score >= model.min_similarity, best, -1), score


def _unit_vectors(texts: list[str], comment_rows: np.ndarray, n_comments: int, model: ThemeModel) -> np.ndarray:
    """Per unit: normalise(unit + w · comment) in MiniLM's space, from static sums through the fitted map."""
    sums = get_embedder("fast-minilm").sums(meaning_texts(texts, model.places, model.names)).astype(np.float32)
    comment_sums = np.zeros((n_comments, sums.shape[1]), np.float32)
    np.add.at(comment_sums, comment_rows, sums)
    units = _mapped(sums.copy(), model.mapping)
    sizes = np.bincount(comment_rows, minlength=n_comments)
    multi = sizes[comment_rows] > 1
    if model.context_weight > 0 and multi.any():
        context = _mapped(comment_sums, model.mapping)
        units[multi] = normalise_rows(units[multi] + model.context_weight * context[comment_rows[multi]])
    return units


def _primary(fids: list[str], top: list[str], score: np.ndarray) -> dict[str, str]:
    """Each comment's primary theme: the one most of its units carry (a real theme before "other"), then the
    higher summed score, then the theme id."""
    count: dict[str, Counter[str]] = {}
    total: dict[tuple[str, str], float] = {}
    for fid, tid, s in zip(fids, top, score.tolist(), strict=True):
        count.setdefault(fid, Counter())[tid] += 1
        total[(fid, tid)] = total.get((fid, tid), 0.0) + s
    return {fid: min(c, key=lambda t: (t == OTHER_ID, -c[t], -total[(fid, t)], t)) for fid, c in count.items()}


def annotate_comments(batch: pa.Table | pa.RecordBatch, *, model: ThemeModel, mode: str, feelings: dict) -> pa.Table:
    """Comments (``feedback_id``, ``text``) → ``ANNOTATED_UNITS_SCHEMA``: units, their theme and feelings, and
    their comment's roll-up. Blank comments give no rows."""
    units = split_sentences(pa.table({"feedback_id": batch.column("feedback_id"), "text": batch.column("text")}))
    if units.num_rows == 0:
        return ANNOTATED_UNITS_SCHEMA.empty_table()
    unit_feelings, emotions = split_emotions(annotate_batch(units, mode=mode, settings=feelings))
    comments, _ = aggregate_comments(unit_feelings, emotions, FeelingsSettings(**feelings))
    fids = units.column("feedback_id").to_pylist()
    encoded = units.column("feedback_id").combine_chunks().dictionary_encode()
    vectors = _unit_vectors(
        units.column("text").to_pylist(), encoded.indices.to_numpy().astype(np.int64), len(encoded.dictionary), model
    )
    leaf_ids, leaf, score = _assign(vectors, model)
    by_id = {t.theme_id: t for t in model.themes}
    top_of = [by_id[i].parent_id if by_id[i].level == 2 else i for i in leaf_ids] + [OTHER_ID]
    sub_of = [i if by_id[i].level == 2 else None for i in leaf_ids] + [None]
    top = [top_of[k] for k in leaf.tolist()]
    primary = _primary(fids, top, score)
    row = {f: i for i, f in enumerate(comments.column("feedback_id").to_pylist())}
    take = pa.array([row[f] for f in fids])
    per_comment = comments.take(take)
    sizes = Counter(fids)
    columns = {
        "feedback_id": units.column("feedback_id"),
        "sentence_idx": units.column("sentence_idx"),
        "text": units.column("text"),
        "theme_id": pa.array(top, pa.string()),
        "subtheme_id": pa.array([sub_of[k] for k in leaf.tolist()], pa.string()),
        "theme_score": pa.array(score.astype(np.float64)),
        **{name: unit_feelings.column(name) for name in ("sentiment", "sentiment_label", "emotions", "quadrant")},
        **{name: unit_feelings.column(name) for name in ("intent", "pain", "gain")},
        "primary_theme_id": pa.array([primary[f] for f in fids], pa.string()),
        "comment_sentiment": per_comment.column("sentiment"),
        "comment_sentiment_label": per_comment.column("sentiment_label"),
        "comment_emotions": per_comment.column("emotions"),
        "comment_intent": per_comment.column("intent"),
        "churn_signal": per_comment.column("churn_signal"),
        "n_units": pa.array([sizes[f] for f in fids], pa.int32()),
    }
    return pa.table(columns).cast(ANNOTATED_UNITS_SCHEMA)
