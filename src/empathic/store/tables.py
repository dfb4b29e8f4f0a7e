"""Every workspace table, declared once: name, owning component, key and columns (SQL and Arrow types).

New workspaces are created from these declarations (:func:`create_all`); older ones are brought to the same shape
by the migrations (``empathic.store.migrations``), and ``tests/store/test_table_declarations.py`` checks that a
workspace migrated from scratch equals the declarations, column for column. Writers take their Arrow schemas and
column lists from here (``TABLES["feedback_emotions"].arrow_schema()``), and inserts go ``BY NAME``.

Changing a table: edit its declaration here AND append a migration to its component that makes an older workspace
the same (the test fails until both agree). Column meanings are documented in the component's migration module.
"""

from __future__ import annotations

import duckdb

from empathic.store.schema import (
    BIGINT,
    BLOB,
    BOOLEAN,
    DATE,
    DOUBLE,
    INTEGER,
    JSON,
    NOT_NULL,
    TIMESTAMP,
    VARCHAR,
    Column,
    Table,
)

DECLARED: tuple[Table, ...] = (
    # -- core ------------------------------------------------------------------------------------------------
    Table("sources", "core", key=("source_id",), columns=(
        ("source_id", VARCHAR), ("kind", VARCHAR, NOT_NULL), ("path", VARCHAR), ("file_sha256", VARCHAR),
        ("mapping", JSON), ("n_rows", BIGINT), ("n_inserted", BIGINT), ("n_updated", BIGINT),
        ("ingested_at", TIMESTAMP),
    )),
    Table("feedback", "core", key=("feedback_id",), columns=(
        ("feedback_id", VARCHAR), ("source_id", VARCHAR), ("customer_id", VARCHAR), ("text", VARCHAR, NOT_NULL),
        ("created_at", TIMESTAMP), ("content_hash", VARCHAR), ("ingested_at", TIMESTAMP),
    )),
    Table("feedback_scores", "core", key=("feedback_id", "name"), columns=(
        ("feedback_id", VARCHAR), ("name", VARCHAR), ("kind", VARCHAR), ("scale_min", DOUBLE), ("scale_max", DOUBLE),
        ("value", DOUBLE),
    )),
    Table("feedback_attributes", "core", key=("feedback_id", "name"), columns=(
        ("feedback_id", VARCHAR), ("name", VARCHAR), ("value", VARCHAR),
    )),
    Table("customers", "core", key=("customer_id",), columns=(
        ("customer_id", VARCHAR), ("source_id", VARCHAR), ("signup_at", TIMESTAMP), ("updated_at", TIMESTAMP),
    )),
    Table("customer_attributes", "core", key=("customer_id", "name"), columns=(
        ("customer_id", VARCHAR), ("name", VARCHAR), ("value", VARCHAR), ("value_num", DOUBLE),
    )),
    Table("events", "core", key=("event_id",), columns=(
        ("event_id", VARCHAR), ("source_id", VARCHAR), ("customer_id", VARCHAR), ("ts", TIMESTAMP),
        ("event", VARCHAR), ("duration_s", DOUBLE), ("value", DOUBLE), ("properties", JSON),
    )),
    Table("runs", "core", key=("run_id",), columns=(
        ("run_id", VARCHAR), ("stage", VARCHAR), ("status", VARCHAR), ("settings", JSON), ("versions", JSON),
        ("started_at", TIMESTAMP), ("finished_at", TIMESTAMP), ("message", VARCHAR),
    )),
    Table("sentences", "core", key=("feedback_id", "sentence_idx"), columns=(
        ("feedback_id", VARCHAR), ("sentence_idx", INTEGER), ("text", VARCHAR), ("char_start", INTEGER),
        ("char_end", INTEGER),
    )),
    Table("feedback_attribute_values", "core", key=("feedback_id", "name", "value"), columns=(
        ("feedback_id", VARCHAR), ("name", VARCHAR), ("value", VARCHAR),
    )),
    # -- themes ----------------------------------------------------------------------------------------------
    Table("themes", "themes", key=("theme_id",), columns=(
        ("theme_id", VARCHAR), ("parent_id", VARCHAR), ("level", INTEGER), ("label", VARCHAR),
        ("n_comments", INTEGER), ("n_sentences", INTEGER), ("share", DOUBLE), ("is_other", BOOLEAN),
        ("status", VARCHAR), ("keywords", JSON), ("quotes", JSON), ("created_at", TIMESTAMP),
        ("updated_at", TIMESTAMP),
    )),
    Table("sentence_themes", "themes", key=("feedback_id", "sentence_idx", "theme_id"), columns=(
        ("feedback_id", VARCHAR), ("sentence_idx", INTEGER), ("theme_id", VARCHAR), ("subtheme_id", VARCHAR),
        ("score", DOUBLE),
    )),
    Table("feedback_themes", "themes", key=("feedback_id", "theme_id"), columns=(
        ("feedback_id", VARCHAR), ("theme_id", VARCHAR), ("level", INTEGER), ("is_primary", BOOLEAN),
        ("n_mentions", INTEGER),
    )),
    Table("theme_centroids", "themes", key=("theme_id",), columns=(
        ("theme_id", VARCHAR), ("level", INTEGER), ("model", VARCHAR), ("dim", INTEGER), ("centroid", BLOB),
        ("origin", VARCHAR), ("prototypes", BLOB), ("radius", DOUBLE), ("label_locked", BOOLEAN),
    )),
    Table("theme_edits", "themes", key=("edit_id",), columns=(
        ("edit_id", VARCHAR), ("seq", INTEGER), ("op", VARCHAR), ("payload", JSON), ("created_at", TIMESTAMP),
        Column("applied", BOOLEAN, default="false"),
    )),
    Table("embedding_cache", "themes", key=("model", "text_hash"), columns=(
        ("model", VARCHAR), ("text_hash", VARCHAR), ("vector", BLOB),
    )),
    Table("theme_summaries", "themes", key=("theme_id",), columns=(
        ("theme_id", VARCHAR), ("summary", VARCHAR),
    )),
    Table("feedback_entities", "themes", key=("feedback_id", "entity"), columns=(
        ("feedback_id", VARCHAR), ("entity", VARCHAR), ("kind", VARCHAR),
    )),
    # -- feelings --------------------------------------------------------------------------------------------
    Table("sentence_feelings", "feelings", key=("feedback_id", "sentence_idx"), columns=(
        ("feedback_id", VARCHAR), ("sentence_idx", INTEGER), ("sentiment", DOUBLE), ("sentiment_label", VARCHAR),
        ("emotions", VARCHAR), ("emotion_scores", JSON), ("quadrant", VARCHAR), ("pain", BOOLEAN), ("gain", BOOLEAN),
        ("intent", VARCHAR),
    )),
    Table("feedback_feelings", "feelings", key=("feedback_id",), columns=(
        ("feedback_id", VARCHAR), ("sentiment", DOUBLE), ("sentiment_label", VARCHAR), ("emotions", VARCHAR),
        ("emotion_scores", JSON), ("empathy_quadrants", VARCHAR), ("intent", VARCHAR), ("churn_signal", BOOLEAN),
    )),
    Table("feedback_emotions", "feelings", key=("feedback_id", "emotion"), columns=(
        ("feedback_id", VARCHAR), ("emotion", VARCHAR), ("score", DOUBLE),
    )),
    Table("feelings_corrections", "feelings", key=("correction_id",), columns=(
        ("correction_id", VARCHAR), ("feedback_id", VARCHAR), ("sentence_idx", INTEGER), ("text", VARCHAR),
        ("sentiment_label", VARCHAR), ("intent", VARCHAR), ("author", VARCHAR), ("created_at", TIMESTAMP),
    )),
    Table("feelings_calibration", "feelings", key=(), columns=(
        ("score", VARCHAR), ("n", INTEGER), ("agreement_before", DOUBLE), ("agreement_after", DOUBLE),
        ("accuracy_before", DOUBLE), ("accuracy_after", DOUBLE), ("fold_wins", INTEGER), ("folds", INTEGER),
        ("applied", BOOLEAN), ("reason", VARCHAR), ("detail", JSON), ("computed_at", TIMESTAMP),
    )),
    # -- analytics -------------------------------------------------------------------------------------------
    Table("score_summary", "analytics", key=("score_name",), columns=(
        ("score_name", VARCHAR), ("kind", VARCHAR), ("metric", VARCHAR), ("n", BIGINT), ("value", DOUBLE),
        ("ci_low", DOUBLE), ("ci_high", DOUBLE), ("mean", DOUBLE), ("computed_at", TIMESTAMP),
    )),
    Table("theme_impact", "analytics", key=("score_name", "theme_id"), columns=(
        ("score_name", VARCHAR), ("metric", VARCHAR), ("theme_id", VARCHAR), ("label", VARCHAR), ("level", INTEGER),
        ("n_with", BIGINT), ("n_without", BIGINT), ("score_overall", DOUBLE), ("score_with", DOUBLE),
        ("score_without", DOUBLE), ("impact", DOUBLE), ("ci_low", DOUBLE), ("ci_high", DOUBLE), ("p_value", DOUBLE),
        ("q_value", DOUBLE), ("computed_at", TIMESTAMP),
    )),
    Table("key_drivers", "analytics", key=("score_name", "theme_id", "feature"), columns=(
        ("score_name", VARCHAR), ("theme_id", VARCHAR), ("label", VARCHAR), ("feature", VARCHAR), ("coef", DOUBLE),
        ("ci_low", DOUBLE), ("ci_high", DOUBLE), ("relative_weight", DOUBLE), ("r_squared", DOUBLE), ("n", BIGINT),
        ("computed_at", TIMESTAMP),
    )),
    Table("segment_differences", "analytics", key=(), columns=(
        ("attribute", VARCHAR), ("segment", VARCHAR), ("metric", VARCHAR), ("theme_id", VARCHAR),
        ("score_name", VARCHAR), ("n_segment", BIGINT), ("n_rest", BIGINT), ("value_segment", DOUBLE),
        ("value_rest", DOUBLE), ("lift", DOUBLE), ("diff", DOUBLE), ("test", VARCHAR), ("statistic", DOUBLE),
        ("p_value", DOUBLE), ("q_value", DOUBLE), ("significant", BOOLEAN), ("computed_at", TIMESTAMP),
        ("ci_low", DOUBLE), ("ci_high", DOUBLE),
    )),
    Table("theme_trends", "analytics", key=("period_start", "theme_id"), columns=(
        ("grain", VARCHAR), ("period_start", TIMESTAMP), ("theme_id", VARCHAR), ("label", VARCHAR),
        ("n_comments", BIGINT), ("n_period", BIGINT), ("share", DOUBLE), ("sentiment", DOUBLE),
        ("score_name", VARCHAR), ("impact", DOUBLE), ("computed_at", TIMESTAMP),
    )),
    Table("alerts", "analytics", key=("alert_id",), columns=(
        ("alert_id", VARCHAR), ("kind", VARCHAR), ("theme_id", VARCHAR), ("message", VARCHAR), ("severity", VARCHAR),
        ("period", VARCHAR), ("created_at", TIMESTAMP), ("payload", JSON),
    )),
    Table("saved_filters", "analytics", key=("name",), columns=(
        ("name", VARCHAR), ("query", VARCHAR), ("created_at", TIMESTAMP),
    )),
    Table("search_postings", "analytics", key=("term", "feedback_id"), key_enforced=False, columns=(
        ("term", VARCHAR), ("feedback_id", VARCHAR), ("tf", INTEGER),
    )),
    Table("search_docs", "analytics", key=("feedback_id",), key_enforced=False, columns=(
        ("feedback_id", VARCHAR), ("doc_len", INTEGER),
    )),
    Table("score_labels", "analytics", key=("score_name",), columns=(
        ("score_name", VARCHAR), ("display_name", VARCHAR), ("updated_at", TIMESTAMP),
    )),
    # -- usage -----------------------------------------------------------------------------------------------
    Table("usage_sessions", "usage", key=("session_id",), columns=(
        ("session_id", VARCHAR), ("customer_id", VARCHAR), ("started_at", TIMESTAMP), ("ended_at", TIMESTAMP),
        ("n_events", INTEGER), ("duration_s", DOUBLE),
    )),
    Table("usage_customers", "usage", key=("customer_id",), columns=(
        ("customer_id", VARCHAR), ("signup_at", TIMESTAMP), ("first_seen", TIMESTAMP), ("last_seen", TIMESTAMP),
        ("cohort", VARCHAR), ("n_events", INTEGER), ("n_sessions", INTEGER), ("active_days", INTEGER),
        ("time_used_s", DOUBLE), ("avg_session_s", DOUBLE), ("value_total", DOUBLE), ("n_features", INTEGER),
        ("tenure_days", DOUBLE), ("days_inactive", DOUBLE), ("status", VARCHAR), ("time_used_group", VARCHAR),
        ("peak_daypart", VARCHAR),
    )),
    Table("usage_features", "usage", key=("event",), columns=(
        ("event", VARCHAR), ("n_customers", INTEGER), ("adoption", DOUBLE), ("n_events", BIGINT),
        ("events_per_user", DOUBLE), ("median_days_to_first_use", DOUBLE), ("first_used_at", TIMESTAMP),
    )),
    Table("usage_retention", "usage", key=("period_unit", "mode", "cohort", "period"), columns=(
        ("period_unit", VARCHAR), ("mode", VARCHAR), ("cohort", VARCHAR), ("period", INTEGER),
        ("cohort_size", INTEGER), ("n_retained", INTEGER), ("rate", DOUBLE),
    )),
    Table("usage_stickiness", "usage", key=("month",), columns=(
        ("month", VARCHAR), ("mau", INTEGER), ("avg_dau", DOUBLE), ("dau_mau", DOUBLE),
        ("avg_days_active_per_week", DOUBLE),
    )),
    Table("usage_lifecycle", "usage", key=("period_unit", "period", "status"), columns=(
        ("period_unit", VARCHAR), ("period", VARCHAR), ("status", VARCHAR), ("n_customers", INTEGER),
    )),
    Table("usage_time_of_day", "usage", key=("time_zone", "weekday", "hour"), columns=(
        ("time_zone", VARCHAR), ("weekday", INTEGER), ("hour", INTEGER), ("n_events", BIGINT),
        ("n_customers", INTEGER), ("time_used_s", DOUBLE),
    )),
    Table("usage_why", "usage", key=("group_kind", "group_value", "item_kind", "item"), columns=(
        ("group_kind", VARCHAR), ("group_value", VARCHAR), ("item_kind", VARCHAR), ("item", VARCHAR),
        ("label", VARCHAR), ("n_group", INTEGER), ("n_rest", INTEGER), ("k_group", INTEGER), ("k_rest", INTEGER),
        ("share_group", DOUBLE), ("share_rest", DOUBLE), ("lift", DOUBLE), ("p_value", DOUBLE), ("q_value", DOUBLE),
        ("significant", BOOLEAN), ("direction", VARCHAR),
    )),
    # -- personas --------------------------------------------------------------------------------------------
    Table("personas", "personas", key=("persona_id",), columns=(
        ("persona_id", VARCHAR), ("name", VARCHAR), ("size", INTEGER), ("share", DOUBLE), ("description", VARCHAR),
        ("traits", JSON), ("top_themes", JSON), ("feelings", JSON), ("empathy_map", JSON), ("quotes", JSON),
        ("score", DOUBLE), ("created_at", TIMESTAMP),
    )),
    Table("customer_personas", "personas", key=("customer_id",), columns=(
        ("customer_id", VARCHAR), ("persona_id", VARCHAR), ("distance", DOUBLE),
    )),
    # -- privacy ---------------------------------------------------------------------------------------------
    Table("pii_redactions", "privacy", key=("source_id", "kind"), columns=(
        ("source_id", VARCHAR), ("kind", VARCHAR), ("n", BIGINT), ("mode", VARCHAR), ("redacted_at", TIMESTAMP),
    )),
    Table("forget_log", "privacy", key=("forget_id",), columns=(
        ("forget_id", VARCHAR), ("subject_hash", VARCHAR), ("rows_removed", JSON), ("forgotten_at", TIMESTAMP),
    )),
    # -- team ------------------------------------------------------------------------------------------------
    Table("theme_owners", "team", key=("theme_id",), columns=(
        ("theme_id", VARCHAR), ("team", VARCHAR), ("person", VARCHAR), ("status", VARCHAR, NOT_NULL),
        ("status_on", DATE), ("updated_by", VARCHAR), ("updated_at", TIMESTAMP),
    )),
    Table("theme_status_changes", "team", key=("seq",), columns=(
        ("seq", BIGINT), ("theme_id", VARCHAR, NOT_NULL), ("status", VARCHAR, NOT_NULL), ("team", VARCHAR),
        ("person", VARCHAR), ("status_on", DATE), ("author", VARCHAR), ("note", VARCHAR), ("created_at", TIMESTAMP),
    )),
    Table("notes", "team", key=("note_id",), columns=(
        ("note_id", VARCHAR), ("object_kind", VARCHAR, NOT_NULL), ("object_id", VARCHAR, NOT_NULL),
        ("author", VARCHAR, NOT_NULL), ("body", VARCHAR, NOT_NULL), ("mentions", JSON), ("created_at", TIMESTAMP),
        ("updated_at", TIMESTAMP),
    )),
    Table("activity_log", "team", key=("seq",), columns=(
        ("seq", BIGINT), ("logged_at", TIMESTAMP, NOT_NULL), ("actor", VARCHAR), ("action", VARCHAR, NOT_NULL),
        ("object_kind", VARCHAR), ("object_id", VARCHAR), ("detail", JSON),
    )),
    Table("saved_views", "team", key=("view_id",), columns=(
        ("view_id", VARCHAR), ("name", VARCHAR, NOT_NULL), ("page", VARCHAR, NOT_NULL), ("query", VARCHAR),
        ("options", JSON), ("author", VARCHAR, NOT_NULL), ("shared", BOOLEAN, NOT_NULL),
        ("pinned", BOOLEAN, NOT_NULL), ("created_at", TIMESTAMP), ("updated_at", TIMESTAMP),
    )),
    Table("digest_subscriptions", "team", key=("subscription_id",), columns=(
        ("subscription_id", VARCHAR), ("username", VARCHAR, NOT_NULL), ("since", VARCHAR, NOT_NULL),
        ("format", VARCHAR, NOT_NULL), ("target", VARCHAR, NOT_NULL), ("weekday", INTEGER),
        ("hour", INTEGER, NOT_NULL), ("last_sent_at", TIMESTAMP), ("created_at", TIMESTAMP),
    )),

)

