"""DuckDB SQL for every usage view: sessions, customers, features, retention, stickiness, lifecycle, time of day.

Each builder returns one ``SELECT`` over three relations named by :class:`Sources` (the workspace tables, or Arrow
tables registered under those names), so the same text runs in the store, in a throwaway DuckDB over Arrow, or — as
Spark SQL — in ``scale/``. Timestamps are naive UTC.

Definitions (and where they differ from PostHog's, see docs/bench/usage.md):

- **clean events**: rows with a customer and a timestamp; rows identical in (customer, ts, event, duration, value)
  are one event (a re-sent duplicate). Order within a customer is by ``ts`` then ``event`` — input order never
  matters.
- **session**: a run of a customer's events with no gap longer than ``gap_s`` seconds between consecutive event
  *start* times; it lasts from its first event to the latest ``ts + duration_s`` of its events.
- **week** = ISO week starting Monday (PostHog defaults to Sunday); **month** = calendar month, UTC.
"""

from __future__ import annotations

from dataclasses import dataclass

PERIOD_UNITS = ("day", "week", "month")
#: Local hour ``h`` → daypart: night 22–05, morning 06–11, afternoon 12–17, evening 18–21.
DAYPARTS = (
    "CASE WHEN h < 6 OR h >= 22 THEN 'night' WHEN h < 12 THEN 'morning' WHEN h < 18 THEN 'afternoon' ELSE 'evening' END"
)
TIME_ZONE_ATTRIBUTES = ("time_zone", "timezone", "tz")


@dataclass(frozen=True)
class Sources:
    """Names of the input relations (workspace tables by default)."""

    events: str = "events"
    customers: str = "customers"
    customer_attributes: str = "customer_attributes"
    #: ``events`` already holds :func:`clean_events` output (materialised once, shared by every view)
    events_are_clean: bool = False


