"""Segments: how themes, scores and sentiment differ between groups of customers."""

from __future__ import annotations

from typing import Any

from empathic.report import sections, views
from empathic.web.pages import Page, provenance


def load(ws: Any, query: dict[str, str]) -> dict[str, Any]:
    data = sections.segments(ws.store, attribute=query.get("attribute") or None)
    data = data or {"attributes": [], "differences": None}
    display = {r["score_name"]: r.get("display_name") or r["score_name"] for r in views.scores(ws.store)}
    return {"data": data, "attribute": query.get("attribute") or "", "provenance": provenance(ws), "display": display}


PAGE = Page(
    slug="segments",
    title="Segments",
    order=20,
    needs=("feedback",),
    template="segments.html",
    load=load,
    hint="ingest a file with segment columns (plan, region, …) and run `empathic analyze`",
)
