"""Trends: theme volume, share, sentiment and impact per period (day / week / month / quarter chosen from the data's
span and volume).

Two SQL aggregations (per period; per period × theme) feed the pure :func:`theme_trends`, which fills in the
periods where a theme was not mentioned (zero volume is information, and alerts need it).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from empathic import stats
from empathic.analytics import evidence
from empathic.analytics.evidence import EvidenceRules
from empathic.analytics.sql import LIVE_THEMES_CTE, MENTIONS_CTE, POINTS_CTE
from empathic.errors import InputError
from empathic.store import Store

GRAINS = ("day", "week", "month", "quarter", "year")
TREND_COLUMNS = ["grain", "period_start", "theme_id", "label", "n_comments", "n_period", "share", "sentiment",
                 "score_name", "impact"]  # fmt: skip
_GRAIN_DAYS = {"day": 1, "week": 7, "month": 30.4, "quarter": 91.3, "year": 365.25}
SCORE_PREFERENCE = {"nps": 0, "csat": 1, "rating": 2, "recommend": 3}


def choose_grain(
    first: datetime | None,
    last: datetime | None,
    requested: str = "auto",
    *,
    n: int | None = None,
    min_period_n: int = 30,
) -> str:
    """The requested grain, or one chosen from the data: ``day`` for spans up to ~2 months, ``week`` up to 2 years,
    else ``month`` — then coarser (up to ``quarter``) while an average period would hold fewer than
    ``min_period_n`` of the ``n`` comments (1,300 reviews over 7 years are charted by quarter, not by month).
    ``year`` is never chosen, only requested."""
    if requested != "auto":
        if requested not in GRAINS:
            raise InputError(f"unknown grain {requested!r}", hint=f"choose one of: {', '.join(GRAINS)}")
        return requested
    if first is None or last is None:
        return "month"
    days = max((pd.Timestamp(last) - pd.Timestamp(first)).days, 1)
    grain = "day" if days <= 62 else "week" if days <= 730 else "month"
    while n is not None and grain != "quarter" and n / max(days / _GRAIN_DAYS[grain], 1.0) < min_period_n:
        grain = GRAINS[GRAINS.index(grain) + 1]
    return grain


def primary_score(store: Store) -> str | None:
    """The score trends and alerts follow: NPS first, then CSAT, rating, recommend; among ratings the widest scale
    (an overall 1–10 rating over its 1–5 aspect ratings), then the most answers."""
    df = store.read_df(
        "SELECT name, any_value(kind) AS kind, max(scale_max) - min(scale_min) AS span, count(value) AS n "
        "FROM feedback_scores WHERE kind IN ('nps', 'csat', 'rating', 'recommend') GROUP BY name"
    )
    if df.empty:
        return None
    df["pref"] = df.kind.map(SCORE_PREFERENCE)
    order = df.sort_values(["pref", "span", "n", "name"], ascending=[True, False, False, True])
    return str(order.iloc[0]["name"])


def score_kind(store: Store, score: str) -> tuple[str, float | None]:
    """``(kind, scale span)`` of a score column (the span sizes the minimum effect of an alert)."""
    row = store.read_df(
        "SELECT any_value(kind) AS kind, max(scale_max) - min(scale_min) AS span FROM feedback_scores WHERE name = ?",
        [score],
    )
    kind = row.kind.iloc[0] if len(row) and row.kind.iloc[0] is not None else "rating"
    span = row.span.iloc[0] if len(row) else None
    return str(kind), (None if span is None or pd.isna(span) else float(span))


def trend_aggregates(
    store: Store, grain: str, score: str | None, *, with_themes: bool, with_sentiment: bool
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(periods, cells)``: per period ``period, n_period, n, s, ss`` (score moments) and per period × theme
    ``period, theme_id, n_comments, n, s, ss, sentiment``."""
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {GRAINS}")
    head = (
        f"WITH {POINTS_CTE}, {LIVE_THEMES_CTE}, {MENTIONS_CTE}, "
        f"fb AS (SELECT feedback_id, date_trunc('{grain}', created_at) AS period FROM feedback "
        "WHERE created_at IS NOT NULL), "
        "sp AS (SELECT feedback_id, x FROM points WHERE score_name = $score) "
    )
    params = {"score": score or ""}
    periods = store.read_df(
        head + "SELECT period, count(*) AS n_period, count(sp.x) AS n, coalesce(sum(sp.x), 0) AS s, "
        "coalesce(sum(sp.x * sp.x), 0) AS ss FROM fb LEFT JOIN sp USING (feedback_id) GROUP BY period ORDER BY period",
        params,
    )
    if not with_themes:
        return periods, pd.DataFrame()
    sentiment_cte = ""
    sentiment_col = "CAST(NULL AS DOUBLE) AS sentiment"
    if with_sentiment:
        sentiment_cte = (
            ", sent AS (SELECT fb.period, st.theme_id, avg(sf.sentiment) AS sentiment FROM sentence_themes st "
            "JOIN sentence_feelings sf USING (feedback_id, sentence_idx) JOIN fb USING (feedback_id) GROUP BY ALL)"
        )
        sentiment_col = "any_value(sent.sentiment) AS sentiment"
    cells = store.read_df(
        head + sentiment_cte + " SELECT fb.period, m.theme_id, count(*) AS n_comments, count(sp.x) AS n, "
        "coalesce(sum(sp.x), 0) AS s, coalesce(sum(sp.x * sp.x), 0) AS ss, " + sentiment_col + " FROM fb "
        "JOIN mentions m USING (feedback_id) LEFT JOIN sp USING (feedback_id) "
        + ("LEFT JOIN sent ON sent.period = fb.period AND sent.theme_id = m.theme_id " if with_sentiment else "")
        + "WHERE m.level = 1 GROUP BY fb.period, m.theme_id ORDER BY fb.period, m.theme_id",
        params,
    )
    return periods, cells


