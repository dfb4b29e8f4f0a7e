"""Per-unit vectors in context, computed when read instead of held for every unit (fast mode's memory bound).

In fast mode a unit's vector is its distinct text's vector, mixed with its comment's context vector when its
comment has several units: ``normalise(text + w · comment)``. Held for every unit, that is a float32 row of 1.5 KB
per unit — 3.2 GB at a million comments (2.1M units), several times over while it was built. :class:`UnitVectors`
keeps only the distinct texts' vectors and the comments' vectors and computes the rows a reader asks for, row by
row with exactly the arithmetic the materialised array had (so every row is bit-identical to it:
``tests/themes/test_unit_vectors.py``). Readers index it like the array (``vectors[rows]``, ``vectors[a:b]``,
``len``, ``shape``); the one write the stage makes, zeroing the rows of units that only name places or names,
is kept as a mask.
"""

from __future__ import annotations

import numpy as np

from empathic.themes.embedding import normalise_rows

#: Rows computed per step: a block of 8192 × 384 float32 (12 MB) stays in cache while it is mixed.
BLOCK = 8192
#: Rows mapped per step by :func:`map_in_place` (the block size of ``embedding.apply_mapping``).
MAP_BLOCK = 16384


class UnitVectors:
    """float32 (n_units, dim) unit vectors, computed on read.

    Args:
        text_vectors: float32 (n_texts, dim), L2-normalised vectors of the distinct texts.
        text_of_unit: int64 (n_units,), each unit's row in ``text_vectors``.
        comment_of_unit: int64 (n_units,), each unit's row in ``context`` (−1: no context, a one-unit comment).
        context: float32 (n_comments, dim), the comments' own vectors.
        weight: the context weight ``w`` (≤ 0: no mixing).
    """

    ndim = 2
    dtype = np.dtype(np.float32)

    def __init__(
        self,
        text_vectors: np.ndarray,
        text_of_unit: np.ndarray,
        comment_of_unit: np.ndarray,
        context: np.ndarray,
        weight: float,
    ) -> None:
        self._text = text_vectors
        self._pos = np.asarray(text_of_unit, dtype=np.int64)
        self._comment = np.asarray(comment_of_unit, dtype=np.int64)
        self._context = context
        self._weight = weight
        self._zero = np.zeros(len(self._pos), bool)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self._pos), self._text.shape[1]

    def __len__(self) -> int:
        return len(self._pos)

    def rows(self, rows: np.ndarray) -> np.ndarray:
        """float32 (len(rows), dim): the vectors of these units (the arithmetic of the materialised array)."""
        rows = np.asarray(rows, dtype=np.int64)
        out = np.empty((len(rows), self._text.shape[1]), np.float32)
        mixing = self._weight > 0 and len(self._context) > 0
        for start in range(0, len(rows), BLOCK):
            wanted = rows[start : start + BLOCK]
            block = out[start : start + BLOCK]
            np.take(self._text, self._pos[wanted], axis=0, out=block)
            if mixing:
                of = self._comment[wanted]
                mix = np.flatnonzero(of >= 0)
                if len(mix):
                    mixed = block[mix]
                    mixed += self._weight * self._context[of[mix]]
                    block[mix] = normalise_rows(mixed)
            block[self._zero[wanted]] = 0.0
        return out

    def _index(self, key: object) -> np.ndarray:
        n = len(self._pos)
        if isinstance(key, slice):
            return np.arange(*key.indices(n), dtype=np.int64)
        arr = np.asarray(key)
        if arr.dtype == bool:
            if arr.shape != (n,):
                raise IndexError(f"boolean index of shape {arr.shape} for {n} unit vectors")
            return np.flatnonzero(arr)
        if arr.ndim == 1 and (arr.dtype.kind in "iu" or arr.size == 0):
            rows = arr.astype(np.int64)
            if rows.size and (rows.min() < -n or rows.max() >= n):
                raise IndexError(f"unit index out of range for {n} unit vectors")
            return np.where(rows < 0, rows + n, rows)
        raise TypeError(f"UnitVectors takes a slice, an integer or a 1-d integer/boolean index, not {key!r}")

    def __getitem__(self, key: object) -> np.ndarray:
        if isinstance(key, (int, np.integer)):
            return self.rows(np.array([range(len(self._pos))[int(key)]], dtype=np.int64))[0]
        return self.rows(self._index(key))

    def __setitem__(self, key: object, value: object) -> None:
        """Only ``vectors[rows] = 0.0`` (units that only name places or names are no theme's)."""
        if not (np.isscalar(value) and value == 0):
            raise TypeError("UnitVectors rows can only be set to 0")
        if isinstance(key, (int, np.integer)):
            self._zero[int(key)] = True
        else:
            self._zero[self._index(key)] = True

    def __array__(self, dtype: object = None, copy: object = None) -> np.ndarray:
        out = self.rows(np.arange(len(self._pos), dtype=np.int64))
        return out if dtype is None else out.astype(dtype)


def map_in_place(static: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``embedding.apply_mapping(static, weights)`` written over ``static`` itself (same dims), block by block.

    The same products on the same blocks as ``apply_mapping``, so the same numbers, without a second array of the
    input's size (the comments' context vectors: 1 GB at a million comments).
    """
    if static.shape[1] != weights.shape[1]:
        raise ValueError("map_in_place needs the mapping to keep the width")
    for start in range(0, len(static), MAP_BLOCK):
        block = np.matmul(static[start : start + MAP_BLOCK], weights[:-1])
        block += weights[-1]
        static[start : start + MAP_BLOCK] = normalise_rows(block)
    return static
