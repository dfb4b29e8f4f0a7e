"""Plotly figure specs as plain dicts (rendered client-side by the vendored plotly.min.js).

Every chart is shown next to a "numbers" table built from the same rows, so the numbers are one click away.
"""

from __future__ import annotations

from typing import Any

_LAYOUT = {"margin": {"l": 40, "r": 10, "t": 10, "b": 40}, "height": 260, "font": {"size": 12}}


def bar(labels: list[Any], values: list[Any], *, horizontal: bool = False, name: str = "") -> dict[str, Any]:
    """A single-series bar chart."""
    trace: dict[str, Any] = {"type": "bar", "name": name}
    if horizontal:
        trace.update(x=list(values)[::-1], y=[str(v) for v in labels][::-1], orientation="h")
        layout = {**_LAYOUT, "margin": {**_LAYOUT["margin"], "l": 180}, "height": max(200, 24 * len(labels) + 60)}
    else:
        trace.update(x=[str(v) for v in labels], y=list(values))
        layout = dict(_LAYOUT)
    return {"data": [trace], "layout": layout}


def lines(series: dict[str, tuple[list[Any], list[Any]]], *, y_title: str = "") -> dict[str, Any]:
    """One line per named series of (x, y)."""
    data = [
        {"type": "scatter", "mode": "lines+markers", "name": str(k), "x": x, "y": y} for k, (x, y) in series.items()
    ]
    return {"data": data, "layout": {**_LAYOUT, "yaxis": {"title": {"text": y_title}}, "showlegend": len(data) > 1}}


def heatmap(x: list[Any], y: list[Any], z: list[list[Any]]) -> dict[str, Any]:
    """A heatmap with rows ``y`` and columns ``x``."""
    return {
        "data": [{"type": "heatmap", "x": x, "y": y, "z": z, "colorscale": "Blues", "reversescale": True}],
        "layout": dict(_LAYOUT),
    }
