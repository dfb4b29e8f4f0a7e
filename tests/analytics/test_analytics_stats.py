"""Hand-checkable numbers for the shared statistics (each value worked out in the comment beside it)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps

from empathic import stats


def test_bh_matches_hand_computation():
    # p sorted: .01 .02 .03 .04 .20, m=5 → m*p/rank = .05 .05 .05 .05 .20 → cumulative min from the top: same
    q = stats.benjamini_hochberg([0.04, 0.01, 0.20, 0.03, 0.02])
    assert np.allclose(q, [0.05, 0.05, 0.20, 0.05, 0.05])


def test_bh_monotone_step_and_nan():
    # p .01 .04 .045, m=3 → .03 .06 .045 → step-up min gives .03 .045 .045; nan is ignored (m stays 3)
    q = stats.benjamini_hochberg([0.045, np.nan, 0.01, 0.04])
    assert math.isnan(q[1])
    assert np.allclose(q[[0, 2, 3]], [0.045, 0.03, 0.045])
    assert stats.benjamini_hochberg([]).size == 0
    assert np.all(np.isnan(stats.benjamini_hochberg([np.nan, np.nan])))


def test_bh_controls_fdr_on_null_uniform_pvalues():
    rng = np.random.default_rng(0)
    rejected_any = sum((stats.benjamini_hochberg(rng.uniform(size=100)) <= 0.05).any() for _ in range(400))
    assert rejected_any / 400 <= 0.08  # under the global null, FDR = FWER ≤ alpha (+ Monte-Carlo slack)


def test_wilson_interval_known_value():
    # Wilson for 8/10 at 95 %: (0.4902, 0.9433) — textbook value
    low, high = stats.wilson_interval(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-4)
    assert high == pytest.approx(0.9433, abs=1e-4)
    low0, high0 = stats.wilson_interval(0, 0)
    assert math.isnan(low0) and math.isnan(high0)


def test_two_proportion_test_hand_values():
    # 30/100 vs 20/100: pooled .25, se = sqrt(.25*.75*.02) = .061237, z = .1/.061237 = 1.63299
    lift, z, p = stats.two_proportion_test(30, 100, 20, 100)
    assert lift == pytest.approx(1.5)
    assert z == pytest.approx(1.63299, abs=1e-4)
    assert p == pytest.approx(2 * sps.norm.sf(1.63299), abs=1e-5)
    # vectorised, and an empty group gives nan instead of raising
    lifts, zs, ps = stats.two_proportion_test([30, 5], [100, 0], [20, 1], [100, 10])
    assert lifts[0] == pytest.approx(1.5) and math.isnan(zs[1]) and math.isnan(ps[1])


def test_chi_square_matches_hand_value_and_drops_empty_rows():
    # [[10,20],[20,10]]: expected 15 everywhere → chi2 = 4 * 25/15 = 6.6667, dof 1
    chi2, dof, p = stats.chi_square_test([[10, 20], [20, 10], [0, 0]])
    assert chi2 == pytest.approx(20 / 3)
    assert dof == 1
    assert p == pytest.approx(sps.chi2.sf(20 / 3, 1))
    chi2, dof, p = stats.chi_square_test([[5, 5]])
    assert math.isnan(chi2) and dof == 0


def test_nps_hand_value():
    # 2 promoters (10, 9), 1 passive (8), 1 detractor (3): NPS = 100*(2-1)/4 = 25
    # var = (.5 + .25 - .25^2)/4 = .171875 → se .41458 → 95 % half-width 81.26 points
    score, low, high = stats.nps([10, 9, 8, 3, np.nan])
    assert score == pytest.approx(25.0)
    assert low == pytest.approx(25 - 81.256, abs=0.01)
    assert high == pytest.approx(min(100.0, 25 + 81.256), abs=0.01)
    assert all(math.isnan(v) for v in stats.nps([]))


def test_mean_interval_and_welch():
    # values 1,2,3,4,5: mean 3, sd 1.5811, t(4, .975)=2.7764 → half 1.9632
    mean, low, high = stats.mean_interval(5, 15, 55)
    assert mean - low == pytest.approx(1.9632, abs=1e-4)
    assert mean == pytest.approx(3.0) and high - mean == pytest.approx(1.9632, abs=1e-4)
    assert stats.moments_variance(5, 15, 55) == pytest.approx(2.5)
    a, b = np.array([1.0, 2, 3, 4, 5]), np.array([2.0, 4, 6, 8, 10, 12])
    diff, t, p = stats.welch_test(a.size, a.mean(), a.var(ddof=1), b.size, b.mean(), b.var(ddof=1))
    ref = sps.ttest_ind(a, b, equal_var=False)
    assert diff == pytest.approx(-4.0) and t == pytest.approx(ref.statistic) and p == pytest.approx(ref.pvalue)


def test_score_points_sql_maps_each_kind():
    import duckdb

    con = duckdb.connect()
    rows = con.execute(
        f"SELECT kind, value, {stats.score_points_sql()} FROM (VALUES ('nps', 10.0, 10.0), ('nps', 7.0, 10.0), "
        "('nps', 6.0, 10.0), ('csat', 4.0, 5.0), ('csat', 3.0, 5.0), ('recommend', 1.0, 1.0), "
        "('rating', 3.0, 5.0)) t(kind, value, scale_max)"
    ).fetchall()
    assert [r[2] for r in rows] == [100.0, 0.0, -100.0, 100.0, 0.0, 100.0, 3.0]
