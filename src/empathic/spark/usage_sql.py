"""Usage and personas aggregations in Spark SQL: sessions, feature adoption, each customer's event mix and what
each customer says.

The DuckDB statements (:mod:`empathic.usage.sql`, :mod:`empathic.personas.load`) lean on DuckDB's dialect —
``ASOF JOIN``, ``epoch_us``/``make_timestamp``, ``date_diff('second', …)``, ``timezone()``, ``isodow`` — so Spark
has its own definition of each here, written to give the same rows:

- sessions: the ``ASOF`` match of each event to the latest session start at or before it becomes a running count
  of starts ordered by time (``RANGE`` frame, so events at the start's instant join it, as ``>=`` does);
- ``date_diff('second', a, b)`` (second boundaries crossed) is ``unix_seconds(b) − unix_seconds(a)``, divided by
  a *double* ``86400.0D``: Spark reads ``86400.0`` as a decimal and rounds the quotient to 6 places (seen as
  medians 5e-8 days off DuckDB's);
- a customer's local time: their ``time_zone`` attribute when it names a zone (checked on the driver against
  Python's zone database, registered as the small view ``customer_time_zones``), else UTC, through
  ``from_utc_timestamp``; ISO weekday 6–7 is Spark's ``dayofweek`` 7 and 1.

``tests/scale/test_spark_usage_agreement.py`` holds each equal to its DuckDB twin on the same tables.
"""

from __future__ import annotations

import zoneinfo
from typing import Any

from empathic.errors import InputError
from empathic.personas.load import PRIOR_COMMENTS
from empathic.usage.sql import DAYPARTS, TIME_ZONE_ATTRIBUTES

#: The de-duplicated events with a customer and a time (as :func:`empathic.usage.sql.clean_events`).
CLEAN_EVENTS = """SELECT DISTINCT CAST(customer_id AS STRING) AS customer_id, ts, event, duration_s, value
    FROM events WHERE customer_id IS NOT NULL AND ts IS NOT NULL"""


def _micros(column: str) -> str:
    return f"unix_micros(CAST({column} AS TIMESTAMP))"


def sessions_sql(gap_s: float) -> str:
    """Spark twin of :func:`empathic.usage.sql.sessions`: ``(session_id, customer_id, started_at, ended_at,
    n_events, duration_s)``."""
    gap_us = round(gap_s * 1_000_000)
    return f"""
    WITH ev AS ({CLEAN_EVENTS}),
    marked AS (
        SELECT customer_id, {_micros("ts")} AS t_us,
               {_micros("ts")} + CAST(round(coalesce(duration_s, 0) * 1e6) AS BIGINT) AS end_us,
               coalesce({_micros("ts")} - lag({_micros("ts")}) OVER (PARTITION BY customer_id ORDER BY ts),
                        {gap_us} + 1) > {gap_us} AS is_start
        FROM ev
    ),
    numbered AS (
        SELECT customer_id, t_us, end_us,
               sum(CASE WHEN is_start THEN 1 ELSE 0 END) OVER (PARTITION BY customer_id ORDER BY t_us
                   RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS session_no
        FROM marked
    )
    SELECT concat(customer_id, '#', CAST(session_no AS STRING)) AS session_id, customer_id,
           CAST(timestamp_micros(min(t_us)) AS TIMESTAMP_NTZ) AS started_at,
           CAST(timestamp_micros(max(end_us)) AS TIMESTAMP_NTZ) AS ended_at,
           CAST(count(*) AS INT) AS n_events, (max(end_us) - min(t_us)) / 1e6 AS duration_s
    FROM numbered GROUP BY customer_id, session_no"""


#: Spark twin of :func:`empathic.usage.sql.features`: per event name, adoption among active customers, frequency
#: and the median days from signup (else first event) to first use.
FEATURES_SQL = f"""
WITH ev AS ({CLEAN_EVENTS}),
starts AS (SELECT e.customer_id, coalesce(min(cu.signup_at), min(e.ts)) AS start_ts
           FROM ev e LEFT JOIN customers cu ON CAST(cu.customer_id AS STRING) = e.customer_id
           GROUP BY e.customer_id),
n_active AS (SELECT count(*) AS n FROM starts),
fu AS (SELECT customer_id, event, min(ts) AS first_ts, count(*) AS n FROM ev WHERE event IS NOT NULL GROUP BY 1, 2)
SELECT fu.event, CAST(count(*) AS INT) AS n_customers, count(*) / any_value(n_active.n) AS adoption,
       sum(fu.n) AS n_events, avg(fu.n) AS events_per_user,
       median((unix_seconds(CAST(fu.first_ts AS TIMESTAMP)) - unix_seconds(CAST(s.start_ts AS TIMESTAMP))) / 86400.0D)
           AS median_days_to_first_use,
       min(fu.first_ts) AS first_used_at
FROM fu JOIN starts s ON s.customer_id = fu.customer_id CROSS JOIN n_active GROUP BY fu.event"""


