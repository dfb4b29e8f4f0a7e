"""Verbatims and search: every comment, filterable by text, theme and sentiment, with highlights."""

from __future__ import annotations

from typing import Any

from empathic.report import verbatims, views
from empathic.web.pages import Page, int_param
from empathic.web.pages.themes import filter_params


def load(ws: Any, query: dict[str, str]) -> dict[str, Any]:
    sentiment = query.get("sentiment") or None
    theme_id = query.get("theme") or None
    page = verbatims.verbatims(
        ws.store,
        theme_id=theme_id,
        q=(query.get("q") or "")[:200] or None,
        sentiment=sentiment if sentiment in verbatims.SENTIMENTS else None,
        page=int_param(query, "page", 1),
        page_size=ws.settings.web.page_size,
    )
    themes = [t for t in views.themes_table(ws.store) or [] if t["level"] == 1]
    return {
        "verbatims": page,
        "themes": themes,
        "sentiments": verbatims.SENTIMENTS,
        "filter_params": filter_params(query, ("q", "sentiment", "theme")),
    }


PAGE = Page(
    slug="verbatims",
    title="Verbatims",
    order=15,
    needs=("feedback",),
    template="verbatims.html",
    load=load,
    hint="upload a file on the Upload page or run `empathic ingest WORKSPACE FILE`",
)
