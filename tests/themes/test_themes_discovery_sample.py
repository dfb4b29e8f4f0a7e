"""The discovery sample weighs comments, not sentences: long reviews must not decide the themes alone."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from empathic.themes.stage import _discovery_sample


def _units(sizes: list[int]) -> tuple[pa.Table, np.ndarray]:
    """Units of comments with the given numbers of units, every unit text distinct; text indices in a shuffled
    order, as the stage's are (texts are indexed in the order of their hashes)."""
    fids = [f"c{c:04d}" for c, n in enumerate(sizes) for _ in range(n)]
    units = pa.table(
        {"feedback_id": fids, "sentence_idx": [0] * len(fids), "text": [f"u{i}" for i in range(len(fids))]}
    )
    return units, np.random.default_rng(0).permutation(len(fids))


def test_each_comment_weighs_the_same_in_the_sample():
    sizes = [1] * 200 + [20] * 10  # 200 one-line comments, 10 long reviews: as many units each side
    units, pos = _units(sizes)
    sample = _discovery_sample(units, pos, len(pos), 60)
    from_reviews = len(set(sample.tolist()) & set(pos[200:].tolist()))
    assert len(sample) == len(set(sample.tolist())) == 60
    # by units the reviews would fill half the sample (~30); by comment they own 10 of 210 comments (~3)
    assert from_reviews <= 8
    assert np.array_equal(sample, _discovery_sample(units, pos, len(pos), 60))  # deterministic


def test_a_corpus_that_fits_is_sampled_whole_in_hash_order():
    units, pos = _units([3, 1, 2])
    assert _discovery_sample(units, pos, len(pos), 10).tolist() == list(range(6))


def test_repeated_texts_weigh_by_their_comments():
    # text 99 (last in hash order) is the whole of 30 one-line comments; texts 0..98 each one sentence of a review
    fids = [f"a{i:02d}" for i in range(30)] + ["long"] * 99
    units = pa.table({"feedback_id": fids, "sentence_idx": list(range(129)), "text": ["x"] * 129})
    pos = np.r_[np.full(30, 99), np.arange(99)]
    sample = _discovery_sample(units, pos, 100, 5)
    assert 99 in sample.tolist()
