"""Reading the stored analytics results, and knowing when they are still fresh.

The stage computes every result once and stores it; the notebook API, the CLI and the web app then answer from
those tables in milliseconds even on millions of comments. The stored results are *fresh* when the last analytics
run succeeded with the same analytics settings and nothing that feeds it (an ingest, another stage, a theme edit)
happened since; otherwise callers recompute live (same functions, same output).
"""

from __future__ import annotations

import json

import pandas as pd

from empathic.analytics.settings import AnalyticsSettings
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


def _latest_input_change(store: Store, since) -> bool:
    """True if anything analytics reads changed after ``since`` (stages downstream, e.g. personas, do not count)."""
    checks = [
        (
            "SELECT count(*) FROM runs WHERE stage IN ('sentences', 'themes', 'feelings') "
            "AND coalesce(finished_at, started_at) > ?",
            True,
        ),
        ("SELECT count(*) FROM sources WHERE ingested_at > ?", True),
        ("SELECT count(*) FROM theme_edits WHERE created_at > ?", store.has_table("theme_edits")),
    ]
    return any(bool(store.scalar(sql, [since])) for sql, wanted in checks if wanted)


def is_fresh(store: Store, settings: AnalyticsSettings) -> bool:
    """Whether the stored results answer for the current workspace and settings."""
    row = store.read_df(
        "SELECT settings, started_at FROM runs WHERE stage = 'analytics' AND status IN ('ok', 'running') "
        "ORDER BY started_at DESC LIMIT 1"
    )
    if row.empty or not store.count("score_summary") + store.count("segment_differences"):
        return False
    last_ok = store.read_df(
        "SELECT status FROM runs WHERE stage = 'analytics' ORDER BY started_at DESC LIMIT 1"
    ).status.iloc[0]
    if last_ok != "ok":
        return False
    try:
        used = json.loads(row.settings.iloc[0]).get("analytics", {})
    except (TypeError, ValueError):
        return False
    if used != json.loads(settings.model_dump_json()):
        return False
    return not _latest_input_change(store, row.started_at.iloc[0])


def read(store: Store, table: str, where: str = "", params: list | None = None) -> pd.DataFrame:
    """A stored result table without its ``computed_at`` column, in the same order the live functions use."""
    exclude = " EXCLUDE (computed_at)" if table != "alerts" else ""
    return store.read_df(f"SELECT *{exclude} FROM {table} {where} ORDER BY {ORDER_BY[table]}", params)


def segments(store: Store, by: list[str] | None) -> pd.DataFrame:
    """Stored segment differences (optionally for some attributes) with the theme label, like the live result."""
    where, params = "", []
    if by:
        where = "WHERE attribute IN (SELECT unnest(?::VARCHAR[]))"
        params = [by]
    df = read(store, "segment_differences", where, params)
    labels = dict(store.read_df("SELECT theme_id, label FROM themes").itertuples(index=False, name=None))
    df.insert(4, "label", [labels.get(t, t) if isinstance(t, str) else None for t in df.theme_id])
    return df
