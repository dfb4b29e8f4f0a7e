"""empathic on Apache Spark: the lakehouse front door (``pip install "empathic[spark]"``; docs/spark.md).

``analyze(spark_df, text=..., id=...)`` returns the annotated comments, units and aggregate tables as Spark
DataFrames; ``empathic spark run`` writes them as Parquet plus a small ``summary.empathic`` workspace.
"""

from __future__ import annotations

from typing import Any


def analyze(df: Any, *, text: str, id: str, **options: Any) -> dict[str, Any]:
    """See :func:`empathic.spark.job.analyze` (imported lazily: pyspark is optional)."""
    from empathic.spark.job import analyze as _analyze

    return _analyze(df, text=text, id=id, **options)


__all__ = ["analyze"]