#: Every table by name.
TABLES: dict[str, Table] = {t.name: t for t in DECLARED}

#: Views over the tables (name -> its SELECT), created after them. ``comment_attributes`` is what every reader of
#: "a comment's attributes" uses: its own attributes (multi-valued ones one row per value) plus its customer's.
VIEWS: dict[str, str] = {
    "comment_attributes": """
        SELECT a.feedback_id, a.name, a.value FROM feedback_attributes a
        WHERE NOT EXISTS (SELECT 1 FROM feedback_attribute_values v
                          WHERE v.feedback_id = a.feedback_id AND v.name = a.name)
        UNION ALL
        SELECT feedback_id, name, value FROM feedback_attribute_values
        UNION ALL
        SELECT f.feedback_id, c.name, c.value FROM feedback f JOIN customer_attributes c USING (customer_id)
        WHERE NOT EXISTS (SELECT 1 FROM feedback_attributes a WHERE a.feedback_id = f.feedback_id AND a.name = c.name)
    """,
}


def create_all(con: duckdb.DuckDBPyConnection) -> None:
    """Create every declared table and view in an empty workspace (inside the caller's transaction)."""
    for table in DECLARED:
        con.execute(table.create_sql())
    for name, select in VIEWS.items():
        con.execute(view_sql(name, select))


def view_sql(name: str, select_sql: str) -> str:
    """``CREATE VIEW`` of a declared view."""
    from empathic.store.quoting import ident

    return f"CREATE VIEW {ident(name)} AS {select_sql}"
