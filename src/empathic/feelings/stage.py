"""The ``feelings`` stage: sentiment, emotions, empathy-map quadrant and intent for every sentence unit.

Reads ``sentences``, runs the pure functions of :mod:`empathic.feelings.annotate` and replaces
``sentence_feelings``, ``feedback_feelings`` and ``feedback_emotions`` in one transaction. Works without the themes
stage; when themes has cached MiniLM vectors, accurate mode reuses them. In fast mode the static embedding of the
next batch runs on a helper thread while the current batch is annotated (the tokenizer, the sparse products and the
heads' matrix products release the GIL), so the second core does useful work.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import partial

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from empathic.config import Settings
from empathic.engine import current_engine
from empathic.feelings.annotate import aggregate_comments, annotate_units
from empathic.feelings.encoder import get_emotions_encoder, get_encoder
from empathic.feelings.rows import UNIT_FEELINGS_SCHEMA, annotate_batch, split_emotions
from empathic.feelings.textnorm import clean_texts
from empathic.feelings.vectors import choose_mode, distinct_vectors, unit_vectors
from empathic.progress import Progress
from empathic.stage import Stage, StageResult
from empathic.store import Store, empty_table

STAGE = Stage(
    name="feelings",
    reads_stages=("sentences",),
    reads=("sentences", "embedding_cache"),
    writes=("sentence_feelings", "feedback_feelings", "feedback_emotions"),
    requires=("sentences",),
    settings=("feelings",),
)
NAME = STAGE.name
REQUIRES = STAGE.requires
BATCH_UNITS = 20_000
#: Fewer comments than this still run, with a warning that aggregates are weak.
FEW_COMMENTS = 20


def _annotate_in_batches(
    units: pa.Table, vectors: np.ndarray, settings: Settings, mode: str, progress: Progress
) -> tuple[pa.Table, np.ndarray]:
    parts, emotions = [], []
    total = units.num_rows
    for start in range(0, total, BATCH_UNITS):
        table, emo = annotate_units(
            units.slice(start, BATCH_UNITS), vectors[start : start + BATCH_UNITS], settings.feelings, embedder=mode
        )
        parts.append(table)
        emotions.append(emo)
        progress("feelings: read units", min(start + BATCH_UNITS, total), total)
    return pa.concat_tables(parts), np.vstack(emotions)


def _annotate_fast_overlapped(units: pa.Table, settings: Settings, progress: Progress) -> tuple[pa.Table, np.ndarray]:
    """Fast mode: the same batches as :func:`_annotate_in_batches`, with batch k+1 cleaned and embedded on one helper
    thread while batch k is annotated (the cleaned texts are handed on, so each is cleaned once). A unit's vector
    depends only on its text, so the output is identical to embedding everything first
    (``tests/feelings/test_feelings_stage.py``)."""

    def embed(start: int) -> tuple[list[str], np.ndarray]:
        cleaned = clean_texts(units.slice(start, BATCH_UNITS).column("text").to_pylist())
        return cleaned, distinct_vectors(cleaned, "fast")

    parts, emotions = [], []
    total = units.num_rows
    with ThreadPoolExecutor(1, thread_name_prefix="feelings-embed") as pool:
        pending = pool.submit(embed, 0)
        for start in range(0, total, BATCH_UNITS):
            cleaned, vectors = pending.result()
            if start + BATCH_UNITS < total:
                pending = pool.submit(embed, start + BATCH_UNITS)
            batch = units.slice(start, BATCH_UNITS)
            table, emo = annotate_units(batch, vectors, settings.feelings, embedder="fast", cleaned=cleaned)
            parts.append(table)
            emotions.append(emo)
            progress("feelings: read units", min(start + BATCH_UNITS, total), total)
    return pa.concat_tables(parts), np.vstack(emotions)


def run(store: Store, settings: Settings, progress: Progress) -> StageResult:
    """Annotate every unit and roll up to comments, replacing the previous feelings output."""
    units = store.read("SELECT feedback_id, sentence_idx, text FROM sentences ORDER BY feedback_id, sentence_idx")
    if units.num_rows == 0:
        return StageResult(NAME, skipped=True, message="no sentence units yet: ingest comments and run sentences")
    fs = settings.feelings
    n_comments = len(pc.unique(units.column("feedback_id")))
    mode = choose_mode(fs.mode, units.num_rows, fs.accurate_max_units, n_comments, fs.accurate_max_comments)
    engine = current_engine()
    if engine.name != "local":  # the per-row function on the engine (a cluster embeds; no workspace cache there)
        cached = 0
        fn = partial(annotate_batch, mode=mode, settings=fs.model_dump())
        progress(f"feelings: read units ({engine.name})", 0, units.num_rows)
        unit_table, emotions = split_emotions(engine.map(fn, units, UNIT_FEELINGS_SCHEMA, batch_rows=BATCH_UNITS))
        progress(f"feelings: read units ({engine.name})", units.num_rows, units.num_rows)
    elif mode == "fast" and fs.overlap_embedding:
        cached = 0
        unit_table, emotions = _annotate_fast_overlapped(units, settings, progress)
    else:
        vectors, cached = unit_vectors(store, clean_texts(units.column("text").to_pylist()), mode, progress)
        unit_table, emotions = _annotate_in_batches(units, vectors, settings, mode, progress)
    comments, comment_emotions = aggregate_comments(unit_table, emotions, fs)
    with store.write() as con:
        for table in ("sentence_feelings", "feedback_feelings", "feedback_emotions"):
            empty_table(con, table)
        for table, data in (
            ("sentence_feelings", unit_table),
            ("feedback_feelings", comments),
            ("feedback_emotions", comment_emotions),
        ):
            con.register("feelings_new", data)
            con.execute(f"INSERT INTO {table} SELECT * FROM feelings_new")
            con.unregister("feelings_new")
    warnings = []
    if comments.num_rows < FEW_COMMENTS:
        warnings.append(f"only {comments.num_rows} comments: feelings aggregates are weak evidence")
    model = (
        f"fine-tuned encoders {get_encoder().name} (sentiment, intent) and {get_emotions_encoder().name} (emotions)"
        if mode == "accurate"
        else "heads on the static embedder"
    )
    return StageResult(
        NAME,
        message=f"mode={mode}, feelings by {model} ({units.num_rows} units, {cached} vectors from the themes cache)",
        counts={
            "units": units.num_rows,
            "comments": comments.num_rows,
            "mode": mode,
            "churn_signals": int(sum(comments.column("churn_signal").to_pylist())),
        },
        warnings=warnings,
    )
