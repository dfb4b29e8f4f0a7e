"""Intent per sentence unit: complaint, suggestion, praise, question, churn signal or other.

Explicit cues decide first (churn → question → suggestion, ``rules``); then the unit's sentiment and complaint
cues separate complaints from praise; units that are neither go to their nearest few-shot prototypes
(``data/intent_prototypes.csv``) when those clearly point to a complaint, else ``other``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from empathic.feelings import rules
from empathic.feelings.prototypes import nearest_label

INTENTS = ("complaint", "suggestion", "praise", "question", "churn", "other")
#: A prototype match must beat the runner-up class by this much cosine to override "other".
PROTOTYPE_MARGIN = 0.05
#: Intents that need an explicit cue, in priority order (the first that fires wins).
_CUES = (("churn", rules.CHURN), ("question", rules.QUESTION), ("suggestion", rules.SUGGESTION))
#: Intents the prototypes may assign without a cue (suggestions, questions and churn need an explicit one, so the
#: ideas board only holds real proposals).
FALLBACK = ("complaint",)


def classify_intent(
    texts: Sequence[str],
    embeddings: np.ndarray,
    sentiment: np.ndarray,
    *,
    embedder: str = "fast",
    pain_below: float = -0.2,
    gain_above: float = 0.2,
    lowered: object | None = None,
) -> np.ndarray:
    """object array (n,) of intents from the texts, their embeddings and their sentiment scores (n,).

    ``lowered`` is ``rules.lowered_column(texts)`` when the caller already built it.
    """
    if lowered is None:
        lowered = rules.lowered_column(texts)
    out, decided = rules.first_match(_CUES, lowered)
    todo = np.flatnonzero(~decided)
    cue = rules.search_many(rules.COMPLAINT, lowered)[todo]
    s = sentiment[todo]
    out[todo[(s <= pain_below) | (cue & (s < gain_above))]] = "complaint"
    todo = np.flatnonzero(out == None)  # noqa: E711
    out[todo[sentiment[todo] >= gain_above]] = "praise"
    todo = np.flatnonzero(out == None)  # noqa: E711
    if todo.size:
        best, scores, classes = nearest_label(embeddings[todo], "intent_prototypes", embedder)
        ranked = -np.sort(-scores, axis=1)
        names = np.array(classes, dtype=object)[best]
        confident = (ranked[:, 0] - ranked[:, 1] >= PROTOTYPE_MARGIN) & np.isin(names, FALLBACK)
        out[todo] = np.where(confident, names, "other")
    return out
