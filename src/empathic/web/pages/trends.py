"""Trends: theme shares over time, and the alerts of what changed."""

from __future__ import annotations

from typing import Any

from empathic.report import sections, views
from empathic.web import charts
from empathic.web.pages import Page, stale


def load(ws: Any, query: dict[str, str]) -> dict[str, Any]:
    data = sections.trends(ws) or {"series": []}
    series: dict[str, tuple[list[Any], list[Any]]] = {}
    totals: dict[str, int] = {}
    for r in data["series"]:
        x, y = series.setdefault(r["label"] or r["theme_id"], ([], []))
        x.append(r["period_start"])
        y.append(r["share"])
        totals[r["label"] or r["theme_id"]] = totals.get(r["label"] or r["theme_id"], 0) + (r["n_comments"] or 0)
    top = sorted(totals, key=lambda k: (-totals[k], k))[:8]
    chart = charts.lines({k: series[k] for k in top}, y_title="share of comments") if top else None
    return {"stale": stale(ws), "series": data["series"], "chart_trends": chart, "alerts": views.alerts(ws) or []}


PAGE = Page(
    slug="trends",
    title="Trends",
    order=40,
    needs=("theme_trends",),
    template="trends.html",
    load=load,
    hint="needs dated comments; run `empathic analyze WORKSPACE`",
)
