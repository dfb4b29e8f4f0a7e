"""The analytics stage finds what was planted (see analytics_planted.py for the truth)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from analytics_planted import CRASH_BASIC, CRASH_OTHER, build_planted, true_delay_impact

from empathic import Workspace, stats
from empathic.config import Settings
from empathic.progress import silent


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    path = tmp_path_factory.mktemp("planted") / "planted.empathic"
    build_planted(path).close()
    workspace = Workspace.open(path, settings=Settings())
    result = workspace.analyze(stages=["analytics"], progress=silent)[0]
    assert not result.skipped
    yield workspace
    workspace.close()


def test_planted_theme_impact_inside_its_interval(ws):
    truth = true_delay_impact(ws.store)
    row = ws.impact("nps").set_index("theme_id").loc["t_delay"]
    assert row.ci_low <= truth <= row.ci_high
    assert row.q_value < 1e-6
    assert ws.impact("nps").iloc[0].theme_id == "t_delay"  # the biggest drag comes first


def test_null_themes_have_no_significant_impact(ws):
    nulls = ws.impact("nps").query("theme_id != 't_delay'")
    assert (nulls.q_value > 0.05).all()
    assert (nulls.impact.abs() < 3).all()


def test_driver_model_recovers_planted_coefficient(ws):
    d = ws.drivers("nps").set_index("theme_id")
    assert d.loc["t_delay"].ci_low <= -60 <= d.loc["t_delay"].ci_high
    assert d.index[0] == "t_delay"  # largest relative weight
    others = d.drop("t_delay")
    assert (others.relative_weight < d.loc["t_delay"].relative_weight / 20).all()
    assert d.relative_weight.sum() == pytest.approx(d.r_squared.iloc[0], rel=0.05)


def test_planted_segment_lift_detected(ws):
    seg = ws.segments("plan")
    row = seg[(seg.segment == "basic") & (seg.theme_id == "t_crash")].iloc[0]
    assert bool(row.significant)
    # planted lift is 2.0; a 4000-comment sample gives it within ±0.5
    assert abs(row.lift - CRASH_BASIC / CRASH_OTHER) < 0.5
    others = seg[(seg.metric == "theme_share") & (seg.theme_id != "t_crash")]
    assert not others.significant.any()


def test_region_is_noise(ws):
    assert not ws.segments("region").significant.any()


def test_alerts_flag_the_emerging_theme(ws):
    alerts = ws.alerts()
    kinds = set(alerts[alerts.theme_id == "t_login"].kind)
    assert {"rising", "new_theme"} <= kinds
    assert set(alerts.theme_id.dropna()) == {"t_login"}
    stored = ws.sql("SELECT kind, theme_id FROM alerts ORDER BY alert_id")
    assert sorted(stored.kind) == sorted(alerts.kind)
    assert json.loads(ws.sql("SELECT payload FROM alerts LIMIT 1").payload[0])["label"] == "login bug"


def test_waterfall_parts_sum_to_the_change(ws):
    wf = ws.waterfall("nps", "2024-03", "2024-05")
    direct = ws.sql(
        "SELECT month(created_at) m, avg(CASE WHEN value >= 9 THEN 100 WHEN value <= 6 THEN -100 ELSE 0 END) v "
        "FROM feedback JOIN feedback_scores USING (feedback_id) WHERE name = 'nps' AND month(created_at) IN (3, 5) "
        "GROUP BY m ORDER BY m"
    )
    assert wf.attrs["score_a"] == pytest.approx(direct.v[0])
    assert wf.attrs["score_b"] == pytest.approx(direct.v[1])
    assert wf.contribution.sum() == pytest.approx(wf.attrs["change"])
    assert (wf.volume_effect + wf.score_effect).to_numpy() == pytest.approx(wf.contribution.to_numpy())


def test_scores_match_direct_computation(ws):
    values = ws.sql("SELECT value FROM feedback_scores WHERE name = 'nps'").value.to_numpy()
    expected = stats.nps(values)
    row = ws.scores().set_index("score_name").loc["nps"]
    assert (row.value, row.ci_low, row.ci_high) == pytest.approx(expected)
    csat = ws.sql("SELECT value FROM feedback_scores WHERE name = 'csat'").value.to_numpy()
    assert ws.scores().set_index("score_name").loc["csat"].value == pytest.approx(100 * np.mean(csat >= 4))


def test_trends_complete_grid_and_shares(ws):
    tr = ws.trends()
    assert tr.grain.iloc[0] == "week"
    n_periods, n_themes = tr.period_start.nunique(), tr.theme_id.nunique()
    assert len(tr) == n_periods * n_themes
    login = tr[tr.theme_id == "t_login"].sort_values("period_start")
    assert login.n_comments.iloc[:-3].sum() == 0 and login.n_comments.iloc[-1] > 0
    one = tr.iloc[0]
    assert one.share == pytest.approx(one.n_comments / one.n_period)


def test_stage_is_deterministic_and_stores_everything(ws):
    def snapshot():
        return {
            t: ws.sql(f"SELECT * EXCLUDE (computed_at) FROM {t} ORDER BY ALL")
            for t in ("score_summary", "theme_impact", "key_drivers", "segment_differences", "theme_trends")
        }

    before = snapshot()
    ids_before = ws.sql("SELECT alert_id FROM alerts ORDER BY 1").alert_id.tolist()
    ws.analyze(stages=["analytics"])
    after = snapshot()
    for table, frame in before.items():
        assert len(frame) > 0, table
        pd.testing.assert_frame_equal(frame, after[table], rtol=1e-9)  # float sums may differ in the last bit
    assert ws.sql("SELECT alert_id FROM alerts ORDER BY 1").alert_id.tolist() == ids_before
    assert ws.sql("SELECT count(*) n FROM search_docs").n[0] == 4000


def test_stored_answers_equal_live_answers(ws):
    from empathic.analytics import stored

    assert stored.is_fresh(ws.store, ws.settings.analytics)
    pairs = [
        (ws.impact(), ws.impact(live=True)),
        (ws.drivers("nps"), ws.drivers("nps", live=True)),
        (ws.segments("plan"), ws.segments("plan", live=True)),
        (ws.trends(), ws.trends(live=True)),
    ]
    for from_store, from_live in pairs:
        assert len(from_store) == len(from_live) > 0
        a, b = from_store.reset_index(drop=True), from_live.reset_index(drop=True)
        for col in a.columns:
            if a[col].dtype.kind == "f" or b[col].dtype.kind == "f":
                np.testing.assert_allclose(a[col].astype(float), b[col].astype(float), rtol=1e-9, equal_nan=True)
            else:
                assert a[col].astype(str).tolist() == b[col].astype(str).tolist(), col
    assert ws.alerts().alert_id.tolist() == ws.alerts(live=True).alert_id.tolist()


def test_stale_results_are_recomputed(ws):
    from empathic.analytics import stored

    other = Workspace.open(ws.path, settings=Settings(analytics={"alpha": 0.01}))
    try:
        assert not stored.is_fresh(other.store, other.settings.analytics)  # different settings → live
    finally:
        other.close()


def test_freshness_follows_the_inputs(ws):
    from empathic.analytics import stored

    started = ws.sql("SELECT max(started_at) t FROM runs WHERE stage = 'analytics'").t[0]
    later = started + pd.Timedelta(microseconds=1)  # after this analytics run, before the next
    with ws.store.write() as con:
        con.execute("INSERT INTO runs VALUES ('p1', 'personas', 'ok', '{}', '{}', ?, ?, '')", [later, later])
    assert stored.is_fresh(ws.store, ws.settings.analytics)  # downstream stages do not matter
    with ws.store.write() as con:
        con.execute("INSERT INTO runs VALUES ('t1', 'themes', 'ok', '{}', '{}', ?, ?, '')", [later, later])
    assert not stored.is_fresh(ws.store, ws.settings.analytics)  # new themes: answer live until re-analysed
    ws.analyze(stages=["analytics"])
    assert stored.is_fresh(ws.store, ws.settings.analytics)
    with ws.store.write() as con:
        con.execute("DELETE FROM runs WHERE run_id IN ('p1', 't1')")
