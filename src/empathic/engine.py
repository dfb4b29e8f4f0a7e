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

import pyarrow as pa

#: A per-row function: Arrow batch in, Arrow table out, no I/O. Must be picklable (a module-level function or a
#: ``functools.partial`` of one with plain arguments) so that a cluster can ship it to its workers.
RowFn = Callable[[pa.Table | pa.RecordBatch], pa.Table]


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
