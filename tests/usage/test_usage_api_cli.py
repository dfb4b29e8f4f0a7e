"""The notebook API and the CLI over the analysed subscription company; stage skip and error paths."""

from __future__ import annotations

import math

import pytest

from empathic.cli.main import main
from empathic.config import Settings
from empathic.errors import InputError, StageError
from empathic.progress import silent
from empathic.store import Store
from empathic.usage import stage


def test_stage_skips_without_events():
    store = Store(":memory:")
    result = stage.run(store, Settings(), silent)
    assert result.skipped and "no events" in result.message
    store.close()


def test_api_refuses_clearly_without_events(tmp_path):
    from empathic import Workspace

    with Workspace.open(tmp_path / "empty.empathic") as ws, pytest.raises(InputError, match="no usage events"):
        ws.retention()


def test_api_before_analysis_says_what_to_run(tmp_path):
    from empathic import Workspace

    with Workspace.open(tmp_path / "raw.empathic") as ws:
        with ws.store.write() as con:
            con.execute(
                "INSERT INTO events VALUES ('e1', 's', 'c1', TIMESTAMP '2024-01-01 10:00', 'x', NULL, NULL, NULL)"
            )
        with pytest.raises(StageError, match="not been analysed"):
            ws.stickiness()


def test_retention_tables(sub_ws):
    wide = sub_ws.retention("month", "on", wide=True)
    assert (wide[0].dropna() == 1.0).all()  # first-seen cohorts are all active in period 0
    after = sub_ws.retention("month", "on_or_after", wide=True)
    on = wide.drop(columns="size")
    assert (after.drop(columns="size").fillna(0) >= on.fillna(0) - 1e-12).all().all()
    assert wide["size"].sum() == sub_ws.sql("SELECT count(*) AS n FROM usage_customers")["n"][0]
    with pytest.raises(InputError):
        sub_ws.retention("fortnight")


def test_retention_curve_and_time_used_distribution(sub_ws):
    curve = sub_ws.retention_curve("month", "on")
    assert curve.loc[0, "rate"] == 1.0 and curve["customers"].is_monotonic_decreasing
    by_hand = sub_ws.retention("month", "on").query("period == 1")
    assert curve.loc[1, "retained"] == by_hand["n_retained"].sum()
    dist = sub_ws.time_used_distribution().set_index("unit")
    per_customer = sub_ws.usage_customers()["time_used_s"]
    assert dist.loc["per customer", "p50"] == pytest.approx(per_customer.median())
    assert dist.loc["per customer", "n"] == len(per_customer)


def test_time_of_day_live_zone_shifts_hours(sub_ws):
    stored = sub_ws.time_of_day(wide=True)
    distinct = "SELECT count(*) AS n FROM (SELECT DISTINCT customer_id, ts, event, duration_s, value FROM events)"
    assert stored.shape == (7, 24) and stored.to_numpy().sum() == sub_ws.sql(distinct)["n"][0]
    utc = sub_ws.time_of_day("UTC")
    tokyo = sub_ws.time_of_day("Asia/Tokyo")
    assert utc["n_events"].sum() == tokyo["n_events"].sum()
    busiest_utc = utc.sort_values("n_events").iloc[-1]
    assert ((tokyo["hour"] == (busiest_utc["hour"] + 9) % 24) & (tokyo["n_events"] >= 1)).any()


def test_lifecycle_stickiness_features_sessions(sub_ws):
    life = sub_ws.lifecycle("month")
    assert list(life.columns) == ["new", "returning", "resurrecting", "dormant", "partial"]
    assert life["new"].sum() == sub_ws.sql("SELECT count(*) AS n FROM usage_customers")["n"][0]
    st = sub_ws.stickiness()
    assert ((st["dau_mau"] > 0) & (st["dau_mau"] <= 1)).all()
    feats = sub_ws.feature_usage()
    assert feats.iloc[0]["event"] == "dashboard_view" and feats.iloc[0]["adoption"] == pytest.approx(1.0)
    one = sub_ws.sessions("C00002")
    assert len(one) and (one["customer_id"] == "C00002").all()
    weekly = sub_ws.time_used("week")
    assert weekly["sessions"].sum() == sub_ws.sql("SELECT count(*) AS n FROM usage_sessions")["n"][0]


