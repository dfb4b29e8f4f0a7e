"""DuckDB and Spark SQL agree on the usage and personas aggregations (issue 22): sessions, feature adoption, each
customer's event mix (in their own time zone, UTC, and a zone far from both) and what each customer says give the
same rows from ``empathic.usage.sql`` / ``empathic.personas.load`` in DuckDB and from ``empathic.spark.usage_sql``
in Spark, on the same tables (floats within 1e-9).

The workspace is ``scored_workspace`` (conftest): the seeded subscription sample, 60 customers in three time zones,
13k events, 58 comments, analysed by the local pipeline.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from scale_agreement import differences

from empathic.personas import load as personas_load
from empathic.spark import aggregates, usage_sql
from empathic.usage import sql as duck_usage
from empathic.workspace import Workspace

TABLES = ["events", "customers", "customer_attributes", "feedback", "feedback_themes", "themes", "feedback_emotions",
          "feedback_feelings"]  # fmt: skip


@pytest.fixture(scope="module")
def workspace(scored_workspace) -> Path:
    return scored_workspace


@pytest.fixture(scope="module")
def on_spark(spark, workspace):
    with Workspace.open(workspace, read_only=True) as ws:
        assert aggregates.register_workspace(spark, ws.store, TABLES) == sorted(TABLES)
    usage_sql.register_time_zones(spark)
    return spark


def _duck(workspace: Path, fn) -> pd.DataFrame:
    with Workspace.open(workspace, read_only=True) as ws:
        return fn(ws.store.cursor())


def _spark(spark, sql: str, args: dict | None = None) -> pd.DataFrame:
    return spark.sql(sql, args=args or None).toPandas()


def test_sessions_agree(on_spark, workspace) -> None:
    gap = 30 * 60.0
    local = _duck(workspace, lambda con: con.sql(duck_usage.sessions(duck_usage.Sources(), gap)).df())
    assert len(local) > 500 and local.n_events.max() > 1
    assert differences(local, _spark(on_spark, usage_sql.sessions_sql(gap))) == []


def test_sessions_agree_with_a_short_gap(on_spark, workspace) -> None:
    """Another gap cuts other sessions: the running count of starts must still match the ASOF join."""
    local = _duck(workspace, lambda con: con.sql(duck_usage.sessions(duck_usage.Sources(), 60.0)).df())
    assert differences(local, _spark(on_spark, usage_sql.sessions_sql(60.0))) == []


def test_feature_adoption_agrees(on_spark, workspace) -> None:
    local = _duck(workspace, lambda con: con.sql(duck_usage.features(duck_usage.Sources())).df())
    assert len(local) >= 3 and local.median_days_to_first_use.notna().all()
    assert differences(local, _spark(on_spark, usage_sql.FEATURES_SQL)) == []


@pytest.mark.parametrize(("time_zone", "as_of"), [("customer", None), ("Asia/Kolkata", "2025-07-10 12:00:00")])
def test_customer_usage_agrees(on_spark, workspace, time_zone: str, as_of: str | None) -> None:
    """The per-customer usage personas read as behaviour (sessions, time used, tenure, status, peak daypart)."""
    gap = 30 * 60.0
    duck = duck_usage.Sources()

    def local_rows(con) -> pd.DataFrame:
        con.execute(f"CREATE OR REPLACE TEMP TABLE agree_sessions AS {duck_usage.sessions(duck, gap)}")
        sql = duck_usage.customer_usage(
            duck, "agree_sessions", time_zone=time_zone, at_risk_days=14.0, churn_days=30.0, as_of=as_of
        )
        return con.sql(sql).df()

    local = _duck(workspace, local_rows)
    assert len(local) == 60 and local.status.nunique() >= 2 and local.peak_daypart.notna().all()
    on_spark.sql(usage_sql.sessions_sql(gap)).createOrReplaceTempView("agree_sessions")
    statement, args = usage_sql.customer_usage_sql(
        "agree_sessions", time_zone=time_zone, at_risk_days=14.0, churn_days=30.0, as_of=as_of
    )
    assert differences(local, _spark(on_spark, statement, args)) == []


@pytest.mark.parametrize("time_zone", ["customer", "UTC", "Asia/Kolkata"])
def test_event_mix_agrees(on_spark, workspace, time_zone: str) -> None:
    local = _duck(workspace, lambda con: personas_load.event_mix(con, time_zone))
    assert local["item"].str.startswith("daypart=").any() and (local["item"] == "weekend").any()
    assert differences(local, _spark(on_spark, *usage_sql.event_mix_sql(time_zone))) == []


def test_the_time_zone_changes_the_event_mix(on_spark) -> None:
    """The comparison above is not vacuous: dayparts really move with the zone."""
    utc = _spark(on_spark, *usage_sql.event_mix_sql("UTC"))
    kolkata = _spark(on_spark, *usage_sql.event_mix_sql("Asia/Kolkata"))
    assert differences(utc, kolkata) != []


def test_what_customers_say_agrees(on_spark, workspace) -> None:
    local = _duck(workspace, personas_load.said)
    assert {"_spoke", "sentiment"} <= set(local["item"]) and local["item"].str.startswith("theme=").any()
    spark_sql = usage_sql.said_sql(
        themes=True, emotions=bool(local["item"].str.startswith("emotion=").any()), feelings=True
    )
    assert differences(local, _spark(on_spark, spark_sql)) == []
