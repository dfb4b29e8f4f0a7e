"""Drivers: which themes move a score (leave-one-out impact and key-driver regression), one score at a time."""

from __future__ import annotations

from typing import Any

from empathic.report import sections, views
from empathic.web import charts
from empathic.web.pages import Page, provenance, stale

#: Themes per direction in the chart (the report's rule); the Numbers table under it lists every theme.
CHART_TOP = 10


def load(ws: Any, query: dict[str, str]) -> dict[str, Any]:
    score_names = _impact_scores(ws)
    score = query.get("score") if query.get("score") in score_names else None
    chart_rows: list[dict[str, Any]] = []
    impact: list[dict[str, Any]] = []
    key_drivers: list[dict[str, Any]] = []
    chosen = None
    if score_names:
        # the chosen score (default: the main one, NPS first): largest impacts first, both directions
        top = sections.drivers(ws.store, score=score, top=CHART_TOP) or {}
        chosen = top.get("score_name")
        every = sections.drivers(ws.store, score=chosen) or {"impact": [], "key_drivers": []}
        chart_rows, impact, key_drivers = top.get("impact", []), every["impact"], every["key_drivers"]
    chart = charts.bar([r["label"] for r in chart_rows], [r["impact"] for r in chart_rows], horizontal=True)
    return {
        "stale": stale(ws), "provenance": provenance(ws), "score_names": score_names, "score": chosen,
        "display": _display_names(ws), "impact": impact, "chart_impact": chart if chart_rows else None,
        "n_lowers": sum(r["direction"] == "lowers" for r in chart_rows), "key_drivers": key_drivers,
        "n_raises": sum(r["direction"] == "raises" for r in chart_rows), "chart_top": CHART_TOP,
    }  # fmt: skip


def _impact_scores(ws: Any) -> list[str]:
    return [r["score_name"] for r in views.rows(ws.store, "SELECT DISTINCT score_name FROM theme_impact ORDER BY 1")]


def _display_names(ws: Any) -> dict[str, str]:
    """score column → the name people know it by (``scores rename``), for the score picker and the title."""
    return {s["score_name"]: s.get("display_name") or s["score_name"] for s in views.scores(ws.store)}


PAGE = Page(slug="drivers", title="Drivers", order=30, needs=("theme_impact",), template="drivers.html", load=load)
