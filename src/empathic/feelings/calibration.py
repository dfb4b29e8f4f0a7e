"""Calibrate comment sentiment to the workspace's own scores (NPS, CSAT, rating), only when it helps.

Where comments carry a score, the score says what the customer felt overall. A small multinomial logistic
regression maps each comment's sentiment summary (mean, lowest and highest unit score, shares of negative and
positive units) to the score's side (detractor / passive / promoter, or low / middle / high rating). It is
cross-validated on the workspace's scored comments (stratified folds, seeded) and **applied only when it beats
the shipped labels on the held-out folds** (mean macro-F1 gain ≥ :data:`MIN_GAIN`, better in most folds, and a
bootstrap lower bound of the gain above zero, so noise is not mistaken for a gain); the
decision, with the agreement before and after, is stored in ``feelings_calibration`` and the run's message.

Applied, it relabels every comment (scored or not) by the refitted model and sets its score to
P(positive) − P(negative); sentence units keep the shipped read. A comment read as mixed (it goes both ways) stays
mixed unless the calibrated model is confident (P ≥ :data:`MIXED_CONFIDENT`) which side its score falls on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

CLASSES = ("negative", "neutral", "positive")
FEATURES = ("mean", "lowest", "highest", "share_negative", "share_positive")
#: Scored comments needed before a calibration is even tried, and per class present.
MIN_SCORED = 60
MIN_PER_CLASS = 10
FOLDS = 5
#: Mean held-out macro-F1 gain needed to apply the calibration ...
MIN_GAIN = 0.02
#: ... and the share of folds in which it must be better ...
MIN_FOLD_WINS = 0.6
#: ... and the gain's bootstrap interval (over the pooled held-out predictions, this many resamples, seeded) must
#: lie above zero at this one-sided level: a gain that noise could give is not applied.
BOOTSTRAP = 400
CONFIDENCE = 0.95
#: A mixed comment takes the calibrated side only at this probability (else it stays mixed).
MIXED_CONFIDENT = 0.6


@dataclass
class Calibration:
    """The outcome of one calibration attempt (what ``empathic feelings WS --calibration`` shows).

    Attributes:
        score: the score it was fitted to (None when the workspace has none).
        n: scored comments used; ``classes``: their count per target side.
        before / after: held-out macro-F1 agreement of the shipped and the calibrated labels with the score's side
            (mean over folds); ``accuracy_before`` / ``accuracy_after`` the same as shares of comments.
        fold_wins: folds where the calibrated labels agreed better; ``gain_low`` the bootstrap lower bound of
            the macro-F1 gain over the pooled held-out predictions.
        applied: whether the labels were replaced; ``reason`` says why (not).
    """

    score: str | None = None
    n: int = 0
    classes: dict[str, int] = field(default_factory=dict)
    before: float | None = None
    after: float | None = None
    accuracy_before: float | None = None
    accuracy_after: float | None = None
    fold_wins: int = 0
    folds: int = 0
    gain_low: float | None = None
    applied: bool = False
    reason: str = ""
    model_: Any = None

    def record(self) -> dict[str, Any]:
        """A JSON-friendly summary (no model)."""
        return {k: v for k, v in self.__dict__.items() if not k.endswith("_")}

    def summary(self) -> str:
        """One line for the run message."""
        if self.before is None:
            return f"calibration not tried: {self.reason}"
        verdict = "applied" if self.applied else "not applied"
        return (
            f"calibration to {self.score} {verdict} (n={self.n}, held-out macro-F1 {self.before:.3f} → "
            f"{self.after:.3f}, better in {self.fold_wins}/{self.folds} folds): {self.reason}"
        )


def score_sides(scores: pd.DataFrame) -> pd.Series:
    """feedback_id → the side of its score: negative / neutral / positive.

    ``scores`` has feedback_id, value, scale_min, scale_max and kind. NPS: 0–6 detractor (negative), 7–8 passive,
    9–10 promoter; any other score: the lowest 40 % of its scale negative, the highest 40 % positive (1–2 and 4–5 of
    five stars).
    """
    span = (scores["scale_max"] - scores["scale_min"]).replace(0, np.nan)
    x = (scores["value"] - scores["scale_min"]) / span
    nps = scores["kind"].eq("nps") & scores["scale_max"].eq(10) & scores["scale_min"].eq(0)
    low = np.where(nps, scores["value"] <= 6, x < 0.4 - 1e-9)
    high = np.where(nps, scores["value"] >= 9, x > 0.6 + 1e-9)
    side = np.where(low, "negative", np.where(high, "positive", "neutral"))
    out = pd.Series(side, index=scores["feedback_id"].to_numpy(), dtype=object)
    return out[x.notna().to_numpy()]


def comment_features(units: pd.DataFrame, band: float) -> pd.DataFrame:
    """Per comment (index feedback_id): the :data:`FEATURES` of its units' sentiment scores."""
    s = units["sentiment"].astype(float)
    g = units.assign(_neg=(s <= -band).astype(float), _pos=(s >= band).astype(float)).groupby("feedback_id")
    return pd.DataFrame(
        {
            "mean": g["sentiment"].mean(),
            "lowest": g["sentiment"].min(),
            "highest": g["sentiment"].max(),
            "share_negative": g["_neg"].mean(),
            "share_positive": g["_pos"].mean(),
        }
    )


