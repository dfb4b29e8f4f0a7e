"""Which usage views to compute, in dependency order, and a pure runner over Arrow tables.

The stage runs :func:`view_statements` inside the workspace transaction; :func:`compute_usage` runs the very same
SQL in a throwaway in-memory DuckDB over Arrow tables (tests, notebooks, Spark batches).
"""

from __future__ import annotations

import zoneinfo

import duckdb
import pyarrow as pa

from empathic.errors import InputError
from empathic.usage import sql
from empathic.usage.settings import UsageSettings

EVENT_COLUMNS = {
    "customer_id": pa.string(),
    "ts": pa.timestamp("us"),
    "event": pa.string(),
    "duration_s": pa.float64(),
    "value": pa.float64(),
}


def check_time_zone(time_zone: str) -> None:
    """Raise a clear :class:`InputError` for a zone name that neither Python nor 'customer' means."""
    if time_zone == "customer":
        return
    try:
        zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise InputError(
            f"unknown time zone {time_zone!r}",
            hint="use an IANA name such as 'Europe/London' or 'America/New_York', or 'customer'",
        ) from None


CLEAN_TABLE = "usage_clean_events"


def materialise_clean_events(con: duckdb.DuckDBPyConnection, src: sql.Sources) -> sql.Sources:
    """De-duplicate the events once into a temporary table and return sources that read it (every view reuses it)."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {CLEAN_TABLE} AS {sql.clean_events(src)} ORDER BY customer_id, ts")
    return sql.Sources(
        events=CLEAN_TABLE, customers=src.customers, customer_attributes=src.customer_attributes, events_are_clean=True
    )


def view_statements(settings: UsageSettings, src: sql.Sources, *, sessions_table: str) -> list[tuple[str, str]]:
    """``(table, select_sql)`` for every stored usage view, sessions first (the per-customer view reads them)."""
    check_time_zone(settings.time_zone)
    gap_s = settings.session_gap_minutes * 60.0
    out = [("usage_sessions", sql.sessions(src, gap_s))]
    out.append(
        (
            "usage_customers",
            sql.customer_usage(
                src,
                sessions_table,
                time_zone=settings.time_zone,
                at_risk_days=settings.at_risk_days,
                churn_days=settings.churn_days,
                as_of=settings.as_of,
            ),
        )
    )
    out.append(("usage_features", sql.features(src)))
    retention = " UNION ALL ".join(
        f"({sql.retention(src, unit, settings.max_periods.get(unit, 12), settings.cohort_by)})"
        for unit in sql.PERIOD_UNITS
    )
    out.append(("usage_retention", retention))
    out.append(("usage_stickiness", sql.stickiness(src)))
    out.append(("usage_lifecycle", f"({sql.lifecycle(src, 'week')}) UNION ALL ({sql.lifecycle(src, 'month')})"))
    out.append(("usage_time_of_day", sql.time_of_day(src, settings.time_zone)))
    return out


def _as_events(events: pa.Table) -> pa.Table:
    """Events with the standard columns (missing optional ones as nulls), ts as naive microseconds."""
    missing = [c for c in ("customer_id", "ts") if c not in events.column_names]
    if missing:
        raise InputError(f"events need columns {missing}", hint="pass customer_id and ts (naive UTC) columns")
    cols = {}
    for name, typ in EVENT_COLUMNS.items():
        if name in events.column_names:
            cols[name] = events.column(name).cast(typ)
        else:
            cols[name] = pa.nulls(events.num_rows, typ)
    return pa.table(cols)


def compute_usage(
    events: pa.Table,
    settings: UsageSettings | None = None,
    *,
    customers: pa.Table | None = None,
    customer_attributes: pa.Table | None = None,
) -> dict[str, pa.Table]:
    """Every usage view over in-memory Arrow tables (no workspace needed).

    Args:
        events: columns customer_id, ts (naive UTC) and optionally event, duration_s, value.
        settings: usage settings (defaults if omitted).
        customers: optional ``(customer_id, signup_at)``.
        customer_attributes: optional ``(customer_id, name, value)`` (for per-customer time zones).

    Returns:
        table name (``usage_sessions``, ``usage_customers``, …) → Arrow table.
    """
    settings = settings or UsageSettings()
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.register("ev_in", _as_events(events))
        if customers is None:
            customers = pa.table(
                {"customer_id": pa.array([], pa.string()), "signup_at": pa.array([], pa.timestamp("us"))}
            )
        if customer_attributes is None:
            customer_attributes = pa.table({n: pa.array([], pa.string()) for n in ("customer_id", "name", "value")})
        con.register("cu_in", customers)
        con.register("ca_in", customer_attributes)
        src = sql.Sources(events="ev_in", customers="cu_in", customer_attributes="ca_in")
        src = materialise_clean_events(con, src)
        out: dict[str, pa.Table] = {}
        for table, select in view_statements(settings, src, sessions_table="usage_sessions"):
            con.execute(f"CREATE TABLE {table} AS {select}")
            out[table] = con.sql(f"SELECT * FROM {table}").to_arrow_table()
        return out
    finally:
        con.close()
