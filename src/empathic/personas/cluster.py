"""Choose the number of personas from the data and assign customers, deterministically.

k-means for k in ``k_range``; the k with the best silhouette wins. The same is done on a **shuffled control**
(each feature column permuted independently, which keeps every marginal distribution but destroys the joint
structure); if the real silhouette does not beat the control's by ``min_gain``, there are no distinct personas and
everyone is one group. Labels are renumbered by size (largest first), ties by smallest customer id.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_limits

SILHOUETTE_SAMPLE = 3000
N_INIT = 5


@dataclass
class Clustering:
    """Outcome of :func:`find_personas`.

    Attributes:
        labels: int array (n_customers,), 0 = largest persona.
        k: number of personas (1 when no structure was found).
        silhouette: silhouette of the chosen k (NaN when k = 1).
        control_silhouette: best silhouette on the shuffled control.
        has_structure: whether the data beat the control.
        distances: distance of each customer to their persona's centre.
        scores: k → silhouette, for the record.
    """

    labels: np.ndarray
    k: int
    silhouette: float
    control_silhouette: float
    has_structure: bool
    distances: np.ndarray
    scores: dict[int, float]


def _fit(x: np.ndarray, k: int, seed: int) -> KMeans:
    # one thread: small problems, and OpenMP oversubscription on shared cores costs more than it gains
    with threadpool_limits(limits=1):
        return KMeans(n_clusters=k, n_init=N_INIT, random_state=seed).fit(x)


def _silhouette(x: np.ndarray, labels: np.ndarray, seed: int) -> float:
    if len(np.unique(labels)) < 2:
        return float("nan")
    size = min(SILHOUETTE_SAMPLE, len(x))
    return float(silhouette_score(x, labels, sample_size=size, random_state=seed))


def _best(x: np.ndarray, k_range: range, seed: int) -> tuple[int, float, dict[int, float], KMeans | None]:
    scores: dict[int, float] = {}
    best: tuple[int, float, KMeans | None] = (1, -1.0, None)
    for k in k_range:
        if k >= len(x):
            break
        model = _fit(x, k, seed)
        scores[k] = _silhouette(x, model.labels_, seed)
        if scores[k] > best[1] + 1e-9:
            best = (k, scores[k], model)
    return best[0], best[1], scores, best[2]


def shuffled_control(x: np.ndarray, seed: int) -> np.ndarray:
    """Each column permuted independently (seeded): same marginals, no joint structure."""
    rng = np.random.default_rng(seed)
    out = x.copy()
    for j in range(out.shape[1]):
        out[:, j] = out[rng.permutation(len(out)), j]
    return out


def _relabel(labels: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Renumber clusters by size (desc), ties by the smallest customer id in the cluster."""
    order = sorted(np.unique(labels), key=lambda c: (-int((labels == c).sum()), min(map(str, ids[labels == c]))))
    mapping = {old: new for new, old in enumerate(order)}
    return np.array([mapping[c] for c in labels], dtype=int)


def find_personas(
    x: np.ndarray,
    customer_ids: np.ndarray,
    *,
    k_range: range = range(3, 9),
    seed: int = 42,
    min_gain: float = 0.05,
) -> Clustering:
    """Cluster customers (rows of ``x``: float array (n_customers, n_features)) into personas."""
    n = len(x)
    if n < 2 * k_range.start or x.shape[1] == 0:
        return Clustering(np.zeros(n, int), 1, float("nan"), float("nan"), False, np.zeros(n), {})
    k, sil, scores, model = _best(x, k_range, seed)
    _ck, control, _cs, _cm = _best(shuffled_control(x, seed), k_range, seed)
    if model is None or not sil > control + min_gain:
        centre = x.mean(axis=0)
        return Clustering(np.zeros(n, int), 1, float("nan"), control, False, np.linalg.norm(x - centre, axis=1), scores)
    labels = _relabel(model.labels_, customer_ids)
    centres = np.vstack([x[labels == c].mean(axis=0) for c in range(k)])
    distances = np.linalg.norm(x - centres[labels], axis=1)
    return Clustering(labels, k, sil, control, True, distances, scores)
