"""Score-change waterfall: which themes explain the move of a score between two periods.

Each comment counts once, under its primary top-level theme (or ``(no theme)``), so the score of a period is the
share-weighted mean over themes, ``S = Σ_k w_k · m_k``, and the change splits *exactly* into per-theme parts:

    ΔS = Σ_k [ Δw_k · (m̄_k − S̄) ]  (volume: the theme became more or less common)
       + Σ_k [ w̄_k · Δm_k ]         (score: comments on the theme scored differently)

with bars ``m̄``/``w̄`` the two periods' averages and ``S̄`` the average overall score (subtracting it changes no sum,
since Σ Δw_k = 0, but makes a theme that grows at an average score contribute ≈ 0). The parts sum to ΔS.

Every contribution and the change carry a percentile interval from a seeded parametric bootstrap over the
period × theme moments (:func:`bootstrap_intervals`).
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from empathic import stats
from empathic.analytics import evidence
from empathic.analytics.sql import LIVE_THEMES_CTE, POINTS_CTE
from empathic.errors import InputError
from empathic.store import Store

NO_THEME = "(no theme)"

WATERFALL_SQL = f"""
WITH {POINTS_CTE}, {LIVE_THEMES_CTE},
fb AS (
    SELECT feedback_id, CASE WHEN created_at >= $a_start AND created_at < $a_end THEN 'a' ELSE 'b' END AS period
    FROM feedback
    WHERE (created_at >= $a_start AND created_at < $a_end) OR (created_at >= $b_start AND created_at < $b_end)
),
primary_theme AS (  -- only for the comments of the two periods: a small build side, not a scan of all themes
    SELECT ft.feedback_id, any_value(ft.theme_id) AS theme_id FROM feedback_themes ft
    JOIN live_themes t USING (theme_id)
    WHERE t.level = 1 AND ft.is_primary AND ft.feedback_id IN (SELECT feedback_id FROM fb) GROUP BY ft.feedback_id
)
SELECT fb.period, coalesce(pt.theme_id, '{NO_THEME}') AS theme_id, count(*) AS n, sum(p.x) AS s,
       sum(p.x * p.x) AS ss
