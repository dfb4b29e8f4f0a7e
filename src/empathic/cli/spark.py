"""``empathic spark run``: analyse comments in a lakehouse with Apache Spark (``pip install "empathic[spark]"``)."""

from __future__ import annotations

from pathlib import Path

import typer

from empathic.cli.common import console, esc

spark_app = typer.Typer(help="Run empathic on Apache Spark (lakehouse scale; docs/spark.md).", no_args_is_help=True)


@spark_app.command("run")
def run(
    source: str = typer.Argument(..., help="Parquet/CSV file or folder, a Delta folder, or a table name."),
    text: str = typer.Option(..., "--text", help="Column with the comment text."),
    id: str = typer.Option(..., "--id", help="Column with a unique comment id."),
    output: Path = typer.Option(..., "--output", "-o", help="Output folder (Parquet tables and summary.empathic)."),
    score: list[str] = typer.Option(None, "--score", help="Numeric score column (NPS, rating …); repeatable."),
    attr: list[str] = typer.Option(None, "--attr", help="Categorical column (plan, region …); repeatable."),
    master: str | None = typer.Option(
        None, "--master", help="Spark master (default: the active session's, or local[*] outside spark-submit)."
    ),
    sample: int = typer.Option(20_000, "--sample", min=100, help="Comments analysed on the driver to find themes."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace a non-empty output folder."),
) -> None:
    """Annotate every comment and write comments, units and aggregates as Parquet, plus DIR/summary.empathic.

    Examples:
      empathic spark run s3://bucket/feedback/ --text comment --id response_id --score nps --output out/
      empathic spark run reviews.csv --text review --id id --attr region --output out/ --master local[4]
      empathic serve out/summary.empathic
    """
    from empathic.config import load_settings
    from empathic.scale.spark import spark_session
    from empathic.spark.lakehouse import run as run_lakehouse

    session = spark_session(master or "local[*]") if master or not _active() else _active()
    result = run_lakehouse(
        session, source, text=text, id=id, output=output, score=score or (), attr=attr or (), sample=sample,
        settings=load_settings(output / "summary.empathic"), overwrite=overwrite,
    )  # fmt: skip
    console.print(
        f"[green]✓[/green] {result.n_comments:,} comments, {result.n_units:,} units, {result.n_themes} themes "
        f"(discovered on a sample of {result.n_sample:,}) → {esc(result.output)}"
    )
    console.print(f"open the summary: empathic serve {esc(result.output / 'summary.empathic')}")


def _active():
    """The running Spark session (under spark-submit or a notebook), else None."""
    try:
        from pyspark.sql import SparkSession
    except ModuleNotFoundError:
        return None
    return SparkSession.getActiveSession()


def register(app: typer.Typer) -> None:
    """Add ``empathic spark``."""
    app.add_typer(spark_app, name="spark")
