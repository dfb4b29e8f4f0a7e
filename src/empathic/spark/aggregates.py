"""Analytics aggregations on Spark SQL: the counts and moments behind the stored numbers, over the workspace tables.

Every analytics result is a SQL aggregation into a small table (counts, Σx, Σx²), then statistics on that table in
numpy (intervals, leave-one-out impact, the ridge driver model, Benjamini–Hochberg). Only the aggregation grows with
the data, so only it moves to Spark; the statistics run on the driver with the very functions the local engine
uses. One :class:`Aggregation` per result holds its DuckDB and its Spark SQL:

- where the statement is written in the SQL both dialects share (CTEs, ``CASE``, ``count(*) FILTER``,
  ``any_value``, ``JOIN … USING``), both engines run the *same* text, imported from the analytics module that owns
  it (score moments, theme moments, the driver model's totals and rows, theme counts);
- where DuckDB's own dialect is used (``* EXCLUDE``, ``unnest(string_split(…))``, an ordered ``string_agg``), the
  Spark twin is written here (theme feelings).

``tests/scale/test_spark_analytics_agreement.py`` runs both on the same tables and holds them equal (floats within
1e-9), and checks that the results computed from the Spark aggregates equal the local analytics stage's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from empathic.analytics import drivers as drivers_mod
from empathic.analytics import evidence
from empathic.analytics import impact as impact_mod
from empathic.analytics.drivers import driver_rows_sql
from empathic.analytics.impact import THEME_MOMENTS_SQL
from empathic.analytics.scores import SCORE_MOMENTS_SQL, summarise_scores
from empathic.analytics.settings import AnalyticsSettings
from empathic.store import Store

#: Per theme of the ``themes`` table: the comments and units carrying it and its share of the themed comments, as
#: the themes stage stores them (a deleted theme counts nothing). Runs as-is in DuckDB and Spark SQL.
THEME_COUNTS_SQL = """
WITH themed AS (SELECT count(DISTINCT feedback_id) AS n FROM sentence_themes),
comments AS (SELECT theme_id, count(*) AS n FROM feedback_themes GROUP BY theme_id),
units AS (
    SELECT theme_id, count(*) AS n FROM (
        SELECT theme_id FROM sentence_themes
        UNION ALL SELECT subtheme_id AS theme_id FROM sentence_themes WHERE subtheme_id IS NOT NULL
    ) m GROUP BY theme_id
)
SELECT t.theme_id, t.level,
       CASE WHEN t.status = 'deleted' THEN 0 ELSE coalesce(c.n, 0) END AS n_comments,
       CASE WHEN t.status = 'deleted' THEN 0 ELSE coalesce(u.n, 0) END AS n_sentences,
       CAST(CASE WHEN t.status = 'deleted' THEN 0 ELSE coalesce(c.n, 0) END AS DOUBLE)
           / coalesce(nullif(themed.n, 0), 1) AS share
FROM themes t CROSS JOIN themed
LEFT JOIN comments c ON c.theme_id = t.theme_id
LEFT JOIN units u ON u.theme_id = t.theme_id
ORDER BY t.theme_id
"""

#: Spark twin of :func:`empathic.feelings.queries.theme_feelings` (DuckDB: ``sf.* EXCLUDE``, ``unnest(string_split)``,
#: ``string_agg(… ORDER BY …)``): per theme, its mentions' sentiment, shares and three most frequent emotions.
THEME_FEELINGS_SPARK_SQL = """
WITH mentions AS (
    SELECT theme_id, feedback_id, sentence_idx FROM sentence_themes
    UNION SELECT subtheme_id, feedback_id, sentence_idx FROM sentence_themes WHERE subtheme_id IS NOT NULL
),
joined AS (
    SELECT m.theme_id, m.feedback_id, sf.sentiment, sf.sentiment_label, sf.pain, sf.emotions
    FROM mentions m JOIN sentence_feelings sf ON sf.feedback_id = m.feedback_id AND sf.sentence_idx = m.sentence_idx
),
emo_counts AS (
    SELECT theme_id, emotion, count(*) AS n
    FROM (SELECT theme_id, explode(split(emotions, ';')) AS emotion FROM joined WHERE emotions <> '') e
    GROUP BY theme_id, emotion
),
emo_ranked AS (
    SELECT theme_id, emotion, row_number() OVER (PARTITION BY theme_id ORDER BY n DESC, emotion) AS r FROM emo_counts
),
emo AS (
    SELECT theme_id, concat_ws(';', transform(sort_array(collect_list(struct(r, emotion))), x -> x.emotion))
           AS top_emotions
    FROM emo_ranked WHERE r <= 3 GROUP BY theme_id
)
SELECT t.theme_id, t.label, t.level, count(*) AS n_mentions, count(DISTINCT j.feedback_id) AS n_comments,
       round(avg(j.sentiment), 4) AS mean_sentiment,
       round(avg(CASE WHEN j.sentiment_label = 'negative' THEN 1 ELSE 0 END), 4) AS share_negative,
       round(avg(CASE WHEN j.sentiment_label = 'positive' THEN 1 ELSE 0 END), 4) AS share_positive,
       round(avg(CASE WHEN j.pain THEN 1 ELSE 0 END), 4) AS share_pain,
       coalesce(any_value(emo.top_emotions), '') AS top_emotions
