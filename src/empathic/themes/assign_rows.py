"""Theme assignment as a per-row function: unit vectors in, each unit's nearest leaf out, run through the engine.

Discovery, refinement, labels and edits are corpus-level fits on the driver; what every unit needs afterwards is
only its nearest prototype among the fitted leaves. :func:`assign_batch` does that for one Arrow batch (no I/O, no
state), so ``empathic analyze --engine spark`` runs it on the executors (``mapInArrow``) and the local engine runs
it batch by batch in this process. :func:`assign` has the signature of :func:`empathic.themes.assign.assign` and
returns the same :class:`Assignment`, so the themes stage calls it in the same places.

Every product goes through :func:`empathic.engine.row_matmul` (one fixed-shape BLAS call per 1,024 rows),
so a unit's similarities are bit-for-bit the same whatever batch or partition it lands in: the engines agree, and
the result equals one product over the whole table (OpenBLAS picks another kernel for a handful of rows, which a
plain ``vectors @ prototypes.T`` would inherit).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np
import pyarrow as pa

from empathic.engine import current_engine, row_matmul
from empathic.themes.assign import Assignment
from empathic.themes.model import Theme, leaves

#: What :func:`assign_batch` gives per unit: the nearest leaf (index into the leaves, before the ``other``
#: threshold), its similarity, and the similarity to each guided leaf (empty when there is none).
ASSIGN_SCHEMA = pa.schema([("best", pa.int32()), ("score", pa.float32()), ("guided_scores", pa.list_(pa.float32()))])
#: Rows per engine batch (bounded memory: a batch's similarities are rows × prototypes float32).
BATCH_ROWS = 16_384
#: The order guided tags are listed in: by blocks of this many units, then guided leaf, then unit (as the
#: whole-table :func:`empathic.themes.assign.assign` lists them).
TAG_BLOCK = 8192


@dataclass(frozen=True)
class LeafPrototypes:
    """The fitted state one assignment needs (picklable, shipped once per task): every leaf's prototypes."""

    prototypes: np.ndarray  # float32 (n_prototypes, dim), leaves' prototypes one after the other
    starts: np.ndarray  # int64 (n_leaves,), each leaf's first prototype row
    guided: tuple[int, ...]  # indices of the guided leaves

    @classmethod
    def of(cls, leaf_themes: list[Theme]) -> LeafPrototypes:
        protos = np.ascontiguousarray(np.concatenate([t.prototypes for t in leaf_themes]), dtype=np.float32)
        starts = np.cumsum([0] + [len(t.prototypes) for t in leaf_themes[:-1]]).astype(np.int64)
        guided = tuple(i for i, t in enumerate(leaf_themes) if t.origin == "guided")
        return cls(protos, starts, guided)

    @property
    def n_leaves(self) -> int:
        return len(self.starts)


def vectors_table(vectors: np.ndarray) -> pa.Table:
    """Unit vectors (n, dim) as an Arrow table with one ``vector`` column (a list of float32 per unit)."""
    flat = np.ascontiguousarray(vectors, dtype=np.float32)
    n, dim = flat.shape if flat.ndim == 2 else (0, 0)
    return pa.table({"vector": _lists(flat.reshape(n, dim))})


def _lists(rows: np.ndarray) -> pa.ListArray:
    """A 2-d float32 array as an Arrow list array, one list per row (zero-width rows give empty lists)."""
    n, width = rows.shape
    offsets = pa.array(np.arange(n + 1, dtype=np.int64) * width, pa.int32())
    return pa.ListArray.from_arrays(offsets, pa.array(np.ascontiguousarray(rows).reshape(-1), pa.float32()))


def _vectors_of(batch: pa.Table | pa.RecordBatch) -> np.ndarray:
    column = batch.column("vector")
    lists = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    n = len(lists)
    if n == 0:
        return np.zeros((0, 0), np.float32)
    values = lists.flatten().to_numpy(zero_copy_only=False).astype(np.float32, copy=False)
    return values.reshape(n, -1)


def assign_batch(batch: pa.Table | pa.RecordBatch, *, leaves: LeafPrototypes) -> pa.Table:
    """A batch of unit vectors (``vector``) → :data:`ASSIGN_SCHEMA`: each unit's nearest leaf and similarities."""
    vectors = _vectors_of(batch)
    n = len(vectors)
    if n == 0:
        return ASSIGN_SCHEMA.empty_table()
    sims = row_matmul(vectors, leaves.prototypes.T)
    per_leaf = sims if len(leaves.prototypes) == leaves.n_leaves else np.maximum.reduceat(sims, leaves.starts, axis=1)
    best = np.argmax(per_leaf, axis=1)
    score = per_leaf[np.arange(n), best]
    guided = per_leaf[:, list(leaves.guided)] if leaves.guided else np.zeros((n, 0), np.float32)
    return pa.table(
        {
            "best": pa.array(best.astype(np.int32)),
            "score": pa.array(score.astype(np.float32)),
            "guided_scores": _lists(guided.astype(np.float32)),
        },
        schema=ASSIGN_SCHEMA,
    )


def assign(vectors: np.ndarray, themes: list[Theme], *, min_similarity: float, guided_similarity: float) -> Assignment:
    """:func:`empathic.themes.assign.assign` with the per-unit work run by the current engine.

    Assign L2-normalised unit ``vectors`` (n, dim) to the alive leaf themes: the nearest prototype's leaf, "other"
    (−1) below ``min_similarity``; guided leaves also tag every unit at least ``guided_similarity`` close.
    """
    leaf_themes = leaves(themes)
    n = len(vectors)
    if not leaf_themes or n == 0:
        return Assignment([], np.full(n, -1, np.int64), np.zeros(n, np.float32), np.zeros(n, bool), [])
    fitted = LeafPrototypes.of(leaf_themes)
    out = current_engine().map(
        partial(assign_batch, leaves=fitted), vectors_table(vectors), ASSIGN_SCHEMA, batch_rows=BATCH_ROWS
    )
    best_leaf = out.column("best").to_numpy().astype(np.int64)
    best_score = out.column("score").to_numpy().astype(np.float32)
    extra: list[tuple[int, str, float]] = []
    if fitted.guided:
        guided_scores = out.column("guided_scores").combine_chunks().flatten().to_numpy().reshape(n, -1)
        for start in range(0, n, TAG_BLOCK):
            for k, g in enumerate(fitted.guided):
                block = guided_scores[start : start + TAG_BLOCK, k]
                for r in np.flatnonzero(block >= guided_similarity):
                    if best_leaf[start + r] != g:
                        extra.append((int(start + r), leaf_themes[g].theme_id, float(block[r])))
    radius = np.array([t.radius for t in leaf_themes], np.float32)
    fits = best_score >= radius[best_leaf]
    leaf = np.where(best_score >= min_similarity, best_leaf, -1)
    return Assignment([t.theme_id for t in leaf_themes], leaf, best_score, fits, extra)
