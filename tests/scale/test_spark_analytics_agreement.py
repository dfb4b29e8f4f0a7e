"""DuckDB and Spark SQL agree on the analytics aggregations (issue 22): every aggregation of
``empathic.spark.aggregates`` gives the same rows in both engines over the same workspace tables (floats within
1e-9), and the score summary, theme impact and key drivers computed from Spark's aggregates equal the local
analytics results.

The workspace is ``scored_workspace`` (conftest): the seeded subscription sample analysed by the local pipeline, with
a 1–5 CSAT and a 0–10 rating with gaps added so every score kind is covered.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from scale_agreement import differences

from empathic.analytics import results
from empathic.analytics.settings import AnalyticsSettings
from empathic.feelings.queries import theme_feelings
from empathic.spark import aggregates
from empathic.workspace import Workspace


@pytest.fixture(scope="module")
def workspace(scored_workspace) -> Path:
    return scored_workspace


@pytest.fixture(scope="module")
def on_spark(spark, workspace):
    with Workspace.open(workspace, read_only=True) as ws:
        registered = aggregates.register_workspace(spark, ws.store)
    assert {"feedback_scores", "themes", "sentence_feelings"} <= set(registered)
    return spark


def _local(store, name: str) -> pd.DataFrame:
    agg = aggregates.AGGREGATIONS[name]
    if agg.duckdb is not None:
        return store.read_df(agg.duckdb)
    assert agg.local == "empathic.feelings.queries.theme_feelings"
    return theme_feelings(store)


@pytest.mark.parametrize("name", list(aggregates.AGGREGATIONS))
def test_each_aggregation_gives_the_same_rows_in_duckdb_and_spark(on_spark, workspace, name: str) -> None:
    with Workspace.open(workspace, read_only=True) as ws:
        local = _local(ws.store, name)
    spark = aggregates.run_spark(on_spark, name)
    assert len(local) >= 1, "a real aggregate, not an empty one"
    assert differences(local, spark) == []


def test_shared_statements_cover_every_score_kind(workspace) -> None:
    with Workspace.open(workspace, read_only=True) as ws:
        kinds = set(_local(ws.store, "score_moments").kind)
        feelings = _local(ws.store, "theme_feelings")
    assert kinds == {"nps", "csat", "rating"}
    assert aggregates.AGGREGATIONS["score_moments"].shared and not aggregates.AGGREGATIONS["theme_feelings"].shared
    assert (feelings.top_emotions != "").any() and feelings.n_mentions.sum() > 50


def test_theme_counts_are_the_numbers_the_themes_stage_stored(workspace) -> None:
    with Workspace.open(workspace, read_only=True) as ws:
        counted = _local(ws.store, "theme_counts")
        stored = ws.sql("SELECT theme_id, level, n_comments, n_sentences, share FROM themes ORDER BY theme_id")
    assert differences(counted, stored) == []


def test_results_from_spark_aggregates_equal_the_local_analytics(on_spark, workspace) -> None:
    settings = AnalyticsSettings()
    from_spark = aggregates.analytics_results(on_spark, settings)
    with Workspace.open(workspace, read_only=True) as ws:
        local = {
            "score_summary": results.scores(ws.store, settings),
            "theme_impact": results.impact(ws.store, settings),
            "key_drivers": results.drivers(ws.store, settings),
        }
    for name, frame in local.items():
        assert len(frame) >= 3, name
        assert differences(frame.reset_index(drop=True), from_spark[name].reset_index(drop=True)) == [], name
    assert local["theme_impact"].p_value.notna().any()  # tested impacts, not only untested rows


def test_the_comparison_sees_a_wrong_aggregate(workspace) -> None:
    """A Spark statement that forgot the NPS promoter filter, or a value off by 1e-6, is caught."""
    with Workspace.open(workspace, read_only=True) as ws:
        local = _local(ws.store, "score_moments")
    wrong = local.assign(promoters=local.n)
    assert differences(local, wrong) == ["promoters: values differ"]
    nudged = local.assign(s=local.s + 1e-6)
    assert differences(local, nudged)[0].startswith("s: max difference")
