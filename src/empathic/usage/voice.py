"""The voice of one customer: who they are, what they do and what they said, on one timeline.

Reads whatever exists (attributes, usage, persona, themes, feelings, scores); every part is optional except that
the customer must appear somewhere in the workspace.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from empathic.errors import InputError


def _has(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    rows = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]).fetchall()
    return bool(rows[0][0])


def _one(con: duckdb.DuckDBPyConnection, query: str, cid: str) -> dict[str, Any] | None:
    df = con.execute(query, [cid]).df()
    return None if df.empty else {k: (None if pd.isna(v) else v) for k, v in df.iloc[0].to_dict().items()}


def _feedback(con: duckdb.DuckDBPyConnection, cid: str) -> pd.DataFrame:
    themes = (
        "(SELECT string_agg(t.label, '; ' ORDER BY t.label) FROM feedback_themes ft JOIN themes t "
        "USING (theme_id) WHERE ft.feedback_id = f.feedback_id AND ft.level = 1)"
    )
    feel = "ff.sentiment, ff.sentiment_label, ff.emotions, ff.empathy_quadrants, ff.intent"
    return con.execute(
        f"""
        SELECT f.created_at AS at, 'feedback' AS kind, f.feedback_id, f.text,
               (SELECT min(value) FROM feedback_scores s WHERE s.feedback_id = f.feedback_id) AS score,
               {themes} AS themes, {feel}
        FROM feedback f LEFT JOIN feedback_feelings ff USING (feedback_id)
        WHERE f.customer_id = ? ORDER BY f.created_at NULLS LAST, f.feedback_id""",
        [cid],
    ).df()


def _weekly_usage(con: duckdb.DuckDBPyConnection, cid: str) -> pd.DataFrame:
    return con.execute(
        """
        SELECT date_trunc('week', started_at) AS at, 'usage' AS kind, count(*) AS sessions,
               sum(n_events) AS events, sum(duration_s) AS time_used_s
        FROM usage_sessions WHERE customer_id = ? GROUP BY 1 ORDER BY 1""",
        [cid],
    ).df()


def customer_voice(con: duckdb.DuckDBPyConnection, customer_id: str) -> dict[str, Any]:
    """Everything about one customer.

    Returns:
        ``customer_id``, ``signup_at``, ``attributes`` (dict), ``usage`` (the ``usage_customers`` row or None),
        ``persona`` (``{persona_id, name}`` or None), ``feedback`` (DataFrame), ``timeline`` (feedback rows and weekly
        usage rows, by time), ``sentiment`` (DataFrame ``at, sentiment, score`` of their comments over time).
    """
    cid = str(customer_id)
    attrs = con.execute(
        "SELECT name, coalesce(value, CAST(value_num AS VARCHAR)) FROM customer_attributes "
        "WHERE customer_id = ? ORDER BY name",
        [cid],
    ).fetchall()
    signup = _one(con, "SELECT signup_at FROM customers WHERE customer_id = ?", cid)
    usage = _one(con, "SELECT * FROM usage_customers WHERE customer_id = ?", cid)
    feedback = _feedback(con, cid)
    if not attrs and signup is None and usage is None and feedback.empty:
        some = [
            r[0]
            for r in con.execute(
                "SELECT customer_id FROM customers UNION "
                "SELECT customer_id FROM feedback WHERE customer_id IS NOT NULL ORDER BY 1 LIMIT 5"
            ).fetchall()
        ]
        raise InputError(
            f"no customer {cid!r} in this workspace",
            hint=f"customer ids look like: {', '.join(map(str, some)) or '(none ingested)'}",
        )
    persona = None
    if _has(con, "customer_personas"):
        persona = _one(
            con,
            "SELECT cp.persona_id, p.name FROM customer_personas cp JOIN personas p "
            "USING (persona_id) WHERE cp.customer_id = ?",
            cid,
        )
    weekly = _weekly_usage(con, cid)
    timeline = pd.concat([feedback, weekly], ignore_index=True, sort=False)
    if not timeline.empty:
        timeline = timeline.sort_values(["at", "kind"], kind="mergesort", na_position="last").reset_index(drop=True)
    return {
        "customer_id": cid,
        "signup_at": (signup or {}).get("signup_at"),
        "attributes": {name: value for name, value in attrs},
        "usage": usage,
        "persona": persona,
        "feedback": feedback,
        "timeline": timeline,
        "sentiment": feedback[["at", "sentiment", "score"]].dropna(subset=["at"]).reset_index(drop=True),
    }
