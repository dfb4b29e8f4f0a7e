"""Alerts: what a weekly digest would contain — themes rising or falling beyond their own history, new and
emerging themes, and a significant score move in the latest period.

Pure functions over the trend tables: the latest period of each theme is tested against all earlier periods
(two-proportion z-test on its share, Benjamini–Hochberg over themes); the score against its history with Welch's
test. Alert ids are content hashes (kind, theme, period), so re-running the analysis keeps them stable.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd

from empathic import stats

ALERT_COLUMNS = ["alert_id", "kind", "theme_id", "message", "severity", "period", "created_at", "payload"]
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2, "info": 3}


def _alert_id(kind: str, theme_id: str | None, period: str) -> str:
    return hashlib.sha1(f"{kind}|{theme_id}|{period}".encode()).hexdigest()[:16]


def _alert(kind, theme_id, message, severity, period, now, payload) -> dict:
    clean = {k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in payload.items()}
    return {
        "alert_id": _alert_id(kind, theme_id, period), "kind": kind, "theme_id": theme_id, "message": message,
        "severity": severity, "period": period, "created_at": now, "payload": json.dumps(clean, default=str),
    }  # fmt: skip


def theme_alerts(
    trends: pd.DataFrame,
    statuses: dict[str, str],
    now,
    *,
    alpha: float = 0.05,
    min_count: int = 10,
    min_lift: float = 1.5,
) -> list[dict]:
    """Rising / falling / new themes in the latest period of ``trends`` (from :func:`trends.theme_trends`)."""
    if trends.empty or trends.period_start.nunique() < 2:
        return []
    last = trends.period_start.max()
    period = f"{trends.grain.iloc[0]} of {pd.Timestamp(last).date()}"
    cur = trends[trends.period_start == last].set_index("theme_id")
    hist = trends[trends.period_start < last].groupby("theme_id").agg(x=("n_comments", "sum"), n=("n_period", "sum"))
    first_seen = trends[trends.n_comments > 0].groupby("theme_id").period_start.min()
    df = cur.join(hist, how="inner")
    lift, _, p = stats.two_proportion_test(df.n_comments, df.n_period, df.x, df.n)
    q = stats.benjamini_hochberg(p)
    out = []
    for (tid, r), lf, qq in zip(df.iterrows(), lift, q, strict=True):
        share_hist = r.x / r.n if r.n else 0.0
        payload = {"label": r.label, "count": int(r.n_comments), "share": float(r.share),
                   "share_before": float(share_hist), "lift": float(lf), "q_value": float(qq)}  # fmt: skip
        is_new = first_seen.get(tid) == last or statuses.get(tid) == "emerging"
        if is_new and r.n_comments >= min_count:
            msg = f"new theme “{r.label}”: {int(r.n_comments)} comments ({r.share:.1%}) in the {period}"
            out.append(_alert("new_theme", tid, msg, "high", period, now, payload))
        if not np.isfinite(qq) or qq > alpha:
            continue
        if lf >= min_lift and r.n_comments >= min_count:
            sev = "high" if lf >= 2 and qq < 0.001 else "medium"
            msg = (f"“{r.label}” rose to {r.share:.1%} of comments in the {period} "
                   f"(from {share_hist:.1%} before; ×{lf:.1f}, {int(r.n_comments)} comments)")  # fmt: skip
            out.append(_alert("rising", tid, msg, sev, period, now, payload))
        elif lf <= 1 / min_lift and r.x >= min_count:
            msg = f"“{r.label}” fell to {r.share:.1%} of comments in the {period} (from {share_hist:.1%} before)"
            out.append(_alert("falling", tid, msg, "low", period, now, payload))
    return out


def score_alert(periods: pd.DataFrame, score: str | None, grain: str, now, *, alpha: float = 0.05) -> list[dict]:
    """A significant move of the primary score in the latest period vs all earlier ones (Welch)."""
    if score is None or periods.empty or len(periods) < 2:
        return []
    periods = periods.sort_values("period")
    cur, hist = periods.iloc[-1], periods.iloc[:-1]
    n_h, s_h, ss_h = hist.n.sum(), hist.s.sum(), hist.ss.sum()
    if cur.n < 2 or n_h < 2:
        return []
    diff, _, p = stats.welch_test(
        cur.n, cur.s / cur.n, stats.moments_variance(cur.n, cur.s, cur.ss),
        n_h, s_h / n_h, stats.moments_variance(n_h, s_h, ss_h),
    )  # fmt: skip
    if not np.isfinite(p) or p > alpha:
        return []
    period = f"{grain} of {pd.Timestamp(cur.period).date()}"
    kind = "score_drop" if diff < 0 else "score_rise"
    verb = "dropped" if diff < 0 else "rose"
    msg = (f"{score} {verb} to {cur.s / cur.n:.1f} in the {period} (from {s_h / n_h:.1f} before, "
           f"{float(diff):+.1f} points, p={float(p):.2g})")  # fmt: skip
    payload = {"score": score, "value": float(cur.s / cur.n), "before": float(s_h / n_h), "p_value": float(p)}
    return [_alert(kind, None, msg, "high" if diff < 0 else "info", period, now, payload)]


def build_alerts(alerts: list[dict]) -> pd.DataFrame:
    """Alerts as a DataFrame with :data:`ALERT_COLUMNS`, most severe first (stable order)."""
    df = pd.DataFrame(alerts, columns=ALERT_COLUMNS)
    if df.empty:
        return df
    df["_sev"] = df.severity.map(SEVERITY_ORDER)
    return df.sort_values(["_sev", "kind", "alert_id"]).drop(columns="_sev").reset_index(drop=True)
