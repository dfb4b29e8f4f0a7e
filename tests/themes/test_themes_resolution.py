"""How fine the subthemes are: crisp communities → the finest crisp resolution; diffuse data → the fallback."""

from __future__ import annotations

import numpy as np

from empathic.themes.cluster import CLEAR_STABILITY, FALLBACK_RESOLUTION, stable_partition

RESOLUTIONS = [2.0, 4.0, 8.0, 16.0]


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def test_crisp_communities_are_found_at_a_clear_resolution():
    rng = np.random.default_rng(0)
    centres = rng.normal(0, 1, (20, 32))
    points = _unit(np.repeat(centres, 30, axis=0) + rng.normal(0, 0.05, (600, 32)))
    part = stable_partition(points, k=10, resolutions=RESOLUTIONS, n_seeds=3, seed=0)
    assert part.stability >= CLEAR_STABILITY
    truth = np.repeat(np.arange(20), 30)
    from sklearn.metrics import adjusted_rand_score

    assert adjusted_rand_score(truth, part.labels) >= 0.9


def test_diffuse_data_takes_the_fallback_resolution_whatever_the_seeds():
    rng = np.random.default_rng(1)
    points = _unit(rng.normal(0, 1, (800, 16)))  # no structure: seeds disagree at every resolution
    for n_seeds in (3, 4):
        part = stable_partition(points, k=10, resolutions=RESOLUTIONS, n_seeds=n_seeds, seed=0)
        assert part.stability < CLEAR_STABILITY
        assert part.resolution == FALLBACK_RESOLUTION


def test_stability_uses_the_same_adjusted_rand_index_as_scikit_learn():
    from sklearn.metrics import adjusted_rand_score as reference

    from empathic.themes.cluster import adjusted_rand_score

    rng = np.random.default_rng(1)
    for trial in range(300):
        n = int(rng.integers(1, 80))
        a = rng.integers(0, int(rng.integers(1, 9)), n)
        b = a.copy() if trial % 5 == 0 else rng.integers(0, int(rng.integers(1, 9)), n)
        if trial % 7 == 0:
            b = np.arange(n)
        assert abs(adjusted_rand_score(a, b) - reference(a, b)) < 1e-12
    assert adjusted_rand_score(["x", "x", "y", "y"], [1, 1, 2, 2]) == 1.0
