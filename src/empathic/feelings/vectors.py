"""Unit vectors for the feelings heads: pick the embedder by volume and reuse the workspace embedding cache.

The themes stage caches MiniLM vectors in ``embedding_cache`` (the text stage's cache, :mod:`empathic.text.cache`:
one text hash, one lookup, one mode rule); in accurate mode the feelings stage reads them instead of embedding
twice (it never writes that table).

In accurate mode the fine-tuned encoder reads the texts itself; unit vectors serve only the few-shot prototypes,
which see just the units no rule decided (about half of them on long reviews), and the corrections' neighbours. So
accurate mode gets its vectors through :class:`LazyVectors`, which embeds a unit only when a prototype step asks
for it. With feelings-encoder-v4 those vectors are the encoder's own ``unit_vector`` output (:class:`EncoderVectors`:
MiniLM's sentence vector reproduced in the same pass), so nothing runs a second graph.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from empathic.feelings.heads import embedder_name
from empathic.progress import Progress
from empathic.store import Store
from empathic.text.cache import cache_lookup, choose_mode, text_hash
from empathic.text.embed import get_embedder

__all__ = ["choose_mode"]  # re-exported: the feelings stage and its tests import it from here

BATCH = 4096


class EncoderVectors:
    """The feelings encoder's ``unit_vector`` output behind the embedder interface (``name``, ``dim``, ``embed``).

    feelings-encoder-v4 reproduces all-MiniLM-L6-v2's sentence vector in the same forward pass that gives every
    feeling, so accurate mode's prototypes and few-shot corrections read it and no MiniLM graph runs. Its name is
    the encoder's, so the themes stage's MiniLM cache (another model) is never mixed in: a unit's vector does not
    depend on whether themes ran first.
    """

    def __init__(self) -> None:
        from empathic.feelings.encoder import get_encoder

        self._encoder = get_encoder()
        self.name = self._encoder.name
        self.dim = self._encoder.meta.vector_dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self._encoder.vectors(list(texts))


def mode_embedder(mode: str):
    """What embeds units and prototypes in ``mode``: in accurate mode the feelings encoder's own ``unit_vector``
    when the shipped graph has one (v4), else the registered embedder of ``heads.embedder_name``."""
    if mode == "accurate":
        from empathic.feelings.encoder import encoder_available, get_encoder

        if encoder_available() and get_encoder().meta.vector_dim:
            return EncoderVectors()
    return get_embedder(embedder_name(mode))


def _from_cache(store: Store, model: str, dim: int, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(vectors (n, dim), found mask (n,)) from the shared ``embedding_cache`` (:mod:`empathic.text.cache`)."""
    return cache_lookup(store, model, dim, [text_hash(t) for t in texts])


