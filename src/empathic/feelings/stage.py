"""The ``feelings`` stage: sentiment, emotions, empathy-map quadrant and intent for every sentence unit.

Reads ``sentences``, runs the pure functions of :mod:`empathic.feelings.annotate` and replaces
``sentence_feelings``, ``feedback_feelings`` and ``feedback_emotions`` in one transaction. Works without the themes
stage; accurate mode embeds with MiniLM only the units its few-shot prototypes read (``vectors.LazyVectors``),
reusing the vectors themes cached. In fast mode the static embedding of the
next batch runs on a helper thread while the current batch is annotated (the tokenizer, the sparse products and the
heads' matrix products release the GIL), so the second core does useful work.
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from empathic.config import Settings
from empathic.engine import current_engine
from empathic.feelings import calibration, corrections
from empathic.feelings.annotate import (
    FEEDBACK_FEELINGS_SCHEMA,
    SENTENCE_FEELINGS_SCHEMA,
    aggregate_comments,
    annotate_units,
)
from empathic.feelings.emotions import named_emotions
from empathic.feelings.encoder import get_emotions_encoder, get_encoder
from empathic.feelings.rows import UNIT_FEELINGS_SCHEMA, annotate_batch, split_emotions
from empathic.feelings.textnorm import clean_texts
from empathic.feelings.vectors import LazyVectors, choose_mode, distinct_vectors, lazy_unit_vectors, unit_vectors
from empathic.progress import Progress
from empathic.stage import Stage, StageResult
from empathic.store import Store, empty_table

STAGE = Stage(
    name="feelings",
    reads_stages=("sentences",),
    reads=("sentences", "embedding_cache", "feelings_corrections", "feedback_scores"),
    writes=("sentence_feelings", "feedback_feelings", "feedback_emotions", "feelings_calibration"),
    requires=("sentences",),
    settings=("feelings",),
    row_functions=("empathic.feelings.rows.annotate_batch",),
)
NAME = STAGE.name
REQUIRES = STAGE.requires
BATCH_UNITS = 20_000
UNITS_SQL = "SELECT feedback_id, sentence_idx, text FROM sentences ORDER BY feedback_id, sentence_idx"
#: Fewer comments than this still run, with a warning that aggregates are weak.
FEW_COMMENTS = 20


def _annotate_in_batches(
    units: pa.Table, vectors: np.ndarray | LazyVectors, settings: Settings, mode: str, progress: Progress
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
    n_units, n_comments = (
        store.read("SELECT count(*) AS n_units, count(DISTINCT feedback_id) AS n_comments FROM sentences")
        .to_pylist()[0]
        .values()
    )
    if n_units == 0:
        return StageResult(NAME, skipped=True, message="no sentence units yet: ingest comments and run sentences")
    fs = settings.feelings
    mode = choose_mode(fs.mode, n_units, fs.accurate_max_units, n_comments, fs.accurate_max_comments)
    engine = current_engine()
    fixed = corrections.effective(corrections.corrections(store))
    if mode == "fast" and engine.name == "local" and fixed.empty:
        return _run_streaming(store, settings, progress, n_units)
    return _run_whole(store, settings, progress, mode, fixed)


def _unit_batches(store: Store, batch_units: int) -> Generator[pa.Table, None, None]:
    """The units in (feedback_id, sentence_idx) order, about ``batch_units`` at a time, never splitting a comment
    (so each batch rolls up to whole comments). Read through a record-batch reader: only one batch (plus the
    next, and the units of the comment it ends in) is held here at a time."""
    cur = store.cursor()
    try:
        reader = iter(cur.sql(UNITS_SQL).to_arrow_reader(batch_units))
        carry: pa.Table | None = None
        batch = next(reader, None)
        while batch is not None:
            following = next(reader, None)
            table = pa.Table.from_batches([batch])
            if carry is not None and carry.num_rows:
                table = pa.concat_tables([carry, table])
            if following is None:
                if table.num_rows:
                    yield table
                break
            ids = table.column("feedback_id")
            same_as_last = pc.equal(ids, ids[-1]).to_numpy(zero_copy_only=False)
            cut = int(np.flatnonzero(~same_as_last)[-1]) + 1 if not same_as_last.all() else 0
            carry = table.slice(cut)
            if cut:
                yield table.slice(0, cut)
            batch = following
    finally:
        cur.close()


def _run_streaming(store: Store, settings: Settings, progress: Progress, n_units: int) -> StageResult:
    """Fast mode on the local engine, in bounded batches: read a batch of units, annotate it, roll it up to its
    comments and append all three tables, then the next. Only per-comment calibration features stay for the whole
    corpus. Every output row depends only on its unit's text (units) or its comment's units (comments), so the
    tables equal the whole-table path's (``tests/feelings/test_feelings_streaming.py``); the fast embedding of
    batch k+1 runs on a helper thread while batch k is annotated (``feelings.overlap_embedding``)."""
    fs = settings.feelings

    def prepare(batch: pa.Table) -> tuple[pa.Table, list[str], np.ndarray]:
        cleaned = clean_texts(batch.column("text").to_pylist())
        return batch, cleaned, distinct_vectors(cleaned, "fast")

    calibrating = fs.calibrate
    features, labels = [], []
    n_comments = churn = done = 0
    batches = _unit_batches(store, BATCH_UNITS)
    with (
        contextlib.closing(batches),  # its reader cursor closes even when a batch fails
        store.write() as con,
        ThreadPoolExecutor(1, thread_name_prefix="feelings-embed") as pool,
    ):
        for table in ("sentence_feelings", "feedback_feelings", "feedback_emotions", "feelings_calibration"):
            empty_table(con, table)

        def submit(batch: pa.Table | None):
            if batch is None:
                return None
            return pool.submit(prepare, batch) if fs.overlap_embedding else _Done(prepare(batch))

        pending = submit(next(batches, None))
        while pending is not None:
            units, cleaned, vectors = pending.result()
            pending = submit(next(batches, None))
            unit_table, emotions = annotate_units(units, vectors, fs, embedder="fast", cleaned=cleaned)
            named = named_emotions(units.column("text").to_pylist())
            comments, comment_emotions = aggregate_comments(unit_table, emotions, fs, "fast", named)
            if calibrating:
                features.append(
                    calibration.comment_features(unit_table.select(["feedback_id", "sentiment"]).to_pandas(),
                                                 fs.neutral_band)
                )  # fmt: skip
                labels.append(comments.select(["feedback_id", "sentiment_label"]))
            _append(con, unit_table, comments, comment_emotions)
            n_comments += comments.num_rows
            churn += int(pc.sum(comments.column("churn_signal").cast(pa.int64())).as_py() or 0)
            done += units.num_rows
            progress("feelings: read units", done, n_units)
        cal = _calibrate_stored(store, con, features, labels, settings)
    return _result("fast", n_units, n_comments, churn, "0 vectors from the themes cache", pd.DataFrame(), {}, cal)


class _Done:
    """A finished result with a future's ``result()`` (the embedding of the next batch when not overlapped)."""

    def __init__(self, value: object) -> None:
        self._value = value

    def result(self) -> object:
        return self._value


