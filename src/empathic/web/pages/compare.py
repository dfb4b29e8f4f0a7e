"""Compare: why did the score move between two periods? (the web face of ``empathic compare``)."""

from __future__ import annotations

from typing import Any

from empathic.errors import EmpathicError
from empathic.report import sections, views
from empathic.report.html import format_number
from empathic.web.charts import _LAYOUT  # the app's one chart layout
from empathic.web.pages import Page


def score_band_chart(trend: Any) -> dict[str, Any] | None:
    """A score per period with its 95 % interval as error bars (periods under the minimum n are left out, so a
    gap is a gap and not a spike)."""
    if trend is None or len(trend) == 0:
        return None
    shown = trend[trend.value.notna()]
    if shown.empty:
        return None
    x = [p.isoformat()[:10] for p in shown.period]
    value = [float(v) for v in shown.value]
    plus = [float(h - v) for h, v in zip(shown.ci_high, shown.value, strict=True)]
    minus = [float(v - lo) for lo, v in zip(shown.ci_low, shown.value, strict=True)]
    trace = {"type": "scatter", "mode": "lines+markers", "x": x, "y": value, "name": trend.attrs.get("score_name"),
             "error_y": {"type": "data", "array": plus, "arrayminus": minus, "visible": True}}  # fmt: skip
    return {"data": [trace], "layout": {**_LAYOUT, "showlegend": False}}


def waterfall_chart(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Contributions of the primary themes (largest first) with their bootstrap intervals as error bars."""
    if not rows:
        return None
    labels = [r["label"] for r in rows][::-1]
    values = [r["contribution"] for r in rows][::-1]
    plus = [max((r["ci_high"] or 0.0) - r["contribution"], 0.0) for r in rows][::-1]
    minus = [max(r["contribution"] - (r["ci_low"] or 0.0), 0.0) for r in rows][::-1]
    trace = {"type": "bar", "orientation": "h", "x": values, "y": labels,
             "error_x": {"type": "data", "array": plus, "arrayminus": minus, "visible": True}}  # fmt: skip
    layout = {**_LAYOUT, "margin": {**_LAYOUT["margin"], "l": 180}, "height": max(200, 24 * len(rows) + 60)}
    return {"data": [trace], "layout": layout}


def _waterfall_row(r: dict[str, Any]) -> list[str]:
    return [r["label"], f"{format_number(r['n_a'])} → {format_number(r['n_b'])}",
            f"{format_number(r['score_a'], 1)} → {format_number(r['score_b'], 1)}", format_number(r["contribution"], 2),
            f"{format_number(r['ci_low'], 2)} – {format_number(r['ci_high'], 2)}"]  # fmt: skip


def load(ws: Any, query: dict[str, str]) -> dict[str, Any]:
    form = {k: (query.get(k) or "").strip()[:60] for k in ("score", "a", "b", "last")}
    error = None
    result = None
    try:
        result = sections.compare(ws.store, ws.settings, score=form["score"] or None, a=form["a"] or None,
                                  b=form["b"] or None, last=form["last"] or None)  # fmt: skip
    except EmpathicError as exc:
        error = exc.message + (f" — {exc.hint}" if exc.hint else "")
    try:
        trend = ws.score_trend(score=(result or {}).get("score_name"))
    except EmpathicError:
        trend = None
    top = sorted((result or {}).get("waterfall", []), key=lambda r: -abs(r["contribution"] or 0.0))[:15]
    themes = [t for t in (result or {}).get("themes", []) if t["status"] != "steady"]
    steady = [t for t in (result or {}).get("themes", []) if t["status"] == "steady"][:10]
    return {
        "form": form, "error": error, "result": result, "waterfall_rows": [_waterfall_row(r) for r in top],
        "moved": themes, "steady": steady,
        "chart_waterfall": waterfall_chart(top), "chart_score": score_band_chart(trend),
        "score_names": [s["score_name"] for s in views.scores(ws.store)],
        "display": {s["score_name"]: s.get("display_name") or s["score_name"] for s in views.scores(ws.store)},
    }  # fmt: skip


PAGE = Page(
    slug="compare",
    title="Compare",
    order=45,
    needs=("feedback",),
    template="compare.html",
    load=load,
    hint="needs dated comments with a score; run `empathic analyze WORKSPACE`",
)
