"""Evidence rules (analytics/evidence.py): what users saw on real exports must not alert or look significant.

Each scenario is planted small: the 4-vs-11 "NPS dropped to −100, p=2.9e-94" alert, n=2 drivers with q < 0.001,
a 100 % trend spike at n=1, and an alert on an unfinished month. The same real change at n=400 must still alert.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from analytics_tiny import tiny_store

from empathic.analytics import alerts as alerts_mod
from empathic.analytics import evidence, results
from empathic.analytics.settings import AnalyticsSettings

CFG = AnalyticsSettings()
MIXED = [10, 9, 9, 8, 7, 6, 3, 10, 9, 5, 8]  # 5 promoters, 3 detractors of 11 → NPS +18.2


def _monthly(per_month: int, months: int, last: list[int], last_days: list[int]) -> list[dict]:
    """``months`` complete months of ``per_month`` mixed NPS answers, then one month with answers ``last`` on
    days ``last_days`` (cycled)."""
    rows, i = [], 0
    for m in range(months):
        start = pd.Timestamp(2021, 1, 1) + pd.DateOffset(months=m)
        days = (start + pd.DateOffset(months=1) - start).days
        for k in range(per_month):
            day = start + timedelta(days=k * (days - 1) / max(per_month - 1, 1))
            rows.append({"id": f"c{i:06d}", "date": day.to_pydatetime(), "scores": {"nps": ("nps", MIXED[k % 11])}})
            i += 1
    start = pd.Timestamp(2021, 1, 1) + pd.DateOffset(months=months)
    for k, value in enumerate(last):
        day = start + timedelta(days=last_days[k % len(last_days)] - 1, hours=12)
        rows.append({"id": f"c{i:06d}", "date": day.to_pydatetime(), "scores": {"nps": ("nps", value)}})
        i += 1
    return rows


def _score_alerts(store, cfg=CFG):
    found = results.alerts(store, cfg)
    return found[found.kind.isin(["score_drop", "score_rise"])]


@pytest.mark.parametrize("grain", ["auto", "month"])
def test_four_detractors_after_eleven_do_not_alert(tmp_path, grain):
    # the BA export: September 11 answers, October 4 — all detractors (NPS −100, sample variance 0)
    rows = _monthly(11, 33, last=[2, 0, 1, 3], last_days=[2, 11, 20, 31])
    store = tiny_store(tmp_path / "small.empathic", rows)
    assert _score_alerts(store, AnalyticsSettings(grain=grain)).empty


def test_the_same_drop_at_n400_alerts_and_states_its_n(tmp_path):
    rows = _monthly(400, 6, last=[2, 0, 1, 3] * 100, last_days=list(range(1, 32)))
    store = tiny_store(tmp_path / "big.empathic", rows)
    found = _score_alerts(store, AnalyticsSettings(grain="month"))
    assert list(found.kind) == ["score_drop"]
    assert "n=400" in found.message.iloc[0] and "n=2,400" in found.message.iloc[0]


def _moments(n: int, nps: float) -> dict:
    """Score-point moments of ``n`` NPS answers with 40 % promoters and ``nps`` points (no passives needed)."""
    promoters = 0.4 * n
    detractors = promoters - nps / 100 * n
    return {"n": n, "s": 100.0 * (promoters - detractors), "ss": 1e4 * (promoters + detractors)}


def test_a_significant_move_below_the_minimum_effect_does_not_alert():
    # 300 000 answers a month: a 2-point NPS move is highly significant, but under the 5-point minimum effect
    months = pd.date_range("2024-01-01", periods=7, freq="MS")
    periods = pd.DataFrame([{"period": m, **_moments(300_000, 20.0 if i < 6 else 18.0)} for i, m in enumerate(months)])
    periods["partial"] = False
    assert alerts_mod.score_alert(periods, "nps", "month", datetime(2024, 8, 1), kind="nps") == []
    periods.loc[6, ["n", "s", "ss"]] = list(_moments(300_000, 14.0).values())  # a 6-point move alerts
    found = alerts_mod.score_alert(periods, "nps", "month", datetime(2024, 8, 1), kind="nps")
    assert [a["kind"] for a in found] == ["score_drop"]


def test_partial_month_does_not_alert(tmp_path):
    # a collapse in the current month, but the data stops on the 10th: flagged partial, not alerted
    rows = _monthly(100, 12, last=[0, 1, 2] * 40, last_days=list(range(1, 11)))
    store = tiny_store(tmp_path / "partial.empathic", rows)
    cfg = AnalyticsSettings(grain="month")
    assert _score_alerts(store, cfg).empty
    _, periods = results.trends(store, cfg)
    assert periods.partial.tolist() == [False] * 12 + [True]
    # the same month, complete (data to the 31st): the collapse alerts
    full = tiny_store(tmp_path / "full.empathic", _monthly(100, 12, last=[0, 1, 2] * 40, last_days=list(range(1, 32))))
    assert list(_score_alerts(full, cfg).kind) == ["score_drop"]


def test_two_mention_theme_is_not_significant(tmp_path):
    # 200 mixed answers; "rare" on two comments that are both detractors (variance 0 → q < 0.001 before)
    rows = [
        {"id": f"c{i:03d}", "scores": {"nps": ("nps", MIXED[i % 11])}, "themes": ["common"] if i % 4 == 0 else []}
        for i in range(200)
    ]
    rows[3]["themes"], rows[6]["themes"] = ["rare"], ["rare"]
    rows[3]["scores"], rows[6]["scores"] = {"nps": ("nps", 0)}, {"nps": ("nps", 0)}
    store = tiny_store(tmp_path / "rare.empathic", rows, {"rare": "rare theme", "common": "common theme"})
    imp = results.impact(store, CFG, "nps")
    rare = imp[imp.theme_id == "rare"]
    assert rare.empty or not (rare.q_value <= CFG.alpha).any()
    assert np.isfinite(imp[["ci_low", "ci_high"]].to_numpy(float)).all()
    assert imp.attrs["hidden"] >= 1
    assert "common" in set(imp.theme_id)


def test_one_comment_period_is_not_a_spike(tmp_path):
    # 60 comments a week for 10 weeks (theme on 1 in 6), then a week with a single comment mentioning it
    rows, start = [], datetime(2024, 1, 1)
    for w in range(10):
        for k in range(60):
            d = start + timedelta(weeks=w, days=k % 7)
            rows.append({"id": f"c{w:02d}{k:02d}", "date": d, "themes": ["ship"] if k % 6 == 0 else []})
    rows.append({"id": "lonely", "date": start + timedelta(weeks=10, days=6), "themes": ["ship"]})
    store = tiny_store(tmp_path / "spike.empathic", rows, {"ship": "shipping"})
    table, _ = results.trends(store, AnalyticsSettings(grain="week"))
    last = table[table.period_start == table.period_start.max()].iloc[0]
    assert last.n_comments == 1 and last.n_period == 1
    assert np.isnan(last.share)
    earlier = table[table.period_start < table.period_start.max()]
    assert earlier.share.between(0.15, 0.19).all()
    assert results.alerts(store, AnalyticsSettings(grain="week")).empty


def test_rules_helpers():
    assert evidence.is_partial(datetime(2024, 5, 1), datetime(2024, 6, 1), datetime(2024, 5, 10, 9))
    assert not evidence.is_partial(datetime(2024, 5, 1), datetime(2024, 6, 1), datetime(2024, 5, 31, 1))
    assert not evidence.is_partial(datetime(2024, 5, 1), datetime(2024, 6, 1), datetime(2024, 5, 28), timedelta(7))
    assert evidence.partial_slack(datetime(2016, 1, 1), datetime(2023, 10, 31), 1324) > timedelta(days=5)
    assert not evidence.is_partial(datetime(2024, 4, 1), datetime(2024, 5, 1), datetime(2024, 5, 10))
    v = evidence.shrunk_variance([4, 1000], [0.0, 0.0], 100.0, 10.0)
    assert v[0] == pytest.approx(100 * 10 / 13) and v[1] < 1.0
    assert evidence.EvidenceRules().score_effect("nps") == pytest.approx(5.0)
    assert evidence.n_text(1234) == "n=1,234" and evidence.n_text(None) == "n=0"


def test_sentiment_driver_of_a_frequent_theme_is_kept():
    # 60 comments mention "slow" at sentiment −0.25: Σv² = 3.75, under min_count=5 — but 60 comments, not 3.75
    import pyarrow as pa

    from empathic.analytics import drivers

    rng = np.random.default_rng(0)
    ids = [f"c{i:03d}" for i in range(300)]
    y = rng.normal(0, 30, 300)
    y[:60] -= 40
    rows = {"score_name": [], "feedback_id": [], "theme_id": [], "feature": [], "v": [], "y": []}
    for i in range(60):
        for feature, v in (("presence", 1.0), ("sentiment", -0.25 + 0.01 * (i % 5))):
            for key, val in zip(rows, ("nps", ids[i], "slow", feature, v, y[i]), strict=True):
                rows[key].append(val)
    sums, cross = drivers.moments_from_rows(pa.table(rows))
    totals = pd.DataFrame({"score_name": ["nps"], "n": [300], "sy": [y.sum()], "syy": [(y * y).sum()]})
    out = drivers.key_drivers(totals, sums, cross, {"slow": "slow"}, min_count=5)
    assert set(out.feature) == {"presence", "sentiment"}
    assert np.isfinite(out[["ci_low", "ci_high"]].to_numpy(float)).all()


def test_grain_follows_volume():
    from empathic.analytics.trends import choose_grain

    first, last = datetime(2016, 3, 1), datetime(2023, 10, 3)
    assert choose_grain(first, last, n=1324) == "quarter"  # ~15 reviews a month: months would all be under 30
    assert choose_grain(first, last, n=100_000) == "month"
    assert choose_grain(datetime(2024, 1, 1), datetime(2024, 6, 30), n=4000) == "week"
    assert choose_grain(datetime(2024, 1, 1), datetime(2024, 6, 30), n=400) == "month"
    assert choose_grain(first, last, "week", n=10) == "week"  # an explicit grain is kept


def test_small_segments_get_shrunk_values_and_finite_credible_intervals():
    """A 2-comment segment where both mention a theme is not '100 %': its value is pulled toward the usual share and
    its interval is wide but finite; a 400-comment segment keeps its own share and a narrow interval."""
    import numpy as np
    import pandas as pd

    from empathic.analytics.segments import compare_segments

    sizes = pd.DataFrame({"attribute": ["plan"] * 3, "segment": ["tiny", "big", "rest"], "n": [2, 400, 600]})
    themes = pd.DataFrame({"attribute": ["plan"] * 3, "segment": ["tiny", "big", "rest"], "theme_id": ["t"] * 3,
                           "x": [2, 120, 60]})  # fmt: skip
    scores = pd.DataFrame({"attribute": ["plan"] * 3, "segment": ["tiny", "big", "rest"], "score_name": ["nps"] * 3,
                           "n": [1, 400, 600], "s": [-100.0, 400 * 10.0, 600 * 20.0],
                           "ss": [10_000.0, 400 * (10.0**2 + 2500), 600 * (20.0**2 + 2500)]})  # fmt: skip
    out = compare_segments(sizes, themes, scores, pd.DataFrame(), min_segment_size=30, prior_strength=10)
    share = out[out.metric == "theme_share"].set_index("segment")
    tiny, big = share.loc["tiny"], share.loc["big"]
    overall = 182 / 1002
    assert tiny.test == "too_small" and overall < tiny.value_segment < 0.5  # not 1.0
    assert 0 < tiny.ci_low < overall and 0.5 < tiny.ci_high < 1 and tiny.ci_high - tiny.ci_low > 0.3
    assert big.value_segment == 0.3 and big.ci_low < 0.3 < big.ci_high and big.ci_high - big.ci_low < 0.1
    score = out[out.metric == "score"].set_index("segment").loc["tiny"]  # one answer of −100
    assert np.isfinite([score.ci_low, score.ci_high]).all() and -100 < score.value_segment < score.ci_high
    assert np.isfinite(out[["ci_low", "ci_high"]].to_numpy(float)).all()
