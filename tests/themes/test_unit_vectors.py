"""Per-unit vectors computed on read equal, bit for bit, the array the themes stage used to hold for every unit."""

from __future__ import annotations

import numpy as np
import pytest

from empathic.themes.embedding import apply_mapping, normalise_rows
from empathic.themes.stage import _units_in_context
from empathic.themes.unit_vectors import MAP_BLOCK, UnitVectors, map_in_place


def _parts(seed: int = 3, n_texts: int = 500, n_units: int = 20_000, n_comments: int = 6_000):
    rng = np.random.default_rng(seed)
    texts = normalise_rows(rng.normal(size=(n_texts, 384)).astype(np.float32))
    pos = rng.integers(0, n_texts, n_units)
    comment = np.where(rng.random(n_units) < 0.3, -1, rng.integers(0, n_comments, n_units))
    context = normalise_rows(rng.normal(size=(n_comments, 384)).astype(np.float32))
    return texts, pos, comment, context


@pytest.mark.parametrize("weight", [0.0, 0.35])
def test_rows_equal_the_materialised_array(weight: float) -> None:
    texts, pos, comment, context = _parts()
    held = _units_in_context(texts, pos, comment, context, weight)
    lazy = UnitVectors(texts, pos, comment, context, weight)
    assert lazy.shape == held.shape and len(lazy) == len(held)
    assert np.array_equal(np.asarray(lazy), held)
    rng = np.random.default_rng(0)
    picks = rng.integers(0, len(held), 3_000)
    assert np.array_equal(lazy[picks], held[picks])  # any order, repeats
    assert np.array_equal(lazy[100:9_000], held[100:9_000])  # a slice across a block boundary
    assert np.array_equal(lazy[-5], held[-5])
    mask = rng.random(len(held)) < 0.1
    assert np.array_equal(lazy[mask], held[mask])


def test_zeroed_rows_read_as_zero_and_only_zero_can_be_written() -> None:
    texts, pos, comment, context = _parts()
    held = _units_in_context(texts, pos, comment, context, 0.35)
    lazy = UnitVectors(texts, pos, comment, context, 0.35)
    names_only = np.zeros(len(held), bool)
    names_only[[3, 17, 19_999]] = True
    held[names_only] = 0.0
    lazy[names_only] = 0.0
    assert np.array_equal(np.asarray(lazy), held)
    assert not lazy[3].any() and lazy[4].any()
    with pytest.raises(TypeError):
        lazy[5] = 1.0
    with pytest.raises(TypeError):
        lazy[np.zeros((2, 2), np.int64)]


def test_mapping_in_place_equals_the_mapping() -> None:
    rng = np.random.default_rng(1)
    static = rng.normal(size=(MAP_BLOCK + 1234, 384)).astype(np.float32)
    weights = rng.normal(size=(385, 384)).astype(np.float32)
    expected = apply_mapping(static, weights)
    assert np.array_equal(map_in_place(static.copy(), weights), expected)


def test_out_of_range_rows_are_an_index_error() -> None:
    texts, pos, comment, context = _parts(n_units=50)
    lazy = UnitVectors(texts, pos, comment, context, 0.35)
    with pytest.raises(IndexError):
        lazy[np.array([3, 50])]
    with pytest.raises(IndexError):
        lazy[50]
    assert len(lazy[10:400]) == 40 and len(lazy[::7]) == 8