def _three(labels: np.ndarray) -> np.ndarray:
    """Comment labels on the three sides (mixed counts as neutral, as the score's middle)."""
    return np.where(labels == "mixed", "neutral", labels).astype(object)


def _macro_f1(truth: np.ndarray, pred: np.ndarray) -> float:
    """Macro-F1 over the classes present in ``truth`` (a class never predicted scores 0)."""
    scores = []
    for c in CLASSES:
        t, p = truth == c, pred == c
        if not t.any():
            continue
        tp = float((t & p).sum())
        scores.append(2 * tp / (t.sum() + p.sum()) if tp else 0.0)
    return float(np.mean(scores)) if scores else 0.0


def _codes(labels: np.ndarray) -> np.ndarray:
    return np.searchsorted(np.array(CLASSES, dtype=object), labels)


def _bootstrap_low(truth: np.ndarray, base: np.ndarray, pred: np.ndarray, seed: int) -> float:
    """The one-sided lower bound (:data:`CONFIDENCE`) of the macro-F1 gain of ``pred`` over ``base``, resampling
    comments (per class counts by ``bincount``, so 400 resamples of 100k comments stay fast)."""
    t, b, p = _codes(truth), _codes(base), _codes(pred)
    k = len(CLASSES)
    present = np.bincount(t, minlength=k) > 0
    rng = np.random.default_rng(seed)
    gains = np.empty(BOOTSTRAP)
    for r in range(BOOTSTRAP):
        w = np.bincount(rng.integers(0, len(t), len(t)), minlength=len(t)).astype(np.float64)
        f = []
        for guess in (b, p):
            tp = np.bincount(t, weights=w * (guess == t), minlength=k)
            n_true = np.bincount(t, weights=w, minlength=k)
            n_pred = np.bincount(guess, weights=w, minlength=k)
            with np.errstate(invalid="ignore", divide="ignore"):
                f1 = np.where(tp > 0, 2 * tp / (n_true + n_pred), 0.0)
            f.append(f1[present].mean())
        gains[r] = f[1] - f[0]
    return float(np.quantile(gains, 1 - CONFIDENCE))


def _model(seed: int) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=1.0, class_weight="balanced", max_iter=500, random_state=seed)


