"""Retention, lifecycle, stickiness, features and churn flags on tiny hand-checkable data."""

from __future__ import annotations

import math
from datetime import datetime

import pyarrow as pa
import pytest

from empathic.usage.compute import compute_usage
from empathic.usage.settings import UsageSettings


def table(rows: list[tuple]) -> pa.Table:
    return pa.table(
        {
            "customer_id": [r[0] for r in rows],
            "ts": pa.array([r[1] for r in rows], pa.timestamp("us")),
            "event": [r[2] for r in rows],
            "value": pa.array([r[3] if len(r) > 3 else None for r in rows], pa.float64()),
        }
    )


def d(month: int, day: int = 1, hour: int = 12) -> datetime:
    return datetime(2024, month, day, hour)


# a: Jan, Feb, Apr   b: Jan, Mar   c: Mar (new in March)   nobody new in February (an empty cohort)
ROWS = [
    ("a", d(1, 5), "x", 10.0),
    ("a", d(2, 3), "y"),
    ("a", d(4, 2), "x", 5.0),
    ("b", d(1, 20), "x"),
    ("b", d(3, 9), "x"),
    ("c", d(3, 15), "y"),
]


@pytest.fixture(scope="module")
def views() -> dict[str, list[dict]]:
    out = compute_usage(table(ROWS), UsageSettings(as_of="2024-04-30 12:00:00"))
    return {name: t.to_pylist() for name, t in out.items()}


def monthly(views, mode):
    return {
        (r["cohort"], r["period"]): (r["cohort_size"], r["n_retained"], r["rate"])
        for r in views["usage_retention"]
        if r["period_unit"] == "month" and r["mode"] == mode
    }


def test_monthly_retention_on(views):
    on = monthly(views, "on")
    assert on[("2024-01", 0)] == (2, 2, 1.0)
    assert on[("2024-01", 1)] == (2, 1, 0.5)  # a in Feb
    assert on[("2024-01", 2)] == (2, 1, 0.5)  # b in Mar
    assert on[("2024-01", 3)] == (2, 1, 0.5)  # a in Apr
    assert on[("2024-03", 1)] == (1, 0, 0.0)
    assert ("2024-01", 4) not in on  # after the data ends: not reported as 0
    assert ("2024-03", 2) not in on


def test_monthly_retention_on_or_after(views):
    after = monthly(views, "on_or_after")
    assert after[("2024-01", 1)] == (2, 2, 1.0)  # both come back at some point after January
    assert after[("2024-01", 2)] == (2, 2, 1.0)
    assert after[("2024-01", 3)] == (2, 1, 0.5)
    for (cohort, k), (_size, n, _rate) in after.items():  # rolling retention never rises with k
        if (cohort, k + 1) in after:
            assert after[(cohort, k + 1)][1] <= n


def test_empty_cohort_is_listed_with_size_zero_and_no_rate(views):
    on = monthly(views, "on")
    size, n, rate = on[("2024-02", 0)]
    assert (size, n) == (0, 0) and (rate is None or math.isnan(rate))


def test_lifecycle_months(views):
    got = {
        (r["period"], r["status"]): r["n_customers"] for r in views["usage_lifecycle"] if r["period_unit"] == "month"
    }
    assert got == {
        ("2024-01", "new"): 2,
        ("2024-02", "returning"): 1,
        ("2024-02", "dormant"): 1,  # b went quiet
        ("2024-03", "resurrecting"): 1,
        ("2024-03", "new"): 1,
        ("2024-03", "dormant"): 1,  # b back, c new, a quiet
        ("2024-04", "resurrecting"): 1,
        ("2024-04", "dormant"): 2,  # a back; b and c quiet
    }


def test_stickiness(views):
    got = {r["month"]: r for r in views["usage_stickiness"]}
    assert got["2024-01"]["mau"] == 2
    # data spans 2024-01-05 … 2024-04-02: January has 27 days in span with 2 customer-days
    assert got["2024-01"]["avg_dau"] == pytest.approx(2 / 27)
    assert got["2024-01"]["dau_mau"] == pytest.approx(1 / 27)
    assert got["2024-04"]["avg_dau"] == pytest.approx(1 / 2)
    assert got["2024-03"]["avg_days_active_per_week"] == pytest.approx(1.0)


def test_features_and_customers(views):
    feats = {r["event"]: r for r in views["usage_features"]}
    assert feats["x"]["n_customers"] == 2 and feats["x"]["adoption"] == pytest.approx(2 / 3)
    assert feats["y"]["n_customers"] == 2 and feats["x"]["n_events"] == 4
    assert feats["y"]["median_days_to_first_use"] == pytest.approx((29 + 0) / 2, abs=0.01)  # a: Jan 5→Feb 3; c: 0
    cust = {r["customer_id"]: r for r in views["usage_customers"]}
    assert cust["a"]["value_total"] == 15.0 and cust["a"]["n_features"] == 2
    assert cust["a"]["status"] == "at_risk"  # last seen Apr 2, as_of Apr 30: 28 days (≥ 14, < 30)
    assert cust["b"]["status"] == "churned" and cust["c"]["status"] == "churned"


def test_churn_thresholds_are_configurable():
    out = compute_usage(table(ROWS), UsageSettings(as_of="2024-04-10 12:00:00", at_risk_days=7, churn_days=20))
    status = {r["customer_id"]: r["status"] for r in out["usage_customers"].to_pylist()}
    assert status == {"a": "at_risk", "b": "churned", "c": "churned"}  # a: 8 days, b: 32, c: 26
    out = compute_usage(table(ROWS), UsageSettings(at_risk_days=1, churn_days=30))  # as_of = last event (Apr 2)
    status = {r["customer_id"]: r["status"] for r in out["usage_customers"].to_pylist()}
    assert status == {"a": "active", "b": "at_risk", "c": "at_risk"}


def test_signup_cohorts_use_signup_date():
    customers = pa.table(
        {"customer_id": ["a", "b", "c"], "signup_at": pa.array([d(1, 1), d(1, 1), d(1, 2)], pa.timestamp("us"))}
    )
    out = compute_usage(table(ROWS), UsageSettings(cohort_by="signup"), customers=customers)
    rows = [r for r in out["usage_retention"].to_pylist() if r["period_unit"] == "month" and r["mode"] == "on"]
    jan = {r["period"]: (r["cohort_size"], r["n_retained"]) for r in rows if r["cohort"] == "2024-01"}
    assert jan[0] == (3, 2) and jan[2] == (3, 2)  # c signed up in January but was first active in March
    assert {r["cohort"] for r in rows} == {"2024-01"}
