"""Themes: the hierarchy with counts, share, sentiment, impact and sparklines; a page per theme."""

from __future__ import annotations

from typing import Any

from empathic.report import verbatims, views
from empathic.web import charts
from empathic.web.pages import Page, int_param


def load(ws: Any, query: dict[str, str]) -> dict[str, Any]:
    table = views.themes_table(ws.store) or []
    children: dict[str, list[dict[str, Any]]] = {}
    for t in table:
        if t["level"] == 2 and t["parent_id"]:
            children.setdefault(t["parent_id"], []).append(t)
    return {"top": [t for t in table if t["level"] == 1], "children": children}


def detail(ws: Any, theme_id: str, query: dict[str, str]) -> dict[str, Any] | None:
    theme = views.theme_detail(ws.store, theme_id)
    if theme is None:
        return None
    sentiment = query.get("sentiment") or None
    page = verbatims.verbatims(
        ws.store,
        theme_id=theme_id,
        q=query.get("q") or None,
        sentiment=sentiment if sentiment in verbatims.SENTIMENTS else None,
        page=int_param(query, "page", 1),
        page_size=ws.settings.web.page_size,
    )
    trend = theme["trend"]
    chart_trend = (
        charts.lines({"share": ([p["period_start"] for p in trend], [p["share"] for p in trend])}, y_title="share")
        if trend
        else None
    )
    emotions = theme["emotions"]
    chart_emotions = charts.bar([e["emotion"] for e in emotions], [e["n"] for e in emotions]) if emotions else None
    return {
        "theme": theme,
        "verbatims": page,
        "chart_trend": chart_trend,
        "chart_emotions": chart_emotions,
        "sentiments": verbatims.SENTIMENTS,
        "trend_rows": [[(p["period_start"] or "")[:10], p["n_comments"], p["share"], p["sentiment"]] for p in trend],
        "emotion_rows": [[e["emotion"], e["n"]] for e in emotions],
        "filter_params": filter_params(query, ("q", "sentiment")),
        "other_themes": [
            t for t in views.themes_table(ws.store) or [] if t["level"] == theme["level"] and t["theme_id"] != theme_id
        ],
    }


def filter_params(query: dict[str, str], keys: tuple[str, ...]) -> dict[str, str]:
    """The non-empty filters of the current page, for pagination links."""
    return {k: query[k] for k in keys if query.get(k)}


PAGE = Page(
    slug="themes",
    title="Themes",
    order=10,
    needs=("themes",),
    template="themes.html",
    load=load,
    detail_template="theme.html",
    detail=detail,
)
