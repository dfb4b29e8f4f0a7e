"""Plotly figure specs as plain dicts (rendered client-side by the vendored plotly.min.js).

Every chart is shown next to a "numbers" table built from the same rows, so the numbers are one click away.

Every string a figure shows (category labels, series names, titles) goes through :func:`plotly_text`: Plotly
renders its own pseudo-HTML in SVG text (``<a href=…>`` becomes a live link, ``<b>``, ``<br>``, ``<span
style>`` are obeyed), so a theme named ``<a href="https://evil">x</a>`` would otherwise be a link in the chart.
Jinja2 autoescaping does not help here: the figure travels as JSON and Plotly parses the strings itself.
"""

from __future__ import annotations

from typing import Any

_LAYOUT = {"margin": {"l": 40, "r": 10, "t": 10, "b": 40}, "height": 260, "font": {"size": 12}}


def plotly_text(value: Any) -> Any:
    """A string as Plotly shows it literally: ``&``, ``<`` and ``>`` as the entities Plotly decodes; others as is.

    (Plotly decodes ``&amp;``, ``&lt;`` and ``&gt;`` but not ``&quot;``, so quotes are left alone: outside a
    tag they are plain text.)
    """
    if not isinstance(value, str):
        return value
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _texts(values: list[Any]) -> list[Any]:
    return [plotly_text(v) for v in values]


def bar(labels: list[Any], values: list[Any], *, horizontal: bool = False, name: str = "") -> dict[str, Any]:
    """A single-series bar chart."""
    trace: dict[str, Any] = {"type": "bar", "name": plotly_text(name)}
    shown = _texts([str(v) for v in labels])
    if horizontal:
        trace.update(x=list(values)[::-1], y=shown[::-1], orientation="h")
        layout = {
            **_LAYOUT,
            "margin": {**_LAYOUT["margin"], "l": 180},
            "height": max(200, 24 * len(labels) + 60),
            "yaxis": {"automargin": True},
        }  # long theme labels widen the margin instead of being clipped
    else:
        trace.update(x=shown, y=list(values))
        layout = dict(_LAYOUT)
    return {"data": [trace], "layout": layout}


def lines(series: dict[str, tuple[list[Any], list[Any]]], *, y_title: str = "") -> dict[str, Any]:
    """One line per named series of (x, y)."""
    data = [
        {"type": "scatter", "mode": "lines+markers", "name": plotly_text(str(k)), "x": _texts(list(x)), "y": y}
        for k, (x, y) in series.items()
    ]
    layout = {**_LAYOUT, "yaxis": {"title": {"text": plotly_text(y_title)}}, "showlegend": len(data) > 1}
    return {"data": data, "layout": layout}


def heatmap(x: list[Any], y: list[Any], z: list[list[Any]]) -> dict[str, Any]:
    """A heatmap with rows ``y`` and columns ``x``."""
    return {
        "data": [
            {"type": "heatmap", "x": _texts(x), "y": _texts(y), "z": z, "colorscale": "Blues", "reversescale": True}
        ],
        "layout": dict(_LAYOUT),
    }