def _append(con: object, unit_table: pa.Table, comments: pa.Table, comment_emotions: pa.Table) -> None:
    for table, data in (
        ("sentence_feelings", unit_table),
        ("feedback_feelings", comments),
        ("feedback_emotions", comment_emotions),
    ):
        con.register("feelings_new", data)  # type: ignore[attr-defined]
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM feelings_new")  # type: ignore[attr-defined]
        con.unregister("feelings_new")  # type: ignore[attr-defined]


def _calibrate_stored(
    store: Store, con: object, features: list[pd.DataFrame], labels: list[pa.Table], settings: Settings
) -> calibration.Calibration:
    """The score calibration of the streamed comments, fitted on their per-comment features by
    :func:`_fit_calibration` as on the whole-table path, and recorded; when it applies, the stored comments are
    relabelled."""
    comment_features = pd.concat(features) if features else None
    frame = pa.concat_tables(labels).to_pandas().set_index("feedback_id") if labels else None
    cal = _fit_calibration(store, comment_features, frame, settings)
    _write_calibration(con, cal)
    if cal.applied:
        stored = con.sql(  # type: ignore[attr-defined]
            "SELECT feedback_id, sentiment, sentiment_label FROM feedback_feelings ORDER BY feedback_id"
        ).df()
        relabelled = calibration.apply(cal, stored, comment_features)
        con.register("feelings_calibrated", pa.Table.from_pandas(relabelled, preserve_index=False))  # type: ignore[attr-defined]
        con.execute(  # type: ignore[attr-defined]
            "UPDATE feedback_feelings SET sentiment = c.sentiment, sentiment_label = c.sentiment_label "
            "FROM feelings_calibrated c WHERE feedback_feelings.feedback_id = c.feedback_id"
        )
        con.unregister("feelings_calibrated")  # type: ignore[attr-defined]
    return cal


