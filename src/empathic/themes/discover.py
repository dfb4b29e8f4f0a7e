"""Discovery: unit vectors → a labelled two-level theme tree (pure function, no store)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from empathic.themes.assign import Assignment, members_by_leaf
from empathic.themes.cluster import centroids, dissolve_small, group_clusters, stable_partition
from empathic.themes.hierarchy import reparent
from empathic.themes.labels import (
    LABEL_HEAD,
    MEANING_HEAD,
    contested_labels,
    distinct_labels,
    drop_containers,
    general_labels,
    label_key,
    phrase_counts,
    phrase_scores,
    rerank_by_meaning,
    rerank_by_spread,
    summed_counts,
)
from empathic.themes.model import Theme, children, normalise, stable_id, text_hash, unique_id
from empathic.themes.settings import ThemesSettings


@dataclass(frozen=True)
class DiscoveryInfo:
    """How the tree was found (recorded in the stage result)."""

    n_units: int
    resolution: float
    stability: float
    n_subthemes: int
    n_top: int


def member_radius(vectors: np.ndarray, centroid: np.ndarray) -> float:
    """A typical member's similarity to the centroid (10th percentile): new units below it do not fit."""
    return float(np.percentile(vectors @ centroid, 10)) if len(vectors) else 0.0


def typical_id(texts: Sequence[str], vectors: np.ndarray, centroid: np.ndarray, level: int) -> str:
    """Deterministic id from the three most typical member texts (ties broken by text hash)."""
    sims = vectors @ centroid
    hashes = [text_hash(t) for t in texts]
    order = sorted(range(len(texts)), key=lambda i: (-round(float(sims[i]), 5), hashes[i]))[:3]
    return stable_id(str(level), *sorted(hashes[i] for i in order))


def discover(
    texts: Sequence[str], vectors: np.ndarray, settings: ThemesSettings, *, seed: int
) -> tuple[list[Theme], DiscoveryInfo]:
    """Find themes in unit texts with no number of themes given.

    Args:
        texts: the (unique) unit texts clustered, length n.
        vectors: float32 (n, dim), L2-normalised, same order.
        settings: themes settings (kNN size, resolutions, sizes, label counts).
        seed: base random seed.

    Returns:
        The themes (top-level first, each followed by its subthemes) and a summary of the choice made.
    """
    part = stable_partition(
        vectors,
        k=settings.knn,
        resolutions=settings.resolutions,
        n_seeds=settings.stability_seeds,
        seed=seed,
        min_size=settings.min_theme_units,
    )
    fine = dissolve_small(vectors, part.labels, settings.min_theme_units)
    n_fine = int(fine.max() + 1) if len(fine) else 0
    fine_cents = centroids(vectors, fine, n_fine)
    sizes = np.bincount(fine, minlength=n_fine)
    group = group_clusters(fine_cents, sizes, min_groups=settings.min_top_themes, max_groups=settings.max_top_themes)
    group = reparent(fine_cents, sizes, group)
    n_top = int(group.max() + 1) if len(group) else 0
    top_of_unit = group[fine] if len(fine) else fine
    text_arr = np.asarray(texts, dtype=object)
    top_groups = [list(text_arr[top_of_unit == g]) for g in range(n_top)]
    fine_groups = [list(text_arr[fine == c]) for c in range(n_fine)]
    taken: set[str] = {"other"}
    fine_counts = [phrase_counts(g) for g in fine_groups]  # each unit's phrases extracted once for both levels
    kids = [np.flatnonzero(group == g) for g in range(n_top)]
    top_counts = [summed_counts([fine_counts[c] for c in k]) for k in kids]
    top_ranked = rerank_by_spread(
        phrase_scores(top_groups, counts=top_counts), [[(fine_counts[c], len(fine_groups[c])) for c in k] for k in kids]
    )
    top_labels = distinct_labels(top_ranked, range(n_top), taken)
    fine_ranked = phrase_scores(fine_groups, counts=fine_counts)
    fine_labels = distinct_labels(fine_ranked, list(range(n_fine)), taken)
    themes: list[Theme] = []
    # masked aspect texts repeat ("seat", "food"), so two groups can share their typical texts: ids stay unique
    ids_taken: set[str] = set()
    for g in range(n_top):
        members = np.flatnonzero(group == g)
        mask = top_of_unit == g
        cent = normalise(vectors[mask].mean(axis=0))
        top_id = unique_id(typical_id(top_groups[g], vectors[mask], cent, 1), ids_taken)
        single = len(members) == 1
        own = fine_cents[members] if single else np.zeros((0, vectors.shape[1]), np.float32)
        top = Theme(top_id, None, 1, top_labels[g], cent, own, radius=member_radius(vectors[mask], cent))
        top.keywords = [p for p, _ in top_ranked[g][: settings.n_keywords]]
        themes.append(top)
        if single:
            continue
        for c in members:
            cmask = fine == c
            sub_id = unique_id(typical_id(fine_groups[c], vectors[cmask], fine_cents[c], 2), ids_taken)
            radius = member_radius(vectors[cmask], fine_cents[c])
            sub = Theme(sub_id, top_id, 2, fine_labels[c], fine_cents[c], fine_cents[c][None, :], radius=radius)
            sub.keywords = [p for p, _ in fine_ranked[c][: settings.n_keywords]]
            themes.append(sub)
    info = DiscoveryInfo(len(texts), part.resolution, part.stability, n_fine, n_top)
    return themes, info


#: Units per leaf theme read when labels are redone from the assigned members (evenly spaced, deterministic).
LABEL_SAMPLE = 400


