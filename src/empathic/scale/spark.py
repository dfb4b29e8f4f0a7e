"""Apache Spark engine for the per-row stages (optional extra: ``pip install "empathic[spark]"``).

A per-row function (:data:`empathic.engine.RowFn`) runs inside ``DataFrame.mapInArrow``: each Python worker gets
the partition's Arrow batches and gives Arrow batches back. Models are loaded once per Python worker: the
embedders and encoders are cached per process, and Spark reuses its Python workers between tasks
(``spark.python.worker.reuse``, on by default). Model files are package data of empathic, so executors need only
``pip install "empathic[spark]"``: nothing is downloaded.

Example (a Spark DataFrame ``comments`` with ``feedback_id`` and ``text``)::

    from empathic.scale.spark import run_in_spark
    from empathic.text.sentences import SENTENCES_SCHEMA, split_sentences
    units = run_in_spark(comments, split_sentences, SENTENCES_SCHEMA)
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from empathic.engine import LOCAL, RowFn, iter_map
from empathic.errors import InputError, NotInstalledError

#: Spark SQL type names of the Arrow types stage schemas use.
_SPARK_TYPES = {
    pa.string(): "string",
    pa.large_string(): "string",
    pa.int8(): "tinyint",
    pa.int16(): "smallint",
    pa.int32(): "int",
    pa.int64(): "bigint",
    pa.float32(): "float",
    pa.float64(): "double",
    pa.bool_(): "boolean",
    pa.date32(): "date",
}


def _require_pyspark() -> Any:
    try:
        import pyspark
    except ModuleNotFoundError:
        raise NotInstalledError("Apache Spark support needs pyspark", hint='pip install "empathic[spark]"') from None
    return pyspark


def quote_name(name: str) -> str:
    """A column name as a Spark SQL identifier: in backticks, a backtick inside doubled."""
    return "`" + name.replace("`", "``") + "`"


def spark_type(arrow_type: pa.DataType) -> str:
    """The Spark SQL type of an Arrow type (lists become arrays, timestamps ``timestamp_ntz``)."""
    if pa.types.is_list(arrow_type) or pa.types.is_fixed_size_list(arrow_type) or pa.types.is_large_list(arrow_type):
        return f"array<{spark_type(arrow_type.value_type)}>"
    if pa.types.is_timestamp(arrow_type):
        return "timestamp" if arrow_type.tz else "timestamp_ntz"
    if arrow_type in _SPARK_TYPES:
        return _SPARK_TYPES[arrow_type]
    raise InputError(f"no Spark type for the Arrow type {arrow_type}", hint="use strings, numbers, booleans or lists")


def spark_schema(schema: pa.Schema) -> str:
    """A Spark DDL schema string for an Arrow schema (names quoted, so any column name is safe)."""
    return ", ".join(f"{quote_name(f.name)} {spark_type(f.type)}" for f in schema)


def wire_schema(schema: pa.Schema) -> pa.Schema:
    """``schema`` as Spark's Arrow writer accepts it: fixed-size lists become lists, large strings strings."""

    def wire(t: pa.DataType) -> pa.DataType:
        if pa.types.is_fixed_size_list(t) or pa.types.is_large_list(t):
            return pa.list_(wire(t.value_type))
        return pa.string() if t == pa.large_string() else t

    return pa.schema([pa.field(f.name, wire(f.type)) for f in schema])


class ArrowMapper:
    """The picklable ``mapInArrow`` function: ``fn`` over each batch, cast to the wire schema."""

    def __init__(self, fn: RowFn, schema: pa.Schema) -> None:
        self.fn = fn
        self.schema = wire_schema(schema)

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for out in iter_map(self.fn, batches):
            yield out.cast(self.schema) if out.schema != self.schema else out


def run_in_spark(df: Any, fn: RowFn, schema: pa.Schema) -> Any:
    """Run a pure batch function over a Spark DataFrame with ``mapInArrow``; returns a Spark DataFrame."""
    _require_pyspark()
    return df.mapInArrow(ArrowMapper(fn, schema), spark_schema(schema))


def spark_session(master: str = "local[*]", *, app_name: str = "empathic", conf: dict[str, str] | None = None) -> Any:
    """A Spark session for empathic's jobs (the active one when it already exists).

    A ``local`` master binds 127.0.0.1 only and runs without its web UI: nothing listens beyond this machine.
    Python workers run this interpreter unless ``PYSPARK_PYTHON`` says otherwise.
    """
    _require_pyspark()
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.master(master).appName(app_name)
    settings = {
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.session.timeZone": "UTC",
    }
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        settings.update(
            {
                "spark.driver.host": "127.0.0.1",
                "spark.driver.bindAddress": "127.0.0.1",
                "spark.ui.enabled": "false",
            }
        )
    settings.update(conf or {})
    for key, value in settings.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


class SparkEngine:
    """Runs per-row functions on Spark executors (``mapInArrow``) and brings the rows back to the driver in order.

    Used by ``empathic analyze --engine spark``: the workspace stays a DuckDB file on the driver; the per-row work
    (sentence splitting, embedding and reading feelings) goes to the executors.
    """

    name = "spark"

    def __init__(self, session: Any) -> None:
        self.session = session

    def map(self, fn: RowFn, table: pa.Table, schema: pa.Schema, *, batch_rows: int = 20_000) -> pa.Table:
        if table.num_rows == 0:
            return LOCAL.map(fn, table, schema, batch_rows=batch_rows)
        parallelism = max(1, self.session.sparkContext.defaultParallelism)
        # partitions of at most batch_rows rows, at least one per core; Arrow batches inside them stay bounded too
        rows_per_batch = max(1, min(batch_rows, -(-table.num_rows // parallelism)))
        self.session.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(rows_per_batch))
        df = self.session.createDataFrame(table)
        out = run_in_spark(df, fn, schema).toArrow()  # partitions come back in order, rows within them too
        return out.select(schema.names).cast(schema)
