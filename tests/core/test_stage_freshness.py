"""Freshness comes from the declarations and the recorded runs, not from stage names written into a check."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from empathic.analytics import stored
from empathic.analytics.settings import AnalyticsSettings
from empathic.stage import Stage, stale_reason
from empathic.store import Store

T0 = datetime(2026, 1, 1, 12, 0)
DOWN = Stage("down", reads_stages=("up",), reads=("feedback", "up_table"), writes=("down_table",), settings=("down",))


@pytest.fixture()
def store(tmp_path):
    with Store(tmp_path / "f.empathic") as s:
        yield s


def _run(store: Store, stage: str, status: str, minutes: int, settings: dict | None = None) -> None:
    at = T0 + timedelta(minutes=minutes)
    with store.write() as con:
        con.execute(
            "INSERT INTO runs VALUES (?, ?, ?, ?, '{}', ?, ?, '')",
            [f"{stage}{minutes}", stage, status, json.dumps(settings or {"down": {"k": 1}}), at, at],
        )


def test_a_stage_that_never_ran_or_failed_last_is_stale(store) -> None:
    assert stale_reason(store, DOWN, {"down": {"k": 1}}) == "down has not run"
    _run(store, "down", "ok", 0)
    assert stale_reason(store, DOWN, {"down": {"k": 1}}) is None
    _run(store, "down", "failed", 1)
    assert stale_reason(store, DOWN, {"down": {"k": 1}}) == "the last down run is failed"


def test_changed_settings_make_it_stale(store) -> None:
    _run(store, "down", "ok", 0)
    assert stale_reason(store, DOWN, {"down": {"k": 2}}) == "settings changed since the last down run: down"


def test_only_ok_runs_of_declared_upstream_stages_count(store) -> None:
    _run(store, "down", "ok", 0)
    _run(store, "other", "ok", 1)  # not declared as read: e.g. a stage further down the flow
    _run(store, "up", "failed", 2)  # a failed run wrote nothing (one transaction)
    _run(store, "up", "skipped", 3)
    assert stale_reason(store, DOWN, {"down": {"k": 1}}) is None
    _run(store, "up", "ok", 4)
    assert stale_reason(store, DOWN, {"down": {"k": 1}}) == "up ran after the last down run"
    _run(store, "down", "ok", 5)
    assert stale_reason(store, DOWN, {"down": {"k": 1}}) is None


def test_an_ingest_after_the_run_makes_a_reader_of_feedback_stale(store) -> None:
    _run(store, "down", "ok", 0)
    with store.write() as con:
        con.execute(
            "INSERT INTO sources (source_id, kind, path, ingested_at) VALUES ('s1', 'feedback', 'x.csv', ?)",
            [T0 + timedelta(minutes=1)],
        )
    assert stale_reason(store, DOWN, {"down": {"k": 1}}) == "sources changed after the last down run"
    blind = Stage("blind", reads=("up_table",), settings=("down",))
    _run(store, "blind", "ok", 0)
    assert stale_reason(store, blind, {"down": {"k": 1}}) is None  # it reads nothing the ingest wrote


def test_stored_analytics_follow_the_analytics_declaration(store) -> None:
    cfg = AnalyticsSettings()
    settings = {"analytics": json.loads(cfg.model_dump_json())}
    assert stored.stale_reason(store, cfg) == "no stored analytics results"
    with store.write() as con:
        con.execute("INSERT INTO score_summary (score_name, kind, metric, n, value) VALUES ('nps', 'nps', 'nps', 3, 1)")
    _run(store, "analytics", "ok", 0, settings)
    assert stored.is_fresh(store, cfg)
    _run(store, "personas", "ok", 1, settings)  # downstream: no effect
    _run(store, "usage", "ok", 2, settings)  # analytics does not read usage tables
    assert stored.is_fresh(store, cfg)
    _run(store, "feelings", "ok", 3, settings)  # once hard-coded as (sentences, themes, feelings); now declared
    assert stored.stale_reason(store, cfg) == "feelings ran after the last analytics run"
    _run(store, "analytics", "ok", 4, settings)
    assert stored.is_fresh(store, cfg)
    assert not stored.is_fresh(store, AnalyticsSettings(alpha=0.01))