def _run_whole(store: Store, settings: Settings, progress: Progress, mode: str, fixed: pd.DataFrame) -> StageResult:
    """Every unit at once: accurate mode (bounded by ``accurate_max_units``), another engine, or corrections to
    apply (their few-shot neighbours can be any unit of the corpus)."""
    units = store.read(UNITS_SQL)
    fs = settings.feelings
    vectors = None
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
    elif mode == "accurate":  # the encoders read the texts; MiniLM only for the units the prototypes see
        cached = 0
        vectors, seen = lazy_unit_vectors(store, clean_texts(units.column("text").to_pylist()), mode)
        unit_table, emotions = _annotate_in_batches(units, vectors, settings, mode, progress)
    else:
        vectors, cached = unit_vectors(store, clean_texts(units.column("text").to_pylist()), mode, progress)
        unit_table, emotions = _annotate_in_batches(units, vectors, settings, mode, progress)
    unit_table, corrected = _apply_unit_corrections(unit_table, units, fixed, settings, mode, vectors)
    vector_note = f"{cached} vectors from the themes cache"
    if isinstance(vectors, LazyVectors):
        cached = seen["cached"]
        vector_note = (
            f"MiniLM vectors for {vectors.embedded} distinct texts the prototypes read, {cached} of them from the "
            "themes cache"
            if get_encoder().meta.vector_dim == 0
            else f"the encoder's own vectors for {vectors.embedded} texts the prototypes read"
        )
    named = named_emotions(units.column("text").to_pylist())  # rows like unit_table: named emotions count at any length
    comments, comment_emotions = aggregate_comments(unit_table, emotions, fs, mode, named)
    comments, cal, corrected["comments"] = _calibrate_and_correct(store, unit_table, comments, fixed, settings)
    with store.write() as con:
        for table in ("sentence_feelings", "feedback_feelings", "feedback_emotions", "feelings_calibration"):
            empty_table(con, table)
        _write_calibration(con, cal)
        _append(con, unit_table, comments, comment_emotions)
    churn = int(sum(comments.column("churn_signal").to_pylist()))
    return _result(mode, units.num_rows, comments.num_rows, churn, vector_note, fixed, corrected, cal)


def _result(
    mode: str,
    n_units: int,
    n_comments: int,
    churn: int,
    vector_note: str,
    fixed: pd.DataFrame,
    corrected: dict[str, int],
    cal: calibration.Calibration,
) -> StageResult:
    warnings = []
    if n_comments < FEW_COMMENTS:
        warnings.append(f"only {n_comments} comments: feelings aggregates are weak evidence")
    model = "heads on the static embedder"
    if mode == "accurate" and get_emotions_encoder() is get_encoder():
        model = f"fine-tuned encoder {get_encoder().name} (one pass: sentiment, intent, emotions, unit vectors)"
    elif mode == "accurate":
        model = (
            f"fine-tuned encoders {get_encoder().name} (sentiment, intent) and {get_emotions_encoder().name} (emotions)"
        )
    applied = ""
    if not fixed.empty:
        applied = (
            f"; {len(fixed)} analyst corrections applied verbatim ({corrected['verbatim']} sentences, "
            f"{corrected['comments']} comments), {corrected['neighbours']} similar sentences adjusted"
        )
    return StageResult(
        NAME,
        message=f"mode={mode}, feelings by {model} ({n_units} units, {vector_note}){applied}; {cal.summary()}",
        counts={
            "units": n_units,
            "comments": n_comments,
            "mode": mode,
            "churn_signals": churn,
            "corrections": len(fixed),
            "calibration_applied": cal.applied,
        },
        warnings=warnings,
    )


