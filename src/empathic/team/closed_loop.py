"""The closed loop: did a fix work? Compare a theme's mentions and sentiment after its "fixed" day with before.

Share of comments mentioning the theme:
    the comments before the fix day give a pre-trend, a least-squares line of "mentions the theme" (0/1) against
    the day. When its slope is significant (p < 0.05) the line, carried forward to the after period, is what we
    would have expected without the fix; otherwise the before share is. The effect is the after share minus
    that expectation, with a normal-approximation interval whose variance adds the binomial variance of the after
    share and the variance of the expectation. "improved" means the interval lies wholly below zero (fewer
    mentions), "worse" wholly above, "no change" otherwise (the issue's wording; the message says the interval
    includes zero, so a reader knows it is "no change detected", not a proof of none).
Sentiment of the comments that mention the theme:
    mean after minus mean before, with Welch's interval (no trend: sentiment is noisier and sparser).

Nothing is called improved or worse on too little data: fewer than ``min_comments`` dated comments on either
side gives "not enough data". Every figure carries its n.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from empathic.stats import welch_test
from empathic.store import Store
from empathic.team.owners import fixed_on, owners

MIN_COMMENTS = 30


def _z(conf: float) -> float:
    return NormalDist().inv_cdf(0.5 + conf / 2.0)


@dataclass(frozen=True)
class FixEffect:
    """What happened to a theme after its fix day (shares as proportions, sentiment on the workspace's scale)."""

    theme_id: str
    fixed_on: str
    verdict: str  # "improved" | "worse" | "no change" | "not enough data"
    n_before: int
    n_after: int
    mentions_before: int
    mentions_after: int
    share_before: float | None
    share_after: float | None
    share_expected: float | None
    pre_trend: str  # "flat" | "rising" | "falling" (the expectation follows the trend only when significant)
    change: float | None  # share_after − share_expected
    change_low: float | None
    change_high: float | None
    sentiment_before: float | None
    sentiment_after: float | None
    sentiment_change: float | None
    sentiment_low: float | None
    sentiment_high: float | None
    sentiment_p: float | None
    conf: float
    message: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form (the API and digests)."""
        return asdict(self)


def _frame(store: Store, theme_id: str) -> pd.DataFrame:
    """Every dated comment: ``day`` (date), ``mention`` (0/1) and its ``sentiment`` (NaN without feelings)."""
    sentiment = "ff.sentiment" if store.has_table("feedback_feelings") else "CAST(NULL AS DOUBLE)"
    join = "LEFT JOIN feedback_feelings ff USING (feedback_id)" if store.has_table("feedback_feelings") else ""
    return store.read_df(
        f"SELECT CAST(f.created_at AS DATE) AS day, (m.feedback_id IS NOT NULL)::INTEGER AS mention, "
        f"{sentiment} AS sentiment FROM feedback f "
        "LEFT JOIN (SELECT DISTINCT feedback_id FROM feedback_themes WHERE theme_id = ?) m USING (feedback_id) "
        f"{join} WHERE f.created_at IS NOT NULL",
        [theme_id],
    )


def _expected_share(t_before: np.ndarray, y_before: np.ndarray, t_after_mean: float) -> tuple[float, float, str]:
    """(expected after share, its variance, pre-trend word) from the before comments (t in days, y in {0, 1})."""
    n = y_before.size
    mean_y = float(y_before.mean())
    flat = (mean_y, mean_y * (1.0 - mean_y) / n, "flat")
    sxx = float(((t_before - t_before.mean()) ** 2).sum())
    if n < 3 or sxx <= 0:
        return flat
    slope = float(((t_before - t_before.mean()) * (y_before - mean_y)).sum() / sxx)
    resid = y_before - (mean_y + slope * (t_before - t_before.mean()))
    s2 = float((resid**2).sum() / (n - 2))
    se_slope = np.sqrt(s2 / sxx)
    if se_slope <= 0 or abs(slope / se_slope) < _z(0.95):
        return flat
    lever = (t_after_mean - t_before.mean()) ** 2 / sxx
    expected = float(np.clip(mean_y + slope * (t_after_mean - t_before.mean()), 0.0, 1.0))
    return expected, s2 * (1.0 / n + lever), "rising" if slope > 0 else "falling"


def fix_effect(
    store: Store,
    theme_id: str,
    fixed: date | None = None,
    *,
    conf: float = 0.95,
    min_comments: int = MIN_COMMENTS,
) -> FixEffect | None:
    """The effect of a fix on one theme; ``fixed`` defaults to the day its status became ``fixed``.

    Returns ``None`` when the theme is not fixed (and no day is given) or the workspace has no themes yet.
    """
    fixed = fixed or fixed_on(store, theme_id)
    if fixed is None or not store.has_table("feedback_themes"):
        return None
    df = _frame(store, theme_id)
    days = (pd.to_datetime(df["day"]) - pd.Timestamp(fixed)).dt.days.to_numpy(dtype=float)
    y = df["mention"].to_numpy(dtype=float)
    before, after = days < 0, days >= 0
    n_b, n_a = int(before.sum()), int(after.sum())
    x_b, x_a = int(y[before].sum()), int(y[after].sum())
    base = {"theme_id": theme_id, "fixed_on": fixed.isoformat(), "n_before": n_b, "n_after": n_a,
            "mentions_before": x_b, "mentions_after": x_a, "conf": conf}  # fmt: skip
    if min(n_b, n_a) < min_comments:
        empty = dict.fromkeys(("share_expected", "change", "change_low", "change_high", "sentiment_before",
                               "sentiment_after", "sentiment_change", "sentiment_low", "sentiment_high",
                               "sentiment_p"))  # fmt: skip
        msg = (f"not enough data to judge the fix of {fixed.isoformat()}: {n_b} dated comments before and {n_a} "
               f"after (at least {min_comments} on each side are needed)")  # fmt: skip
        shares = {"share_before": x_b / n_b if n_b else None, "share_after": x_a / n_a if n_a else None}
        return FixEffect(**base, **shares, **empty, pre_trend="flat", verdict="not enough data", message=msg)
    p_a = x_a / n_a
    expected, var_expected, trend = _expected_share(days[before], y[before], float(days[after].mean()))
    change = p_a - expected
    half = _z(conf) * float(np.sqrt(p_a * (1.0 - p_a) / n_a + var_expected))
    low, high = change - half, change + half
    verdict = "improved" if high < 0 else "worse" if low > 0 else "no change"
    senti = _sentiment_change(df["sentiment"].to_numpy(dtype=float), y, before, after, conf)
    effect = {"share_before": x_b / n_b, "share_after": p_a, "share_expected": expected, "pre_trend": trend,
              "change": change, "change_low": low, "change_high": high, **senti}  # fmt: skip
    message = _message(verdict, x_b / n_b, p_a, expected, trend, low, high, n_b, n_a, conf)
    return FixEffect(**base, **effect, verdict=verdict, message=message)


def _sentiment_change(s: np.ndarray, y: np.ndarray, before: np.ndarray, after: np.ndarray, conf: float) -> dict:
    b, a = s[before & (y > 0) & ~np.isnan(s)], s[after & (y > 0) & ~np.isnan(s)]
    out: dict[str, float | None] = {"sentiment_before": float(b.mean()) if b.size else None,
                                    "sentiment_after": float(a.mean()) if a.size else None}  # fmt: skip
    out.update(dict.fromkeys(("sentiment_change", "sentiment_low", "sentiment_high", "sentiment_p")))
    if a.size >= 2 and b.size >= 2:
        diff, _, p = welch_test(a.size, a.mean(), a.var(ddof=1), b.size, b.mean(), b.var(ddof=1))
        half = _z(conf) * float(np.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size))
        out.update(sentiment_change=float(diff), sentiment_low=float(diff) - half, sentiment_high=float(diff) + half,
                   sentiment_p=None if np.isnan(p) else float(p))  # fmt: skip
    return out


def _pct(value: float) -> str:
    return f"{100 * value:.1f} %"


def _message(
    verdict: str, before: float, after: float, expected: float, trend: str, low: float, high: float,
    n_b: int, n_a: int, conf: float,
) -> str:  # fmt: skip
    pct = _pct
    verb = "fell" if after < before else "rose" if after > before else "stayed"
    text = f"mentions {verb} from {pct(before)} to {pct(after)} of comments"
    if trend != "flat":
        text += f" (the {trend} trend before the fix predicted {pct(expected)})"
    text += (f"; change {100 * (after - expected):+.1f} points, {round(100 * conf)} % interval "
             f"{100 * low:+.1f} to {100 * high:+.1f}; n = {n_b:,} comments before, {n_a:,} after")  # fmt: skip
    if verdict == "no change":
        text += " (the interval includes zero)"
    return f"{verdict}: {text}"


def fix_effects(store: Store, *, team: str | None = None) -> list[FixEffect]:
    """The effect of every theme whose status is ``fixed`` (optionally one team's), in owner order."""
    table = owners(store, team=team)
    out = []
    for theme_id in table.loc[table["status"] == "fixed", "theme_id"]:
        effect = fix_effect(store, str(theme_id))
        if effect is not None:
            out.append(effect)
    return out
