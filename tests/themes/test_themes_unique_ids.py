"""Theme ids stay unique when groups share their typical texts.

Clustering reads masked aspect texts, which repeat ("seat", "food"); an id made from a group's three most typical
texts then repeats across groups, and the themes table refused the duplicate key (found on the BA reviews).
"""

from __future__ import annotations

import numpy as np

from empathic.config import Settings
from empathic.themes.discover import discover


def test_groups_with_the_same_texts_get_distinct_ids() -> None:
    rng = np.random.default_rng(0)
    dim, per_group, n_groups = 32, 40, 4
    centres = np.eye(dim, dtype=np.float32)[:n_groups]
    vectors = np.concatenate([c + 0.05 * rng.standard_normal((per_group, dim)).astype(np.float32) for c in centres])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    texts = ["seat"] * len(vectors)  # every group's typical texts are the same words
    themes, _ = discover(texts, vectors, Settings().themes, seed=42)
    ids = [t.theme_id for t in themes]
    assert len(themes) >= 2, "the planted groups are found"
    assert len(ids) == len(set(ids)), ids
