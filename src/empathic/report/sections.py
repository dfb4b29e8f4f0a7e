"""Read models of the later stages: segments, drivers, trends, ideas, personas, usage and one customer.

Same rules as :mod:`empathic.report.views`: plain dicts/lists from stored tables, ``None`` when the stage that
fills them has not run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from empathic.report.views import _json, has_data, rows

if TYPE_CHECKING:
    from empathic.workspace import Workspace


def segments(ws: Workspace, *, attribute: str | None = None, limit: int = 200) -> dict[str, Any] | None:
    """Attributes with their values, and the segment differences (significant first)."""
    if not has_data(ws, "feedback_attributes") and not has_data(ws, "segment_differences"):
        return None
    attributes = rows(
        ws,
        "SELECT name, count(DISTINCT value) AS n_values, count(*) AS n FROM feedback_attributes GROUP BY 1 ORDER BY 1",
    )
    differences = None
    if has_data(ws, "segment_differences"):
        where, params = ("WHERE d.attribute = ?", [attribute]) if attribute else ("", [])
        differences = rows(
            ws,
            "SELECT d.attribute, d.segment, d.metric, d.theme_id, t.label AS theme, d.score_name, d.n_segment, "
            "d.n_rest, d.value_segment, d.value_rest, d.lift, d.diff, d.test, d.p_value, d.q_value, d.significant "
            "FROM segment_differences d LEFT JOIN themes t USING (theme_id) "
            f"{where} ORDER BY d.significant DESC, d.q_value NULLS LAST, d.attribute, d.segment, d.metric, "
            "d.theme_id LIMIT ?",
            [*params, limit],
        )
    return {"attributes": attributes, "differences": differences}


def drivers(ws: Workspace) -> dict[str, Any] | None:
    """Theme impact on each score (leave-one-out) and key drivers (regression), or None before analytics."""
    if not has_data(ws, "theme_impact"):
        return None
    impact = rows(
        ws,
        "SELECT score_name, metric, theme_id, label, level, n_with, score_with, score_without, impact, ci_low, "
        "ci_high, q_value FROM theme_impact ORDER BY score_name, impact NULLS LAST, theme_id",
    )
    key = (
        rows(
            ws,
            "SELECT score_name, theme_id, label, feature, coef, ci_low, ci_high, relative_weight, r_squared, n "
            "FROM key_drivers ORDER BY score_name, relative_weight DESC NULLS LAST, theme_id, feature",
        )
        if has_data(ws, "key_drivers")
        else []
    )
    return {"impact": impact, "key_drivers": key}


def trends(ws: Workspace) -> dict[str, Any] | None:
    """Per-period theme volumes/shares (long format) and the period totals, or None before analytics."""
    if not has_data(ws, "theme_trends"):
        return None
    series = rows(
        ws,
        "SELECT grain, period_start, theme_id, label, n_comments, n_period, share, sentiment FROM theme_trends "
        "ORDER BY period_start, theme_id",
    )
    return {"series": series}


def ideas(ws: Workspace, *, limit: int = 60) -> list[dict[str, Any]] | None:
    """Suggestions customers made, grouped by theme (most requested first), with up to 3 examples each."""
    if not has_data(ws, "sentence_feelings"):
        return None
    theme_join = (
        "LEFT JOIN sentence_themes st USING (feedback_id, sentence_idx) LEFT JOIN themes t ON t.theme_id = st.theme_id"
        if has_data(ws, "sentence_themes", "themes")
        else "LEFT JOIN (SELECT NULL::VARCHAR AS theme_id, NULL::VARCHAR AS label) t ON FALSE"
    )
    found = rows(
        ws,
        "WITH s AS (SELECT coalesce(t.theme_id, '') AS theme_id, coalesce(t.label, 'Unthemed') AS label, x.text, "
        "x.feedback_id, x.sentence_idx FROM sentence_feelings sf JOIN sentences x USING (feedback_id, sentence_idx) "
        f"{theme_join} WHERE list_contains(string_split(sf.intent, ';'), 'request')) "
        "SELECT theme_id, label, count(*) AS n, list(text ORDER BY length(text), feedback_id, sentence_idx)[1:3] "
        "AS examples FROM s GROUP BY 1, 2 ORDER BY n DESC, label LIMIT ?",
        [limit],
    )
    return found


def personas(ws: Workspace) -> list[dict[str, Any]] | None:
    """Personas with traits, top themes, empathy map and quotes decoded from JSON."""
    if not has_data(ws, "personas"):
        return None
    out = rows(ws, "SELECT * FROM personas ORDER BY size DESC, persona_id")
    for p in out:
        for key in ("traits", "top_themes", "feelings", "quotes"):
            p[key] = _json(p.get(key), [])
        p["empathy_map"] = _json(p.get("empathy_map"), {})
    return out


def usage(ws: Workspace) -> dict[str, Any] | None:
    """Feature adoption, retention curves (weekly if present), stickiness and the weekday × hour heatmap."""
    if not has_data(ws, "usage_customers"):
        return None
    unit = ws.store.scalar(
        "SELECT period_unit FROM usage_retention GROUP BY 1 ORDER BY CASE period_unit WHEN 'week' THEN 0 "
        "WHEN 'month' THEN 1 ELSE 2 END LIMIT 1"
    )
    return {
        "status": rows(ws, "SELECT status, count(*) AS n FROM usage_customers GROUP BY 1 ORDER BY n DESC, status"),
        "features": rows(ws, "SELECT * FROM usage_features ORDER BY adoption DESC, event LIMIT 50"),
        "retention": rows(
            ws,
            "SELECT cohort, period, cohort_size, rate FROM usage_retention WHERE period_unit = ? AND mode = 'on' "
            "ORDER BY cohort, period",
            [unit],
        ),
        "retention_unit": unit,
        "stickiness": rows(ws, "SELECT * FROM usage_stickiness ORDER BY month"),
        "time_of_day": rows(ws, "SELECT weekday, hour, n_events FROM usage_time_of_day ORDER BY weekday, hour"),
    }


def customers(ws: Workspace, *, limit: int = 100) -> list[dict[str, Any]]:
    """Customers with the most comments (for the customer list)."""
    return rows(
        ws,
        "SELECT customer_id, count(*) AS n_comments, max(created_at) AS last_comment FROM feedback "
        "WHERE customer_id IS NOT NULL GROUP BY 1 ORDER BY n_comments DESC, customer_id LIMIT ?",
        [limit],
    )


def customer(ws: Workspace, customer_id: str) -> dict[str, Any] | None:
    """Everything known about one customer: attributes, comments, usage summary, persona; None if unknown."""
    comments = rows(
        ws,
        "SELECT feedback_id, created_at, text FROM feedback WHERE customer_id = ? ORDER BY created_at DESC NULLS "
        "LAST, feedback_id LIMIT 200",
        [customer_id],
    )
    attributes = rows(
        ws, "SELECT name, value FROM customer_attributes WHERE customer_id = ? ORDER BY name", [customer_id]
    )
    usage_row = (
        rows(ws, "SELECT * FROM usage_customers WHERE customer_id = ?", [customer_id])
        if has_data(ws, "usage_customers")
        else []
    )
    persona = (
        rows(
            ws,
            "SELECT p.persona_id, p.name FROM customer_personas cp JOIN personas p USING (persona_id) "
            "WHERE cp.customer_id = ?",
            [customer_id],
        )
        if has_data(ws, "customer_personas")
        else []
    )
    if not comments and not attributes and not usage_row:
        return None
    return {
        "customer_id": customer_id,
        "attributes": attributes,
        "comments": comments,
        "usage": usage_row[0] if usage_row else None,
        "persona": persona[0] if persona else None,
    }


def search(ws: Workspace, query: str, *, semantic: bool = False, limit: int = 50) -> dict[str, Any]:
    """Comments matching a query-language query (``theme:"delivery" AND plan:pro AND nps<=6 refund``).

    Uses the analytics area's ``ws.search``; returns ``{"available": False}`` on installations without it.
    Every result carries highlight segments for the free words of the query.
    """
    from empathic.report.verbatims import query_spans
    from empathic.report.verbatims import segments as highlight

    if not callable(getattr(ws, "search", None)):
        return {"available": False, "items": []}
    frame = ws.search(query, semantic=semantic, limit=limit)
    items = [{k: _clean_scalar(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]
    words = " ".join(
        w
        for w in query.replace('"', " ").split()
        if ":" not in w and "<" not in w and ">" not in w and w.upper() not in ("AND", "OR", "NOT")
    )
    for item in items:
        text = item.get("text") or ""
        item["segments"] = highlight(text, query_spans(text, words))
    return {"available": True, "items": items}


def saved_filters(ws: Workspace) -> list[dict[str, Any]]:
    """Named queries saved by analysts (empty when the analytics area is absent)."""
    if not has_data(ws, "saved_filters"):
        return []
    return rows(ws, "SELECT name, query, created_at FROM saved_filters ORDER BY name")


def _clean_scalar(value: Any) -> Any:
    from empathic.report.views import _clean

    try:
        import pandas as pd

        if value is pd.NaT:
            return None
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    return _clean(value.to_pydatetime() if hasattr(value, "to_pydatetime") else value)