def _apply_unit_corrections(
    unit_table: pa.Table,
    units: pa.Table,
    fixed: pd.DataFrame,
    settings: Settings,
    mode: str,
    vectors: np.ndarray | LazyVectors | None,
) -> tuple[pa.Table, dict[str, int]]:
    """The unit feelings after the analysts' corrections (few-shot neighbours over the mode's unit vectors, then
    verbatim); unchanged without corrections. ``vectors``: the units' vectors when the mode computed them (lazy
    ones are embedded in full here: the neighbours of a correction can be any unit)."""
    if fixed.empty:
        return unit_table, {"verbatim": 0, "neighbours": 0}
    if vectors is not None:
        vectors = np.asarray(vectors)
    frame = unit_table.to_pandas()
    fixed = corrections.rematch(fixed, units.select(["feedback_id", "sentence_idx", "text"]).to_pandas())
    if vectors is None:
        vectors = distinct_vectors(clean_texts(units.column("text").to_pylist()), mode)
    examples = corrections.examples_of(fixed, frame, lambda texts: distinct_vectors(clean_texts(texts), mode))
    frame, counts = corrections.adjust_units(
        frame,
        fixed,
        vectors=vectors,
        examples=examples,
        pain_below=settings.feelings.pain_below,
        gain_above=settings.feelings.gain_above,
        min_sim=corrections.NEIGHBOUR_MIN_OF[mode],
    )
    return pa.Table.from_pandas(frame, schema=SENTENCE_FEELINGS_SCHEMA, preserve_index=False), counts


def _preferred_scores(store: Store) -> tuple[str | None, pd.DataFrame]:
    """(name, rows feedback_id/value/scale_min/scale_max/kind) of the preferred score: nps > csat > rating."""
    name = store.scalar(
        """SELECT name FROM feedback_scores WHERE kind IN ('nps', 'csat', 'rating') GROUP BY name
           ORDER BY min(CASE kind WHEN 'nps' THEN 0 WHEN 'csat' THEN 1 ELSE 2 END), count(*) DESC, name LIMIT 1"""
    )
    if name is None:
        return None, pd.DataFrame(columns=["feedback_id", "value", "scale_min", "scale_max", "kind"])
    return name, store.read_df(
        "SELECT feedback_id, value, scale_min, scale_max, kind FROM feedback_scores "
        "WHERE name = ? AND value IS NOT NULL",
        [name],
    )


def _calibrate_and_correct(
    store: Store, unit_table: pa.Table, comments: pa.Table, fixed: pd.DataFrame, settings: Settings
) -> tuple[pa.Table, calibration.Calibration, int]:
    """Comments after the score calibration (when it helps) and the comment-level corrections (always)."""
    features = frame = None
    if settings.feelings.calibrate:
        units = unit_table.select(["feedback_id", "sentiment"]).to_pandas()
        features = calibration.comment_features(units, settings.feelings.neutral_band)
        frame = comments.select(["feedback_id", "sentiment_label"]).to_pandas().set_index("feedback_id")
        if not fixed.empty:  # a comment an analyst relabelled is no evidence about the model
            frame = frame.drop(index=fixed.loc[fixed["sentence_idx"].isna(), "feedback_id"], errors="ignore")
    cal = _fit_calibration(store, features, frame, settings)
    if not cal.applied and fixed.empty:
        return comments, cal, 0
    frame = comments.to_pandas()
    if cal.applied:
        frame = calibration.apply(cal, frame, features)
    frame, n = corrections.adjust_comments(frame, fixed)
    return pa.Table.from_pandas(frame, schema=FEEDBACK_FEELINGS_SCHEMA, preserve_index=False), cal, n


def _fit_calibration(
    store: Store, features: pd.DataFrame | None, labels: pd.DataFrame | None, settings: Settings
) -> calibration.Calibration:
    """The workspace's score calibration, fitted on the comments' features and labels (``sentiment_label`` by
    ``feedback_id``); one place for the streamed and the whole-table paths, so both record the same fit."""
    if not settings.feelings.calibrate:
        return calibration.Calibration(reason="switched off (feelings.calibrate = false)")
    name, scores = _preferred_scores(store)
    return calibration.fit(
        features, labels["sentiment_label"], calibration.score_sides(scores), score=name, seed=settings.seed
    )


def _write_calibration(con: object, cal: calibration.Calibration) -> None:
    import json
    from datetime import UTC, datetime

    con.execute(  # type: ignore[attr-defined]
        "INSERT INTO feelings_calibration (score, n, agreement_before, agreement_after, accuracy_before, "
        "accuracy_after, fold_wins, folds, applied, reason, detail, computed_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            cal.score,
            cal.n,
            cal.before,
            cal.after,
            cal.accuracy_before,
            cal.accuracy_after,
            cal.fold_wins,
            cal.folds,
            cal.applied,
            cal.reason,
            json.dumps({"classes": cal.classes}),
            datetime.now(UTC).replace(tzinfo=None),
        ],
    )
