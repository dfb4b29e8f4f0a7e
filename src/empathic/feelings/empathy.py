"""The empathy map: which quadrant a sentence belongs to, and whether it voices a pain or a gain.

Quadrants (Dave Gray's empathy map, as product teams use it):

- ``thinks_feels``: opinions, feelings, worries ("I love it", "so disappointed", "I think it's overpriced").
- ``sees``: what they observe in the product, competitors or market ("the fabric is thin", "other stores offer
  free returns").
- ``says_does``: their actions and statements ("I returned it", "I cancelled", "I'm 5'4 and ordered a small").
- ``hears``: word of mouth and what others tell them ("my friend said", "reviews say", "the agent told me").

A sentence that mentions a competitor ("unlike Emirates", "other airlines offer…";
:mod:`empathic.feelings.competitors`) is always ``sees``. Otherwise explicit cues (``rules``) decide first, in the
order hears → says & does → thinks & feels → sees → questions and first-person statements (says & does); a
sentence with no cue goes to its nearest few-shot prototypes (``data/empathy_prototypes.csv``) among thinks & feels
and sees — "hears" and "says & does" need an explicit cue.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from empathic.feelings import rules
from empathic.feelings.competitors import competitor_mentions
from empathic.feelings.intent import intent_flags
from empathic.feelings.prototypes import nearest_label

QUADRANTS = ("thinks_feels", "sees", "says_does", "hears")
_RULE_ORDER = (
    ("hears", rules.HEARS),
    ("says_does", rules.SAYS_DOES),
    ("thinks_feels", rules.THINKS_FEELS),
    ("sees", rules.SEES),
    ("says_does", rules.QUESTION),
    ("says_does", rules.FIRST_PERSON),
    ("says_does", rules.SAYS_DOES_IMPLICIT),
)
#: Quadrants the prototypes may choose when no cue fired.
FALLBACK = ("sees", "thinks_feels")


def classify_quadrant(
    texts: Sequence[str], embeddings: np.ndarray, *, embedder: str = "fast", lowered: object | None = None
) -> np.ndarray:
    """object array (n,) of quadrant names, one per text.

    ``lowered`` is ``rules.lowered_column(texts)`` when the caller already built it.
    """
    if lowered is None:
        lowered = rules.lowered_column(texts)
    out, decided = rules.first_match(_RULE_ORDER, lowered)
    todo = np.flatnonzero(~decided)
    if todo.size:
        _, scores, classes = nearest_label(embeddings[todo], "empathy_prototypes", embedder)
        cols = [classes.index(q) for q in FALLBACK]
        out[todo] = np.array(FALLBACK, dtype=object)[scores[:, cols].argmax(axis=1)]
    out[competitor_mentions(texts)] = "sees"  # a look at the market, whatever else the sentence does
    return out


def pains_and_gains(
    sentiment: np.ndarray, intents: np.ndarray, *, pain_below: float = -0.2, gain_above: float = 0.2
) -> tuple[np.ndarray, np.ndarray]:
    """Boolean (n,) pain and gain flags: a pain is a negative unit or a bug/complaint/churn; a gain a positive one.

    ``intents`` are the units' ``;``-joined intents (:func:`empathic.feelings.intent.classify_intent`).
    """
    flags = intent_flags(intents)
    pain = (sentiment <= pain_below) | flags["bug"] | flags["complaint"] | flags["churn"]
    gain = ((sentiment >= gain_above) | flags["praise"]) & ~pain
    return pain, gain
