"""Impact, waterfall, CSAT and segment numbers small enough to check by hand (worked out in comments)."""

from __future__ import annotations

from datetime import datetime

import pytest
from analytics_tiny import tiny_store

from empathic.analytics import results
from empathic.analytics.settings import AnalyticsSettings

# the evidence rules switched off as far as they go, so six comments can be checked by hand
CFG = AnalyticsSettings(min_segment_size=1, min_theme_count=1, min_theme_n=2, min_period_n=1, min_cell_n=1)


@pytest.fixture
def store(tmp_path):
    # 6 NPS answers. Theme "late" on c1, c2 (answers 2 and 5 → detractors, −100 each).
    # Others: 10, 9, 8, 3 → +100, +100, 0, −100.
    # Overall NPS = (2 promoters − 3 detractors)/6 = −16.67; without "late": (2 − 1)/4 = +25.
    # Impact of "late" = −16.67 − 25 = −41.67 NPS points.
    rows = [
        {"id": "c1", "date": datetime(2024, 1, 5), "scores": {"nps": ("nps", 2)}, "themes": ["late"]},
        {"id": "c2", "date": datetime(2024, 2, 5), "scores": {"nps": ("nps", 5)}, "themes": ["late", "staff"]},
        {"id": "c3", "date": datetime(2024, 1, 6), "scores": {"nps": ("nps", 10)}, "themes": ["staff"]},
        {"id": "c4", "date": datetime(2024, 2, 6), "scores": {"nps": ("nps", 9)}},
        {"id": "c5", "date": datetime(2024, 1, 7), "scores": {"nps": ("nps", 8)}},
        {"id": "c6", "date": datetime(2024, 2, 7), "scores": {"nps": ("nps", 3)}},
    ]
    s = tiny_store(tmp_path / "tiny.empathic", rows, {"late": "late delivery", "staff": "staff"})
    yield s
    s.close()


def test_nps_and_impact_by_hand(store):
    sc = results.scores(store, CFG).set_index("score_name").loc["nps"]
    assert sc.value == pytest.approx(-100 / 6)
    imp = results.impact(store, CFG, "nps").set_index("theme_id")
    assert imp.loc["late"].impact == pytest.approx(-100 / 6 - 25)
    assert imp.loc["late"].score_with == pytest.approx(-100)
    assert imp.loc["late"].n_with == 2 and imp.loc["late"].n_without == 4
    # staff: c2 (−100), c3 (+100) → without staff: c1, c4, c5, c6 = −100, 100, 0, −100 → −25; impact = −16.67 + 25
    assert imp.loc["staff"].impact == pytest.approx(-100 / 6 + 25)
    assert imp.loc["late"].ci_low < imp.loc["late"].impact < imp.loc["late"].ci_high


def test_waterfall_by_hand(store):
    # January: c1 (late, −100), c3 (staff, +100), c5 (none, 0) → NPS 0.
    # February: c2 (primary late, −100), c4 (none, +100), c6 (none, −100) → NPS −33.3. Change −33.3.
    wf = results.waterfall(store, CFG, "nps", "2024-01", "2024-02").set_index("theme_id")
    assert wf.attrs["score_a"] == pytest.approx(0) and wf.attrs["score_b"] == pytest.approx(-100 / 3)
    assert wf.contribution.sum() == pytest.approx(-100 / 3)
    # staff vanished in February: volume effect = (0 − 1/3) · (100 − (0 − 33.3)/2) = −38.9, no score effect
    assert wf.loc["staff"].volume_effect == pytest.approx(-(1 / 3) * (100 + 100 / 6))
    assert wf.loc["staff"].score_effect == pytest.approx(0)
    # late kept its share (1/3) and its score (−100): contributes nothing
    assert wf.loc["late"].contribution == pytest.approx(0)


def test_csat_top2_and_rating_mean(tmp_path):
    rows = [
        {"id": f"c{i}", "scores": {"csat": ("csat", v), "stars": ("rating", v)}} for i, v in enumerate([5, 4, 3, 1])
    ]
    s = tiny_store(tmp_path / "csat.empathic", rows)
    sc = results.scores(s, CFG).set_index("score_name")
    assert sc.loc["csat"].value == pytest.approx(50.0)  # 2 of 4 answers are 4 or 5
    assert sc.loc["stars"].value == pytest.approx(13 / 4)
    assert sc.loc["stars"].metric == "mean"
    s.close()


def test_segment_share_and_lift_by_hand(tmp_path):
    # plan a: 4 comments, 3 mention "bug"; plan b: 4 comments, 1 mentions it → lift (3/4)/(1/4) = 3
    rows = [{"id": f"a{i}", "attrs": {"plan": "a"}, "themes": ["bug"] if i < 3 else []} for i in range(4)] + [
        {"id": f"b{i}", "attrs": {"plan": "b"}, "themes": ["bug"] if i < 1 else []} for i in range(4)
    ]
    s = tiny_store(tmp_path / "seg.empathic", rows, {"bug": "bug"})
    seg = results.segments(s, CFG, "plan").set_index("segment")
    assert seg.loc["a"].value_segment == pytest.approx(0.75) and seg.loc["a"].value_rest == pytest.approx(0.25)
    assert seg.loc["a"].lift == pytest.approx(3.0)
    assert seg.loc["a"].n_segment == 4 and seg.loc["a"].n_rest == 4
    s.close()
