"""Small, exact statistics shared by analytics, usage and personas: pure numpy/scipy, vectorised, no I/O.

It sits below every stage (``usage`` and ``analytics`` both use it; neither imports the other for it).

Every function accepts scalars or equal-length arrays (so a whole table of segment × theme counts is tested in one
call) and returns numpy values of the broadcast shape. Conventions:

- ``conf`` is the two-sided confidence level (0.95 → 95 % interval).
- p-values are two-sided. Undefined tests (an empty group, zero variance everywhere) give ``nan``, never an
  exception, so callers can filter them with minimum-count guards.
- Scores are handled as **means of per-comment points** (see :func:`score_points`): NPS is the mean of
  +100 / 0 / −100, CSAT the mean of 100 × top-2-box, a recommend rate the mean of 100 × yes. So one set of moment
  formulas (n, Σx, Σx²) serves every score kind, and the moments come straight out of a SQL ``GROUP BY``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

ArrayLike = Any  # scalar or array-like of numbers


class _LazyScipyStats:
    """``scipy.stats`` imported on first use: it costs ≈ 0.7 s, and every CLI command imports this module."""

    def __getattr__(self, name: str) -> Any:
        from scipy import stats

        return getattr(stats, name)


sps = _LazyScipyStats()


def _z(conf: float) -> float:
    if not 0.0 < conf < 1.0:
        raise ValueError(f"conf must be in (0, 1), got {conf}")
    return float(sps.norm.ppf(0.5 + conf / 2.0))


def benjamini_hochberg(pvalues: ArrayLike) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values) controlling the false-discovery rate.

    Args:
        pvalues: 1-d array of p-values; ``nan`` entries (tests that could not be run) are ignored and stay
            ``nan`` — they do not count towards the number of tests ``m``.

    Returns:
        float array of the same shape: ``q_i = min_{j ≥ i} (m · p_(j) / j)`` clipped to ≤ 1, in the input order.
        Rejecting every test with ``q ≤ alpha`` controls the FDR at ``alpha`` (independent or positively
        dependent tests).
    """
    p = np.asarray(pvalues, dtype=float)
    q = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m == 0:
        return q
    pv = p[ok]
    order = np.argsort(pv, kind="mergesort")
    ranked = pv[order] * m / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    adjusted = np.empty(m)
    adjusted[order] = np.clip(ranked, 0.0, 1.0)
    q[ok] = adjusted
    return q


def wilson_interval(x: ArrayLike, n: ArrayLike, conf: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion ``x / n`` (good for small n and proportions near 0 or 1).

    Returns:
        ``(low, high)`` as proportions in [0, 1]; ``nan`` where ``n == 0``.
    """
    x = np.asarray(x, dtype=float)
    n = np.asarray(n, dtype=float)
    z = _z(conf)
    with np.errstate(invalid="ignore", divide="ignore"):
        phat = x / n
        denom = 1.0 + z * z / n
        centre = (phat + z * z / (2.0 * n)) / denom
        half = z * np.sqrt(phat * (1.0 - phat) / n + z * z / (4.0 * n * n)) / denom
        low, high = np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)
    bad = n <= 0
    return np.where(bad, np.nan, low), np.where(bad, np.nan, high)


def two_proportion_test(
    x1: ArrayLike, n1: ArrayLike, x2: ArrayLike, n2: ArrayLike
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pooled two-proportion z-test of ``x1/n1`` vs ``x2/n2``.

    Returns:
        ``(lift, z, p)``: ``lift = (x1/n1) / (x2/n2)`` (``inf`` when the second proportion is 0 and the first is
        not), the z statistic (positive when group 1 is higher) and the two-sided p-value. ``nan`` where a
        group is empty or the pooled proportion is 0 or 1 (nothing to test).
    """
    x1, n1, x2, n2 = (np.asarray(a, dtype=float) for a in (x1, n1, x2, n2))
    with np.errstate(invalid="ignore", divide="ignore"):
        p1, p2 = x1 / n1, x2 / n2
        pooled = (x1 + x2) / (n1 + n2)
        se = np.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2))
        z = (p1 - p2) / se
        lift = np.where(p2 > 0, p1 / p2, np.where(p1 > 0, np.inf, np.nan))
    z = np.where((n1 > 0) & (n2 > 0) & (se > 0), z, np.nan)
    p = 2.0 * sps.norm.sf(np.abs(z))
    return lift, z, p


def chi_square_test(observed: ArrayLike) -> tuple[float, int, float]:
    """Pearson chi-square test of independence on an r × c contingency table (no continuity correction).

    Args:
        observed: 2-d array of counts (rows = segments, columns = outcomes). Rows or columns that are all zero
            are dropped first (they carry no information and would make expected counts zero).

    Returns:
        ``(chi2, dof, p)``; ``(nan, 0, nan)`` when fewer than two non-empty rows or columns remain.
    """
    table = np.asarray(observed, dtype=float)
    if table.ndim != 2:
        raise ValueError(f"observed must be 2-d, got shape {table.shape}")
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    if table.shape[0] < 2 or table.shape[1] < 2:
        return float("nan"), 0, float("nan")
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
    chi2 = float(((table - expected) ** 2 / expected).sum())
    dof = (table.shape[0] - 1) * (table.shape[1] - 1)
    return chi2, dof, float(sps.chi2.sf(chi2, dof))


