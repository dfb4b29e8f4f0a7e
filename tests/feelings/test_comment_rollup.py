"""The comment roll-up of unit sentiment (``annotate.comment_sentiment``, the arithmetic ``aggregate_comments`` uses).

Plain-fact units must not dilute a comment's opinions to neutral, and one contrary clause must not turn a clearly
positive comment into ``mixed``; opinions that really cancel stay ``mixed``.
"""

from __future__ import annotations

import pyarrow as pa
import pytest

from empathic.feelings.annotate import comment_sentiment
from empathic.feelings.settings import FeelingsSettings


def _rollup(comments: dict[str, list[float]], single_mixed: str = "") -> dict[str, tuple[float, str]]:
    ids, scores, labels = [], [], []
    for fid, values in comments.items():
        for v in values:
            ids.append(fid)
            scores.append(v)
            labels.append(
                "mixed" if fid == single_mixed else "positive" if v >= 0.2 else "negative" if v <= -0.2 else "neutral"
            )
    units = pa.table({"feedback_id": ids, "sentiment": pa.array(scores, pa.float64()), "sentiment_label": labels})
    out = comment_sentiment(units, FeelingsSettings()).to_pylist()
    return {r["feedback_id"]: (r["sentiment"], r["sentiment_label"]) for r in out}


def test_facts_do_not_dilute_a_positive_review() -> None:
    # a 5-star review: two warm sentences, three plain facts, one small complaint ("runs a bit long")
    got = _rollup({"a": [0.9, 0.0, 0.05, -0.05, 0.6, -0.7]})["a"]
    assert got[1] == "positive"
    assert got[0] == pytest.approx(0.8 / 6, abs=1e-4)  # the score is still the mean of every unit


def test_balanced_opinions_are_mixed_and_lopsided_ones_are_not() -> None:
    got = _rollup({"even": [0.8, -0.8, 0.0], "lopsided": [0.9, 0.9, -0.5], "neg": [-0.9, 0.3, -0.6, 0.0]})
    assert got["even"][1] == "mixed"
    assert got["lopsided"][1] == "positive"
    assert got["neg"][1] == "negative"


def test_plain_facts_stay_neutral_and_a_mixed_single_unit_stays_mixed() -> None:
    got = _rollup({"facts": [0.05, -0.1, 0.0], "one": [0.1]}, single_mixed="one")
    assert got["facts"][1] == "neutral"
    assert got["one"][1] == "mixed"


def test_two_opinions_inside_the_band_lean_to_their_sign() -> None:
    # mean of the opinionated units 0.15: not balanced enough to be mixed (margin 0.1), not strong enough for the band
    got = _rollup({"c": [0.9, 0.9, 0.9, -0.5, -0.5, -0.8]})["c"]
    assert got[1] == "positive"
