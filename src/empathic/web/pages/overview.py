"""Overview: volume, scores with intervals, sentiment mix, top themes with impact, alerts."""

from __future__ import annotations

from typing import Any

from empathic.report import views
from empathic.web import charts
from empathic.web.pages import Page, provenance, stale


def load(ws: Any, query: dict[str, str]) -> dict[str, Any]:
    data = views.overview(ws.store)
    chart_sentiment = (
        charts.bar([s["label"] for s in data["sentiment"]], [s["n"] for s in data["sentiment"]])
        if data["sentiment"]
        else None
    )
    top = [t for t in data["top_themes"] or [] if t["level"] == 1]
    chart_themes = (
        charts.bar([t["label"] for t in top], [t["n_comments"] for t in top], horizontal=True) if top else None
    )
    themes_rows = [[t["label"], t["n_comments"], _r(t["share"]), _r(t["impact"])] for t in top]
    sentiment_rows = [[s["label"], s["n"], _r(s["mean"])] for s in data["sentiment"] or []]
    return {
        "stale": stale(ws),
        "provenance": provenance(ws),
        "data": data,
        "top": top,
        "chart_sentiment": chart_sentiment,
        "chart_themes": chart_themes,
        "themes_rows": themes_rows,
        "sentiment_rows": sentiment_rows,
    }


def _r(value: Any) -> Any:
    return round(value, 3) if isinstance(value, float) else value


PAGE = Page(
    slug="overview",
    title="Overview",
    order=0,
    needs=("feedback",),
    template="overview.html",
    load=load,
    hint="upload a file on the Upload page or run `empathic ingest WORKSPACE FILE`",
)
