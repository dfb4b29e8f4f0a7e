"""Score-change waterfall: which themes explain the move of a score between two periods.

Each comment counts once, under its primary top-level theme (or ``(no theme)``), so the score of a period is the
share-weighted mean over themes, ``S = Σ_k w_k · m_k``, and the change splits *exactly* into per-theme parts:

    ΔS = Σ_k [ Δw_k · (m̄_k − S̄) ]  (volume: the theme became more or less common)
       + Σ_k [ w̄_k · Δm_k ]         (score: comments on the theme scored differently)

with bars ``m̄``/``w̄`` the two periods' averages and ``S̄`` the average overall score (subtracting it changes no sum,
since Σ Δw_k = 0, but makes a theme that grows at an average score contribute ≈ 0). The parts sum to ΔS.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

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
SELECT fb.period, coalesce(pt.theme_id, '{NO_THEME}') AS theme_id, count(*) AS n, sum(p.x) AS s
FROM fb JOIN points p ON p.feedback_id = fb.feedback_id AND p.score_name = $score
LEFT JOIN primary_theme pt ON pt.feedback_id = fb.feedback_id
GROUP BY ALL ORDER BY ALL
"""


def parse_period(period: str | tuple[str, str]) -> tuple[datetime, datetime]:
    """A period as ``[start, end)``: ``"2024-05"`` (month), ``"2024Q2"``, ``"2024"``, ``"2024-05-03"`` or a pair."""
    try:
        if isinstance(period, tuple | list):
            start, end = (pd.Timestamp(p).to_pydatetime() for p in period)
            return start, end
        p = pd.Period(str(period))
        return p.start_time.to_pydatetime(), (p + 1).start_time.to_pydatetime()
    except (ValueError, TypeError) as exc:
        raise InputError(
            f"cannot read period {period!r}: {exc}",
            hint='use "2024-05" (a month), "2024Q2", "2024", "2024-05-03" or a (start, end) pair',
        ) from None


def period_moments(store: Store, score: str, period_a: tuple[datetime, datetime], period_b: tuple[datetime, datetime]):
    """Per period (``a``/``b``) × primary theme: ``n`` comments with the score and ``s`` = Σ points."""
    params = {"score": score, "a_start": period_a[0], "a_end": period_a[1], "b_start": period_b[0],
              "b_end": period_b[1]}  # fmt: skip
    return store.read_df(WATERFALL_SQL, params)


def score_waterfall(moments: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Decompose the change of the score from period ``a`` to ``b`` by primary theme (pure).

    Args:
        moments: ``period ('a'|'b'), theme_id, n, s`` (from :func:`period_moments`).
        labels: theme_id → label.

    Returns:
        DataFrame ``theme_id, label, n_a, n_b, share_a, share_b, score_a, score_b, volume_effect, score_effect,
        contribution`` sorted by contribution (most negative first), with ``attrs['score_a']``,
        ``attrs['score_b']`` and ``attrs['change']``; the contributions sum to ``change``.
    """
    wide = moments.pivot_table(index="theme_id", columns="period", values=["n", "s"], aggfunc="sum", fill_value=0)
    for col in [("n", "a"), ("n", "b"), ("s", "a"), ("s", "b")]:
        if col not in wide.columns:
            wide[col] = 0
    n_a, n_b = wide[("n", "a")].to_numpy(float), wide[("n", "b")].to_numpy(float)
    s_a, s_b = wide[("s", "a")].to_numpy(float), wide[("s", "b")].to_numpy(float)
    tot_a, tot_b = n_a.sum(), n_b.sum()
    if tot_a == 0 or tot_b == 0:
        raise InputError(
            "one of the two periods has no comments with this score",
            hint="pick periods inside the data's date range (see `empathic trends`)",
        )
    w_a, w_b = n_a / tot_a, n_b / tot_b
    with np.errstate(invalid="ignore", divide="ignore"):
        m_a, m_b = s_a / n_a, s_b / n_b
    m_a = np.where(n_a > 0, m_a, m_b)  # a theme absent from one period: no score change, all volume
    m_b = np.where(n_b > 0, m_b, m_a)
    score_a, score_b = s_a.sum() / tot_a, s_b.sum() / tot_b
    volume = (w_b - w_a) * ((m_a + m_b) / 2 - (score_a + score_b) / 2)
    score_effect = (w_a + w_b) / 2 * (m_b - m_a)
    out = pd.DataFrame(
        {
            "theme_id": wide.index.to_numpy(),
            "label": [labels.get(t, t) for t in wide.index],
            "n_a": n_a.astype(np.int64),
            "n_b": n_b.astype(np.int64),
            "share_a": w_a,
            "share_b": w_b,
            "score_a": np.where(n_a > 0, m_a, np.nan),
            "score_b": np.where(n_b > 0, m_b, np.nan),
            "volume_effect": volume,
            "score_effect": score_effect,
            "contribution": volume + score_effect,
        }
    )
    out = out.sort_values(["contribution", "theme_id"], kind="mergesort").reset_index(drop=True)
    out.attrs.update({"score_a": score_a, "score_b": score_b, "change": score_b - score_a})
    return out
