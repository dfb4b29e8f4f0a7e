"""Assignment: unit vectors → themes, and units → comments (pure functions over numpy / Arrow).

Every unit goes to the theme owning its nearest prototype, unless even that is below ``min_similarity`` (then to
"other"). Guided themes (created by the user) also tag every unit at least ``guided_similarity`` close, so one
unit can carry a discovered and a guided theme. A comment's themes are the union of its units' themes. Its primary
theme: in a comment of ``WHOLE_MIN_UNITS`` or more units, the one of its themes that fits the *whole comment* best
(the comment vector's similarity to the theme) — counting sentences let a review's asides outvote its subject
("Love this dress. Runs small. Great colour. …" is about the dress); otherwise, and to break ties, the one most of
its units carry, then the higher summed score, then the theme id. In a two-sentence comment the comment vector is
only the blend of its two sentences and the theme nearest that blend is no better a pick (measured: GoEmotions
NMI 0.087 → 0.080 when every multi-unit comment used it; docs/bench/themes.md, round 7).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from empathic.themes.model import OTHER_ID, Theme, leaves

#: Comments with at least this many units take the theme nearest the whole comment as primary.
WHOLE_MIN_UNITS = 3
#: The ``fit`` of a secondary tag: below any real fit (cosines of unit vectors are ≥ −1 only in theory, and a
#: theme a comment reaches through its own units always has a fit of at least 0), so it never ranks first.
SECONDARY_FIT = -2.0


@dataclass(frozen=True)
class Assignment:
    """Per unique unit: its leaf theme and similarity (leaf −1 = other), plus extra guided tags.

    Attributes:
        leaf_ids: theme id of each leaf, indexing ``leaf``.
        leaf: int64 (n,), index into ``leaf_ids`` or −1 for other.
        score: float32 (n,), similarity to the nearest prototype.
        fits: bool (n,), the similarity reaches the leaf's radius (used for emerging detection).
        extra: list of (unit index, theme id, score) for guided themes tagged in addition.
        secondary: list of (unit index, theme id, score): the other aspects a unit names (its segments' themes,
            :mod:`empathic.themes.segments`); they count as mentions but never make a comment's primary theme.
    """

    leaf_ids: list[str]
    leaf: np.ndarray
    score: np.ndarray
    fits: np.ndarray
    extra: list[tuple[int, str, float]]
    secondary: list[tuple[int, str, float]] = field(default_factory=list)


def assign(vectors: np.ndarray, themes: list[Theme], *, min_similarity: float, guided_similarity: float) -> Assignment:
    """Assign L2-normalised unit ``vectors`` (n, dim) to the alive leaf themes."""
    leaf_themes = leaves(themes)
    n = len(vectors)
    if not leaf_themes or n == 0:
        return Assignment([], np.full(n, -1, np.int64), np.zeros(n, np.float32), np.zeros(n, bool), [])
    best_leaf = np.zeros(n, np.int64)
    best_score = np.zeros(n, np.float32)
    extra: list[tuple[int, str, float]] = []
    guided = [i for i, t in enumerate(leaf_themes) if t.origin == "guided"]
    for start, per_leaf in _leaf_similarities(vectors, leaf_themes):
        best_leaf[start : start + len(per_leaf)] = np.argmax(per_leaf, axis=1)
        best_score[start : start + len(per_leaf)] = per_leaf.max(axis=1)
        for g in guided:
            for r in np.flatnonzero(per_leaf[:, g] >= guided_similarity):
                if best_leaf[start + r] != g:
                    extra.append((int(start + r), leaf_themes[g].theme_id, float(per_leaf[r, g])))
    radius = np.array([t.radius for t in leaf_themes], np.float32)
    fits = best_score >= radius[best_leaf]
    leaf = np.where(best_score >= min_similarity, best_leaf, -1)
    return Assignment([t.theme_id for t in leaf_themes], leaf, best_score, fits, extra)


def members_by_leaf(assignment: Assignment) -> list[np.ndarray]:
    """Unit indices of each leaf (ascending), in ``leaf_ids`` order: one stable sort instead of a scan per leaf."""
    order = np.argsort(assignment.leaf, kind="stable")
    counts = np.bincount(assignment.leaf[order] + 1, minlength=len(assignment.leaf_ids) + 1)  # "other" (−1) first
    return np.split(order, np.cumsum(counts)[:-1])[1:]


def comment_similarity(comment_vectors: np.ndarray, themes: list[Theme], leaf_ids: list[str]) -> np.ndarray:
    """float32 (n_comments, n_leaves): each comment vector's similarity to each leaf (its nearest prototype)."""
    by_id = {t.theme_id: t for t in themes}
    out = np.zeros((len(comment_vectors), len(leaf_ids)), np.float32)
    if leaf_ids:
        for start, per_leaf in _leaf_similarities(comment_vectors, [by_id[i] for i in leaf_ids]):
            out[start : start + len(per_leaf)] = per_leaf
    return out


def _leaf_similarities(vectors: np.ndarray, leaf_themes: list[Theme], block: int = 8192):
    """(start, float32 (rows, n_leaves)) blocks: each vector's similarity to each leaf's nearest prototype."""
    protos = np.concatenate([t.prototypes for t in leaf_themes])
    starts = np.cumsum([0] + [len(t.prototypes) for t in leaf_themes[:-1]])
    for start in range(0, len(vectors), block):
        sims = vectors[start : start + block] @ protos.T
        yield start, sims if len(protos) == len(leaf_themes) else np.maximum.reduceat(sims, starts, axis=1)