def _q(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def clean_events(src: Sources) -> str:
    """The de-duplicated events with a customer and a time: ``(customer_id, ts, event, duration_s, value)``."""
    if src.events_are_clean:
        return f"SELECT customer_id, ts, event, duration_s, value FROM {src.events}"
    return f"""SELECT DISTINCT CAST(customer_id AS VARCHAR) AS customer_id, ts, event, duration_s, value
               FROM {src.events} WHERE customer_id IS NOT NULL AND ts IS NOT NULL"""


def local_events(src: Sources, time_zone: str) -> str:
    """Clean events plus ``local_ts`` in ``time_zone`` (an IANA name, or ``'customer'`` for per-customer zones).

    ``'customer'`` reads the customer's ``time_zone``/``timezone``/``tz`` attribute when it is a zone DuckDB knows
    and falls back to UTC otherwise. DST is handled by the zone rules: local time is derived from UTC per event.
    """
    if time_zone != "customer":
        return f"SELECT *, timezone({_q(time_zone)}, timezone('UTC', ts)) AS local_ts FROM ({clean_events(src)})"
    names = ", ".join(_q(n) for n in TIME_ZONE_ATTRIBUTES)
    return f"""SELECT e.*, timezone(coalesce(z.tz, 'UTC'), timezone('UTC', e.ts)) AS local_ts
               FROM ({clean_events(src)}) e
               LEFT JOIN (SELECT customer_id, min(value) AS tz FROM {src.customer_attributes}
                          WHERE name IN ({names}) AND value IN (SELECT name FROM pg_timezone_names())
                          GROUP BY customer_id) z ON z.customer_id = e.customer_id"""


def sessions(src: Sources, gap_s: float) -> str:
    """One row per session: ``(session_id, customer_id, started_at, ended_at, n_events, duration_s)``.

    ``session_id`` is ``customer_id#n`` with ``n`` counting the customer's sessions from 1 in time order, so ids are
    deterministic for the same events.
    """
    gap_us = round(gap_s * 1_000_000)
    # one sort for the gaps, then each event finds its session start with an ASOF join (cheaper than a second
    # window pass over every event)
    return f"""
    WITH ev AS ({clean_events(src)}),
    marked AS (
        SELECT customer_id, epoch_us(ts) AS t_us,
               epoch_us(ts) + CAST(round(coalesce(duration_s, 0) * 1e6) AS BIGINT) AS end_us,
               coalesce(epoch_us(ts) - lag(epoch_us(ts)) OVER (PARTITION BY customer_id ORDER BY ts), {gap_us} + 1)
                   > {gap_us} AS is_start
        FROM ev
    ),
    starts AS (SELECT customer_id, t_us AS s_us,
                      row_number() OVER (PARTITION BY customer_id ORDER BY t_us) AS session_no
               FROM marked WHERE is_start),
    joined AS (SELECT m.customer_id, m.t_us, m.end_us, s.session_no FROM marked m
               ASOF JOIN starts s ON m.customer_id = s.customer_id AND m.t_us >= s.s_us)
    SELECT customer_id || '#' || CAST(session_no AS VARCHAR) AS session_id, customer_id,
           make_timestamp(min(t_us)) AS started_at, make_timestamp(max(end_us)) AS ended_at,
           CAST(count(*) AS INTEGER) AS n_events, (max(end_us) - min(t_us)) / 1e6 AS duration_s
    FROM joined GROUP BY customer_id, session_no"""


def _cohort_start(unit: str, cohort_by: str, src: Sources) -> str:
    """Per-customer cohort start: first active ``unit`` (or the signup ``unit`` when asked and known)."""
    first = f"SELECT customer_id, min(date_trunc('{unit}', ts)) AS c FROM ev GROUP BY customer_id"
    if cohort_by != "signup":
        return first
    return f"""SELECT f.customer_id, coalesce(date_trunc('{unit}', cu.signup_at), f.c) AS c
               FROM ({first}) f LEFT JOIN {src.customers} cu ON CAST(cu.customer_id AS VARCHAR) = f.customer_id"""


def _label(unit: str, col: str) -> str:
    return f"strftime({col}, '%Y-%m')" if unit == "month" else f"strftime({col}, '%Y-%m-%d')"


def _index(unit: str, a: str, b: str) -> str:
    """Whole ``unit`` periods from truncated timestamp ``a`` to ``b``."""
    if unit == "week":
        return f"CAST(date_diff('day', {a}, {b}) // 7 AS INTEGER)"
    return f"CAST(date_diff('{unit}', {a}, {b}) AS INTEGER)"


def retention(src: Sources, unit: str, max_periods: int, cohort_by: str = "first_seen") -> str:
    """Cohort retention in both modes: ``(period_unit, mode, cohort, period, cohort_size, n_retained, rate)``.

    ``on``: active in exactly period k after the cohort period. ``on_or_after``: active in period k or any later
    one (PostHog's "on or after" / rolling retention). Every cohort period between the first and the last appears,
    an empty one with size 0 and NULL rates; periods after the data ends are left out (not reported as 0).
    """
    if unit not in PERIOD_UNITS:
        raise ValueError(f"unit must be one of {PERIOD_UNITS}")
    return f"""
    WITH ev AS ({clean_events(src)}),
    act AS (SELECT DISTINCT customer_id, date_trunc('{unit}', ts) AS p FROM ev),
    coh AS ({_cohort_start(unit, cohort_by, src)}),
    bounds AS (SELECT min(c) AS c0, max(c) AS c1, (SELECT max(p) FROM act) AS p1 FROM coh),
    cohorts AS (SELECT CAST(c AS TIMESTAMP) AS c
                FROM bounds, range(c0, c1 + INTERVAL 1 {unit}, INTERVAL 1 {unit}) t(c)),
    sizes AS (SELECT c.c, count(coh.customer_id) AS size FROM cohorts c LEFT JOIN coh ON coh.c = c.c GROUP BY c.c),
    grid AS (SELECT s.c, s.size, k FROM sizes s, bounds, range(0, {int(max_periods) + 1}) r(k)
             WHERE k <= {_index(unit, "s.c", "bounds.p1")}),
    idx AS (SELECT a.customer_id, coh.c, {_index(unit, "coh.c", "a.p")} AS k
            FROM act a JOIN coh USING (customer_id)),
    on_k AS (SELECT c, k, count(DISTINCT customer_id) AS n FROM idx WHERE k >= 0 GROUP BY c, k),
    last_k AS (SELECT customer_id, c, max(k) AS k FROM idx GROUP BY customer_id, c),
    after_k AS (SELECT g.c, g.k, count(l.customer_id) AS n FROM grid g JOIN last_k l ON l.c = g.c AND l.k >= g.k
                GROUP BY g.c, g.k)
    SELECT '{unit}' AS period_unit, m.mode, {_label(unit, "g.c")} AS cohort, CAST(g.k AS INTEGER) AS period,
           CAST(g.size AS INTEGER) AS cohort_size, CAST(coalesce(x.n, 0) AS INTEGER) AS n_retained,
           CASE WHEN g.size > 0 THEN coalesce(x.n, 0) / g.size END AS rate
    FROM grid g CROSS JOIN (VALUES ('on'), ('on_or_after')) m(mode)
    LEFT JOIN (SELECT 'on' AS mode, c, k, n FROM on_k UNION ALL SELECT 'on_or_after', c, k, n FROM after_k) x
           ON x.mode = m.mode AND x.c = g.c AND x.k = g.k"""


def stickiness(src: Sources) -> str:
    """Per calendar month: ``(month, mau, avg_dau, dau_mau, avg_days_active_per_week)``.

    ``avg_dau`` averages distinct active customers over every calendar day of the month inside the data's span
    (inactive days count as 0). ``avg_days_active_per_week`` is the mean number of active days over the
    (customer, ISO week) pairs with any activity, weeks assigned to the month of their Monday.
    """
    return f"""
    WITH ev AS ({clean_events(src)}),
    d AS (SELECT DISTINCT customer_id, CAST(ts AS DATE) AS day FROM ev),
    span AS (SELECT min(day) AS d0, max(day) AS d1 FROM d),
    days AS (SELECT CAST(t.day AS DATE) AS day FROM span, range(d0, d1 + INTERVAL 1 DAY, INTERVAL 1 DAY) t(day)),
    dau AS (SELECT days.day, count(d.customer_id) AS n FROM days LEFT JOIN d ON d.day = days.day GROUP BY days.day),
    m AS (SELECT strftime(day, '%Y-%m') AS month, avg(n) AS avg_dau FROM dau GROUP BY 1),
    mau AS (SELECT strftime(day, '%Y-%m') AS month, count(DISTINCT customer_id) AS mau FROM d GROUP BY 1),
    wk AS (SELECT customer_id, date_trunc('week', day) AS w, count(*) AS n_days FROM d GROUP BY 1, 2),
    wm AS (SELECT strftime(w, '%Y-%m') AS month, avg(n_days) AS per_week FROM wk GROUP BY 1)
    SELECT m.month, CAST(mau.mau AS INTEGER) AS mau, m.avg_dau, m.avg_dau / mau.mau AS dau_mau,
           wm.per_week AS avg_days_active_per_week
    FROM m JOIN mau USING (month) LEFT JOIN wm USING (month)"""


def lifecycle(src: Sources, unit: str) -> str:
    """Per period: how many customers are ``new``, ``returning``, ``resurrecting`` and ``dormant``.

    new = first active period ever; returning = active this and the previous period; resurrecting = active now,
    not in the previous period but before; dormant = active in the previous period and not now (counted in the
    period they went quiet, never after the last period with data).
    """
    if unit not in PERIOD_UNITS:
        raise ValueError(f"unit must be one of {PERIOD_UNITS}")
    step = f"INTERVAL 1 {unit}"
    return f"""
    WITH ev AS ({clean_events(src)}),
    act AS (SELECT DISTINCT customer_id, date_trunc('{unit}', ts) AS p FROM ev),
    seq AS (SELECT customer_id, p, lag(p) OVER w AS prev, lead(p) OVER w AS nxt
            FROM act WINDOW w AS (PARTITION BY customer_id ORDER BY p)),
    last AS (SELECT max(p) AS p1 FROM act),
    labelled AS (
        SELECT p, CASE WHEN prev IS NULL THEN 'new' WHEN prev + {step} = p THEN 'returning'
                       ELSE 'resurrecting' END AS status FROM seq
        UNION ALL
        SELECT p + {step} AS p, 'dormant' AS status FROM seq, last
        WHERE (nxt IS NULL OR nxt > p + {step}) AND p + {step} <= last.p1
    )
    SELECT '{unit}' AS period_unit, {_label(unit, "p")} AS period, status, CAST(count(*) AS INTEGER) AS n_customers
    FROM labelled GROUP BY p, status"""


def time_of_day(src: Sources, time_zone: str) -> str:
    """Hour × weekday heatmap: ``(time_zone, weekday 0=Monday, hour, n_events, n_customers, time_used_s)``.

    ``time_used_s`` sums the events' own ``duration_s`` (events without one add nothing).
    """
    return f"""
    SELECT {_q(time_zone)} AS time_zone, CAST(isodow(local_ts) - 1 AS INTEGER) AS weekday,
           CAST(hour(local_ts) AS INTEGER) AS hour, count(*) AS n_events,
           CAST(count(DISTINCT customer_id) AS INTEGER) AS n_customers, sum(coalesce(duration_s, 0)) AS time_used_s
    FROM ({local_events(src, time_zone)}) GROUP BY ALL"""


def features(src: Sources) -> str:
    """Per event name: adoption among active customers, frequency and days from signup to first use.

    ``median_days_to_first_use`` counts from the customer's signup when known, else from their first event.
    """
    return f"""
    WITH ev AS ({clean_events(src)}),
    starts AS (SELECT e.customer_id, coalesce(min(cu.signup_at), min(e.ts)) AS start_ts
               FROM ev e LEFT JOIN {src.customers} cu ON CAST(cu.customer_id AS VARCHAR) = e.customer_id
               GROUP BY e.customer_id),
    n_active AS (SELECT count(*) AS n FROM starts),
    fu AS (SELECT customer_id, event, min(ts) AS first_ts, count(*) AS n FROM ev
           WHERE event IS NOT NULL GROUP BY 1, 2)
    SELECT fu.event, CAST(count(*) AS INTEGER) AS n_customers, count(*) / any_value(n_active.n) AS adoption,
           sum(fu.n) AS n_events, avg(fu.n) AS events_per_user,
           median(date_diff('second', s.start_ts, fu.first_ts) / 86400.0) AS median_days_to_first_use,
           min(fu.first_ts) AS first_used_at
    FROM fu JOIN starts s USING (customer_id), n_active GROUP BY fu.event"""


def customer_usage(
    src: Sources, sessions_table: str, *, time_zone: str, at_risk_days: float, churn_days: float, as_of: str | None
) -> str:
    """One row per active customer; columns of ``usage_customers`` (see the migration).

    Needs the sessions already computed in ``sessions_table``. ``days_inactive`` counts from the last event to
    ``as_of`` (default: the last event in the data, so results do not drift with the wall clock).
    """
    ref = f"TIMESTAMP {_q(as_of)}" if as_of else "(SELECT max(ts) FROM ev)"
    return f"""
    WITH ev AS ({clean_events(src)}),
    per AS (SELECT customer_id, min(ts) AS first_seen, max(ts) AS last_seen, count(*) AS n_events,
                   count(DISTINCT CAST(ts AS DATE)) AS active_days, sum(value) AS value_total,
                   count(DISTINCT event) AS n_features FROM ev GROUP BY customer_id),
    ses AS (SELECT customer_id, count(*) AS n_sessions, sum(duration_s) AS time_used_s
            FROM {sessions_table} GROUP BY customer_id),
    parts AS (SELECT customer_id, {DAYPARTS} AS daypart, count(*) AS n
              FROM (SELECT customer_id, hour(local_ts) AS h FROM ({local_events(src, time_zone)})) GROUP BY 1, 2),
    peak AS (SELECT customer_id, daypart FROM (
                SELECT *, row_number() OVER (PARTITION BY customer_id ORDER BY n DESC, daypart) AS r FROM parts)
             WHERE r = 1),
    base AS (
        SELECT p.*, cu.signup_at, s.n_sessions, s.time_used_s,
               date_diff('second', p.last_seen, {ref}) / 86400.0 AS days_inactive
        FROM per p JOIN ses s USING (customer_id)
        LEFT JOIN (SELECT CAST(customer_id AS VARCHAR) AS customer_id, signup_at FROM {src.customers}) cu
               USING (customer_id))
    SELECT b.customer_id, b.signup_at, b.first_seen, b.last_seen,
           strftime(date_trunc('month', coalesce(b.signup_at, b.first_seen)), '%Y-%m') AS cohort,
           CAST(b.n_events AS INTEGER) AS n_events, CAST(b.n_sessions AS INTEGER) AS n_sessions,
           CAST(b.active_days AS INTEGER) AS active_days, b.time_used_s, b.time_used_s / b.n_sessions AS avg_session_s,
           b.value_total, CAST(b.n_features AS INTEGER) AS n_features,
           date_diff('second', coalesce(b.signup_at, b.first_seen), b.last_seen) / 86400.0 AS tenure_days,
           b.days_inactive,
           CASE WHEN b.days_inactive >= {float(churn_days)} THEN 'churned'
                WHEN b.days_inactive >= {float(at_risk_days)} THEN 'at_risk' ELSE 'active' END AS status,
           CASE ntile(3) OVER (ORDER BY b.time_used_s, b.customer_id) WHEN 1 THEN 'low' WHEN 2 THEN 'mid'
                ELSE 'high' END AS time_used_group,
           pk.daypart AS peak_daypart
    FROM base b LEFT JOIN peak pk USING (customer_id)"""
