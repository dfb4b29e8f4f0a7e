"""Tables of the usage component (owned by that stage; append migrations, never edit a shipped one).

Every table is replaced as a whole by one run of the ``usage`` stage (one transaction). Timestamps are naive UTC
except ``usage_time_of_day`` (local hour/weekday in the configured time zone).
"""

MIGRATIONS: list[str] = [
    """
    CREATE TABLE usage_sessions (
        session_id VARCHAR PRIMARY KEY, customer_id VARCHAR, started_at TIMESTAMP, ended_at TIMESTAMP,
        n_events INTEGER, duration_s DOUBLE
    );
    CREATE TABLE usage_customers (
        customer_id VARCHAR PRIMARY KEY, signup_at TIMESTAMP, first_seen TIMESTAMP, last_seen TIMESTAMP,
        cohort VARCHAR, n_events INTEGER, n_sessions INTEGER, active_days INTEGER, time_used_s DOUBLE,
        avg_session_s DOUBLE, value_total DOUBLE, n_features INTEGER, tenure_days DOUBLE,
        days_inactive DOUBLE, status VARCHAR /* active | at_risk | churned */,
        time_used_group VARCHAR /* low | mid | high */, peak_daypart VARCHAR
    );
    CREATE TABLE usage_features (
        event VARCHAR PRIMARY KEY, n_customers INTEGER, adoption DOUBLE, n_events BIGINT,
        events_per_user DOUBLE, median_days_to_first_use DOUBLE, first_used_at TIMESTAMP
    );
    CREATE TABLE usage_retention (
        period_unit VARCHAR /* day | week | month */, mode VARCHAR /* on | on_or_after */, cohort VARCHAR,
        period INTEGER, cohort_size INTEGER, n_retained INTEGER, rate DOUBLE,
        PRIMARY KEY (period_unit, mode, cohort, period)
    );
    CREATE TABLE usage_stickiness (
        month VARCHAR PRIMARY KEY, mau INTEGER, avg_dau DOUBLE, dau_mau DOUBLE, avg_days_active_per_week DOUBLE
    );
    CREATE TABLE usage_lifecycle (
        period_unit VARCHAR, period VARCHAR, status VARCHAR /* new | returning | resurrecting | dormant */,
        n_customers INTEGER, PRIMARY KEY (period_unit, period, status)
    );
    CREATE TABLE usage_time_of_day (
        time_zone VARCHAR, weekday INTEGER /* 0 = Monday */, hour INTEGER, n_events BIGINT, n_customers INTEGER,
        time_used_s DOUBLE, PRIMARY KEY (time_zone, weekday, hour)
    );
    CREATE TABLE usage_why (
        group_kind VARCHAR, group_value VARCHAR, item_kind VARCHAR /* theme | emotion | quadrant */,
        item VARCHAR, label VARCHAR, n_group INTEGER, n_rest INTEGER, k_group INTEGER, k_rest INTEGER,
        share_group DOUBLE, share_rest DOUBLE, lift DOUBLE, p_value DOUBLE, q_value DOUBLE,
        significant BOOLEAN, direction VARCHAR /* over | under */,
        PRIMARY KEY (group_kind, group_value, item_kind, item)
    );
    """,
]