def theme_trends(
    periods: pd.DataFrame,
    cells: pd.DataFrame,
    labels: dict[str, str],
    grain: str,
    score: str | None,
    *,
    rules: EvidenceRules | None = None,
) -> pd.DataFrame:
    """Complete period × theme grid with share and per-period leave-one-out impact on ``score`` (pure).

    Evidence rules: ``share`` is shown (not ``nan``) only for periods of at least ``rules.min_period_n`` comments —
    one comment mentioning a theme is not a 100 % spike — and always comes with the period's n (``n_period``);
    ``impact`` needs ``rules.min_cell_n`` comments with the score in the cell. Partial periods are flagged on the
    period totals (see :func:`period_flags`).

    Returns:
        DataFrame with :data:`TREND_COLUMNS`, sorted by period then theme.
    """
    rules = rules or EvidenceRules()
    if cells.empty or periods.empty:
        return pd.DataFrame(columns=TREND_COLUMNS)
    grid = pd.MultiIndex.from_product(
        [periods.period.sort_values().unique(), sorted(cells.theme_id.unique())], names=["period", "theme_id"]
    ).to_frame(index=False)
    df = grid.merge(cells, on=["period", "theme_id"], how="left")
    df[["n_comments", "n", "s", "ss"]] = df[["n_comments", "n", "s", "ss"]].fillna(0)
    df = df.merge(periods.rename(columns={"n": "n_all", "s": "s_all", "ss": "ss_all"}), on="period")
    with np.errstate(invalid="ignore", divide="ignore"):
        share = df.n_comments / df.n_period
        n_o, s_o = df.n_all - df.n, df.s_all - df.s
        impact = np.where((n_o >= rules.min_cell_n) & (df.n >= rules.min_cell_n), df.s_all / df.n_all - s_o / n_o,
                          np.nan)  # fmt: skip
    shown = evidence.enough(df.n_period, rules.min_period_n)
    out = pd.DataFrame(
        {
            "grain": grain,
            "period_start": pd.to_datetime(df.period),
            "theme_id": df.theme_id,
            "label": [labels.get(t, t) for t in df.theme_id],
            "n_comments": df.n_comments.astype(np.int64),
            "n_period": df.n_period.astype(np.int64),
            "share": np.where(shown, share, np.nan),
            "sentiment": df.sentiment.astype(float),
            "score_name": score,
            "impact": impact if score else np.nan,
        }
    )
    return out.sort_values(["period_start", "theme_id"]).reset_index(drop=True)[TREND_COLUMNS]


def period_flags(
    periods: pd.DataFrame,
    grain: str,
    newest,
    *,
    rules: EvidenceRules | None = None,
    conf: float = 0.95,
    slack: timedelta = timedelta(days=1),
) -> pd.DataFrame:
    """The period totals with the score per period and the evidence flags (pure).

    Args:
        periods: ``period, n_period, n, s, ss`` from :func:`trend_aggregates`.
        grain: the periods' grain; newest: the newest comment's timestamp and ``slack`` (see
            :func:`evidence.partial_slack`) decide the partial period.

    Returns:
        the same rows plus ``value`` (mean score points, ``nan`` under ``rules.min_period_n``), ``ci_low``,
        ``ci_high`` (finite or ``nan``), ``enough`` and ``partial``.
    """
    rules = rules or EvidenceRules()
    out = periods.copy()
    if out.empty:
        return out.assign(value=[], ci_low=[], ci_high=[], enough=[], partial=[])
    mean, low, high = stats.mean_interval(out.n, out.s, out.ss, conf)
    ok = evidence.enough(out.n, rules.min_period_n) & evidence.finite(low, high)
    out["value"] = np.where(ok, mean, np.nan)
    out["ci_low"] = np.where(ok, low, np.nan)
    out["ci_high"] = np.where(ok, high, np.nan)
    out["enough"] = ok
    out["partial"] = evidence.partial_periods(out.period, grain, newest, slack)
    return out
