"""Refinement at scale: split a big discovered subtheme whose members form crisp communities of their own.

Discovery clusters a sample (2,500 units in fast mode), so on 100k comments a subtheme can hold thousands of units
and, inside a mix, several real topics (Banking77's intents are ~175 units of such a sample). After every unit is
assigned, each big leaf's members are clustered again (an evenly spaced sample of them, Leiden on a kNN graph):
the leaf is split only when its members' communities are crisp — partitions from different seeds agree (mean
pairwise ARI ≥ ``CRISP``) — and distinct — members sit clearly closer to their own part than to the next
(``MIN_MARGIN``) — so diffuse subthemes (opinions, chatter) stay whole. The parts become subthemes of the
same top-level theme. Pure function over vectors and themes; deterministic for a seed.
"""

from __future__ import annotations

import numpy as np

from empathic.themes.assign import Assignment, members_by_leaf
from empathic.themes.cluster import adjusted_rand_score, centroids, dissolve_small, igraph_leiden, similarity_graph
from empathic.themes.discover import member_radius, typical_id
from empathic.themes.model import Theme, unique_id

#: Seeds must agree this much (mean pairwise ARI) for a leaf to be split.
CRISP = 0.8
#: Members clustered per big leaf (evenly spaced, deterministic). 1,200 rather than 600: the crispness test is
#: steadier on a bigger sample and small real groups (a Banking77 intent inside a mixed subtheme) keep enough members.
SAMPLE = 1200
#: A part must hold at least this share of the leaf's sample (24 of 1,200 members).
MIN_PART_SHARE = 0.02
#: Modularity at resolution 2 inside a leaf: fine enough to separate intent-sized groups; diffuse leaves fail the
#: crispness test at this resolution more often than at 1, so they stay whole (round 5 in docs/bench/themes.md).
RESOLUTION = 2.0
#: Partitions compared for the crispness test.
N_SEEDS = 3
#: Members must sit this much closer (mean cosine) to their own part's centroid than to the nearest other part's.
#: Crisp communities are not always distinct topics: in fast mode a review's sentences share its context vector,
#: so a diffuse subtheme of reviews ("shirt") can split crisply into groups of similar reviews whose parts all read
#: "cute shirt", "shirt is pretty", "beautiful shirt" (mean margin 0.034 in the demo), while Banking77's intents
#: inside a mixed subtheme part at 0.064–0.094 (round 6 in docs/bench/themes.md).
MIN_MARGIN = 0.05


def _split(vectors: np.ndarray, *, k: int, seed: int) -> np.ndarray | None:
    """Part id per row when the rows form crisp communities (modularity at ``RESOLUTION``), else None."""
    graph = similarity_graph(vectors, k)
    runs = [igraph_leiden(graph, RESOLUTION, seed + i) for i in range(N_SEEDS)]
    pairs = [adjusted_rand_score(runs[i], runs[j]) for i in range(N_SEEDS) for j in range(i + 1, N_SEEDS)]
    if np.mean(pairs) < CRISP:
        return None
    parts = dissolve_small(vectors, runs[0], max(5, int(MIN_PART_SHARE * len(vectors))))
    if parts.max() < 1:
        return None
    return parts if _margin(vectors, parts) >= MIN_MARGIN else None


def _margin(vectors: np.ndarray, parts: np.ndarray) -> float:
    """Mean over rows of cos(row, own part's centroid) − max cos(row, another part's centroid)."""
    sims = vectors @ centroids(vectors, parts, int(parts.max() + 1)).T
    rows = np.arange(len(parts))
    own = sims[rows, parts]  # fancy indexing copies, so masking ``sims`` below leaves it as it is
    sims[rows, parts] = -np.inf
    return float(np.mean(own - sims.max(axis=1)))


def refine(
    themes: list[Theme],
    texts: list[str],
    vectors: np.ndarray,
    assignment: Assignment,
    *,
    min_units: int,
    k: int,
    seed: int,
) -> int:
    """Split big discovered subthemes with crisp inner communities, in place; returns the number of new subthemes.

    Args:
        themes: the tree (discovered leaves are replaced by their parts, under the same parent).
        texts: unit texts (for the new themes' ids).
        vectors: float32 (n, dim) unit vectors the assignment was made on.
        assignment: the assignment of every unit to the current leaves.
        min_units: leaves with fewer assigned units are left alone.
        k: neighbours per unit in the kNN graph.
        seed: base seed.
    """
    added = 0
    by_id = {t.theme_id: t for t in themes}
    taken = set(by_id)
    for leaf_id, members in zip(assignment.leaf_ids, members_by_leaf(assignment), strict=True):
        leaf = by_id[leaf_id]
        if leaf.origin != "discovered" or leaf.level != 2 or leaf.label_locked or len(members) < min_units:
            continue
        pick = members[np.linspace(0, len(members) - 1, min(SAMPLE, len(members))).astype(np.int64)]
        parts = _split(vectors[pick], k=k, seed=seed)
        if parts is None:
            continue
        n_parts = int(parts.max() + 1)
        cents = centroids(vectors[pick], parts, n_parts)
        position = themes.index(leaf)
        taken.discard(leaf_id)  # the leaf gives way: one of its parts may keep its id, but only one
        new = []
        for p in range(n_parts):
            own = pick[parts == p]
            part_id = unique_id(typical_id([texts[i] for i in own], vectors[own], cents[p], 2), taken)
            radius = member_radius(vectors[own], cents[p])
            new.append(Theme(part_id, leaf.parent_id, 2, leaf.label, cents[p], cents[p][None, :], radius=radius))
        themes[position : position + 1] = new
        added += n_parts - 1
    return added
