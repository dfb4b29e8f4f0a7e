"""Leave-one-out theme impact, as Kapiche and Thematic define it.

``impact = score(all comments) − score(comments without the theme)``, in the score's own points (NPS points,
CSAT percentage points, rating points). Because every score is a mean of per-comment points,

    impact = (n_with / n) · (mean_with − mean_without),

so its standard error (treating the theme's share as fixed) is ``(n_with / n) · sqrt(v_with/n_with +
v_without/n_without)`` and its p-value is Welch's test of ``mean_with`` vs ``mean_without``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sps

from empathic import stats
from empathic.analytics import evidence
from empathic.analytics.evidence import EvidenceRules
from empathic.analytics.sql import LIVE_THEMES_CTE, MENTIONS_CTE, POINTS_CTE
from empathic.store import Store

THEME_MOMENTS_SQL = f"""
WITH {POINTS_CTE}, {LIVE_THEMES_CTE}, {MENTIONS_CTE}
SELECT p.score_name, m.theme_id, any_value(t.label) AS label, any_value(t.level) AS level,
       count(*) AS n, sum(p.x) AS s, sum(p.x * p.x) AS ss
FROM points p JOIN mentions m USING (feedback_id) JOIN live_themes t USING (theme_id)
GROUP BY p.score_name, m.theme_id
ORDER BY p.score_name, m.theme_id
"""


def theme_moments(store: Store) -> pd.DataFrame:
    """Per score × theme: ``score_name, theme_id, label, level, n, s, ss`` of the comments mentioning it."""
    return store.read_df(THEME_MOMENTS_SQL)


def leave_one_out_impact(
    themes: pd.DataFrame, totals: pd.DataFrame, conf: float = 0.95, *, rules: EvidenceRules | None = None
) -> pd.DataFrame:
    """Impact of every theme on every score (pure; vectorised over rows).

    Evidence rules: both groups' variances are shrunk toward the overall variance (two comments with the same
    answer do not make a q < 0.001), and a theme with fewer than ``rules.min_theme_n`` comments with the score
    (or with fewer than that *without* it) gets no interval, p or q — it is not tested.

    Args:
        themes: ``score_name, theme_id, label, level, n, s, ss`` (from :func:`theme_moments`).
        totals: ``score_name, kind, n, s, ss`` over all comments with that score (from ``scores.score_moments``).
        conf: confidence level of the interval.
        rules: the evidence rules (defaults when omitted).

    Returns:
        DataFrame ``score_name, metric, theme_id, label, level, n_with, n_without, score_overall, score_with,
        score_without, impact, ci_low, ci_high, p_value, q_value`` sorted by score then impact (most negative
        first). ``q_value`` is Benjamini–Hochberg within each score.
    """
    columns = [
        "score_name", "metric", "theme_id", "label", "level", "n_with", "n_without", "score_overall",
        "score_with", "score_without", "impact", "ci_low", "ci_high", "p_value", "q_value",
    ]  # fmt: skip
    rules = rules or EvidenceRules()
    if themes.empty or totals.empty:
        return pd.DataFrame(columns=columns)
    t = totals.rename(columns={"n": "n_all", "s": "s_all", "ss": "ss_all"})[
        ["score_name", "kind", "n_all", "s_all", "ss_all"]
    ]
    df = themes.merge(t, on="score_name", how="inner")
    n_w, s_w, ss_w = df["n"].to_numpy(float), df["s"].to_numpy(float), df["ss"].to_numpy(float)
    n_a, s_a, ss_a = df["n_all"].to_numpy(float), df["s_all"].to_numpy(float), df["ss_all"].to_numpy(float)
    n_o, s_o, ss_o = n_a - n_w, s_a - s_w, ss_a - ss_w
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_w, mean_o, mean_a = s_w / n_w, s_o / n_o, s_a / n_a
        share = n_w / n_a
        var_a = stats.moments_variance(n_a, s_a, ss_a)
        var_w = evidence.shrunk_variance(n_w, stats.moments_variance(n_w, s_w, ss_w), var_a, rules.prior_strength)
        var_o = evidence.shrunk_variance(n_o, stats.moments_variance(n_o, s_o, ss_o), var_a, rules.prior_strength)
        _, _, p = stats.welch_test(n_w, mean_w, var_w, n_o, mean_o, var_o)
        se = share * np.sqrt(var_w / n_w + var_o / n_o)
    tested = evidence.enough(n_w, rules.min_theme_n) & evidence.enough(n_o, rules.min_theme_n)
    p = np.where(tested, p, np.nan)
    impact = mean_a - mean_o
    half = np.where(tested, sps.norm.ppf(0.5 + conf / 2.0) * se, np.nan)
    out = pd.DataFrame(
        {
            "score_name": df["score_name"],
            "metric": df["kind"].map(stats.METRIC_OF_KIND).fillna("mean"),
            "theme_id": df["theme_id"],
            "label": df["label"],
            "level": df["level"].astype("Int64"),
            "n_with": n_w.astype(np.int64),
            "n_without": n_o.astype(np.int64),
            "score_overall": mean_a,
            "score_with": mean_w,
            "score_without": np.where(n_o > 0, mean_o, np.nan),
            "impact": np.where(n_o > 0, impact, np.nan),
            "ci_low": impact - half,
            "ci_high": impact + half,
            "p_value": p,
        }
    )
    out["q_value"] = np.nan
    for _, idx in out.groupby("score_name").groups.items():
        out.loc[idx, "q_value"] = stats.benjamini_hochberg(out.loc[idx, "p_value"].to_numpy())
    out = out.sort_values(["score_name", "impact", "theme_id"], na_position="last", kind="mergesort")
    return out.reset_index(drop=True)[columns]


def rank_by_size(impact: pd.DataFrame, top: int = 10) -> pd.DataFrame:
    """The ``top`` themes that lower and the ``top`` that raise each score, ranked by absolute impact (pure).

    Args:
        impact: output of :func:`leave_one_out_impact` (rows without a finite impact are left out).
        top: rows per direction and score.

    Returns:
        the chosen rows plus ``direction`` (``lowers`` / ``raises``), per score by ``|impact|`` largest first.
    """
    if impact.empty:
        return impact.assign(direction=pd.Series(dtype=str))
    df = impact[np.isfinite(impact.impact.astype(float))].copy()
    df["direction"] = np.where(df.impact < 0, "lowers", "raises")
    df["_size"] = df.impact.abs()
    df = df.sort_values(["score_name", "_size", "theme_id"], ascending=[True, False, True], kind="mergesort")
    df = df.groupby(["score_name", "direction"], sort=False).head(top)
    df = df.sort_values(["score_name", "_size", "theme_id"], ascending=[True, False, True], kind="mergesort")
    return df.drop(columns="_size").reset_index(drop=True)