def test_top_customers_and_early_adopters(sub_ws):
    top = sub_ws.top_customers("engagement", 10)
    assert len(top) == 10 and top["active_days"].is_monotonic_decreasing
    early = sub_ws.early_adopters("tutorial_step", share=0.1)
    adopters = sub_ws.feature_usage().set_index("event").loc["tutorial_step", "n_customers"]
    assert len(early) == math.ceil(adopters * 0.1) and early["adopted_at"].is_monotonic_increasing
    with pytest.raises(InputError, match="no feature"):
        sub_ws.early_adopters("teleport")
    with pytest.raises(InputError):
        sub_ws.top_customers("shoe_size")


def test_voice_of_one_customer(sub_ws):
    with_feedback = sub_ws.sql(
        "SELECT f.customer_id FROM feedback f JOIN usage_customers USING (customer_id) ORDER BY 1 LIMIT 1"
    )["customer_id"][0]
    v = sub_ws.customer(with_feedback)
    assert v["attributes"]["plan"] in {"free", "basic", "pro", "enterprise"}
    assert v["usage"]["n_sessions"] > 0 and v["persona"]["name"]
    kinds = set(v["timeline"]["kind"])
    assert kinds == {"feedback", "usage"} and v["timeline"]["at"].is_monotonic_increasing
    assert "planted" not in " ".join(v["feedback"]["themes"].dropna()) and v["feedback"]["themes"].notna().any()
    silent_id = sub_ws.sql(
        "SELECT customer_id FROM usage_customers WHERE customer_id NOT IN (SELECT customer_id "
        "FROM feedback WHERE customer_id IS NOT NULL) ORDER BY 1 LIMIT 1"
    )["customer_id"][0]
    quiet = sub_ws.customer(silent_id)
    assert quiet["feedback"].empty and set(quiet["timeline"]["kind"]) == {"usage"}
    with pytest.raises(InputError, match="no customer"):
        sub_ws.customer("NOPE")


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_commands(subscription_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    ws = str(subscription_path)
    code, out, _ = run_cli(capsys, "usage", ws, "retention")
    assert code == 0 and "100%" in out and "cohort" in out
    code, out, _ = run_cli(capsys, "usage", ws, "time-of-day", "--time-zone", "UTC")
    assert code == 0 and "busiest:" in out and "results from" not in out  # recomputed live in that zone
    from empathic import Workspace

    with Workspace.open(subscription_path, read_only=True) as opened:
        usage_run = opened.provenance("usage")["run_id"]
    for view in ("features", "lifecycle", "stickiness", "sessions", "customers", "time-used"):
        code, out, _ = run_cli(capsys, "usage", ws, view, "--limit", "3")
        assert code == 0 and out.strip(), view
        assert f"results from usage run {usage_run[:8]}" in " ".join(out.split()), view  # which run it shows
    code, out, _ = run_cli(capsys, "why", ws, "--group", "churned")
    assert code == 0 and "reliability" in out
    code, out, _ = run_cli(capsys, "personas", ws)
    assert code == 0 and "P1" in out
    code, out, _ = run_cli(capsys, "personas", ws, "--id", "P1")
    assert code == 0 and "says & does" in out
    code, out, _ = run_cli(capsys, "customers", ws, "--top", "--by", "engagement", "-n", "5")
    assert code == 0 and "top 5 customers" in out
    code, out, _ = run_cli(capsys, "customers", ws, "--early-adopters", "--feature", "export_csv")
    assert code == 0 and "early adopters of export_csv" in out
    code, out, _ = run_cli(capsys, "customer", ws, "C00002")
    assert code == 0 and "timeline" in out


def test_cli_errors_are_clean(subscription_path, capsys):
    code, _, err = run_cli(capsys, "usage", str(subscription_path), "vibes")
    assert code == 2 and "error:" in err and "hint:" in err and "Traceback" not in err
    code, _, err = run_cli(capsys, "why", str(subscription_path), "--group", "nope")
    assert code == 2 and "unknown group" in err
    code, _, err = run_cli(capsys, "customer", str(subscription_path), "NOPE")
    assert code == 2 and "no customer" in err
