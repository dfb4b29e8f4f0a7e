"""Alerts: what a weekly digest would contain — themes rising or falling beyond their own history, new and
emerging themes, and a significant score move in the latest period.

Pure functions over the trend tables: the latest *complete* period of each theme is tested against the periods
before it — at most ``baseline_periods`` of them, since a digest compares with the recent normal, not with 2016 —
(two-proportion z-test on its share, Benjamini–Hochberg over themes); the score against the same baseline with
Welch's test. Every alert obeys the evidence rules (:mod:`empathic.analytics.evidence`): significance and a minimum
effect and volume, never on a partial period, and its message states its n. Alert ids are content hashes (kind,
theme, period), so re-running the analysis keeps them stable.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd

from empathic import stats
from empathic.analytics import evidence
from empathic.analytics.evidence import EvidenceRules

ALERT_COLUMNS = ["alert_id", "kind", "theme_id", "message", "severity", "period", "created_at", "payload"]
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2, "info": 3}


def _alert_id(kind: str, theme_id: str | None, period: str) -> str:
    return hashlib.sha1(f"{kind}|{theme_id}|{period}".encode()).hexdigest()[:16]


def _p_text(p: float, name: str = "p") -> str:
    """``p<0.001`` or ``p=0.023``: a digest does not print p = 2.9e-94."""
    return f"{name}<0.001" if p < 0.001 else f"{name}={float(p):.2g}"


def _alert(kind, theme_id, message, severity, period, now, payload) -> dict:
    clean = {k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in payload.items()}
    return {
        "alert_id": _alert_id(kind, theme_id, period), "kind": kind, "theme_id": theme_id, "message": message,
        "severity": severity, "period": period, "created_at": now, "payload": json.dumps(clean, default=str),
    }  # fmt: skip


def _latest_complete(trends: pd.DataFrame, rules: EvidenceRules):
    """The period alerts look at: the newest one, or the one before when the newest is partial (unfinished)."""
    starts = sorted(trends.period_start.unique())
    if rules.exclude_partial and "partial" in trends and len(starts) > 1:
        partial = set(trends.loc[trends.partial.fillna(False).astype(bool), "period_start"])
        starts = [s for s in starts if s not in partial] or starts
    return starts[-1]


def theme_alerts(
    trends: pd.DataFrame,
    statuses: dict[str, str],
    now,
    *,
    rules: EvidenceRules | None = None,
    min_count: int = 10,
    min_lift: float = 1.5,
) -> list[dict]:
    """Rising / falling / new themes in the latest complete period of ``trends`` (from :func:`trends.theme_trends`).

    A rise or fall needs all of: BH-adjusted significance, a share change of at least ``rules.min_share_change``
    and a ratio of ``min_lift``, ``min_count`` mentions, and a period of at least ``rules.min_period_n`` comments.
    """
    rules = rules or EvidenceRules()
    if trends.empty or trends.period_start.nunique() < 2:
        return []
    last = _latest_complete(trends, rules)
    period = f"{trends.grain.iloc[0]} of {pd.Timestamp(last).date()}"
    cur = trends[trends.period_start == last].set_index("theme_id")
    baseline = sorted(trends.period_start[trends.period_start < last].unique())[-rules.baseline_periods :]
    before = trends[trends.period_start.isin(baseline)]
    if before.empty:
        return []
    hist = before.groupby("theme_id").agg(x=("n_comments", "sum"), n=("n_period", "sum"))
    first_seen = trends[(trends.n_comments > 0) & (trends.period_start <= last)].groupby("theme_id").period_start.min()
    df = cur.join(hist, how="inner")
    lift, _, p = stats.two_proportion_test(df.n_comments, df.n_period, df.x, df.n)
    q = stats.benjamini_hochberg(np.where(evidence.enough(df.n_period, rules.min_period_n), p, np.nan))
    with np.errstate(invalid="ignore", divide="ignore"):
        change = df.n_comments / df.n_period - df.x / df.n
    volume = np.minimum(df.n_period, df.n)
    worthy = evidence.alert_worthy(q, change, volume, alpha=rules.alpha, min_effect=rules.min_share_change,
                                   min_n=rules.min_period_n)  # fmt: skip
    rising = worthy & (lift >= min_lift) & (df.n_comments.to_numpy() >= min_count)
    falling = worthy & (lift <= 1 / min_lift) & (df.x.to_numpy() >= min_count)
    out = []
    for i, (tid, r) in enumerate(df.iterrows()):
        share_hist = r.x / r.n if r.n else 0.0
        share = r.n_comments / r.n_period if r.n_period else 0.0
        n_txt = f"{int(r.n_comments)} of {evidence.n_text(r.n_period)}"
        payload = {"label": r.label, "count": int(r.n_comments), "n_period": int(r.n_period), "share": float(share),
                   "share_before": float(share_hist), "n_before": int(r.n), "lift": float(lift[i]),
                   "q_value": float(q[i])}  # fmt: skip
        is_new = first_seen.get(tid) == last or statuses.get(tid) == "emerging"
        if is_new and r.n_comments >= min_count and r.n_period >= rules.min_period_n:
            msg = f"new theme “{r.label}”: {n_txt} comments ({share:.1%}) in the {period}"
            out.append(_alert("new_theme", tid, msg, "high", period, now, payload))
        if rising[i]:
            sev = "high" if lift[i] >= 2 and q[i] < 0.001 else "medium"
            msg = (f"“{r.label}” rose to {share:.1%} of comments in the {period} ({n_txt}; from {share_hist:.1%} "
                   f"before, {evidence.n_text(r.n)}; ×{lift[i]:.1f}, {_p_text(q[i], 'q')})")  # fmt: skip
            out.append(_alert("rising", tid, msg, sev, period, now, payload))
        elif falling[i]:
            msg = (f"“{r.label}” fell to {share:.1%} of comments in the {period} ({n_txt}; "
                   f"from {share_hist:.1%} before, {evidence.n_text(r.n)}; {_p_text(q[i], 'q')})")  # fmt: skip
            out.append(_alert("falling", tid, msg, "low", period, now, payload))
    return out


def score_alert(
    periods: pd.DataFrame,
    score: str | None,
    grain: str,
    now,
    *,
    rules: EvidenceRules | None = None,
    kind: str = "nps",
    span: float | None = None,
) -> list[dict]:
    """A move of the primary score in the latest complete period vs all earlier ones.

    Welch's test on score points with the period's variance shrunk toward the history's (4 identical answers are
    not infinitely precise), and the three alert conditions: p ≤ alpha, a change of at least
    ``rules.score_effect(kind, span)`` points, and ``rules.min_period_n`` answers on both sides.
    """
    rules = rules or EvidenceRules()
    if score is None or periods.empty or len(periods) < 2:
        return []
    periods = periods.sort_values("period")
    if rules.exclude_partial and "partial" in periods and periods.partial.iloc[-1]:
        periods = periods.iloc[:-1]
    if len(periods) < 2:
        return []
    cur, hist = periods.iloc[-1], periods.iloc[:-1].tail(rules.baseline_periods)
    n_h, s_h, ss_h = hist.n.sum(), hist.s.sum(), hist.ss.sum()
    if min(cur.n, n_h) < max(rules.min_period_n, 2):
        return []
    var_h = stats.moments_variance(n_h, s_h, ss_h)
    var_c = evidence.shrunk_variance(cur.n, stats.moments_variance(cur.n, cur.s, cur.ss), var_h, rules.prior_strength)
    diff, _, p = stats.welch_test(cur.n, cur.s / cur.n, var_c, n_h, s_h / n_h, var_h)
    min_effect = rules.score_effect(kind, span)
    if not evidence.alert_worthy(p, diff, min(cur.n, n_h), alpha=rules.alpha, min_effect=min_effect,
                                 min_n=rules.min_period_n):  # fmt: skip
        return []
    period = f"{grain} of {pd.Timestamp(cur.period).date()}"
    kind_name = "score_drop" if diff < 0 else "score_rise"
    verb = "dropped" if diff < 0 else "rose"
    msg = (f"{score} {verb} to {cur.s / cur.n:.1f} in the {period} ({evidence.n_text(cur.n)}; from "
           f"{s_h / n_h:.1f} before, {evidence.n_text(n_h)}; {float(diff):+.1f} points, {_p_text(p)})")  # fmt: skip
    payload = {"score": score, "value": float(cur.s / cur.n), "n": int(cur.n), "before": float(s_h / n_h),
               "n_before": int(n_h), "change": float(diff), "p_value": float(p)}  # fmt: skip
    return [_alert(kind_name, None, msg, "high" if diff < 0 else "info", period, now, payload)]


def build_alerts(alerts: list[dict]) -> pd.DataFrame:
    """Alerts as a DataFrame with :data:`ALERT_COLUMNS`, most severe first (stable order)."""
    df = pd.DataFrame(alerts, columns=ALERT_COLUMNS)
    if df.empty:
        return df
    df["_sev"] = df.severity.map(SEVERITY_ORDER)
    return df.sort_values(["_sev", "kind", "alert_id"]).drop(columns="_sev").reset_index(drop=True)
