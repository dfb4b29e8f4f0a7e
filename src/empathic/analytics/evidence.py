"""Evidence rules: when a number has enough behind it to be shown, tested, called significant or alerted on.

One place for the rules every analytics result obeys, so every front door (CLI, web, report, REST API, alerts)
inherits them from the stored or live results instead of re-deciding per page:

- **volume** — a cell (segment × theme, period × theme), a period and a theme need a minimum number of comments
  (:class:`EvidenceRules`, from :class:`~empathic.analytics.settings.AnalyticsSettings`) before a rate is shown
  or a test is run. Below it the number is not shown (``nan``) rather than shown as 100 % of one comment;
- **shrunk variance** — a small group whose answers happen to be identical has sample variance 0, which makes
  any test against it "infinitely" significant (4 detractors → p = 1e-94). Variances are shrunk toward the
  overall variance with ``prior_strength`` pseudo-comments before testing (:func:`shrunk_variance`);
- **credible intervals for small cells** — a segment's theme share or mean gets an interval from a posterior whose
  prior is the attribute-wide value worth ``prior_strength`` comments (:func:`share_credible_interval`,
  :func:`mean_credible_interval`): 2 of 2 comments is not "100 %" but "somewhere between the usual rate and 100 %";
  a segment too small to be tested shows that shrunk value instead of its raw rate;
- **finite intervals** — an interval that is not finite (n < 2, zero variance) means the result is not shown;
- **partial periods** — the newest period is *partial* when the data stops before its last day; it is flagged and
  never alerted on (:func:`partial_periods`);
- **alerts** need significance **and** a minimum effect **and** volume (:func:`alert_worthy`);
- every number states its n (:func:`n_text`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from empathic.analytics.settings import AnalyticsSettings

#: Width of each score kind's scale in points (see ``stats.score_points_sql``): NPS −100..100, CSAT/recommend %.
SCALE_POINTS = {"nps": 200.0, "csat": 100.0, "recommend": 100.0}


@dataclass(frozen=True)
class EvidenceRules:
    """The thresholds of the evidence rules (see module docstring); built from the analytics settings."""

    alpha: float = 0.05
    min_period_n: int = 30
    min_theme_n: int = 10
    min_cell_n: int = 10
    min_score_effect: float = 0.025
    min_share_change: float = 0.02
    prior_strength: float = 10.0
    exclude_partial: bool = True
    baseline_periods: int = 6

    @classmethod
    def from_settings(cls, settings: AnalyticsSettings) -> EvidenceRules:
        """The rules of one settings tree (every threshold is a setting with a default)."""
        return cls(
            alpha=settings.alpha, min_period_n=settings.min_period_n, min_theme_n=settings.min_theme_n,
            min_cell_n=settings.min_cell_n, min_score_effect=settings.min_score_effect,
            min_share_change=settings.alert_min_share_change, prior_strength=settings.prior_strength,
            exclude_partial=settings.exclude_partial_periods, baseline_periods=settings.alert_baseline_periods,
        )  # fmt: skip

    def score_effect(self, kind: str, span: float | None = None) -> float:
        """Smallest score change worth an alert, in the score's points: ``min_score_effect`` × the scale's width
        (NPS 200 points → 5; CSAT 100 % → 2.5; a 1–10 rating → 0.225)."""
        return self.min_score_effect * scale_points(kind, span)


def scale_points(kind: str, span: float | None = None) -> float:
    """Width of a score's scale in its points: fixed for nps/csat/recommend, ``scale_max − scale_min`` for ratings."""
    if kind in SCALE_POINTS:
        return SCALE_POINTS[kind]
    return float(span) if span and np.isfinite(span) and span > 0 else 4.0


def enough(n: Any, minimum: int) -> np.ndarray:
    """Boolean mask: ``n ≥ minimum`` (nan counts as not enough)."""
    n = np.asarray(n, dtype=float)
    return np.nan_to_num(n, nan=-1.0) >= minimum


def finite(*columns: Any) -> np.ndarray:
    """Boolean mask: every given value is finite (an interval with a nan or inf end is not shown)."""
    masks = [np.isfinite(np.asarray(c, dtype=float)) for c in columns]
    return np.logical_and.reduce(masks) if masks else np.array([], dtype=bool)