def register_time_zones(spark: Any) -> None:
    """The view ``customer_time_zones (customer_id, tz)``: each customer's first (by name) ``time_zone`` /
    ``timezone`` / ``tz`` attribute that names a known zone (read from the registered ``customer_attributes``)."""
    names = ", ".join(f"'{n}'" for n in TIME_ZONE_ATTRIBUTES)
    rows = spark.sql(f"SELECT customer_id, value FROM customer_attributes WHERE name IN ({names})").collect()
    known = zoneinfo.available_timezones()
    zones: dict[str, str] = {}
    for customer_id, value in rows:
        if value in known and (customer_id not in zones or value < zones[customer_id]):
            zones[str(customer_id)] = value
    spark.createDataFrame(sorted(zones.items()), "customer_id string, tz string").createOrReplaceTempView(
        "customer_time_zones"
    )


def local_events_sql(time_zone: str) -> tuple[str, dict[str, str]]:
    """Clean events plus ``local_ts`` in ``time_zone`` (an IANA name, bound as the parameter ``:time_zone``; or
    ``'customer'``: each customer's zone from ``customer_time_zones``, UTC without one). Returns the statement and
    its parameters (``spark.sql(statement, args=parameters)``)."""
    if time_zone != "customer":
        if time_zone not in zoneinfo.available_timezones():
            raise InputError(
                f"unknown time zone {time_zone!r}", hint="use an IANA name such as Europe/London, or 'customer'"
            )
        return (
            f"""SELECT *, CAST(from_utc_timestamp(CAST(ts AS TIMESTAMP), :time_zone) AS TIMESTAMP_NTZ) AS local_ts
                FROM ({CLEAN_EVENTS}) e""",
            {"time_zone": time_zone},
        )
    return (
        f"""SELECT e.*, CAST(from_utc_timestamp(CAST(e.ts AS TIMESTAMP), coalesce(z.tz, 'UTC')) AS TIMESTAMP_NTZ)
                   AS local_ts
            FROM ({CLEAN_EVENTS}) e LEFT JOIN customer_time_zones z ON z.customer_id = e.customer_id""",
        {},
    )


def event_mix_sql(time_zone: str) -> tuple[str, dict[str, str]]:
    """Spark twin of :func:`empathic.personas.load.event_mix`: per customer the share of events in each daypart,
    at weekends and of each feature, ``(customer_id, item, share)``; the statement and its parameters."""
    local, args = local_events_sql(time_zone)
    return (
        f"""
    WITH ev AS (SELECT customer_id, event, hour(local_ts) AS h, dayofweek(local_ts) IN (1, 7) AS weekend
                FROM ({local}) l),
    n AS (SELECT customer_id, count(*) AS n FROM ev GROUP BY 1)
    SELECT i.customer_id, i.item, count(*) / any_value(n.n) AS share FROM (
        SELECT customer_id, concat('daypart=', {DAYPARTS}) AS item FROM ev
        UNION ALL SELECT customer_id, 'weekend' FROM ev WHERE weekend
        UNION ALL SELECT customer_id, concat('feature=', event) FROM ev WHERE event IS NOT NULL
    ) i JOIN n ON n.customer_id = i.customer_id GROUP BY i.customer_id, i.item ORDER BY 1, 2""",
        args,
    )