FROM joined j JOIN themes t ON t.theme_id = j.theme_id LEFT JOIN emo ON emo.theme_id = j.theme_id
GROUP BY t.theme_id, t.label, t.level ORDER BY t.level, n_mentions DESC, t.theme_id
"""


#: The lakehouse job's ``feedback_themes`` from its annotated units (view ``lakehouse_units``): each comment's
#: distinct top-level themes (level 1) and subthemes (level 2); "other" only where a comment has no real theme.
#: ``is_primary`` is not read by the score aggregations (false here).
LAKEHOUSE_FEEDBACK_THEMES_SQL = """
WITH real AS (SELECT DISTINCT feedback_id, theme_id FROM lakehouse_units WHERE theme_id <> 'other'),
covered AS (SELECT DISTINCT feedback_id FROM real)
SELECT feedback_id, theme_id, 1 AS level, false AS is_primary FROM real
UNION ALL
SELECT DISTINCT u.feedback_id, 'other', 1, false FROM lakehouse_units u LEFT ANTI JOIN covered c
    ON c.feedback_id = u.feedback_id
UNION ALL
SELECT DISTINCT feedback_id, subtheme_id, 2, false FROM lakehouse_units WHERE subtheme_id IS NOT NULL
"""


@dataclass(frozen=True)
class Aggregation:
    """One aggregation: the workspace tables it reads and its statement per engine (``duckdb`` is ``None`` when
    the local engine computes it in a function of its area, named in ``local``)."""

    reads: tuple[str, ...]
    spark: str
    duckdb: str | None = None
    local: str = ""

    @property
    def shared(self) -> bool:
        """Both engines run the same text."""
        return self.duckdb == self.spark


_DRIVER_TOTALS, _DRIVER_ROWS = driver_rows_sql(with_sentiment=True)
_PRESENCE_TOTALS, _PRESENCE_ROWS = driver_rows_sql(with_sentiment=False)
_SCORES = ("feedback_scores",)
_THEMES = ("feedback_scores", "themes", "feedback_themes")
_DRIVERS = (*_THEMES, "sentence_themes", "sentence_feelings")

AGGREGATIONS: dict[str, Aggregation] = {
    "score_moments": Aggregation(_SCORES, SCORE_MOMENTS_SQL, SCORE_MOMENTS_SQL),
    "theme_moments": Aggregation(_THEMES, THEME_MOMENTS_SQL, THEME_MOMENTS_SQL),
    "driver_totals": Aggregation(_DRIVERS, _DRIVER_TOTALS, _DRIVER_TOTALS),
    "driver_rows": Aggregation(_DRIVERS, _DRIVER_ROWS, _DRIVER_ROWS),
    "driver_totals_presence": Aggregation(_THEMES, _PRESENCE_TOTALS, _PRESENCE_TOTALS),
    "driver_rows_presence": Aggregation(_THEMES, _PRESENCE_ROWS, _PRESENCE_ROWS),
    "theme_counts": Aggregation(("themes", "feedback_themes", "sentence_themes"), THEME_COUNTS_SQL, THEME_COUNTS_SQL),
    "theme_feelings": Aggregation(
        ("themes", "sentence_themes", "sentence_feelings"),
        THEME_FEELINGS_SPARK_SQL,
        local="empathic.feelings.queries.theme_feelings",
    ),
}


def register_workspace(spark: Any, store: Store, tables: Iterable[str] | None = None) -> list[str]:
    """The workspace's tables as Spark temporary views of the same names (default: every table the aggregations
    read and the workspace has); returns the names registered."""
    wanted = sorted(set(tables) if tables is not None else {t for a in AGGREGATIONS.values() for t in a.reads})
    names = [t for t in wanted if store.has_table(t)]
    for name in names:
        spark.createDataFrame(store.read(f"SELECT * FROM {name}")).createOrReplaceTempView(name)
    if "score_labels" not in names and store.has_table("score_labels"):
        spark.createDataFrame(store.read("SELECT * FROM score_labels")).createOrReplaceTempView("score_labels")
    return names


def run_spark(spark: Any, name: str) -> pd.DataFrame:
    """Aggregation ``name`` run by Spark over the registered views, as a (small) pandas frame."""
    return spark.sql(AGGREGATIONS[name].spark).toPandas()


def lakehouse_views(
    spark: Any, comments: Any, units: Any, themes: Any, scales: dict[str, tuple[str, float | None, float | None]]
) -> None:
    """The workspace tables the score aggregations read, as Spark views over the lakehouse job's outputs.

    ``feedback_scores`` (one row per comment × score with a value; its kind and scale as the sample workspace's
    ingest inferred them, ``scales``: column → (kind, min, max)), ``themes`` (the tree plus "other") and
    ``feedback_themes`` (a comment's distinct themes and subthemes; "other" only for a comment with no real theme,
    as the themes stage writes it). Column names are user strings: they only travel as DataFrame columns and
    literals, never in SQL text.
    """
    from pyspark.sql import functions as F

    from empathic.scale.spark import quote_name

    frames = [
        comments.where(F.col(quote_name(name)).isNotNull()).select(
            "feedback_id",
            F.lit(name).alias("name"),
            F.lit(kind).alias("kind"),
            F.lit(low).cast("double").alias("scale_min"),
            F.lit(high).cast("double").alias("scale_max"),
            F.col(quote_name(name)).cast("double").alias("value"),
        )
        for name, (kind, low, high) in sorted(scales.items())
    ]
    empty = "feedback_id string, name string, kind string, scale_min double, scale_max double, value double"
    scores = spark.createDataFrame([], empty)
    for frame in frames:
        scores = scores.unionByName(frame)
    scores.createOrReplaceTempView("feedback_scores")
    other = spark.createDataFrame([("other", None, 1, "other", "active")], themes.schema)
    themes.unionByName(other).createOrReplaceTempView("themes")
    units.select("feedback_id", "theme_id", "subtheme_id").createOrReplaceTempView("lakehouse_units")
    spark.sql(LAKEHOUSE_FEEDBACK_THEMES_SQL).createOrReplaceTempView("feedback_themes")


#: Views :func:`lakehouse_views` registers (dropped again by :func:`lakehouse_theme_impact`).
LAKEHOUSE_VIEWS = ("feedback_scores", "themes", "lakehouse_units", "feedback_themes")
#: Columns of ``theme_impact`` (as the analytics stage stores it), for an empty result.
THEME_IMPACT_DDL = (
    "score_name string, metric string, theme_id string, label string, level bigint, n_with bigint, "
    "n_without bigint, score_overall double, score_with double, score_without double, impact double, "
    "ci_low double, ci_high double, p_value double, q_value double"
)


def lakehouse_theme_impact(
    spark: Any, comments: Any, units: Any, themes: Any, scales: dict[str, tuple[str, float | None, float | None]]
) -> Any:
    """The lakehouse job's ``theme_impact`` (a small Spark DataFrame): :func:`theme_impact` over
    :func:`lakehouse_views`. The temporary views are dropped afterwards (a view of the same name in the caller's
    session would be replaced while this runs)."""
    import pyarrow as pa

    try:
        lakehouse_views(spark, comments, units, themes, scales)
        frame = theme_impact(spark) if scales else pd.DataFrame()
    finally:
        for name in LAKEHOUSE_VIEWS:
            spark.catalog.dropTempView(name)
    if frame.empty:
        return spark.createDataFrame([], THEME_IMPACT_DDL)
    frame = frame.assign(level=frame["level"].astype("int64"))
    return spark.createDataFrame(pa.Table.from_pandas(frame, preserve_index=False))


def theme_impact(spark: Any, settings: AnalyticsSettings | None = None) -> pd.DataFrame:
    """Leave-one-out theme impact on every score, from the Spark aggregates over the registered views (the
    statistics and evidence rules of the local analytics stage)."""
    settings = settings or AnalyticsSettings()
    rules = evidence.EvidenceRules.from_settings(settings)
    impact = impact_mod.leave_one_out_impact(
        run_spark(spark, "theme_moments"), run_spark(spark, "score_moments"), settings.confidence, rules=rules
    )
    return evidence.hide_unsupported(impact, "ci_low", "ci_high")[0]


def _display_names(spark: Any) -> dict[str, str]:
    if not spark.catalog.tableExists("score_labels"):
        return {}
    frame = spark.sql("SELECT score_name, display_name FROM score_labels").toPandas()
    return dict(frame.itertuples(index=False, name=None))


def analytics_results(spark: Any, settings: AnalyticsSettings | None = None) -> dict[str, pd.DataFrame]:
    """``score_summary``, ``theme_impact`` and ``key_drivers`` from aggregates Spark computed, through the
    statistics the local analytics stage uses (:mod:`empathic.analytics.results`): the same numbers."""
    settings = settings or AnalyticsSettings()
    rules = evidence.EvidenceRules.from_settings(settings)
    scores = run_spark(spark, "score_moments")
    out = {"score_summary": summarise_scores(scores, settings.confidence, _display_names(spark))}
    themes = run_spark(spark, "theme_moments")
    impact = impact_mod.leave_one_out_impact(themes, scores, settings.confidence, rules=rules)
    out["theme_impact"], _ = evidence.hide_unsupported(impact, "ci_low", "ci_high")
    with_sentiment = spark.catalog.tableExists("sentence_feelings") and bool(spark.table("sentence_feelings").head(1))
    suffix = "" if with_sentiment else "_presence"
    rows = spark.sql(AGGREGATIONS["driver_rows" + suffix].spark).toArrow()
    totals = run_spark(spark, "driver_totals" + suffix)
    labels = dict(spark.sql("SELECT theme_id, label FROM themes").toPandas().itertuples(index=False, name=None))
    out["key_drivers"] = drivers_mod.key_drivers(
        totals, *drivers_mod.moments_from_rows(rows), labels, ridge=settings.driver_ridge, conf=settings.confidence,
        min_count=max(settings.min_theme_count, settings.min_theme_n),
    )  # fmt: skip
    return out
