"""The ``usage`` stage: events → sessions, per-customer usage, features, retention, stickiness, lifecycle, time of
day, and "ask why" for the standard behavioural groups, all replaced in one transaction."""

from __future__ import annotations

from empathic.config import Settings
from empathic.progress import Progress
from empathic.stage import Stage, StageResult
from empathic.store import Store, empty_table
from empathic.usage import sql
from empathic.usage.compute import CLEAN_TABLE, materialise_clean_events, view_statements
from empathic.usage.why import standard_why

STAGE = Stage(
    name="usage",
    reads_stages=("themes", "feelings"),  # "ask why" links usage groups to what those customers said
    reads=("events", "customers", "customer_attributes", "feedback", "themes", "feedback_themes",
           "feedback_emotions", "sentence_feelings"),
    writes=("usage_sessions", "usage_customers", "usage_features", "usage_retention", "usage_stickiness",
            "usage_lifecycle", "usage_time_of_day", "usage_why"),
    settings=("usage",),
)  # fmt: skip
NAME = STAGE.name
REQUIRES = STAGE.requires
TABLES = STAGE.writes


def run(store: Store, settings: Settings, progress: Progress) -> StageResult:
    """Recompute every usage view from the events table (skipped when there are no events with a customer)."""
    n_events = store.scalar("SELECT count(*) FROM events WHERE customer_id IS NOT NULL AND ts IS NOT NULL")
    if not n_events:
        return StageResult(NAME, skipped=True, message="no events with a customer id and a timestamp")
    with store.write() as con:
        src = materialise_clean_events(con, sql.Sources())
        statements = view_statements(settings.usage, src, sessions_table="usage_sessions")
        total = len(statements) + 1
        for table in TABLES:
            empty_table(con, table)
        for i, (table, select) in enumerate(statements):
            con.execute(f"INSERT INTO {table} BY NAME {select}")
            progress("usage views", i + 1, total)
        why = standard_why(con, settings.usage)
        if why.num_rows:
            con.register("why_rows", why)
            con.execute("INSERT INTO usage_why BY NAME SELECT * FROM why_rows")
            con.unregister("why_rows")
        con.execute(f"DROP TABLE {CLEAN_TABLE}")
        progress("usage views", total, total)
    counts = {t: store.count(t) for t in TABLES}
    warnings = []
    n_customers = counts["usage_customers"]
    if n_customers < 20:
        warnings.append(f"only {n_customers} customers have events; usage figures are weak")
    return StageResult(
        NAME,
        counts=counts,
        warnings=warnings,
        message=f"{n_events} events, {n_customers} customers, {counts['usage_sessions']} sessions",
    )
