"""The embedding cache of unit texts, shared by every stage that embeds them (themes, feelings).

One text hash, one lookup and one rule for choosing the accurate or the fast embedder, so a vector computed by
one stage is found by the other: ``embedding_cache`` is keyed by (model name, :func:`text_hash`) and holds float32
vectors as bytes. The themes stage writes new rows in its own transaction; the feelings stage only reads.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pyarrow as pa

from empathic.store import Store
from empathic.store.tables import TABLES

CACHE_TABLE = "embedding_cache"


def text_hash(text: str) -> str:
    """Hash of a unit's text: the key of the embedding cache (and of deterministic orderings by text)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]


def cache_lookup(store: Store, model: str, dim: int, hashes: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Cached vectors of the texts with these hashes.

    Returns:
        float32 (n, dim) vectors with zero rows where not cached, and a bool (n,) mask of the cached positions.
        Both empty-handed (all zeros, all False) in a workspace without the cache table.
    """
    out = np.zeros((len(hashes), dim), np.float32)
    found = np.zeros(len(hashes), bool)
    if not len(hashes) or not store.has_table(CACHE_TABLE):
        return out, found
    keys = pa.table({"text_hash": list(hashes), "pos": np.arange(len(hashes), dtype=np.int64)})
    cur = store.cursor()
    try:
        cur.register("cache_wanted", keys)
        hit = cur.sql(
            "SELECT w.pos, c.vector FROM cache_wanted w JOIN embedding_cache c "
            "ON c.text_hash = w.text_hash AND c.model = ?",
            params=[model],
        ).to_arrow_table()
        cur.unregister("cache_wanted")
    finally:
        cur.close()
    pos = hit.column("pos").to_numpy()
    if len(pos):
        blob = b"".join(hit.column("vector").to_pylist())
        out[pos] = np.frombuffer(blob, dtype=np.float32).reshape(len(pos), dim)
        found[pos] = True
    return out, found


def cache_rows(model: str, vectors: np.ndarray, hashes: Sequence[str], positions: np.ndarray) -> pa.Table:
    """New ``embedding_cache`` rows (model, text_hash, vector) for the given positions of ``vectors``."""
    return pa.table(
        {
            "model": [model] * len(positions),
            "text_hash": [hashes[i] for i in positions],
            "vector": [vectors[i].tobytes() for i in positions],
        },
        schema=TABLES[CACHE_TABLE].arrow_schema(),
    )


def choose_mode(
    mode: str, n_units: int, accurate_max_units: int, n_extra: int = 0, accurate_max_extra: int | None = None
) -> str:
    """``accurate`` or ``fast``: the configured one, or by volume when ``auto``.

    Both limits must hold for ``accurate``: the distinct units, and a second measure of size each stage picks
    (themes: total characters; feelings: comments). Either only ever pushes a bigger corpus to the fast path.
    """
    if mode != "auto":
        return mode
    fits = n_units <= accurate_max_units and (accurate_max_extra is None or n_extra <= accurate_max_extra)
    return "accurate" if fits else "fast"
