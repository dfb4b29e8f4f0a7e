"""Drivers: which themes move the scores (leave-one-out impact and key-driver regression)."""

from __future__ import annotations

from typing import Any

from empathic.report import sections
from empathic.web import charts
from empathic.web.pages import Page, provenance, stale


def load(ws: Any, query: dict[str, str]) -> dict[str, Any]:
    data = sections.drivers(ws) or {"impact": [], "key_drivers": []}
    by_score: dict[str, list[dict[str, Any]]] = {}
    for row in data["impact"]:
        by_score.setdefault(row["score_name"], []).append(row)
    chart = {
        name: charts.bar([r["label"] for r in rs[:15]], [r["impact"] for r in rs[:15]], horizontal=True)
        for name, rs in by_score.items()
    }
    return {
        "stale": stale(ws), "provenance": provenance(ws), "by_score": by_score, "key_drivers": data["key_drivers"],
        "charts": chart,
    }  # fmt: skip


PAGE = Page(slug="drivers", title="Drivers", order=30, needs=("theme_impact",), template="drivers.html", load=load)