def _distinct(texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """(distinct texts in sorted order, index of each text in them) — what ``np.unique(..., return_inverse=True)``
    gives, without building a fixed-width unicode array (Arrow hashes; UTF-8 byte order is code point order)."""
    encoded = pa.array([str(t) for t in texts], pa.string()).dictionary_encode()
    order = pc.sort_indices(encoded.dictionary).to_numpy()
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    unique = encoded.dictionary.take(pa.array(order)).to_pylist()
    return unique, rank[encoded.indices.to_numpy(zero_copy_only=False)]


def distinct_vectors(texts: Sequence[str], mode: str) -> np.ndarray:
    """float32 (n, dim) vectors of cleaned texts from the ``mode``'s embedder (``heads.embedder_name``), each
    distinct text embedded once (no workspace cache: what the fast mode's helper thread runs per batch)."""
    embedder = mode_embedder(mode)
    unique, inverse = _distinct(texts)
    if not unique:
        return np.zeros((0, embedder.dim), np.float32)
    return embedder.embed(unique)[inverse.ravel()]


def unit_vectors(store: Store, texts: Sequence[str], mode: str, progress: Progress) -> tuple[np.ndarray, int]:
    """(float32 (n, dim) vectors of the cleaned unit texts, number taken from the cache).

    Identical texts are embedded once.
    """
    embedder = mode_embedder(mode)
    unique, inverse = _distinct(texts)
    vectors, found = (
        _from_cache(store, embedder.name, embedder.dim, list(unique))
        if mode == "accurate"
        else (np.zeros((len(unique), embedder.dim), np.float32), np.zeros(len(unique), bool))
    )
    missing = np.flatnonzero(~found)
    # the static embedder tokenises each distinct word once per call: give it everything at once
    batch = BATCH if mode == "accurate" else max(len(missing), 1)
    for start in range(0, len(missing), batch):
        idx = missing[start : start + batch]
        vectors[idx] = embedder.embed([str(unique[i]) for i in idx])
        progress(f"feelings: embed units ({mode})", min(start + batch, len(missing)), len(missing))
    return vectors[inverse.ravel()], int(found.sum())


class LazyVectors:
    """Vectors of n texts, each embedded the first time a consumer reads it.

    Indexing with a slice or an integer array gives a view that embeds nothing; ``np.asarray(view)`` embeds the
    view's rows not embedded yet (each distinct text once, in one call of ``embed``) and returns float32
    (len(view), dim). A row's vector is what ``embed`` gives for its text, so a consumer reads the same numbers
    whether every row was embedded up front or only the rows it asked for (up to the last bits the embedder's
    padding to the longest text of a batch can move; ``tests/feelings/test_feelings_stage.py``).

    Args:
        texts: the n cleaned texts.
        embed: maps a list of distinct texts to float32 (len, dim) vectors.
        dim: the embedder's width.
    """

    def __init__(self, texts: Sequence[str], embed: Callable[[list[str]], np.ndarray], dim: int) -> None:
        self._texts = [str(t) for t in texts]
        self._embed = embed
        self._vectors = np.zeros((len(self._texts), dim), np.float32)
        self._done = np.zeros(len(self._texts), bool)
        self._lock = threading.Lock()
        self._rows = np.arange(len(self._texts), dtype=np.int64)

    def _view(self, rows: np.ndarray) -> LazyVectors:
        view = object.__new__(LazyVectors)
        view.__dict__.update(self.__dict__)
        view._rows = rows
        return view

    @property
    def shape(self) -> tuple[int, int]:
        return len(self._rows), self._vectors.shape[1]

    @property
    def embedded(self) -> int:
        """How many of the n rows have their vector so far (shared by every view)."""
        return int(self._done.sum())

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, key: slice | np.ndarray | Sequence[int]) -> LazyVectors:
        rows = self._rows[key]
        if np.ndim(rows) != 1:
            raise TypeError("LazyVectors takes a slice or a 1-d array of row indices")
        return self._view(rows)

    def __array__(self, dtype: object = None, copy: object = None) -> np.ndarray:
        with self._lock:
            need = self._rows[~self._done[self._rows]]
            if need.size:
                texts = [self._texts[i] for i in need]
                unique, inverse = _distinct(texts)
                self._vectors[need] = self._embed(unique)[inverse.ravel()]
                self._done[need] = True
            out = self._vectors[self._rows]
        return out if dtype is None else out.astype(dtype)


def lazy_unit_vectors(store: Store, texts: Sequence[str], mode: str) -> tuple[LazyVectors, dict[str, int]]:
    """(:class:`LazyVectors` of the cleaned unit texts from the ``mode``'s embedder, counts ``{"cached": …}``
    updated as rows are read). Rows come from the themes stage's ``embedding_cache`` where it has them."""
    embedder = mode_embedder(mode)
    counts = {"cached": 0}

    def embed(unique: list[str]) -> np.ndarray:
        vectors, found = _from_cache(store, embedder.name, embedder.dim, unique)
        counts["cached"] += int(found.sum())
        missing = np.flatnonzero(~found)
        for start in range(0, len(missing), BATCH):
            idx = missing[start : start + BATCH]
            vectors[idx] = embedder.embed([unique[i] for i in idx])
        return vectors

    return LazyVectors(texts, embed, embedder.dim), counts
