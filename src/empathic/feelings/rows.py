"""The feelings per-row function: a batch of sentence units in, their feelings and raw emotion scores out.

This is what an engine runs (``empathic.engine``): locally batch by batch, or on Spark executors with
``mapInArrow``. It embeds each distinct cleaned text with the mode's embedder (accurate mode: only the texts the
prototypes read) (the models load once per process
and stay cached in it), then reads it with :func:`annotate_units`. Every output row depends only on its unit's
text, so the result does not depend on how the units are batched or partitioned. The roll-up to comments
(:func:`annotate.aggregate_comments`) is a group-by and runs where the stage runs.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from empathic.feelings.annotate import SENTENCE_FEELINGS_SCHEMA, annotate_units
from empathic.feelings.emotions import EMOTIONS
from empathic.feelings.settings import FeelingsSettings
from empathic.feelings.textnorm import clean_texts
from empathic.feelings.vectors import LazyVectors, distinct_vectors, mode_embedder

#: The raw (calibrated, float32) emotion scores travel with each unit for the roll-up to comments.
EMOTION_VECTOR = pa.field("emotion_vector", pa.list_(pa.float32(), len(EMOTIONS)))
UNIT_FEELINGS_SCHEMA = pa.schema([*SENTENCE_FEELINGS_SCHEMA, EMOTION_VECTOR])
UNITS_IN_SCHEMA = pa.schema([("feedback_id", pa.string()), ("sentence_idx", pa.int32()), ("text", pa.string())])


def annotate_batch(batch: pa.Table | pa.RecordBatch, *, mode: str, settings: dict) -> pa.Table:
    """Feelings of a batch of units (``feedback_id``, ``sentence_idx``, ``text``) → ``UNIT_FEELINGS_SCHEMA``.

    Args:
        batch: the units.
        mode: ``fast`` or ``accurate`` (chosen by the stage for the whole corpus, so every batch reads alike).
        settings: ``FeelingsSettings.model_dump()`` (plain values travel to a cluster's workers).
    """
    units = pa.table({name: batch.column(name) for name in UNITS_IN_SCHEMA.names})
    if units.num_rows == 0:
        return UNIT_FEELINGS_SCHEMA.empty_table()
    cleaned = clean_texts(units.column("text").to_pylist())
    if mode == "accurate":  # the encoders read the texts; MiniLM only for the units the prototypes see
        embedder = mode_embedder(mode)
        vectors = LazyVectors(cleaned, embedder.embed, embedder.dim)
    else:
        vectors = distinct_vectors(cleaned, mode)
    table, emotions = annotate_units(
        units, vectors, FeelingsSettings(**settings), embedder=mode, workers=1, cleaned=cleaned
    )
    flat = pa.array(np.ascontiguousarray(emotions, dtype=np.float32).ravel(), pa.float32())
    return table.append_column(EMOTION_VECTOR, pa.FixedSizeListArray.from_arrays(flat, len(EMOTIONS)))


def split_emotions(table: pa.Table) -> tuple[pa.Table, np.ndarray]:
    """(the ``SENTENCE_FEELINGS_SCHEMA`` part of ``annotate_batch`` output, float32 (n, len(EMOTIONS)) scores)."""
    column = table.column(EMOTION_VECTOR.name).combine_chunks()
    values = column.flatten().to_numpy(zero_copy_only=False) if len(column) else np.zeros(0, np.float32)
    emotions = np.asarray(values, dtype=np.float32).reshape(len(column), len(EMOTIONS))
    return table.drop_columns([EMOTION_VECTOR.name]).cast(SENTENCE_FEELINGS_SCHEMA), emotions