def shrunk_variance(n: Any, variance: Any, prior_variance: Any, strength: float) -> np.ndarray:
    """Variance of a group shrunk toward ``prior_variance`` with ``strength`` pseudo-comments.

    ``((n − 1)·v + k·v₀) / (n − 1 + k)``: a large group keeps its own variance; a group of 4 identical answers gets
    most of the overall variance instead of 0. A group with n < 2 (no own variance) gets ``v₀``.
    """
    n = np.asarray(n, dtype=float)
    v = np.nan_to_num(np.asarray(variance, dtype=float), nan=0.0)
    v0 = np.asarray(prior_variance, dtype=float)
    own = np.maximum(n - 1.0, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (own * v + strength * v0) / (own + strength)
    return np.where(own + strength > 0, out, v0)


def share_credible_interval(
    x: Any, n: Any, prior_share: Any, strength: float, conf: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Posterior mean and equal-tailed credible interval of a share ``x / n`` under a Beta prior centred on
    ``prior_share`` worth ``strength`` comments (``strength = 0``: Jeffreys' prior). Always finite for n ≥ 0.

    Returns:
        ``(shrunk share, low, high)``, float arrays.
    """
    from empathic.stats import sps

    x, n = np.asarray(x, dtype=float), np.asarray(n, dtype=float)
    p0 = np.clip(np.nan_to_num(np.asarray(prior_share, dtype=float), nan=0.5), 1e-6, 1 - 1e-6)
    a = x + (strength * p0 if strength > 0 else 0.5)
    b = n - x + (strength * (1.0 - p0) if strength > 0 else 0.5)
    tail = (1.0 - conf) / 2.0
    return a / (a + b), sps.beta.ppf(tail, a, b), sps.beta.ppf(1.0 - tail, a, b)


def mean_credible_interval(
    n: Any, mean: Any, variance: Any, prior_mean: Any, prior_variance: Any, strength: float, conf: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean shrunk toward ``prior_mean`` with ``strength`` pseudo-comments, and its normal interval using the
    variance shrunk the same way (:func:`shrunk_variance`). Finite whenever the prior is (a group of 1 included).

    Returns:
        ``(shrunk mean, low, high)``, float arrays.
    """
    from empathic.stats import _z

    n = np.asarray(n, dtype=float)
    m0 = np.asarray(prior_mean, dtype=float)
    m = np.where(n > 0, np.nan_to_num(np.asarray(mean, dtype=float), nan=0.0), m0)
    var = shrunk_variance(n, variance, prior_variance, strength)
    with np.errstate(invalid="ignore", divide="ignore"):
        center = (n * m + strength * m0) / (n + strength)
        half = _z(conf) * np.sqrt(var / (n + strength))
    return center, center - half, center + half


def period_end(start: Any, grain: str) -> datetime:
    """Exclusive end of the period of ``grain`` (day/week/month/quarter/year) starting at ``start``."""
    ts = pd.Timestamp(start)
    step = {"day": pd.DateOffset(days=1), "week": pd.DateOffset(weeks=1), "month": pd.DateOffset(months=1),
            "quarter": pd.DateOffset(months=3), "year": pd.DateOffset(years=1)}[grain]  # fmt: skip
    return (ts + step).to_pydatetime()


def is_partial(start: Any, end: Any, newest: Any, slack: timedelta = timedelta(days=1)) -> bool:
    """Whether the period ``[start, end)`` is unfinished relative to the newest data: the newest comment falls inside
    it and more than ``slack`` before its end (a month whose data stops on the 10th is partial; one reaching its
    last day is not). See :func:`partial_slack` for a slack that fits sparse data."""
    if newest is None or pd.isna(newest):
        return False
    newest = pd.Timestamp(newest)
    return pd.Timestamp(start) <= newest < pd.Timestamp(end) and pd.Timestamp(end) - newest > slack


def partial_slack(first: Any, newest: Any, n: int) -> timedelta:
    """How far before a period's end the data may stop and the period still count as finished: one day, or three
    typical gaps between comments when they are sparser (15 reviews a month: a week)."""
    if first is None or newest is None or pd.isna(first) or pd.isna(newest) or not n:
        return timedelta(days=1)
    gap = (pd.Timestamp(newest) - pd.Timestamp(first)) / max(int(n), 1)
    return max(timedelta(days=1), (3 * gap).to_pytimedelta())


def partial_periods(starts: Any, grain: str, newest: Any, slack: timedelta = timedelta(days=1)) -> np.ndarray:
    """Boolean mask over period starts: which periods are partial (at most the newest one)."""
    starts = pd.to_datetime(pd.Series(starts)).reset_index(drop=True)
    flags = {s: is_partial(s, period_end(s, grain), newest, slack) for s in starts.dropna().unique()}
    return starts.map(flags).fillna(False).to_numpy(dtype=bool)


def alert_worthy(q: Any, effect: Any, n: Any, *, alpha: float, min_effect: float, min_n: int) -> np.ndarray:
    """Significance **and** a minimum effect (absolute) **and** volume: the three conditions of every alert."""
    q = np.asarray(q, dtype=float)
    effect = np.abs(np.asarray(effect, dtype=float))
    significant = np.nan_to_num(q, nan=2.0) <= alpha
    big = np.nan_to_num(effect, nan=0.0) >= min_effect
    return significant & big & enough(n, min_n)


def hide_unsupported(frame: pd.DataFrame, low: str, high: str, *, n: str | None = None, min_n: int = 0):
    """Rows of ``frame`` whose interval ``[low, high]`` is finite (and ``n`` column ≥ ``min_n``).

    Returns:
        ``(shown, n_hidden)``: the rows to show (index reset) and how many were withheld.
    """
    if frame.empty:
        return frame, 0
    keep = finite(frame[low], frame[high])
    if n is not None:
        keep &= enough(frame[n], min_n)
    return frame[keep].reset_index(drop=True), int((~keep).sum())


def n_text(n: Any) -> str:
    """The n every number states, as text: ``n=1,234`` (``n=0`` for missing)."""
    try:
        value = 0 if n is None or pd.isna(n) else int(n)
    except (TypeError, ValueError):
        value = 0
    return f"n={value:,}"
