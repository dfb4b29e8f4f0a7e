"""Usage: feature adoption, retention curves, stickiness and the time-of-day heatmap."""

from __future__ import annotations

from typing import Any

from empathic.report import sections
from empathic.web import charts
from empathic.web.pages import Page

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def load(ws: Any, query: dict[str, str]) -> dict[str, Any]:
    data = sections.usage(ws.store)
    if data is None:
        return {"data": None}
    curves: dict[str, tuple[list[Any], list[Any]]] = {}
    for r in data["retention"]:
        x, y = curves.setdefault(r["cohort"], ([], []))
        x.append(r["period"])
        y.append(r["rate"])
    keep = sorted(curves)[-8:]
    grid = [[0] * 24 for _ in range(7)]
    for r in data["time_of_day"]:
        if 0 <= r["weekday"] < 7 and 0 <= r["hour"] < 24:
            grid[r["weekday"]][r["hour"]] += r["n_events"] or 0
    features = data["features"][:20]
    return {
        "data": data,
        "chart_retention": charts.lines({k: curves[k] for k in keep}, y_title="retained") if keep else None,
        "chart_heatmap": charts.heatmap(list(range(24)), list(WEEKDAYS), grid) if data["time_of_day"] else None,
        "chart_features": charts.bar([f["event"] for f in features], [f["adoption"] for f in features], horizontal=True)
        if features
        else None,
    }


PAGE = Page(
    slug="usage",
    title="Usage",
    order=70,
    needs=("usage_customers",),
    template="usage.html",
    load=load,
    hint="ingest product events (`empathic ingest WORKSPACE events.csv --kind events`) and analyse",
)
