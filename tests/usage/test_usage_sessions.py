"""Session splitting and local time: gaps, durations, time zones, DST, out-of-order and duplicate events."""

from __future__ import annotations

from datetime import datetime, timedelta

import pyarrow as pa
import pytest

from empathic.errors import InputError
from empathic.usage.compute import compute_usage
from empathic.usage.settings import UsageSettings


def events(rows: list[tuple], *, customers: list[str] | None = None) -> pa.Table:
    """rows: (customer_id, ts, event[, duration_s])."""
    return pa.table(
        {
            "customer_id": [r[0] for r in rows],
            "ts": pa.array([r[1] for r in rows], pa.timestamp("us")),
            "event": [r[2] for r in rows],
            "duration_s": pa.array([r[3] if len(r) > 3 else None for r in rows], pa.float64()),
        }
    )


def sessions_of(table: pa.Table, **settings) -> list[dict]:
    out = compute_usage(table, UsageSettings(**settings))["usage_sessions"].to_pylist()
    return sorted(out, key=lambda r: (r["customer_id"], r["started_at"]))


T0 = datetime(2024, 5, 6, 10, 0)


def test_gap_splits_sessions_strictly_longer_than_gap():
    rows = [
        ("a", T0, "x"),
        ("a", T0 + timedelta(minutes=30), "x"),  # exactly 30 min: same session
        ("a", T0 + timedelta(minutes=60, seconds=1), "y"),  # 30 min 1 s: new session
        ("b", T0, "x"),
    ]
    s = sessions_of(events(rows))
    assert [(r["customer_id"], r["n_events"]) for r in s] == [("a", 2), ("a", 1), ("b", 1)]
    assert [r["session_id"] for r in s] == ["a#1", "a#2", "b#1"]
    assert s[0]["duration_s"] == 1800.0
    assert len(sessions_of(events(rows), session_gap_minutes=10)) == 4


def test_duration_includes_the_last_events_own_duration():
    rows = [("a", T0, "x", 5.0), ("a", T0 + timedelta(minutes=2), "y", 90.0)]
    (s,) = sessions_of(events(rows))
    assert s["duration_s"] == 120.0 + 90.0
    assert s["ended_at"] == T0 + timedelta(minutes=2, seconds=90)


def test_out_of_order_and_duplicate_events_do_not_change_sessions():
    rows = [("a", T0 + timedelta(minutes=m), "x") for m in (0, 10, 20, 95, 100)]
    base = sessions_of(events(rows))
    shuffled = [rows[i] for i in (3, 0, 4, 2, 1)]
    duplicated = [*shuffled, rows[1], rows[3], rows[3]]
    assert sessions_of(events(shuffled)) == base
    assert sessions_of(events(duplicated)) == base
    assert [r["n_events"] for r in base] == [3, 2]


def test_events_without_customer_or_time_are_ignored():
    table = pa.table(
        {"customer_id": ["a", None, "a"], "ts": pa.array([T0, T0, None], pa.timestamp("us")), "event": ["x", "x", "x"]}
    )
    out = compute_usage(table)
    assert out["usage_sessions"].num_rows == 1
    assert out["usage_customers"].column("customer_id").to_pylist() == ["a"]


def test_dst_spring_forward_session_is_measured_in_real_time():
    # New York, 2024-03-10: 01:50 EST (06:50Z) then 03:05 EDT (07:05Z) — 15 real minutes, 75 on the wall clock
    rows = [("ny", datetime(2024, 3, 10, 6, 50), "x"), ("ny", datetime(2024, 3, 10, 7, 5), "x")]
    attrs = pa.table({"customer_id": ["ny"], "name": ["time_zone"], "value": ["America/New_York"]})
    out = compute_usage(events(rows), customer_attributes=attrs)
    (s,) = out["usage_sessions"].to_pylist()
    assert s["duration_s"] == 15 * 60
    hours = sorted(out["usage_time_of_day"].column("hour").to_pylist())
    assert hours == [1, 3]  # local wall-clock hours, the 02:00 hour does not exist that night


def test_dst_fall_back_repeated_hour_gives_two_sessions_in_the_same_local_hour():
    # 01:30 EDT (05:30Z) and 01:30 EST (06:30Z): an hour apart in reality, identical on the wall clock
    rows = [("ny", datetime(2024, 11, 3, 5, 30), "x"), ("ny", datetime(2024, 11, 3, 6, 30), "x")]
    out = compute_usage(events(rows), UsageSettings(time_zone="America/New_York"))
    assert out["usage_sessions"].num_rows == 2
    tod = out["usage_time_of_day"].to_pylist()
    assert [(r["weekday"], r["hour"], r["n_events"]) for r in tod] == [(6, 1, 2)]  # Sunday 01:00, both events


def test_time_zone_choices_customer_fixed_and_invalid():
    rows = [
        ("tokyo", datetime(2024, 5, 6, 15, 0), "x"),
        ("nozone", datetime(2024, 5, 6, 15, 0), "x"),
        ("bad", datetime(2024, 5, 6, 15, 0), "x"),
    ]
    attrs = pa.table({"customer_id": ["tokyo", "bad"], "name": ["time_zone", "tz"], "value": ["Asia/Tokyo", "Mars/X"]})
    per_customer = compute_usage(events(rows), customer_attributes=attrs)["usage_time_of_day"].to_pylist()
    # Tokyo is UTC+9 → Tuesday 00:00; no zone and an unknown zone fall back to UTC → Monday 15:00
    assert sorted((r["weekday"], r["hour"], r["n_events"]) for r in per_customer) == [(0, 15, 2), (1, 0, 1)]
    fixed = compute_usage(events(rows), UsageSettings(time_zone="Europe/London"))["usage_time_of_day"].to_pylist()
    assert [(r["hour"], r["n_events"]) for r in fixed] == [(16, 3)]  # BST = UTC+1
    with pytest.raises(InputError, match="unknown time zone"):
        compute_usage(events(rows), UsageSettings(time_zone="Europe/Atlantis"))


def test_missing_columns_are_a_clear_error():
    with pytest.raises(InputError, match="customer_id"):
        compute_usage(pa.table({"ts": pa.array([T0], pa.timestamp("us"))}))