FROM fb JOIN points p ON p.feedback_id = fb.feedback_id AND p.score_name = $score
LEFT JOIN primary_theme pt ON pt.feedback_id = fb.feedback_id
GROUP BY ALL ORDER BY ALL
"""


def parse_period(period: str | tuple[str, str]) -> tuple[datetime, datetime]:
    """A period as ``[start, end)``: ``"2024"``, ``"2024Q2"``, ``"2024-05"`` (a month), ``"2024-05-03"`` (a day),
    ``"2024-01-01..2024-03-31"`` (a range of whole days, both ends included) or a ``(start, end)`` pair."""
    try:
        if isinstance(period, tuple | list):
            start, end = (pd.Timestamp(p).to_pydatetime() for p in period)
            return start, end
        text = str(period).strip()
        if ".." in text:
            first, last = (pd.Timestamp(part.strip()) for part in text.split("..", 1))
            if last < first:
                raise ValueError("the range ends before it starts")
            return first.normalize().to_pydatetime(), (last.normalize() + pd.Timedelta(days=1)).to_pydatetime()
        p = pd.Period(text)
        return p.start_time.to_pydatetime(), (p + 1).start_time.to_pydatetime()
    except (ValueError, TypeError) as exc:
        raise InputError(
            f"cannot read period {period!r}: {exc}",
            hint='use "2024", "2024Q2", "2024-05" (a month), "2024-05-03", "2024-01-01..2024-03-31" or a pair',
        ) from None


def period_moments(store: Store, score: str, period_a: tuple[datetime, datetime], period_b: tuple[datetime, datetime]):
    """Per period (``a``/``b``) × primary theme: ``n`` comments with the score and ``s`` = Σ points."""
    params = {"score": score, "a_start": period_a[0], "a_end": period_a[1], "b_start": period_b[0],
              "b_end": period_b[1]}  # fmt: skip
    return store.read_df(WATERFALL_SQL, params)


def _decompose(n_a: np.ndarray, s_a: np.ndarray, n_b: np.ndarray, s_b: np.ndarray) -> dict[str, np.ndarray]:
    """The decomposition on arrays whose last axis is the theme (so bootstrap replicates vectorise)."""
    tot_a, tot_b = n_a.sum(axis=-1, keepdims=True), n_b.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        w_a, w_b = n_a / tot_a, n_b / tot_b
        m_a, m_b = s_a / n_a, s_b / n_b
        score_a, score_b = s_a.sum(axis=-1, keepdims=True) / tot_a, s_b.sum(axis=-1, keepdims=True) / tot_b
    m_a = np.where(n_a > 0, m_a, m_b)  # a theme absent from one period: no score change, all volume
    m_b = np.where(n_b > 0, m_b, m_a)
    m_a, m_b = np.nan_to_num(m_a), np.nan_to_num(m_b)  # absent from both (a bootstrap draw): contributes nothing
    volume = (w_b - w_a) * ((m_a + m_b) / 2 - (score_a + score_b) / 2)
    score_effect = (w_a + w_b) / 2 * (m_b - m_a)
    return {"w_a": w_a, "w_b": w_b, "m_a": m_a, "m_b": m_b, "volume": volume, "score_effect": score_effect,
            "score_a": score_a[..., 0], "score_b": score_b[..., 0]}  # fmt: skip


def bootstrap_intervals(
    n_a: np.ndarray,
    s_a: np.ndarray,
    ss_a: np.ndarray,
    n_b: np.ndarray,
    s_b: np.ndarray,
    ss_b: np.ndarray,
    *,
    conf: float = 0.95,
    reps: int = 1000,
    seed: int = 0,
    prior_strength: float = 10.0,
) -> dict[str, np.ndarray]:
    """Percentile intervals of every contribution and of the change, by a parametric bootstrap from the moments.

    Each replicate redraws each period's theme counts (multinomial on the observed shares) and each theme's mean
    score (normal around its mean with its variance — shrunk toward the period's, so a 3-comment theme is not
    precise — over its redrawn count). Seeded: the same input gives the same intervals.

    Returns:
        ``contribution_low``/``_high`` (per theme) and ``change_low``/``change_high`` (scalars as 0-d arrays).
    """
    rng = np.random.default_rng(seed)

    def draw(n, s, ss):
        total = int(n.sum())
        var_all = stats.moments_variance(total, s.sum(), ss.sum())
        var_all = float(var_all) if np.isfinite(var_all) else 0.0
        var = evidence.shrunk_variance(n, stats.moments_variance(n, s, ss), var_all, prior_strength)
        counts = rng.multinomial(total, n / total, size=reps).astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = s / n
            noise = rng.standard_normal(counts.shape) * np.sqrt(np.where(counts > 0, var / counts, 0.0))
        return counts, np.nan_to_num(counts * (mean + noise))

    (cn_a, cs_a), (cn_b, cs_b) = draw(n_a, s_a, ss_a), draw(n_b, s_b, ss_b)
    parts = _decompose(cn_a, cs_a, cn_b, cs_b)
    contribution = parts["volume"] + parts["score_effect"]
    change = parts["score_b"] - parts["score_a"]
    tail = 100 * (1 - conf) / 2
    low, high = np.percentile(contribution, [tail, 100 - tail], axis=0)
    change_low, change_high = np.percentile(change, [tail, 100 - tail])
    return {"contribution_low": low, "contribution_high": high, "change_low": change_low, "change_high": change_high}


def score_waterfall(
    moments: pd.DataFrame, labels: dict[str, str], *, conf: float = 0.95, reps: int = 1000, prior_strength=10.0
) -> pd.DataFrame:
    """Decompose the change of the score from period ``a`` to ``b`` by primary theme (pure).

    Args:
        moments: ``period ('a'|'b'), theme_id, n, s[, ss]`` (from :func:`period_moments`); without ``ss`` the
            intervals are not computed (``nan``).
        labels: theme_id → label.
        conf, reps: confidence level and bootstrap replicates of the intervals (see :func:`bootstrap_intervals`).

    Returns:
        DataFrame ``theme_id, label, n_a, n_b, share_a, share_b, score_a, score_b, volume_effect, score_effect,
        contribution, ci_low, ci_high`` sorted by contribution (most negative first), with ``attrs['score_a']``,
        ``attrs['score_b']``, ``attrs['change']``, ``attrs['change_low']``/``['change_high']``, ``attrs['n_a']``
        and ``attrs['n_b']``; the contributions sum to ``change``.
    """
    values = ["n", "s", "ss"] if "ss" in moments else ["n", "s"]
    wide = moments.pivot_table(index="theme_id", columns="period", values=values, aggfunc="sum", fill_value=0)
    for col in [(v, p) for v in ("n", "s", "ss") for p in ("a", "b")]:
        if col not in wide.columns:
            wide[col] = 0 if col[0] != "ss" or "ss" in moments else np.nan
    n_a, n_b = wide[("n", "a")].to_numpy(float), wide[("n", "b")].to_numpy(float)
    s_a, s_b = wide[("s", "a")].to_numpy(float), wide[("s", "b")].to_numpy(float)
    if n_a.sum() == 0 or n_b.sum() == 0:
        raise InputError(
            "one of the two periods has no comments with this score",
            hint="pick periods inside the data's date range (see `empathic trends`)",
        )
    parts = _decompose(n_a, s_a, n_b, s_b)
    if "ss" in moments:
        ci = bootstrap_intervals(n_a, s_a, wide[("ss", "a")].to_numpy(float), n_b, s_b,
                                 wide[("ss", "b")].to_numpy(float), conf=conf, reps=reps,
                                 prior_strength=prior_strength)  # fmt: skip
    else:
        nan = np.full(len(n_a), np.nan)
        ci = {"contribution_low": nan, "contribution_high": nan, "change_low": np.nan, "change_high": np.nan}
    out = pd.DataFrame(
        {
            "theme_id": wide.index.to_numpy(),
            "label": [labels.get(t, t) for t in wide.index],
            "n_a": n_a.astype(np.int64),
            "n_b": n_b.astype(np.int64),
            "share_a": parts["w_a"],
            "share_b": parts["w_b"],
            "score_a": np.where(n_a > 0, parts["m_a"], np.nan),
            "score_b": np.where(n_b > 0, parts["m_b"], np.nan),
            "volume_effect": parts["volume"],
            "score_effect": parts["score_effect"],
            "contribution": parts["volume"] + parts["score_effect"],
            "ci_low": ci["contribution_low"],
            "ci_high": ci["contribution_high"],
        }
    )
    out = out.sort_values(["contribution", "theme_id"], kind="mergesort").reset_index(drop=True)
    score_a, score_b = float(parts["score_a"]), float(parts["score_b"])
    out.attrs.update({"score_a": score_a, "score_b": score_b, "change": score_b - score_a,
                      "change_low": float(ci["change_low"]), "change_high": float(ci["change_high"]),
                      "n_a": int(n_a.sum()), "n_b": int(n_b.sum())})  # fmt: skip
    return out
