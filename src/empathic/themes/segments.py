"""Several aspects in one unit: "the food was great and the staff friendly" is about food *and* service.

A sentence unit is assigned to one theme, the one nearest its whole vector; an analyst's code frame tags it with
every aspect it names. Its aspect text (judgements gone: "the food was and the staff") is cut at list separators
(commas, semicolons, "and", "but", "with", "plus", "also") into *segments*; each segment with a content word is
embedded on its own (the static embedder, which lives in MiniLM's space: a few thousand short phrases cost
milliseconds) and assigned to its nearest leaf theme. A segment whose leaf differs from its unit's and fits it
(similarity at least the leaf's radius and ``min_similarity``) tags the unit with that theme as well.

Measured on SemEval-16 restaurant sentences (docs/bench/themes.md, round 8): comments carry 1.3 themes instead of
1.0 and code-frame recovery rises by about 0.05.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from empathic.themes.assign import Assignment, assign
from empathic.themes.model import Theme
from empathic.themes.stopwords import STOP_WORDS

SEGMENT_SPLIT = re.compile(r"[,;]|\b(?:and|but|with|plus|also|while|whereas)\b", re.IGNORECASE)
WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")


def aspect_segments(texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Segments of the texts that name two or more things, and each segment's text index (int64)."""
    segments: list[str] = []
    owner: list[int] = []
    for i, text in enumerate(texts):
        if not SEGMENT_SPLIT.search(text):
            continue
        parts = [p.strip() for p in SEGMENT_SPLIT.split(text)]
        parts = [p for p in parts if any(w.lower() not in STOP_WORDS for w in WORD.findall(p))]
        if len(parts) > 1:
            segments.extend(parts)
            owner.extend([i] * len(parts))
    return segments, np.asarray(owner, dtype=np.int64)


def segment_tags(
    texts: Sequence[str], assignment: Assignment, themes: list[Theme], *, min_similarity: float
) -> list[tuple[int, str, float]]:
    """Extra (text index, leaf theme id, similarity) tags from the segments of ``texts`` (the texts the
    ``assignment`` was made on, in its order), sorted; a text gets each other leaf at most once."""
    segments, owner = aspect_segments(texts)
    if not segments or not assignment.leaf_ids:
        return []
    from empathic.text.embed import get_embedder

    vectors = get_embedder("fast-minilm").embed(segments)
    found = assign(vectors, themes, min_similarity=min_similarity, guided_similarity=2.0)
    radius = {t.theme_id: t.radius for t in themes}
    best: dict[tuple[int, str], float] = {}
    for s in np.flatnonzero(found.leaf >= 0):
        unit = int(owner[s])
        leaf_id = found.leaf_ids[found.leaf[s]]
        own = assignment.leaf[unit]
        score = float(found.score[s])
        if (own >= 0 and assignment.leaf_ids[own] == leaf_id) or score < radius.get(leaf_id, 0.0):
            continue
        key = (unit, leaf_id)
        best[key] = max(score, best.get(key, -1.0))
    return sorted((u, tid, sc) for (u, tid), sc in best.items())