def _labels(model: Any, x: np.ndarray, shipped: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(calibrated labels with "mixed" kept where the model is not confident, P(positive) − P(negative))."""
    proba = model.predict_proba(x)
    classes = list(model.classes_)
    labels = np.asarray(classes, dtype=object)[proba.argmax(axis=1)]
    keep = (shipped == "mixed") & (proba.max(axis=1) < MIXED_CONFIDENT)
    p_pos = proba[:, classes.index("positive")] if "positive" in classes else np.zeros(len(x))
    p_neg = proba[:, classes.index("negative")] if "negative" in classes else np.zeros(len(x))
    return np.where(keep, "mixed", labels).astype(object), p_pos - p_neg


def _predict(model: Any, x: np.ndarray, shipped: np.ndarray) -> np.ndarray:
    return _three(_labels(model, x, shipped)[0])


def fit(
    features: pd.DataFrame, shipped: pd.Series, sides: pd.Series, *, score: str | None, seed: int = 42
) -> Calibration:
    """Cross-validate a calibration of ``shipped`` comment labels to the score ``sides``; refit it on all when it
    helps (see the module docstring). All three inputs are indexed by feedback_id."""
    from sklearn.model_selection import StratifiedKFold

    if score is None or sides.empty:
        return Calibration(score=score, reason="no comment carries an NPS, CSAT or rating score")
    ids = sorted(set(sides.index) & set(features.index) & set(shipped.index))
    truth = sides.loc[ids].to_numpy(dtype=object)
    counts = {c: int((truth == c).sum()) for c in CLASSES if (truth == c).any()}
    cal = Calibration(score=score, n=len(ids), classes=counts)
    big = [c for c, k in counts.items() if k >= MIN_PER_CLASS]
    if len(ids) < MIN_SCORED or len(big) < 2:
        cal.reason = (
            f"too few scored comments ({len(ids)}; need {MIN_SCORED}, with {MIN_PER_CLASS}+ on at least two sides)"
        )
        return cal
    keep = np.isin(truth, big)
    ids = [i for i, k in zip(ids, keep, strict=True) if k]
    truth = truth[keep]
    x = features.loc[ids, list(FEATURES)].to_numpy(dtype=np.float64)
    base = _three(shipped.loc[ids].to_numpy(dtype=object))
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=seed)
    before, after, acc_b, acc_a = [], [], [], []
    pooled = np.empty(len(ids), dtype=object)
    for train, test in folds.split(x, truth):
        model = _model(seed).fit(x[train], truth[train])
        pred = _predict(model, x[test], shipped.loc[ids].to_numpy(dtype=object)[test])
        pooled[test] = pred
        before.append(_macro_f1(truth[test], base[test]))
        after.append(_macro_f1(truth[test], pred))
        acc_b.append(float((base[test] == truth[test]).mean()))
        acc_a.append(float((pred == truth[test]).mean()))
    cal.n = len(ids)
    cal.before, cal.after = round(float(np.mean(before)), 4), round(float(np.mean(after)), 4)
    cal.accuracy_before, cal.accuracy_after = round(float(np.mean(acc_b)), 4), round(float(np.mean(acc_a)), 4)
    cal.folds = FOLDS
    cal.fold_wins = int(sum(a > b for a, b in zip(after, before, strict=True)))
    gain = cal.after - cal.before
    cal.gain_low = round(_bootstrap_low(truth, base, pooled, seed), 4)
    if gain >= MIN_GAIN and cal.fold_wins >= MIN_FOLD_WINS * FOLDS and cal.gain_low > 0:
        cal.applied = True
        cal.reason = (
            f"it agrees better with the scores on held-out folds (+{gain:.3f}, {CONFIDENCE:.0%} lower bound "
            f"+{cal.gain_low:.3f})"
        )
        cal.model_ = _model(seed).fit(x, truth)
    else:
        cal.reason = (
            f"it does not beat the shipped model on held-out folds (gain {gain:+.3f}, {CONFIDENCE:.0%} lower bound "
            f"{cal.gain_low:+.3f}; needs +{MIN_GAIN:.2f}, a lower bound above 0 and "
            f"{int(np.ceil(MIN_FOLD_WINS * FOLDS))}/{FOLDS} folds)"
        )
    return cal


def apply(cal: Calibration, comments: pd.DataFrame, features: pd.DataFrame) -> pd.DataFrame:
    """Comments (feedback_id, sentiment, sentiment_label, …) relabelled by an applied calibration (else unchanged)."""
    if not cal.applied or cal.model_ is None or comments.empty:
        return comments
    x = features.loc[comments["feedback_id"], list(FEATURES)].to_numpy(dtype=np.float64)
    shipped = comments["sentiment_label"].to_numpy(dtype=object)
    labels, score = _labels(cal.model_, x, shipped)
    mixed = labels == "mixed"
    return comments.assign(
        sentiment=np.where(mixed, comments["sentiment"], np.round(score, 4)),
        sentiment_label=labels,
    )
