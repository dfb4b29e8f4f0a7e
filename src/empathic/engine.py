"""Engines: where a stage's per-row functions run — in this process batch by batch (``local``), or on a cluster.

A per-row function takes an Arrow batch and returns an Arrow table, touches no store and keeps no state between
calls, so running it over the whole table, batch by batch, or partition by partition on Spark executors gives the
same rows (``tests/core/test_stage_contract.py`` and ``tests/scale``). A stage calls ``current_engine().map(...)``
for that work; the pipeline chooses the engine (``empathic analyze --engine spark`` sets one, see
:mod:`empathic.scale.spark`). Corpus-level fits and aggregations stay with the stage, on the driver.

This module sits low in the import direction so that stages can use it; the Spark engine lives in ``scale``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Protocol

import numpy as np
import pyarrow as pa

#: A per-row function: Arrow batch in, Arrow table out, no I/O. Must be picklable (a module-level function or a
#: ``functools.partial`` of one with plain arguments) so that a cluster can ship it to its workers.
RowFn = Callable[[pa.Table | pa.RecordBatch], pa.Table]


#: Rows per BLAS call in :func:`row_matmul`. OpenBLAS picks its kernel by the matrix shape, so the last bits of a
#: row's product depend on how many rows share the call (a 4th-decimal sentiment flip between batch sizes was
#: seen on the clothing reviews); a fixed shape makes every row's result independent of the batch around it.
ROW_BLOCK = 1024


def row_matmul(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``x @ w`` computed ``ROW_BLOCK`` rows at a time through one fixed-shape buffer (the last block zero-padded),
    so each row's result is bit-for-bit the same whatever the batch size, its position or the worker count: what a
    per-row function needs to give the same rows on any engine."""
    n = x.shape[0]
    out = np.empty((n, w.shape[1]), dtype=np.result_type(x, w))
    block = np.zeros((ROW_BLOCK, x.shape[1]), dtype=x.dtype)
    for start in range(0, n, ROW_BLOCK):
        m = min(ROW_BLOCK, n - start)
        block[:m] = x[start : start + m]
        if m < ROW_BLOCK:
            block[m:] = 0
        out[start : start + m] = (block @ w)[:m]
    return out


class Engine(Protocol):
    """Runs a per-row function over a table and returns its output rows in input order."""

    name: str

    def map(self, fn: RowFn, table: pa.Table, schema: pa.Schema, *, batch_rows: int = 20_000) -> pa.Table:
        """``fn`` over ``table`` in batches of at most ``batch_rows``; the result has exactly ``schema``."""
        ...


def iter_map(fn: RowFn, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """``fn`` over an iterator of batches, yielding record batches: the shape Spark's ``mapInArrow`` expects."""
    for batch in batches:
        yield from fn(batch).to_batches()


class LocalEngine:
    """Today's path: the function runs in this process, one bounded batch after another."""

    name = "local"

    def map(self, fn: RowFn, table: pa.Table, schema: pa.Schema, *, batch_rows: int = 20_000) -> pa.Table:
        pieces = [
            piece.cast(schema) if piece.schema != schema else piece
            for piece in (fn(b) for b in table.to_batches(max_chunksize=batch_rows))
        ]
        if not pieces:
            return fn(table.slice(0, 0)).cast(schema)
        return pa.concat_tables(pieces)


LOCAL = LocalEngine()
_ENGINE: ContextVar[Engine] = ContextVar("empathic_engine", default=LOCAL)


def current_engine() -> Engine:
    """The engine the running pipeline chose (``local`` unless :func:`use_engine` set another)."""
    return _ENGINE.get()


@contextlib.contextmanager
def use_engine(engine: Engine) -> Iterator[Engine]:
    """Context: stages run their per-row functions on ``engine``."""
    token = _ENGINE.set(engine)
    try:
        yield engine
    finally:
        _ENGINE.reset(token)
