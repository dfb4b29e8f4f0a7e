"""Jinja2 filters that turn read-model rows into the cells of a chart's "numbers" table."""

from __future__ import annotations

from typing import Any


def _r(value: Any, digits: int = 3) -> Any:
    return round(value, digits) if isinstance(value, float) else value


def impact_row(r: dict[str, Any]) -> list[Any]:
    return [
        r["label"],
        r["n_with"],
        _r(r["score_with"]),
        _r(r["score_without"]),
        _r(r["impact"]),
        _r(r["ci_low"]),
        _r(r["ci_high"]),
        _r(r["q_value"]),
    ]


def trend_row(r: dict[str, Any]) -> list[Any]:
    return [(r["period_start"] or "")[:10], r["label"], r["n_comments"], _r(r["share"]), _r(r["sentiment"])]


def retention_row(r: dict[str, Any]) -> list[Any]:
    return [r["cohort"], r["period"], r["cohort_size"], _r(r["rate"])]


def feature_row(r: dict[str, Any]) -> list[Any]:
    return [r["event"], r["n_customers"], _r(r["adoption"]), r["n_events"]]


def tod_row(r: dict[str, Any]) -> list[Any]:
    return [r["weekday"], r["hour"], r["n_events"]]


FILTERS = {f.__name__: f for f in (impact_row, trend_row, retention_row, feature_row, tod_row)}
