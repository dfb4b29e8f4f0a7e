"""The batch fast path gives the same answers as the per-text reference implementations it replaces."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from empathic.feelings import rules
from empathic.feelings.annotate import _scores_json, scores_json
from empathic.feelings.emotions import _ANY_NAMED, EMOTIONS, emotion_labels, named_emotions
from empathic.feelings.lexicon import FEATURE_NAMES, NEGATION, lexicon_features, reference_lexicon_features
from empathic.feelings.textnorm import clean_texts

EVAL = Path(__file__).parent / "data" / "empathy_eval.csv"

#: Sentences that exercise every VADER rule the batch scorer re-implements.
VADER_CASES = [
    "VADER is smart, handsome, and funny.",
    "VADER is VERY SMART, handsome, and FUNNY!!!",
    "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
    "VADER is not smart, handsome, nor funny.",
    "At least it isn't a horrible book.",
    "The book was only kind of good.",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "Today only kinda sux! But I'll get by, lol",
    "Make sure you :) or :D today!",
    "Catch utf-8 emoji such as 💘 and 💋 and 😁",
    "Not bad at all",
    "no good, no no bad, no or nor happy",
    "It was the least bad option, at least good, very least happy",
    "never so good, never this bad, it was never so very good",
    "without doubt the best, without a doubt great",
    "that movie was the bomb, yeah right it was good, the kiss of death",
    "it is to die for and the shit, bad ass dress",
    "sort of nice, just enough fun, kind of sad",
    "Great great great but but bad bad good",
    "good good but good good",
    "GOOD", "good", "", "   ", "!!!", "???", "really??? really!!!!",
    "I don't love it. I didn't hate it either.",
    "It's EXTREMELY good and barely acceptable",
    "The dress😍was perfect",
]  # fmt: skip


def eval_texts() -> list[str]:
    with EVAL.open(encoding="utf-8", newline="") as fh:
        return [row["text"] for row in csv.DictReader(fh)]


@pytest.mark.parametrize("source", ["cases", "eval"])
def test_batch_lexicon_features_match_vader(source: str) -> None:
    texts = clean_texts(VADER_CASES if source == "cases" else eval_texts())
    fast, ref = lexicon_features(texts), reference_lexicon_features(texts)
    assert fast.shape == ref.shape == (len(texts), len(FEATURE_NAMES))
    diff = np.abs(fast - ref)
    # VADER rounds to 3-4 decimals; summing in another order can at most flip that last rounded digit
    assert diff.max() <= 1.001e-3, [(texts[i], fast[i], ref[i]) for i in np.flatnonzero(diff.max(axis=1) > 1e-3)]
    assert (diff > 1e-6).mean() < 0.01
    assert np.corrcoef(fast[:, 0], ref[:, 0])[0, 1] > 0.9999
    if source == "eval":
        assert np.abs(ref[:, 0]).mean() > 0.1  # the set really exercises the lexicon


def test_batch_lexicon_features_are_deterministic_and_batch_independent() -> None:
    texts = clean_texts(eval_texts())
    whole = lexicon_features(texts)
    parts = np.vstack([lexicon_features(texts[i : i + 37]) for i in range(0, len(texts), 37)])
    np.testing.assert_array_equal(whole, parts)
    np.testing.assert_array_equal(whole, lexicon_features(texts))


def test_search_many_matches_re_for_every_rule() -> None:
    lowered = [t.lower() for t in eval_texts() + VADER_CASES] + ["line one\nline two?", "so sad\n"]
    column = rules.column(lowered)
    patterns = [v for v in vars(rules).values() if hasattr(v, "pattern") and hasattr(v, "search")]
    patterns += [NEGATION, _ANY_NAMED]
    assert len(patterns) >= 12
    for pattern in patterns:
        expected = np.array([pattern.search(t) is not None for t in lowered])
        np.testing.assert_array_equal(rules.search_many(pattern, column), expected, err_msg=pattern.pattern[:60])
        np.testing.assert_array_equal(rules.search_many(pattern, lowered), expected)


def test_named_emotions_respect_negation() -> None:
    got = named_emotions(["I am not disappointed at all", "so disappointed", "thank you, never worried"] * 30)
    col = {e: j for j, e in enumerate(EMOTIONS)}
    assert not got[0, col["disappointment"]]
    assert got[1, col["disappointment"]]
    assert got[2, col["gratitude"]] and not got[2, col["fear"]]


def test_scores_json_and_labels_match_the_per_row_formatting() -> None:
    rng = np.random.default_rng(7)
    scores = rng.random((500, len(EMOTIONS))).astype(np.float32)
    scores[:50] = np.round(scores[:50], 3)  # values on the 3-decimal grid
    scores[50] = 0.0
    scores[51] = 1.0
    scores[52] = 0.5
    assert scores_json(scores).to_pylist() == [_scores_json(r) for r in scores]
    expected = [";".join(EMOTIONS[i] for i in np.argsort(-row, kind="stable") if row[i] >= 0.5) for row in scores]
    assert emotion_labels(scores, 0.5) == expected
    assert emotion_labels(scores[:0]) == []


def test_text_that_is_not_utf8_takes_the_per_text_path() -> None:
    texts = ["so good \ud800 but bad"] * 70 + ["not good at all"]
    np.testing.assert_array_equal(lexicon_features(texts), reference_lexicon_features(texts))
    expected = np.array([rules.COMPLAINT.search(t) is not None for t in texts])
    np.testing.assert_array_equal(rules.search_many(rules.COMPLAINT, rules.column(texts)), expected)
