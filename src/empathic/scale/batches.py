"""The batch contract every per-row stage function honours: Arrow batch in, Arrow table out, no shared state.

Spark's ``DataFrame.mapInArrow(fn, schema)`` calls ``fn`` with an iterator of ``pyarrow.RecordBatch`` per partition
and expects an iterator of batches back. :func:`map_batches` is the local twin of that call, so a stage function
that works here works unchanged on a cluster (see :mod:`empathic.scale.spark`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pyarrow as pa

BatchFn = Callable[[pa.Table | pa.RecordBatch], pa.Table]


def as_map_in_arrow(fn: BatchFn) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """Wrap a pure batch function into the iterator-of-batches shape that Spark's ``mapInArrow`` expects."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            yield from fn(batch).to_batches()

    return run


def map_batches(fn: BatchFn, table: pa.Table, *, batch_rows: int = 50_000) -> pa.Table:
    """Apply ``fn`` batch by batch, exactly as a cluster would, and concatenate the results in order."""
    pieces = list(as_map_in_arrow(fn)(iter(table.to_batches(max_chunksize=batch_rows))))
    if not pieces:
        return fn(table.slice(0, 0))
    return pa.Table.from_batches(pieces)
