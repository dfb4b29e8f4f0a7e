"""Unit vectors for the feelings heads: pick the embedder by volume and reuse the workspace embedding cache.

The themes stage caches MiniLM vectors in ``embedding_cache`` (keyed by model name and sha1 of the text); in
accurate mode the feelings stage reads them instead of embedding twice (it never writes that table).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from empathic.feelings.heads import embedder_name
from empathic.progress import Progress
from empathic.store import Store
from empathic.text.embed import get_embedder

BATCH = 4096


def choose_mode(
    mode: str, n_units: int, accurate_max_units: int, n_comments: int = 0, accurate_max_comments: int | None = None
) -> str:
    """``accurate`` or ``fast``: the configured one, or by volume when ``auto`` (both limits must hold)."""
    if mode != "auto":
        return mode
    fits = n_units <= accurate_max_units
    if accurate_max_comments is not None:
        fits = fits and n_comments <= accurate_max_comments
    return "accurate" if fits else "fast"


def _text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]


def _from_cache(store: Store, model: str, dim: int, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(vectors (n, dim), found mask (n,)) from ``embedding_cache`` when the table exists."""
    out = np.zeros((len(texts), dim), np.float32)
    found = np.zeros(len(texts), bool)
    if not store.has_table("embedding_cache"):
        return out, found
    keys = pa.table({"text_hash": [_text_hash(t) for t in texts], "pos": np.arange(len(texts), dtype=np.int64)})
    cur = store.cursor()
    try:
        cur.register("feelings_wanted", keys)
        hit = cur.sql(
            "SELECT w.pos, c.vector FROM feelings_wanted w JOIN embedding_cache c "
            "ON c.text_hash = w.text_hash AND c.model = $model",
            params={"model": model},
        ).to_arrow_table()
        cur.unregister("feelings_wanted")
    finally:
        cur.close()
    pos = hit.column("pos").to_numpy()
    if len(pos):
        blob = b"".join(hit.column("vector").to_pylist())
        out[pos] = np.frombuffer(blob, dtype=np.float32).reshape(len(pos), dim)
        found[pos] = True
    return out, found


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
    embedder = get_embedder(embedder_name(mode))
    unique, inverse = _distinct(texts)
    if not unique:
        return np.zeros((0, embedder.dim), np.float32)
    return embedder.embed(unique)[inverse.ravel()]


def unit_vectors(store: Store, texts: Sequence[str], mode: str, progress: Progress) -> tuple[np.ndarray, int]:
    """(float32 (n, dim) vectors of the cleaned unit texts, number taken from the cache).

    Identical texts are embedded once.
    """
    embedder = get_embedder(embedder_name(mode))
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
