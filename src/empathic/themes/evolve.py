"""Themes over time: keep theme ids across rediscoveries, and propose emerging themes from new data."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from empathic.themes.cluster import centroids, stable_partition
from empathic.themes.discover import member_radius
from empathic.themes.labels import distinct_labels, phrase_scores
from empathic.themes.model import Theme, stable_id, unique_id
from empathic.themes.settings import ThemesSettings

MATCH_SIMILARITY = 0.8


def match_to_previous(new: list[Theme], old: list[Theme], *, min_similarity: float = MATCH_SIMILARITY) -> None:
    """Give each new theme the id of the most similar old theme of the same level (greedy, one-to-one).

    Pairs are taken in order of decreasing centroid cosine ≥ ``min_similarity`` (ties by ids), so the result is
    deterministic. Parent ids of subthemes follow their renamed parents.
    """
    renames: dict[str, str] = {}
    for level in (1, 2):
        a = [t for t in new if t.level == level]
        b = [t for t in old if t.level == level]
        if not a or not b:
            continue
        sims = np.stack([t.centroid for t in a]) @ np.stack([t.centroid for t in b]).T
        pairs = sorted(
            ((float(sims[i, j]), i, j) for i, j in zip(*np.nonzero(sims >= min_similarity), strict=True)),
            key=lambda x: (-round(x[0], 6), a[x[1]].theme_id, b[x[2]].theme_id),
        )
        used_a, used_b = set(), set()
        taken_ids = {t.theme_id for t in new}
        for _, i, j in pairs:
            if i in used_a or j in used_b:
                continue
            if b[j].theme_id in taken_ids and b[j].theme_id != a[i].theme_id:
                continue
            used_a.add(i)
            used_b.add(j)
            renames[a[i].theme_id] = b[j].theme_id
            taken_ids.add(b[j].theme_id)
    for t in new:
        t.theme_id = renames.get(t.theme_id, t.theme_id)
        if t.parent_id is not None:
            t.parent_id = renames.get(t.parent_id, t.parent_id)


def find_emerging(
    texts: Sequence[str],
    vectors: np.ndarray,
    n_comments: np.ndarray,
    background: Sequence[str],
    themes: list[Theme],
    settings: ThemesSettings,
    *,
    seed: int,
) -> tuple[list[Theme], list[np.ndarray]]:
    """Cluster new units that fit no existing theme; groups from enough comments become ``emerging`` themes.

    Args:
        texts: unique texts of the new, unfitting units; ``vectors`` their float32 (n, dim) vectors.
        n_comments: int (n,), how many comments each text comes from.
        background: texts of other units (for distinctive labels).
        themes: the existing themes (labels are kept distinct from theirs; centroids too close are refused).
        settings: themes settings (``emerging_min_comments``, kNN and resolutions).

    Returns:
        The new themes (top-level, status ``emerging``) and, for each, the indices of its member units.
    """
    if len(texts) < settings.emerging_min_comments:
        return [], []
    part = stable_partition(vectors, k=settings.knn, resolutions=[0.5, 1.0], n_seeds=2, seed=seed)  # coarse groups
    cents = centroids(vectors, part.labels, part.n_clusters)
    existing = np.stack([t.centroid for t in themes if t.alive]) if any(t.alive for t in themes) else None
    picked: list[int] = []
    for c in range(part.n_clusters):
        members = np.flatnonzero(part.labels == c)
        if n_comments[members].sum() < settings.emerging_min_comments:
            continue
        cohesion = float(np.mean(vectors[members] @ cents[c]))
        near = float((existing @ cents[c]).max()) if existing is not None else 0.0
        if cohesion >= 0.45 and near < MATCH_SIMILARITY:
            picked.append(c)
    if not picked:
        return [], []
    groups = [[texts[i] for i in np.flatnonzero(part.labels == c)] for c in picked]
    ranked = phrase_scores([*groups, list(background)])
    taken = {t.label for t in themes if t.alive} | {"other"}
    labels = distinct_labels(ranked, list(range(len(picked))), taken)
    out, members_out = [], []
    taken_ids = {t.theme_id for t in themes}
    for k, c in enumerate(picked):
        members = np.flatnonzero(part.labels == c)
        t = Theme(
            unique_id(stable_id("emerging", *sorted(texts[i] for i in members)[:3]), taken_ids),
            None,
            1,
            labels[k],
            cents[c],
            cents[c][None, :],
            status="emerging",
            origin="emerging",
            radius=member_radius(vectors[members], cents[c]),
        )
        t.keywords = [p for p, _ in ranked[k][: settings.n_keywords]]
        out.append(t)
        members_out.append(members)
    return out, members_out
