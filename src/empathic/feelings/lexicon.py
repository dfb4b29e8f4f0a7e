"""Lexicon features from VADER: the part of a sentiment read that embeddings miss (negation, intensifiers, emoji).

Mean-pooled embeddings see "not good" close to "good". VADER's rules (negation scope, "but" weighting, boosters
such as "very"/"barely", ALL CAPS, "!!!", emoji) are cheap (≈ 25k sentences/s) and complement them, so every
sentiment head takes ``[embedding, lexicon_features]`` as input.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

#: Names of the columns returned by :func:`lexicon_features`, in order.
FEATURE_NAMES = ("compound", "pos", "neg", "neu", "negated", "question", "exclaim")
NEGATION = re.compile(
    r"\b(?:not|no|never|none|nobody|nothing|neither|nor|cannot|without|hardly|barely|"
    r"\w+n't|dont|didnt|doesnt|isnt|wasnt|wont|cant|couldnt|wouldnt|shouldnt|aint)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=1)
def _analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def vader_compound(texts: Sequence[str]) -> np.ndarray:
    """VADER's compound score (-1..1) per text: the baseline the benchmark compares against."""
    analyzer = _analyzer()
    return np.array([analyzer.polarity_scores(t or "")["compound"] for t in texts], dtype=np.float32)


def lexicon_features(texts: Sequence[str]) -> np.ndarray:
    """float32 array (n_texts, len(FEATURE_NAMES)): VADER scores plus negation / question / exclamation flags."""
    analyzer = _analyzer()
    out = np.zeros((len(texts), len(FEATURE_NAMES)), dtype=np.float32)
    for i, text in enumerate(texts):
        text = text or ""
        s = analyzer.polarity_scores(text)
        out[i, 0:4] = (s["compound"], s["pos"], s["neg"], s["neu"])
        out[i, 4] = 1.0 if NEGATION.search(text) else 0.0
        out[i, 5] = 1.0 if "?" in text else 0.0
        out[i, 6] = min(text.count("!"), 3) / 3.0
    return out
