"""Intent per sentence unit, multi-label: bug, request, complaint, praise, question, churn (else ``other``).

The vocabulary is a public contract (the export column ``intent``, ``;``-separated in :data:`INTENTS` order; see
docs/labelling-guide.md):

- ``bug``: something does not work as it should (crash, error, failure, didn't arrive, charged twice);
- ``request``: wants something new or changed (it replaced ``suggestion``, kept as an input alias: :data:`ALIASES`);
- ``complaint``: dissatisfaction without a concrete failure (price, policy, attitude);
- ``praise``, ``question``, ``churn`` (leaving, cancelling, switching).

Explicit cues (``rules``) and, in accurate mode, the fine-tuned encoder's intent head decide bug, request, question
and churn. A request is ``rules.REQUEST`` or ``rules.REQUEST_MORE`` ("BA needs to refurbish …", "I do miss the …"),
minus request-shaped judgements (``rules.REQUEST_NOT``: "they should be ashamed", "should be sacked", "everyone
should own one"), which are re-tested with those phrases taken out (docs/labelling-guide.md, "Requests and their
look-alikes"); the unit's sentiment separates complaints from praise; units with none of these go to their nearest
few-shot prototypes (``data/intent_prototypes.csv``) when those clearly point to a complaint, else ``other``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from empathic.feelings import rules
from empathic.feelings.prototypes import nearest_label

#: The intent labels in their export order (``other`` only when none applies).
INTENTS = ("bug", "request", "complaint", "praise", "question", "churn", "other")
#: Old or alternative names accepted in queries, mapped to the contract's names.
ALIASES = {"suggestion": "request", "suggestions": "request", "requests": "request", "bugs": "bug"}
#: A prototype match must beat the runner-up class by this much cosine to override "other".
PROTOTYPE_MARGIN = 0.05
#: Intents found by an explicit cue (or the encoder's intent head), each independently.
_CUES = (("bug", rules.BUG), ("request", rules.REQUEST), ("question", rules.QUESTION), ("churn", rules.CHURN))
#: Intents the prototypes may assign without a cue.
FALLBACK = ("complaint",)
#: A unit with a request cue is never also praise ("it would be great if …" reads positive but asks for a change;
#: praise in the same comment comes from its other units) ...
#: ... and a complaint only when it is clearly negative ("useless without an export"), not when a calm
#: request reads slightly negative ("Please add a petite size").
REQUEST_COMPLAINT_BELOW = -0.5


def canonical_intent(value: str) -> str:
    """The contract name of an intent typed by a user (``suggestion`` → ``request``); unknown names pass through."""
    key = value.strip().lower()
    return ALIASES.get(key, key)


def split_intents(value: str | None) -> list[str]:
    """The intents of one ``;``-separated intent string (empty for None / ``other``)."""
    return [v for v in (value or "").split(";") if v and v != "other"]


def classify_intent(
    texts: Sequence[str],
    embeddings: np.ndarray,
    sentiment: np.ndarray,
    *,
    embedder: str = "fast",
    pain_below: float = -0.2,
    gain_above: float = 0.2,
    lowered: object | None = None,
    head: dict[str, np.ndarray] | None = None,
) -> np.ndarray:
    """object array (n,) of ``;``-joined intents (in :data:`INTENTS` order, "other" when none).

    Args:
        texts: the units (n,).
        embeddings: float32 (n, dim) unit vectors of the mode's embedder (for the prototype fallback).
        sentiment: float (n,) scores in −1..1.
        lowered: ``rules.lowered_column(texts)`` when the caller already built it.
        head: optional bool (n,) flags per intent from the encoder's intent head, OR-ed with the cues.
    """
    if lowered is None:
        lowered = rules.lowered_column(texts)
    n = len(texts)
    flags = {name: rules.search_many(pattern, lowered) for name, pattern in _CUES}
    flags["request"] |= rules.search_many(rules.REQUEST_MORE, lowered)
    judged = np.flatnonzero(flags["request"] & rules.search_many(rules.REQUEST_NOT, lowered))
    if judged.size:  # moral "should", praise, advice to shoppers: re-test without those phrases
        values = lowered.values if isinstance(lowered, rules.TextColumn) else [str(t).lower() for t in lowered]
        rest = [rules.REQUEST_NOT.sub(" ", values[i]) for i in judged]
        flags["request"][judged] = rules.search_many(rules.REQUEST, rest) | rules.search_many(rules.REQUEST_MORE, rest)
    veto = rules.search_many(rules.REQUEST_VETO, lowered)
    if veto.any():
        flags["request"] &= ~veto | rules.search_many(rules.REQUEST_EXPLICIT, lowered)
    negated = np.flatnonzero(flags["bug"] & rules.search_many(rules.BUG_VETO, lowered))
    if negated.size:  # re-test those without their negated phrases
        values = lowered.values if isinstance(lowered, rules.TextColumn) else [str(t).lower() for t in lowered]
        rest = [rules.BUG_VETO.sub(" ", values[i]) for i in negated]
        flags["bug"][negated] = rules.search_many(rules.BUG, rest)
    for name, extra in (head or {}).items():
        if name in flags:
            flags[name] = flags[name] | extra
    s = np.asarray(sentiment, dtype=np.float64)
    cue = rules.search_many(rules.COMPLAINT, lowered) & ~rules.search_many(rules.COMPLAINT_VETO, lowered)
    complaint_below = np.where(flags["request"], min(pain_below, REQUEST_COMPLAINT_BELOW), pain_below)
    opinion = (s <= complaint_below) & ~flags["churn"]  # leaving is churn (already a pain), not also a complaint
    flags["complaint"] = ~flags["bug"] & (opinion | (cue & (s < gain_above) & ~flags["request"]))
    flags["praise"] = (s >= gain_above) & ~flags["question"] & ~flags["bug"] & ~flags["request"]
    none = ~np.any(np.vstack([flags[name] for name in flags]), axis=0) if n else np.zeros(0, bool)
    todo = np.flatnonzero(none)
    if todo.size:
        best, scores, classes = nearest_label(embeddings[todo], "intent_prototypes", embedder)
        ranked = -np.sort(-scores, axis=1)
        names = np.array(classes, dtype=object)[best]
        confident = (ranked[:, 0] - ranked[:, 1] >= PROTOTYPE_MARGIN) & np.isin(names, FALLBACK)
        flags["complaint"][todo[confident]] = True
    order = [name for name in INTENTS if name != "other"]
    columns = [np.where(flags[name], name, "") for name in order]
    out = np.array([";".join(v for v in row if v) or "other" for row in zip(*columns, strict=True)], dtype=object)
    return out if n else np.empty(0, dtype=object)


def intent_flags(intents: np.ndarray) -> dict[str, np.ndarray]:
    """bool (n,) per intent name (not "other") from ``;``-joined unit intents (n,)."""
    sets = [set(split_intents(v)) for v in intents]
    return {name: np.fromiter((name in s for s in sets), bool, len(sets)) for name in INTENTS if name != "other"}


def has_intent_sql(column: str, intent: str) -> str:
    """SQL test that a ``;``-joined intent column holds one intent (``intent`` must be one of :data:`INTENTS`)."""
    if intent not in INTENTS:
        raise ValueError(f"unknown intent {intent!r}")
    return f"list_contains(string_split({column}, ';'), '{intent}')"
