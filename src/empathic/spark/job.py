"""The lakehouse job: a Spark DataFrame of comments in, annotated comments, units and aggregate tables out.

1. A deterministic sample of at most ``sample`` comments (lowest ``xxhash64`` of the id, ties by id: the same
   whatever the partitioning) is collected to the driver and analysed by the ordinary local pipeline in a small
   workspace: theme discovery, labels, feelings, drivers. That workspace becomes ``summary.empathic``.
2. The driver fits the theme model on it (:mod:`empathic.spark.model`); executors split, read feelings and assign
   themes for every comment with ``mapInArrow`` (:func:`empathic.spark.rows.annotate_comments`).
3. Aggregates are Spark SQL over the annotated units and comments.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from empathic.config import Settings
from empathic.errors import InputError
from empathic.scale.spark import quote_name, run_in_spark
from empathic.spark.aggregates import lakehouse_theme_impact
from empathic.spark.model import ThemeModel, fit_theme_model
from empathic.spark.rows import ANNOTATED_UNITS_SCHEMA, annotate_comments
from empathic.text.cache import choose_mode
from empathic.workspace import Workspace

#: Comments analysed on the driver to discover themes (bounded: the driver's cost does not grow with the corpus).
SAMPLE_COMMENTS = 20_000
#: Verbatims kept per theme and per subtheme (the best-fitting units) for the summary workspace.
VERBATIMS_PER_THEME = 5
UNIT_COLUMNS = [f.name for f in ANNOTATED_UNITS_SCHEMA][:13]
COMMENT_COLUMNS = ["feedback_id", *(f.name for f in ANNOTATED_UNITS_SCHEMA if f.name not in UNIT_COLUMNS)]


@dataclass
class SparkRun:
    """What :func:`analyze` built: the output tables (Spark DataFrames), the theme model and the sample size."""

    tables: dict[str, Any]
    model: ThemeModel
    n_sample: int
    scales: dict[str, tuple[str, float | None, float | None]] = field(default_factory=dict)


def _check_columns(df: Any, wanted: Sequence[str]) -> None:
    missing = [c for c in wanted if c not in df.columns]
    if missing:
        raise InputError(
            f"column(s) {', '.join(repr(c) for c in missing)} not in the input",
            hint=f"the input has: {', '.join(df.columns[:30])}",
        )


def _comments(df: Any, text: str, id: str, score: Sequence[str], attr: Sequence[str]) -> Any:
    from pyspark.sql import functions as F

    _check_columns(df, [text, id, *score, *attr])
    return df.select(
        F.col(quote_name(id)).cast("string").alias("feedback_id"),
        F.col(quote_name(text)).cast("string").alias("text"),
        *(F.col(quote_name(s)).cast("double").alias(s) for s in score),
        *(F.col(quote_name(a)).cast("string").alias(a) for a in attr),
    ).where(F.col("feedback_id").isNotNull())


def deterministic_sample(comments: Any, size: int) -> Any:
    """At most ``size`` comments with text, the same ones whatever the partitioning (Spark DataFrame)."""
    from pyspark.sql import functions as F

    with_text = comments.where(F.col("text").isNotNull() & (F.trim(F.col("text")) != ""))
    return with_text.orderBy(F.xxhash64("feedback_id"), "feedback_id").limit(size)


def build_summary(path: Path, sample: Any, score: Sequence[str], attr: Sequence[str], settings: Settings) -> int:
    """Analyse the sample comments with the local pipeline in a new workspace at ``path``; returns their number."""
    frame = sample.toArrow().to_pandas()
    if frame.empty:
        raise InputError("no comment with text in the input", hint="check --text names the comment column")
    with Workspace.open(path, settings=settings) as ws:
        roles: dict[str, Any] = {"score": list(score)} if score else {}
        if attr:
            roles["attr"] = list(attr)
        ws.ingest(frame, text="text", id="feedback_id", **roles)
        ws.analyze()
    return len(frame)


def analyze(
    df: Any,
    *,
    text: str,
    id: str,
    score: Sequence[str] = (),
    attr: Sequence[str] = (),
    sample: int = SAMPLE_COMMENTS,
    settings: Settings | None = None,
    summary: str | Path | None = None,
    units_path: str | Path | None = None,
) -> dict[str, Any]:
    """Analyse a Spark DataFrame of comments; returns Spark DataFrames by name.

    Names: ``comments`` (the input columns used, plus theme and feelings per comment), ``units`` (one row per
    sentence unit), ``themes`` (the tree), ``theme_summary``, ``sentiment``, ``intents``, ``emotions``,
    ``theme_scores``, ``theme_impact`` (leave-one-out impact of each theme on each score, with its interval: the
    analytics stage's statistics over Spark SQL aggregates, :mod:`empathic.spark.aggregates`),
    ``theme_attributes``, ``verbatims``.

    Args:
        df: the comments.
        text, id: the comment text and id columns (ids must be unique).
        score: numeric score columns (NPS, rating …); attr: categorical columns (plan, region …).
        sample: comments analysed on the driver to discover the themes.
        settings: analysis settings (default: the defaults).
        summary: where to keep the sample's workspace (default: a temporary one, deleted).
        units_path: write the annotated units there as Parquet and read them back, so the outputs do not
            recompute them (the CLI does; without it, cache what you query more than once).
    """
    return run_job(
        df, text=text, id=id, score=score, attr=attr, sample=sample, settings=settings, summary=summary,
        units_path=units_path,
    ).tables  # fmt: skip


def run_job(
    df: Any,
    *,
    text: str,
    id: str,
    score: Sequence[str] = (),
    attr: Sequence[str] = (),
    sample: int = SAMPLE_COMMENTS,
    settings: Settings | None = None,
    summary: str | Path | None = None,
    units_path: str | Path | None = None,
) -> SparkRun:
    """:func:`analyze`, also returning the theme model and the sample size."""
    settings = settings or Settings()
    spark = df.sparkSession
    comments = _comments(df, text, id, score, attr)
    picked = deterministic_sample(comments, sample)
    if summary is None:
        with tempfile.TemporaryDirectory(prefix="empathic-sample-") as folder:
            n_sample, model, scales = _fit(Path(folder) / "sample.empathic", picked, score, attr, settings)
    else:
        n_sample, model, scales = _fit(Path(summary), picked, score, attr, settings)
    fs = settings.feelings
    n_comments = comments.count()
    mode = choose_mode(fs.mode, 2 * n_comments, fs.accurate_max_units, n_comments, fs.accurate_max_comments)
    fn = partial(annotate_comments, model=model, mode=mode, feelings=fs.model_dump())
    annotated = run_in_spark(comments.select("feedback_id", "text"), fn, ANNOTATED_UNITS_SCHEMA)
    if units_path is not None:
        annotated.write.mode("overwrite").partitionBy("theme_id").parquet(str(units_path))
        annotated = spark.read.parquet(str(units_path))
    tables = aggregates(spark, annotated, comments, model, score, attr)
    tables["theme_impact"] = lakehouse_theme_impact(
        spark, tables["comments"], tables["units"], tables["themes"], scales
    )
    return SparkRun(tables, model, n_sample, scales)


def _fit(path: Path, picked: Any, score, attr, settings: Settings) -> tuple[int, ThemeModel, dict]:
    """Analyse the sample; its theme model, and each score column's kind and scale as the ingest inferred them."""
    n = build_summary(path, picked, score, attr, settings)
    with Workspace.open(path, read_only=True) as ws:
        found = ws.store.read_df(
            "SELECT name, any_value(kind) AS kind, min(scale_min) AS low, max(scale_max) AS high FROM feedback_scores "
            "WHERE kind IN ('nps', 'csat', 'rating', 'recommend') GROUP BY name ORDER BY name"
        )
        scales = {
            r.name: (r.kind, None if pd.isna(r.low) else float(r.low), None if pd.isna(r.high) else float(r.high))
            for r in found.itertuples(index=False)
        }
        return n, fit_theme_model(ws.store, settings), scales


def aggregates(spark: Any, annotated: Any, comments: Any, model: ThemeModel, score, attr) -> dict[str, Any]:
    """The output tables, as Spark SQL over the annotated units (one definition, run by Spark)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    units = annotated.select(*UNIT_COLUMNS)
    per_comment = annotated.where(F.col("sentence_idx") == 0).select(*COMMENT_COLUMNS)
    annotated_comments = comments.join(per_comment, "feedback_id", "left")
    themes = spark.createDataFrame(
        [(t.theme_id, t.parent_id, t.level, t.label, t.status) for t in model.themes if t.alive],
        "theme_id string, parent_id string, level int, label string, status string",
    )
    n_all = F.lit(annotated_comments.count())

    def summary_by(column: str, level: int) -> Any:
        return (
            units.where(F.col(column).isNotNull())
            .groupBy(F.col(column).alias("theme_id"))
            .agg(
                F.count("*").alias("n_units"),
                F.countDistinct("feedback_id").alias("n_comments"),
                F.avg("sentiment").alias("mean_sentiment"),
                F.sum(F.when(F.col("sentiment_label") == "negative", 1).otherwise(0)).alias("negative_units"),
                F.sum(F.when(F.col("sentiment_label") == "positive", 1).otherwise(0)).alias("positive_units"),
            )
            .withColumn("level", F.lit(level))
        )

    theme_summary = (
        summary_by("theme_id", 1)
        .unionByName(summary_by("subtheme_id", 2))
        .join(themes.select("theme_id", "parent_id", "label"), "theme_id", "left")
        .withColumn("share_of_comments", F.col("n_comments") / n_all)
    )

    def counts(expr: Any, name: str) -> Any:
        values = annotated_comments.select(expr.alias(name))
        return values.where(F.col(name).isNotNull() & (F.col(name) != "")).groupBy(name).count()

    split = partial(F.split, pattern=";")
    tables = {
        "comments": annotated_comments,
        "units": units,
        "themes": themes,
        "theme_summary": theme_summary,
        "sentiment": counts(F.col("comment_sentiment_label"), "sentiment_label"),
        "intents": counts(F.explode(split(F.col("comment_intent"))), "intent"),
        "emotions": counts(F.explode(split(F.col("comment_emotions"))), "emotion"),
    }
    tables["theme_scores"] = _union(
        [
            annotated_comments.where(F.col(s).isNotNull())
            .groupBy("primary_theme_id")
            .agg(F.count(s).alias("n"), F.avg(s).alias("mean"))
            .withColumn("score", F.lit(s))
            for s in score
        ],
        "primary_theme_id string, n bigint, mean double, score string",
        spark,
    )
    tables["theme_attributes"] = _union(
        [
            annotated_comments.groupBy(F.col(a).alias("value"), "primary_theme_id")
            .count()
            .withColumn("attribute", F.lit(a))
            for a in attr
        ],
        "value string, primary_theme_id string, count bigint, attribute string",
        spark,
    )
    rank = Window.partitionBy("theme_id").orderBy(F.desc("theme_score"), "feedback_id", "sentence_idx")
    best = units.where(F.col("theme_id") != "other")
    tables["verbatims"] = (
        best.withColumn("rank", F.row_number().over(rank))
        .where(F.col("rank") <= VERBATIMS_PER_THEME)
        .select("theme_id", "rank", "feedback_id", "sentence_idx", "text", "theme_score", "sentiment_label")
    )
    return tables


def _union(frames: list[Any], empty_schema: str, spark: Any) -> Any:
    if not frames:
        return spark.createDataFrame([], empty_schema)
    out = frames[0]
    for frame in frames[1:]:
        out = out.unionByName(frame)
    return out