def sentence_rows(
    unit_fid: np.ndarray,
    unit_idx: np.ndarray,
    unit_text_pos: np.ndarray,
    result: Assignment,
    themes: list[Theme],
    whole: tuple[np.ndarray, np.ndarray] | None = None,
) -> pa.Table:
    """The ``sentence_themes`` rows: one per unit × top-level theme (subtheme where the leaf is one), plus a
    ``fit`` column (how well the unit's theme fits its whole comment) that only ranks a comment's themes.

    Args:
        unit_fid: feedback_id per unit (n_units,).
        unit_idx: sentence_idx per unit.
        unit_text_pos: index of each unit's text in the unique texts the assignment was made on.
        whole: each unit's comment row (−1 where its comment is not ranked by the whole, e.g. shorter than
            ``WHOLE_MIN_UNITS``) and the (n_comments, n_leaves) :func:`comment_similarity` of those comments. The fit
            is 0 elsewhere (and everywhere without ``whole``), so there the number of units carrying a theme decides.
    """
    by_id = {t.theme_id: t for t in themes}
    top_of, sub_of = [], []
    for leaf_id in result.leaf_ids:
        t = by_id[leaf_id]
        top_of.append(t.parent_id if t.level == 2 else t.theme_id)
        sub_of.append(t.theme_id if t.level == 2 else None)
    leaf = result.leaf[unit_text_pos]
    score = result.score[unit_text_pos].astype(np.float64)
    row, sims = whole if whole is not None else (np.full(len(leaf), -1), np.zeros((0, 0), np.float32))
    fit = np.zeros_like(score)
    multi = np.flatnonzero((row >= 0) & (leaf >= 0))
    fit[multi] = sims[row[multi], leaf[multi]]
    top = np.array([*top_of, OTHER_ID], dtype=object)[leaf]
    sub = np.array([*sub_of, None], dtype=object)[leaf]
    cols = {
        "feedback_id": list(unit_fid),
        "sentence_idx": [int(i) for i in unit_idx],
        "theme_id": list(top),
        "subtheme_id": list(sub),
        "score": score.tolist(),
        "fit": fit.tolist(),
    }
    tagged = [(*e, None) for e in result.extra] + [(*e, SECONDARY_FIT) for e in result.secondary]
    if tagged:
        pos_to_units: dict[int, list[int]] = {}
        for u, p in enumerate(unit_text_pos):
            pos_to_units.setdefault(int(p), []).append(u)
        seen = set(zip(cols["feedback_id"], cols["sentence_idx"], cols["theme_id"], strict=True))
        leaf_index = {tid: i for i, tid in enumerate(result.leaf_ids)}
        for p, theme_id, extra_score, fixed_fit in tagged:
            t = by_id[theme_id]
            top_id = t.parent_id if t.level == 2 else t.theme_id
            for u in pos_to_units.get(p, []):
                key = (unit_fid[u], int(unit_idx[u]), top_id)
                if key in seen:
                    continue
                seen.add(key)
                cols["feedback_id"].append(unit_fid[u])
                cols["sentence_idx"].append(int(unit_idx[u]))
                cols["theme_id"].append(top_id)
                cols["subtheme_id"].append(t.theme_id if t.level == 2 else None)
                cols["score"].append(extra_score)
                if fixed_fit is not None:
                    cols["fit"].append(fixed_fit)
                else:
                    cols["fit"].append(float(sims[row[u], leaf_index[theme_id]]) if row[u] >= 0 else 0.0)
    return pa.table(
        cols,
        schema=pa.schema(
            [
                ("feedback_id", pa.string()),
                ("sentence_idx", pa.int32()),
                ("theme_id", pa.string()),
                ("subtheme_id", pa.string()),
                ("score", pa.float64()),
                ("fit", pa.float64()),
            ]
        ),
    )


FEEDBACK_THEMES_SQL = """
WITH real AS (
    SELECT * FROM st WHERE theme_id <> '{other}'
), covered AS (SELECT DISTINCT feedback_id FROM real),
top AS (
    SELECT feedback_id, theme_id, count(*) AS n, sum(score) AS s, max(fit) AS f,
           count(*) FILTER (WHERE fit > {secondary}) AS o FROM real GROUP BY ALL
    UNION ALL
    SELECT feedback_id, theme_id, count(*), sum(score), max(fit), count(*) FROM st
    WHERE theme_id = '{other}' AND feedback_id NOT IN (SELECT feedback_id FROM covered) GROUP BY ALL
), top_ranked AS (
    SELECT *, row_number() OVER (PARTITION BY feedback_id ORDER BY f DESC, o DESC, n DESC, s DESC, theme_id) AS r
    FROM top
), sub AS (
    SELECT r.feedback_id, r.subtheme_id AS theme_id, count(*) AS n, sum(r.score) AS s, max(r.fit) AS f,
           count(*) FILTER (WHERE r.fit > {secondary}) AS o, any_value(r.theme_id) AS parent
    FROM real r WHERE r.subtheme_id IS NOT NULL GROUP BY r.feedback_id, r.subtheme_id
), sub_ranked AS (
    SELECT s.*, t.theme_id AS primary_top, row_number() OVER (PARTITION BY s.feedback_id
        ORDER BY (s.parent = t.theme_id) DESC, s.f DESC, s.o DESC, s.n DESC, s.s DESC, s.theme_id) AS r
    FROM sub s JOIN top_ranked t ON t.feedback_id = s.feedback_id AND t.r = 1
)
SELECT feedback_id, theme_id, 1 AS level, r = 1 AS is_primary, n::INTEGER AS n_mentions FROM top_ranked
UNION ALL
SELECT feedback_id, theme_id, 2, r = 1 AND parent = primary_top, n::INTEGER FROM sub_ranked
ORDER BY feedback_id, level, theme_id
""".format(other=OTHER_ID, secondary=SECONDARY_FIT)  # noqa: UP032