def nps_from_counts(
    promoters: ArrayLike, passives: ArrayLike, detractors: ArrayLike, conf: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Net Promoter Score with its normal-approximation interval, from counts (vectorised).

    NPS = 100 · (P − D) / n. Each response is +1 / 0 / −1, so Var = (p_P + p_D − (p_P − p_D)²) / n.

    Returns:
        ``(nps, ci_low, ci_high)`` in NPS points (−100..100, interval clipped to that range); ``nan`` when n = 0.
    """
    pr, pa, de = (np.asarray(a, dtype=float) for a in (promoters, passives, detractors))
    n = pr + pa + de
    with np.errstate(invalid="ignore", divide="ignore"):
        pp, pd_ = pr / n, de / n
        score = pp - pd_
        se = np.sqrt(np.maximum(pp + pd_ - score**2, 0.0) / n)
    half = _z(conf) * se
    low = np.clip(score - half, -1.0, 1.0)
    high = np.clip(score + half, -1.0, 1.0)
    return 100.0 * score, 100.0 * low, 100.0 * high


def nps(values: ArrayLike, conf: float = 0.95) -> tuple[float, float, float]:
    """NPS of raw 0–10 answers (promoters 9–10, passives 7–8, detractors 0–6); ``nan`` values are ignored.

    Returns:
        ``(nps, ci_low, ci_high)`` in NPS points; all ``nan`` if there is no valid answer.

    Example: ``nps([10, 9, 8, 3])`` → 2 promoters and 1 detractor of 4 answers → NPS 25.
    """
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    promoters, detractors = int((v >= 9).sum()), int((v <= 6).sum())
    score, low, high = nps_from_counts(promoters, v.size - promoters - detractors, detractors, conf)
    return float(score), float(low), float(high)


def mean_interval(
    n: ArrayLike, total: ArrayLike, total_sq: ArrayLike, conf: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and its Student-t interval from moments ``n``, ``Σx``, ``Σx²`` (as SQL ``count``/``sum`` give them).

    Returns:
        ``(mean, ci_low, ci_high)``; the interval is ``nan`` for n < 2, everything ``nan`` for n = 0.
    """
    n, s, ss = (np.asarray(a, dtype=float) for a in (n, total, total_sq))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = s / n
        var = np.maximum(ss - n * mean**2, 0.0) / (n - 1.0)
        half = sps.t.ppf(0.5 + conf / 2.0, np.maximum(n - 1.0, 1.0)) * np.sqrt(var / n)
    half = np.where(n >= 2, half, np.nan)
    return mean, mean - half, mean + half


def moments_variance(n: ArrayLike, total: ArrayLike, total_sq: ArrayLike) -> np.ndarray:
    """Unbiased sample variance from moments (``nan`` for n < 2)."""
    n, s, ss = (np.asarray(a, dtype=float) for a in (n, total, total_sq))
    with np.errstate(invalid="ignore", divide="ignore"):
        var = np.maximum(ss - s * s / n, 0.0) / (n - 1.0)
    return np.where(n >= 2, var, np.nan)


def welch_test(
    n1: ArrayLike, mean1: ArrayLike, var1: ArrayLike, n2: ArrayLike, mean2: ArrayLike, var2: ArrayLike
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Welch's unequal-variance t-test of two means from summary statistics (vectorised).

    Returns:
        ``(diff, t, p)`` with ``diff = mean1 − mean2`` and the two-sided p-value (Welch–Satterthwaite dof);
        ``nan`` where a group has fewer than 2 values or both variances are 0.
    """
    n1, m1, v1, n2, m2, v2 = (np.asarray(a, dtype=float) for a in (n1, mean1, var1, n2, mean2, var2))
    with np.errstate(invalid="ignore", divide="ignore"):
        a, b = v1 / n1, v2 / n2
        se = np.sqrt(a + b)
        t = (m1 - m2) / se
        dof = (a + b) ** 2 / (a * a / (n1 - 1.0) + b * b / (n2 - 1.0))
    valid = (n1 >= 2) & (n2 >= 2) & (se > 0)
    t = np.where(valid, t, np.nan)
    p = np.where(valid, 2.0 * sps.t.sf(np.abs(t), np.where(valid, dof, 1.0)), np.nan)
    return m1 - m2, t, p


def score_points_sql(
    kind_column: str = "kind", value_column: str = "value", scale_max_column: str = "scale_max"
) -> str:
    """SQL expression turning one answer into its score points (see module docstring).

    ``nps`` → +100 / 0 / −100; ``csat`` → 100 × (answer in the top two boxes); ``recommend`` → 100 × (value > 0);
    ``rating`` / ``number`` → the value itself (a mean rating). Column names are trusted identifiers.
    """
    k, v, top = kind_column, value_column, scale_max_column
    return (
        f"CASE WHEN {k} = 'nps' THEN (CASE WHEN {v} >= 9 THEN 100.0 WHEN {v} <= 6 THEN -100.0 ELSE 0.0 END) "
        f"WHEN {k} = 'csat' THEN (CASE WHEN {v} >= coalesce({top}, 5) - 1 THEN 100.0 ELSE 0.0 END) "
        f"WHEN {k} = 'recommend' THEN (CASE WHEN {v} > 0 THEN 100.0 ELSE 0.0 END) "
        f"ELSE CAST({v} AS DOUBLE) END"
    )


#: What the points of each score kind mean, for labels and stored ``metric`` columns.
METRIC_OF_KIND: dict[str, str] = {"nps": "nps", "csat": "csat", "recommend": "recommend", "rating": "mean"}