def relabel_from_members(
    themes: list[Theme],
    texts: Sequence[str],
    assignment: Assignment,
    n_keywords: int,
    containers: frozenset[str] = frozenset(),
) -> None:
    """Label discovered themes from the units assigned to them, in place.

    Discovery sees a sample (2,500 units in fast mode, so ≈ 15 per subtheme): phrase counts that small pick
    flukes ("throw", "meets"). After assignment every unit belongs to a theme, so labels and keywords are redone
    from up to ``LABEL_SAMPLE`` members per leaf: counts rank the candidate phrases, closeness in meaning to the
    theme's centroid picks among the best of them; a word naming the product itself (``containers``,
    :func:`container_words`) never labels a theme alone. Themes the user named (``label_locked``) or made (guided,
    split, merged) keep their labels, and labels stay distinct from theirs.
    """
    members = dict(zip(assignment.leaf_ids, members_by_leaf(assignment), strict=True))
    groups = {tid: [texts[i] for i in _evenly(idx, LABEL_SAMPLE)] for tid, idx in members.items() if len(idx)}
    taken = {"other"} | {t.label for t in themes if t.alive and not _relabelable(t)}
    counts = {tid: phrase_counts(g) for tid, g in groups.items()}  # each unit's phrases extracted once
    tops = [t for t in themes if t.level == 1 and t.alive]
    kids = []
    for t in tops:  # a top-level theme's leaves: its subthemes, or itself when it owns its units
        ids = [c.theme_id for c in children(themes, t.theme_id) if c.theme_id in groups]
        kids.append(ids + [tid for tid in (t.theme_id,) if tid in groups])  # its own units too (a folded catch-all)
    top_ranked = rerank_by_spread(
        phrase_scores(
            [[x for i in k for x in groups[i]] for k in kids],
            counts=[summed_counts([counts[i] for i in k]) for k in kids],
        ),
        [[(counts[i], len(groups[i])) for i in k] for k in kids],
    )
    subs = [t for t in themes if t.level == 2 and t.alive and t.theme_id in groups]
    sub_ranked = phrase_scores([groups[t.theme_id] for t in subs], counts=[counts[t.theme_id] for t in subs])
    # counts find the candidates; meaning picks among them (the centroid is what the members say together)
    containers = containers | _container_synonyms(top_ranked + sub_ranked, containers)
    general = general_labels(top_ranked, containers)
    top_ranked, sub_ranked = drop_containers(top_ranked, containers), drop_containers(sub_ranked, containers)
    vectors = _phrase_vectors(top_ranked + sub_ranked)
    top_ranked = rerank_by_meaning(top_ranked, [t.centroid for t in tops], vectors)
    sub_ranked = rerank_by_meaning(sub_ranked, [t.centroid for t in subs], vectors)
    _apply_labels(tops, top_ranked, taken, n_keywords)
    for theme, label in zip(tops, general, strict=True):  # the product's catch-all says so (labels.general_labels)
        if label and _relabelable(theme) and label not in {t.label for t in themes if t is not theme}:
            theme.label = label
    _apply_labels(subs, sub_ranked, taken, n_keywords)


def _phrase_vectors(ranked: Sequence[Sequence[tuple[str, float]]]) -> dict[str, np.ndarray]:
    """L2-normalised vectors of the phrases :func:`rerank_by_meaning` weighs, from the static embedder that lives in
    MiniLM's space (``fast-minilm``): a few thousand short phrases at most, embedded in milliseconds in either mode."""
    from empathic.text.embed import get_embedder

    phrases = sorted({p for scored in ranked for p, _ in scored[:MEANING_HEAD]})
    vectors = get_embedder("fast-minilm").embed(phrases) if phrases else np.zeros((0, 384), np.float32)
    return dict(zip(phrases, vectors, strict=True))


#: A one-word label this similar to a container word (static vectors) names the product too: "flying" (0.78),
#: "airline" (0.76), "plane" (0.76) next to "flight"; not "aircraft" (0.70), "airport" (0.59), "boarding" (0.47).
CONTAINER_SYNONYM = 0.75


def _container_synonyms(ranked: Sequence[Sequence[tuple[str, float]]], containers: frozenset[str]) -> frozenset[str]:
    """The label keys of the one-word phrases near the top of ``ranked`` that a reader takes for a container word."""
    if not containers:
        return frozenset()
    words = sorted({p for scored in ranked for p, _ in scored[:LABEL_HEAD] if " " not in p} - containers)
    if not words:
        return frozenset()
    from empathic.text.embed import get_embedder

    embed = get_embedder("fast-minilm").embed
    near = (normalise(embed(words)) @ normalise(embed(sorted(containers))).T).max(axis=1)
    return frozenset(label_key(w) for w, sim in zip(words, near.tolist(), strict=True) if sim >= CONTAINER_SYNONYM)


def _relabelable(theme: Theme) -> bool:
    return theme.origin == "discovered" and not theme.label_locked


def _evenly(idx: np.ndarray, n: int) -> np.ndarray:
    """At most ``n`` elements of ``idx``, evenly spaced (deterministic)."""
    return idx if len(idx) <= n else idx[np.linspace(0, len(idx) - 1, n).astype(np.int64)]


def _apply_labels(group: list[Theme], ranked, taken: set[str], n_keywords: int) -> None:
    """Give the relabelable themes of ``group`` distinct labels from ``ranked`` (no phrase: the label stays)."""
    order = [i for i, t in enumerate(group) if _relabelable(t) and ranked[i]]
    labels = contested_labels(ranked, order, taken)
    for i in order:
        group[i].label = labels[i]
        group[i].keywords = [p for p, _ in ranked[i][:n_keywords]]
