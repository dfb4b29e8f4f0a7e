"""``empathic spark run``: read comments from a lakehouse path or table, write every output as Parquet.

Layout of the output folder::

    DIR/comments/primary_theme_id=<id>/part-*.parquet   every comment with its primary theme and feelings
    DIR/units/theme_id=<id>/part-*.parquet              every sentence unit with its theme, subtheme, feelings
    DIR/<aggregate>/part-*.parquet                      themes, theme_summary, sentiment, intents, emotions,
                                                        theme_scores, theme_impact, theme_attributes, verbatims
    DIR/summary.empathic                                the sample's workspace, plus every aggregate as a table
                                                        ``spark_<name>``: open it with ``empathic serve``/``report``
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from empathic.config import Settings
from empathic.errors import InputError
from empathic.spark.job import SAMPLE_COMMENTS, run_job
from empathic.store import ident
from empathic.workspace import Workspace

AGGREGATES = (
    "themes",
    "theme_summary",
    "sentiment",
    "intents",
    "emotions",
    "theme_scores",
    "theme_impact",
    "theme_attributes",
    "verbatims",
)


@dataclass
class LakehouseResult:
    """Counts for the CLI summary."""

    n_comments: int
    n_units: int
    n_sample: int
    n_themes: int
    output: Path


def read_input(spark: Any, source: str) -> Any:
    """A Spark DataFrame from a Parquet file or folder, a CSV file or folder (header row), a Delta folder (needs
    the delta-spark package on the session), or a table name in the session's catalog."""
    if "://" in source:  # s3://, s3a://, abfss://, dbfs:/ …: Spark reads it; the suffix says CSV, else Parquet
        if source.lower().rstrip("/").endswith((".csv", ".tsv")):
            sep = "\t" if source.lower().rstrip("/").endswith(".tsv") else ","
            return (
                spark.read.option("header", True)
                .option("multiLine", True)
                .option("escape", '"')
                .option("sep", sep)
                .csv(source)
            )
        return spark.read.parquet(source)
    path = Path(source)
    if path.exists():
        if path.is_dir() and (path / "_delta_log").is_dir():
            try:
                return spark.read.format("delta").load(str(path))
            except Exception as exc:  # the Delta format is not on this session
                raise InputError(
                    f"{source} is a Delta table, and this Spark session cannot read Delta: {exc}"[:500],
                    hint="start Spark with delta-spark (Databricks has it), or export the table to Parquet",
                ) from None
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        if any(p.suffix.lower() in (".csv", ".tsv") for p in files) and not any(
            p.suffix.lower() == ".parquet" for p in files
        ):
            sep = "\t" if all(p.suffix.lower() == ".tsv" for p in files if p.suffix) else ","
            return (
                spark.read.option("header", True)
                .option("multiLine", True)
                .option("escape", '"')
                .option("sep", sep)
                .csv(str(path))
            )
        return spark.read.parquet(str(path))
    if "/" in source or "\\" in source or "." in Path(source).suffix:
        raise InputError(f"no file or folder {source}", hint="give a Parquet/CSV path or a table name")
    if not spark.catalog.tableExists(source):
        raise InputError(f"{source} is neither a path nor a table of this Spark session", hint="check the name")
    return spark.table(source)


def run(
    spark: Any,
    source: str,
    *,
    text: str,
    id: str,
    output: Path,
    score: Sequence[str] = (),
    attr: Sequence[str] = (),
    sample: int = SAMPLE_COMMENTS,
    settings: Settings | None = None,
    overwrite: bool = False,
) -> LakehouseResult:
    """Analyse ``source`` on ``spark`` and write the outputs under ``output`` (see the module docstring)."""
    output = Path(output)
    if output.exists() and any(output.iterdir()):
        if not overwrite:
            raise InputError(f"{output} is not empty", hint="choose a new folder, or pass --overwrite")
        shutil.rmtree(output)
    output.mkdir(parents=True, exist_ok=True)
    df = read_input(spark, source)
    summary = output / "summary.empathic"
    job = run_job(
        df, text=text, id=id, score=score, attr=attr, sample=sample, settings=settings, summary=summary,
        units_path=output / "units",
    )  # fmt: skip
    tables = job.tables
    tables["comments"].write.mode("overwrite").partitionBy("primary_theme_id").parquet(str(output / "comments"))
    small: dict[str, pa.Table] = {}
    for name in AGGREGATES:
        tables[name].coalesce(1).write.mode("overwrite").parquet(str(output / name))
        small[name] = spark.read.parquet(str(output / name)).toArrow()
    n_comments = spark.read.parquet(str(output / "comments")).count()
    n_units = spark.read.parquet(str(output / "units")).count()
    small["run"] = pa.table(
        {
            "source": [str(source)],
            "n_comments": [n_comments],
            "n_units": [n_units],
            "n_sample": [job.n_sample],
            "finished_at": [datetime.now(UTC).replace(tzinfo=None)],
        }
    )
    _store_aggregates(summary, small)
    n_themes = sum(1 for t in job.model.themes if t.alive and t.level == 1 and t.theme_id != "other")
    return LakehouseResult(n_comments, n_units, job.n_sample, n_themes, output)


def _store_aggregates(summary: Path, tables: dict[str, pa.Table]) -> None:
    """Every aggregate into the summary workspace as ``spark_<name>`` (replaced), in one transaction."""
    with Workspace.open(summary) as ws, ws.store.write() as con:
        for name, table in tables.items():
            con.register("spark_new", table)
            con.execute(f"CREATE OR REPLACE TABLE {ident('spark_' + name)} AS SELECT * FROM spark_new")
            con.unregister("spark_new")
