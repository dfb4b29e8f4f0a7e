"""Trends: the main score over time with its intervals, theme shares over time, and the alerts of what changed."""

from __future__ import annotations

from typing import Any

from empathic.analytics.trends import GRAINS
from empathic.errors import EmpathicError
from empathic.report import sections, views
from empathic.web import charts
from empathic.web.pages import Page, provenance, stale
from empathic.web.pages.compare import score_band_chart


def load(ws: Any, query: dict[str, str]) -> dict[str, Any]:
    data = sections.trends(ws.store) or {"series": []}
    series: dict[str, tuple[list[Any], list[Any]]] = {}
    totals: dict[str, int] = {}
    for r in data["series"]:
        x, y = series.setdefault(r["label"] or r["theme_id"], ([], []))
        x.append(r["period_start"])
        y.append(r["share"])
        totals[r["label"] or r["theme_id"]] = totals.get(r["label"] or r["theme_id"], 0) + (r["n_comments"] or 0)
    top = sorted(totals, key=lambda k: (-totals[k], k))[:8]
    chart = charts.lines({k: series[k] for k in top}, y_title="share of comments") if top else None
    score_rows = views.scores(ws.store)
    score_names = [s["score_name"] for s in score_rows]
    display = {s["score_name"]: s.get("display_name") or s["score_name"] for s in score_rows}
    grain = query.get("grain") if query.get("grain") in GRAINS else None
    score = query.get("score") if query.get("score") in score_names else None
    try:  # the score per period at the chosen grain (default: from the data), periods under the minimum n left out
        trend = ws.score_trend(grain, score)
    except EmpathicError:  # no dates or no score: the theme shares are still worth showing
        trend = None
    rows = [_score_row(r) for r in trend.itertuples(index=False)] if trend is not None else []
    return {
        "stale": stale(ws), "provenance": provenance(ws), "series": data["series"], "chart_trends": chart,
        "alerts": views.alerts(ws.store) or [], "grains": GRAINS, "grain": grain or "", "score": score or "",
        "score_names": score_names, "chart_score": score_band_chart(trend), "score_rows": rows, "display": display,
        "score_name": trend.attrs.get("score_name") if trend is not None else None,
        "score_grain": trend.attrs.get("grain") if trend is not None else None,
    }  # fmt: skip


def _score_row(r: Any) -> list[Any]:
    """period, n, value, 95 % interval (blank under the minimum n), partial flag — the chart's table view."""
    shown = bool(r.enough) and r.value == r.value  # nan != nan: too few answers to show a value
    return [r.period.isoformat()[:10], int(r.n), round(float(r.value), 1) if shown else "–",
            f"{r.ci_low:.1f} – {r.ci_high:.1f}" if shown else "–", "partial" if r.partial else ""]  # fmt: skip


PAGE = Page(
    slug="trends",
    title="Trends",
    order=40,
    needs=("theme_trends",),
    template="trends.html",
    load=load,
    hint="needs dated comments; run `empathic analyze WORKSPACE`",
)
