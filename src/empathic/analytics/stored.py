"""Reading the stored analytics results, and knowing when they are still fresh.

The stage computes every result once and stores it; the notebook API, the CLI and the web app then answer from
those tables in milliseconds even on millions of comments. The stored results are *fresh* when the last analytics
run succeeded with the same analytics settings and nothing it reads changed since (an ingest, an ``ok`` run of a
stage it declares it reads, e.g. themes after a theme edit); otherwise callers recompute live (same functions, same
output).
"""

from __future__ import annotations

import json

import pandas as pd

from empathic import stage as stage_contract
from empathic.analytics.settings import AnalyticsSettings
from empathic.analytics.stage import STAGE
from empathic.store import Store

ORDER_BY = {
    "score_summary": "score_name",
    "theme_impact": "score_name, impact NULLS LAST, theme_id",
    "key_drivers": "score_name, relative_weight DESC, theme_id",
    "segment_differences": "attribute, significant DESC, q_value NULLS LAST, segment, metric, theme_id NULLS FIRST, "
    "score_name NULLS FIRST",
    "theme_trends": "period_start, theme_id",
    "alerts": "CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 WHEN 'low' THEN 2 ELSE 3 END, kind, alert_id",
}


def stale_reason(store: Store, settings: AnalyticsSettings) -> str | None:
    """Why the stored results do not answer for the current workspace and settings (``None``: they do).

    Computed from the analytics stage's declaration (:data:`empathic.analytics.stage.STAGE`): stale when its last
    run did not succeed or used other analytics settings, when a stage it reads (sentences, themes, feelings) has a
    newer ``ok`` run, or when a table it reads changed outside the stages (an ingest). Stages downstream (personas)
    and failed upstream runs (which changed nothing) do not count.
    """
    if not store.count("score_summary") + store.count("segment_differences"):
        return "no stored analytics results"
    return stage_contract.stale_reason(store, STAGE, {"analytics": json.loads(settings.model_dump_json())})


def stale_note(store: Store, settings: AnalyticsSettings) -> str | None:
    """Why stored results that exist no longer answer (a theme edit, an ingest, a newer stage run), else ``None``.

    What the web pages, the report and the CLI say above results: ``None`` both when they are fresh and when there
    are none yet (the front doors already say "not analysed yet" then).
    """
    if not store.count("score_summary") + store.count("segment_differences"):
        return None
    return stale_reason(store, settings)


def provenance(store: Store) -> dict | None:
    """What the stored analytics results came from (:func:`empathic.stage.run_provenance` of the analytics stage):
    the last ``ok`` analytics run, the runs of the stages it reads, and the theme edits its themes carry."""
    return stage_contract.run_provenance(store, STAGE)


def provenance_text(store: Store) -> str | None:
    """One line for people: "analytics run 3f2a… (2026-12-04 10:02) on themes run 9b1c… with 3 theme edits"."""
    return stage_contract.provenance_line(provenance(store))


def is_fresh(store: Store, settings: AnalyticsSettings) -> bool:
    """Whether the stored results answer for the current workspace and settings."""
    return stale_reason(store, settings) is None


def read(store: Store, table: str, where: str = "", params: list | None = None) -> pd.DataFrame:
    """A stored result table without its ``computed_at`` column, in the same order the live functions use."""
    exclude = " EXCLUDE (computed_at)" if table != "alerts" else ""
    return store.read_df(f"SELECT *{exclude} FROM {table} {where} ORDER BY {ORDER_BY[table]}", params)

