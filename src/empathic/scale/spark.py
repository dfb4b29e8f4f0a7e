"""Apache Spark runner for the per-row stages (optional extra: ``pip install "empathic[spark]"``).

Example (a Spark DataFrame ``comments`` with ``feedback_id`` and ``text``)::

    from empathic.scale.spark import run_in_spark
    from empathic.text.sentences import SENTENCES_SCHEMA, split_sentences
    units = run_in_spark(comments, split_sentences, SENTENCES_SCHEMA)
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from empathic.errors import NotInstalledError
from empathic.scale.batches import BatchFn, as_map_in_arrow


def _require_pyspark() -> Any:
    try:
        import pyspark
    except ModuleNotFoundError:
        raise NotInstalledError("Apache Spark support needs pyspark", hint='pip install "empathic[spark]"') from None
    return pyspark


def spark_schema(schema: pa.Schema) -> str:
    """A Spark DDL schema string for an Arrow schema of strings, integers, floats and booleans."""
    names = {
        pa.string(): "string",
        pa.int32(): "int",
        pa.int64(): "bigint",
        pa.float32(): "float",
        pa.float64(): "double",
        pa.bool_(): "boolean",
    }
    return ", ".join(f"`{f.name}` {names.get(f.type, 'string')}" for f in schema)


def run_in_spark(df: Any, fn: BatchFn, schema: pa.Schema) -> Any:
    """Run a pure batch function over a Spark DataFrame with ``mapInArrow``; returns a Spark DataFrame."""
    _require_pyspark()
    return df.mapInArrow(as_map_in_arrow(fn), spark_schema(schema))
