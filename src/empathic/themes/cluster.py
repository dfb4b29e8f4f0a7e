"""Clustering without a number of clusters: Leiden communities on a cosine kNN graph, resolution chosen by stability.

Why this design (see docs/bench/themes.md): HDBSCAN is slow at 10k × 384 and throws many points out as noise;
KMeans needs K. Leiden on a kNN graph is fast (well under a second for 3k units), assigns every point, and the
resolution whose partitions agree most across random seeds (mean pairwise ARI) is a data-driven choice of
granularity. All randomness is seeded, so the same vectors give the same partition.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Seeds agreeing at least this much (mean pairwise ARI) mean the graph has crisp communities at that resolution:
#: the finest such resolution is used. Banking77's 77 intents: 0.83–0.91 at resolutions 4–16 (accurate and fast
#: mode, 3 or 4 seeds); reviews, tweets and restaurant sentences: 0.61–0.79 at every resolution.
CLEAR_STABILITY = 0.8
#: Without crisp communities (reviews, tweets: 0.6–0.79 at every resolution, and which resolution scores highest
#: flips with the seeds) the resolution nearest this one is used: a stable, moderate granularity.
FALLBACK_RESOLUTION = 4.0


def knn_graph(vectors: np.ndarray, k: int, *, block: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """Exact cosine kNN of L2-normalised ``vectors`` (n, dim) → (neighbour ids (n, k), similarities (n, k)).

    Computed in row blocks so memory stays at ``block × n`` floats; neighbours are sorted by (-similarity, id).
    """
    n = len(vectors)
    k = min(k, n - 1)
    ids = np.zeros((n, k), dtype=np.int64)
    sims = np.zeros((n, k), dtype=np.float32)
    for start in range(0, n, block):
        s = vectors[start : start + block] @ vectors.T
        rows = np.arange(s.shape[0])
        s[rows, rows + start] = -np.inf
        part = np.argpartition(-s, k, axis=1)[:, :k] if k < n - 1 else np.argsort(-s, axis=1)[:, :k]
        part_s = np.take_along_axis(s, part, 1)
        order = np.lexsort((part, -part_s), axis=1)
        ids[start : start + len(s)] = np.take_along_axis(part, order, 1)
        sims[start : start + len(s)] = np.take_along_axis(part_s, order, 1)
    return ids, sims


def _igraph(ids: np.ndarray, sims: np.ndarray):
    import igraph as ig

    n, k = ids.shape
    src = np.repeat(np.arange(n), k)
    edges = np.stack([np.minimum(src, ids.ravel()), np.maximum(src, ids.ravel())], axis=1)
    weights = np.clip(sims.ravel(), 1e-6, None).astype(np.float64)
    graph = ig.Graph(n=n, edges=edges.tolist(), directed=False)
    graph.es["weight"] = weights.tolist()
    return graph.simplify(combine_edges="max")


def leiden(graph, resolution: float, seed: int) -> np.ndarray:
    """Community id per node (int64), relabelled so ids are ordered by first appearance (deterministic)."""
    import leidenalg

    part = leidenalg.find_partition(
        graph,
        leidenalg.RBConfigurationVertexPartition,
        weights="weight",
        resolution_parameter=resolution,
        seed=seed,
        n_iterations=2,
    )
    _, first, inverse = np.unique(np.asarray(part.membership), return_index=True, return_inverse=True)
    rank = np.argsort(np.argsort(first))
    return rank[inverse].astype(np.int64)


def similarity_graph(vectors: np.ndarray, k: int):
    """The weighted, undirected cosine kNN graph (igraph) of L2-normalised ``vectors``."""
    return _igraph(*knn_graph(vectors, k))


def igraph_leiden(graph, resolution: float, seed: int) -> np.ndarray:
    """Community id per node from igraph's own Leiden (modularity at ``resolution``), seeded through a private RNG.

    ~12× faster than :func:`leiden` on small graphs (≈ 2 ms against 25 ms a run on 800 nodes), so refinement can
    afford it on every big subtheme; discovery keeps :func:`leiden`, whose seed stability ``CLEAR_STABILITY`` and
    ``FALLBACK_RESOLUTION`` are calibrated on (igraph's reads coarse resolutions as crisper).
    """
    import random

    import igraph as ig

    ig.set_random_number_generator(random.Random(seed))
    try:
        part = graph.community_leiden(
            objective_function="modularity", weights="weight", resolution=resolution, n_iterations=2
        )
    finally:
        ig.set_random_number_generator(random)
    return np.asarray(part.membership, dtype=np.int64)


def adjusted_rand_score(a: np.ndarray, b: np.ndarray) -> float:
    """Adjusted Rand index of two labelings (as ``sklearn.metrics.adjusted_rand_score``, tested against it).

    A few lines of numpy instead of importing scikit-learn for one function: the import alone took 1.3 s of the
    100k-comment themes stage.
    """
    a, b = np.asarray(a), np.asarray(b)
    n = len(a)
    _, ai = np.unique(a, return_inverse=True)
    _, bi = np.unique(b, return_inverse=True)
    n_a, n_b = int(ai.max(initial=-1) + 1), int(bi.max(initial=-1) + 1)
    if n_a == n_b == 1 or n_a == n_b == 0 or n_a == n_b == n:
        return 1.0
    cells = np.bincount(ai.ravel() * n_b + bi.ravel()).astype(np.float64)
    pairs = float((cells * (cells - 1)).sum() / 2)
    rows = np.bincount(ai.ravel()).astype(np.float64)
    cols = np.bincount(bi.ravel()).astype(np.float64)
    sum_a, sum_b = float((rows * (rows - 1)).sum() / 2), float((cols * (cols - 1)).sum() / 2)
    expected = sum_a * sum_b / (n * (n - 1) / 2)
    best = (sum_a + sum_b) / 2
    return 1.0 if best == expected else (pairs - expected) / (best - expected)


@dataclass(frozen=True)
class Partition:
    """A clustering: ``labels`` (n,) int64 and how it was chosen."""

    labels: np.ndarray
    resolution: float
    stability: float
    n_clusters: int


def stable_partition(
    vectors: np.ndarray, *, k: int, resolutions: list[float], n_seeds: int, seed: int, min_size: int = 5
) -> Partition:
    """The Leiden partition at the finest resolution whose communities are crisp, else at a moderate resolution.

    Stability = mean pairwise ARI of partitions from different seeds. On data with real fine structure (intents)
    it is high (≥ ``CLEAR_STABILITY``) and the finest such resolution wins. On diffuse data (reviews, tweets) it
    sits at 0.6–0.79 for every resolution and its maximum moves with the seeds (2026-11-26 probes: airline tweets
    picked 2, 4 or 16 and the bundled reviews 2 or 16 for 3, 4 or 5 seeds), so "most stable" is noise there;
    ``FALLBACK_RESOLUTION`` is used instead (the nearest candidate in log scale). See docs/bench/themes.md.

    Args:
        vectors: float32 (n, dim), L2-normalised.
        k: neighbours per node.
        resolutions: candidate resolutions.
        n_seeds: partitions per resolution; stability = mean pairwise ARI between them.
        seed: base seed; the returned partition is the one computed with ``seed``.
        min_size: partitions leaving most nodes in communities smaller than this are not considered.
    """
    n = len(vectors)
    if n < 3:
        return Partition(np.zeros(n, dtype=np.int64), 0.0, 1.0, 1 if n else 0)
    graph = similarity_graph(vectors, k)
    candidates = []
    # finest first: the first usable crisp partition is the answer, and coarser resolutions need not be run
    for resolution in sorted(resolutions, reverse=True):
        runs = [leiden(graph, resolution, seed + i) for i in range(n_seeds)]
        pairs = [adjusted_rand_score(runs[i], runs[j]) for i in range(n_seeds) for j in range(i + 1, n_seeds)]
        part = Partition(runs[0], resolution, float(np.mean(pairs)), int(runs[0].max() + 1))
        # a partition into crumbs (most nodes in communities smaller than ``min_size``) is trivially "stable"
        if part.stability >= CLEAR_STABILITY and _share_in_big(part.labels, min_size) >= 0.5:
            return part
        candidates.insert(0, part)
    usable = [c for c in candidates if _share_in_big(c.labels, min_size) >= 0.5] or candidates[:1]
    return min(usable, key=lambda c: (abs(np.log(max(c.resolution, 1e-9) / FALLBACK_RESOLUTION)), c.resolution))


def _share_in_big(labels: np.ndarray, min_size: int) -> float:
    """Share of nodes that sit in communities of at least ``min_size`` nodes."""
    sizes = np.bincount(labels)
    return float(sizes[sizes >= min_size].sum() / max(1, len(labels)))


def centroids(vectors: np.ndarray, labels: np.ndarray, n_clusters: int) -> np.ndarray:
    """L2-normalised mean vector per cluster id 0..n_clusters-1 → float32 (n_clusters, dim)."""
    sums = np.zeros((n_clusters, vectors.shape[1]), dtype=np.float64)
    np.add.at(sums, labels, vectors)
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return (sums / np.clip(norms, 1e-12, None)).astype(np.float32)


def dissolve_small(vectors: np.ndarray, labels: np.ndarray, min_size: int) -> np.ndarray:
    """Move members of clusters smaller than ``min_size`` to the nearest big cluster; relabel 0..m-1 by size."""
    ids, counts = np.unique(labels, return_counts=True)
    big = ids[counts >= min_size]
    if len(big) == 0:
        return np.zeros_like(labels)
    remap = {int(c): i for i, c in enumerate(big)}
    new = np.array([remap.get(int(c), -1) for c in labels], dtype=np.int64)
    cents = centroids(vectors[new >= 0], new[new >= 0], len(big))
    loose = new < 0
    if loose.any():
        new[loose] = np.argmax(vectors[loose] @ cents.T, axis=1)
    sizes = np.bincount(new, minlength=len(big))
    order = np.lexsort((np.arange(len(big)), -sizes))
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rank[new]


#: The biggest top-level theme may hold at most this share of the units (when some cut in range allows it).
MAX_TOP_SHARE = 0.25
#: Among cuts whose silhouette is at least this share of the best, the one with the fewest groups wins (easier to
#: scan). On diffuse data the centroid silhouette creeps up with the number of groups (reviews: 0.132 at 14 groups,
#: 0.142 at 34), so an absolute slack of 0.01 flipped between 14 and 28 top themes on small changes of the vectors.
SILHOUETTE_SHARE = 0.9


def group_clusters(cents: np.ndarray, sizes: np.ndarray, *, min_groups: int, max_groups: int) -> np.ndarray:
    """Group fine clusters into top-level themes: Ward linkage on the centroids, cut chosen by silhouette.

    Ward (on L2-normalised centroids, so Euclidean distance is monotone in cosine) builds compact, balanced groups;
    average linkage chained most clusters of diffuse data into one giant theme (57% of the reviews under "dress").
    Cuts from ``min_groups`` to ``max_groups`` groups are scored by the cosine silhouette of the centroids; a cut
    whose biggest group holds more than ``MAX_TOP_SHARE`` of the units is only used when no cut meets the cap;
    among cuts scoring at least ``SILHOUETTE_SHARE`` of the best silhouette the one with the fewest groups wins.
    Cuts below ``min_groups`` are only considered for small trees (at least a third of the clusters) and must beat
    the best cut in range by 0.05 (a scannable list of 8–40 themes is preferred, but six real topics stay six).
    Returns the group id (0..g-1, ordered by total size) of each fine cluster.
    """
    from scipy.cluster.hierarchy import fcluster, linkage
    from sklearn.metrics import silhouette_score

    m = len(cents)
    if m <= 3:
        return np.arange(m, dtype=np.int64)
    tree = linkage(cents.astype(np.float64), method="ward")
    lowest = min(min_groups, max(2, m // 3))  # few clusters may form fewer groups; many never form 2 or 3
    cuts = []
    for g in range(lowest, min(max_groups, m - 1) + 1):
        labels = fcluster(tree, t=g, criterion="maxclust") - 1
        if labels.max() < 1:
            continue
        score = silhouette_score(cents, labels, metric="cosine") - (0.05 if g < min_groups else 0)
        share = float(np.bincount(labels, weights=sizes).max() / max(1, sizes.sum()))
        cuts.append((share <= MAX_TOP_SHARE, score, g, labels))
    if not cuts:
        return np.zeros(m, dtype=np.int64)
    allowed = [c for c in cuts if c[0]] or cuts
    best_score = max(c[1] for c in allowed)
    floor = best_score * SILHOUETTE_SHARE if best_score > 0 else best_score
    best_labels = min((c for c in allowed if c[1] >= floor), key=lambda c: c[2])[3]
    totals = np.bincount(best_labels, weights=sizes, minlength=best_labels.max() + 1)
    order = np.lexsort((np.arange(len(totals)), -totals))
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rank[best_labels].astype(np.int64)