def customer_usage_sql(
    sessions_view: str, *, time_zone: str, at_risk_days: float, churn_days: float, as_of: str | None
) -> tuple[str, dict[str, Any]]:
    """Spark twin of :func:`empathic.usage.sql.customer_usage` (the ``usage_customers`` rows personas read as
    behaviour): one row per active customer. ``sessions_view`` is a registered view of :func:`sessions_sql`'s rows
    (a trusted name); ``as_of`` is bound as ``:as_of``. Returns the statement and its parameters."""
    local, args = local_events_sql(time_zone)
    ref = "CAST(CAST(:as_of AS TIMESTAMP) AS TIMESTAMP_NTZ)" if as_of else "(SELECT max(ts) FROM ev)"
    if as_of:
        args = {**args, "as_of": as_of}

    def days(a: str, b: str) -> str:  # DuckDB's date_diff('second', a, b) / 86400.0
        return f"(unix_seconds(CAST({b} AS TIMESTAMP)) - unix_seconds(CAST({a} AS TIMESTAMP))) / 86400.0D"

    sql = f"""
    WITH ev AS ({CLEAN_EVENTS}),
    per AS (SELECT customer_id, min(ts) AS first_seen, max(ts) AS last_seen, count(*) AS n_events,
                   count(DISTINCT CAST(ts AS DATE)) AS active_days, sum(value) AS value_total,
                   count(DISTINCT event) AS n_features FROM ev GROUP BY customer_id),
    ses AS (SELECT customer_id, count(*) AS n_sessions, sum(duration_s) AS time_used_s
            FROM {sessions_view} GROUP BY customer_id),
    parts AS (SELECT customer_id, {DAYPARTS} AS daypart, count(*) AS n
              FROM (SELECT customer_id, hour(local_ts) AS h FROM ({local}) l) hl GROUP BY 1, 2),
    peak AS (SELECT customer_id, daypart FROM (
                SELECT *, row_number() OVER (PARTITION BY customer_id ORDER BY n DESC, daypart) AS r FROM parts) p
             WHERE r = 1),
    base AS (
        SELECT p.*, cu.signup_at, s.n_sessions, s.time_used_s, {days("p.last_seen", ref)} AS days_inactive
        FROM per p JOIN ses s ON s.customer_id = p.customer_id
        LEFT JOIN (SELECT CAST(customer_id AS STRING) AS customer_id, signup_at FROM customers) cu
               ON cu.customer_id = p.customer_id)
    SELECT b.customer_id, b.signup_at, b.first_seen, b.last_seen,
           date_format(coalesce(b.signup_at, b.first_seen), 'yyyy-MM') AS cohort,
           CAST(b.n_events AS INT) AS n_events, CAST(b.n_sessions AS INT) AS n_sessions,
           CAST(b.active_days AS INT) AS active_days, b.time_used_s, b.time_used_s / b.n_sessions AS avg_session_s,
           b.value_total, CAST(b.n_features AS INT) AS n_features,
           {days("coalesce(b.signup_at, b.first_seen)", "b.last_seen")} AS tenure_days,
           b.days_inactive,
           CASE WHEN b.days_inactive >= {float(churn_days)} THEN 'churned'
                WHEN b.days_inactive >= {float(at_risk_days)} THEN 'at_risk' ELSE 'active' END AS status,
           CASE ntile(3) OVER (ORDER BY b.time_used_s, b.customer_id) WHEN 1 THEN 'low' WHEN 2 THEN 'mid'
                ELSE 'high' END AS time_used_group,
           pk.daypart AS peak_daypart
    FROM base b LEFT JOIN peak pk ON pk.customer_id = b.customer_id"""
    return sql, args


def said_sql(*, themes: bool, emotions: bool, feelings: bool) -> str:
    """Spark twin of :func:`empathic.personas.load.said` (one statement): per customer the shrunk share of their
    comments on each top-level theme and emotion, their mean sentiment and ``_spoke``; ``(customer_id, item,
    share)``. The flags say which inputs have rows (as the DuckDB side checks)."""
    n = "SELECT customer_id, count(*) AS n FROM feedback WHERE customer_id IS NOT NULL GROUP BY 1"
    parts = []
    if themes:
        parts.append("""SELECT f.customer_id, concat('theme=', ft.theme_id) AS item,
                               count(DISTINCT f.feedback_id) AS k
                        FROM feedback_themes ft JOIN feedback f ON f.feedback_id = ft.feedback_id
                        JOIN themes t ON t.theme_id = ft.theme_id
                        WHERE ft.level = 1 AND coalesce(t.status, 'active') <> 'deleted'
                          AND NOT coalesce(t.is_other, false) GROUP BY 1, 2""")
    if emotions:
        parts.append("""SELECT f.customer_id, concat('emotion=', e.emotion) AS item, count(DISTINCT f.feedback_id) AS k
                        FROM feedback_emotions e JOIN feedback f ON f.feedback_id = e.feedback_id GROUP BY 1, 2""")
    selects = [f"SELECT customer_id, '_spoke' AS item, 1.0D AS share FROM ({n}) spoke"]
    if parts:
        selects.append(f"""
            SELECT nn.customer_id, prior.item,
                   (coalesce(k.k, 0) + {PRIOR_COMMENTS}D * prior.rate) / (nn.n + {PRIOR_COMMENTS}D) AS share
            FROM nn CROSS JOIN prior LEFT JOIN k ON k.customer_id = nn.customer_id AND k.item = prior.item""")
    if feelings:
        selects.append("""SELECT f.customer_id, 'sentiment' AS item, avg(ff.sentiment) AS share
                          FROM feedback_feelings ff JOIN feedback f ON f.feedback_id = ff.feedback_id
                          WHERE f.customer_id IS NOT NULL GROUP BY 1""")
    ctes = ""
    if parts:
        ctes = f"""WITH k AS ({" UNION ALL ".join(parts)}), nn AS ({n}),
            prior AS (SELECT item, sum(k) / (SELECT sum(n) FROM nn) AS rate FROM k GROUP BY item) """
    return ctes + " UNION ALL ".join(f"({s})" for s in selects) + " ORDER BY customer_id, item"
