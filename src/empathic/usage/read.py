"""The usage area's read functions: the stored usage views, one definition each.

The Python API (:class:`empathic.api.usage.UsageAPI`), the CLI, the web app and the report all read the usage
results through these, so a number (a retention rate, a month's DAU/MAU and whether that month is partial) is the
same wherever it is shown. Each takes the workspace's :class:`~empathic.store.Store` only.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from empathic.errors import InputError, StageError
from empathic.store import Store
from empathic.usage import sql

RETENTION_MODES = ("on", "on_or_after")


def ensure_ready(store: Store) -> None:
    """Raise a clear error when the usage stage has nothing to show: no events with a customer id (ingest them), or
    not analysed yet (run it)."""
    if store.count("usage_customers"):
        return
    if not store.scalar("SELECT count(*) FROM events WHERE customer_id IS NOT NULL"):
        raise InputError(
            "this workspace has no usage events with a customer id",
            hint="ingest events first: empathic ingest WORKSPACE events.csv --kind events",
        )
    raise StageError("usage has not been analysed yet", hint="run: empathic analyze WORKSPACE")


def view(store: Store, query: str, params: list[Any] | None = None) -> pd.DataFrame:
    """A query over the stored usage tables, after :func:`ensure_ready`."""
    ensure_ready(store)
    return store.read_df(query, params)


def status_counts(store: Store) -> pd.DataFrame:
    """Customers per status (active / at_risk / churned), largest first."""
    return view(store, "SELECT status, count(*) AS n FROM usage_customers GROUP BY 1 ORDER BY n DESC, status")


def features(store: Store, limit: int | None = None) -> pd.DataFrame:
    """Per feature (event name): adoption, frequency, median days from signup to first use; most adopted first."""
    tail, params = (" LIMIT ?", [limit]) if limit else ("", [])
    return view(store, "SELECT * FROM usage_features ORDER BY adoption DESC, event" + tail, params)


def retention(store: Store, unit: str = "month", mode: str = "on") -> pd.DataFrame:
    """Cohort retention rows (cohort, period, cohort_size, n_retained, rate) of one ``unit`` and ``mode``."""
    if unit not in sql.PERIOD_UNITS or mode not in RETENTION_MODES:
        raise InputError(
            f"unknown retention view {unit}/{mode}", hint="unit: day, week or month; mode: on or on_or_after"
        )
    return view(
        store, "SELECT * FROM usage_retention WHERE period_unit = ? AND mode = ? ORDER BY cohort, period", [unit, mode]
    )


def finest_retention_unit(store: Store) -> str | None:
    """The finest retention unit stored (week before month before day): what a chart shows by default."""
    return store.scalar(
        "SELECT period_unit FROM usage_retention GROUP BY 1 ORDER BY CASE period_unit WHEN 'week' THEN 0 "
        "WHEN 'month' THEN 1 ELSE 2 END LIMIT 1"
    )


def stickiness(store: Store) -> pd.DataFrame:
    """Per month: MAU, average DAU, DAU/MAU and average active days per active week, and ``partial``: the events do
    not cover the whole month (the current month of an export), so its MAU and DAU/MAU are not comparable with whole
    months."""
    df = view(store, "SELECT * FROM usage_stickiness ORDER BY month")
    df["partial"] = partial_periods(store, pd.to_datetime(df["month"] + "-01"), "month")
    return df


def lifecycle(store: Store, unit: str = "week") -> pd.DataFrame:
    """Per period: new / returning / resurrecting / dormant customers (wide), and ``partial``: the events do not cover
    the whole period, so its customers who have not come back *yet* count as dormant."""
    df = view(store, "SELECT * FROM usage_lifecycle WHERE period_unit = ? ORDER BY period", [unit])
    wide = df.pivot(index="period", columns="status", values="n_customers").fillna(0).astype(int)
    wide = wide.reindex(columns=["new", "returning", "resurrecting", "dormant"], fill_value=0)
    wide["partial"] = partial_periods(store, pd.to_datetime(pd.Series(wide.index, index=wide.index)), unit)
    return wide


def partial_periods(store: Store, starts: pd.Series, unit: str) -> pd.Series:
    """Whether each period (by its first day) reaches past the events: it starts before the first event's day or ends
    after the last event's day."""
    first, last = store.read_df(
        "SELECT CAST(min(ts) AS DATE) AS first, CAST(max(ts) AS DATE) AS last FROM events "
        "WHERE customer_id IS NOT NULL AND ts IS NOT NULL"
    ).iloc[0]
    if pd.isna(first) or not len(starts):
        return pd.Series(False, index=starts.index, dtype=bool)
    step = pd.DateOffset(months=1) if unit == "month" else pd.Timedelta(days=7 if unit == "week" else 1)
    ends = starts + step - pd.Timedelta(days=1)
    return (starts < pd.Timestamp(first)) | (ends > pd.Timestamp(last))


def time_of_day(store: Store) -> pd.DataFrame:
    """The stored weekday × hour event counts (long: weekday, hour, n_events)."""
    return view(store, "SELECT * FROM usage_time_of_day ORDER BY weekday, hour")
