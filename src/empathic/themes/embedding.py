"""Unit vectors for the themes stage: the embedding cache, the accurate/fast choice and the fast→accurate mapping.

The cache itself, its text hash and the mode rule are the text stage's (:mod:`empathic.text.cache`), shared with
the feelings stage; ``cache_rows`` and ``choose_mode`` are re-exported here for the themes modules.

Fast mode embeds a deterministic sample of units with the accurate model (discovery happens there) and every unit
with the static model; a ridge regression learned on the sample maps static vectors into the accurate space, so
all vectors and theme centroids live in one space whichever mode ran.
"""

from __future__ import annotations

import queue
from collections.abc import Sequence

import numpy as np
import pyarrow as pa

from empathic.progress import Progress
from empathic.store import Store
from empathic.text import cache as text_cache
from empathic.text.cache import cache_rows, choose_mode

__all__ = ["cache_rows", "choose_mode"]  # re-exported for the themes modules
from empathic.text.embed import get_embedder

BATCH = 2048


def cached_embed(
    store: Store, model: str, texts: Sequence[str], hashes: Sequence[str], progress: Progress
) -> tuple[np.ndarray, pa.Table]:
    """Vectors of ``texts`` from the workspace cache, embedding only the missing ones.

    Returns:
        float32 (n, dim) vectors in ``texts`` order, and the new cache rows (model, text_hash, vector) for the
        caller to insert in its write transaction.
    """
    embedder = get_embedder(model)
    out, missing = cache_lookup(store, embedder, hashes)
    for start in range(0, len(missing), BATCH):
        idx = missing[start : start + BATCH]
        chunk = [texts[i] for i in idx]
        out[idx] = BackgroundEmbed(chunk).result() if model == "accurate" else embedder.embed(chunk)
        progress(f"embed units ({model})", min(start + BATCH, len(missing)), len(missing))
    return out, cache_rows(embedder.name, out, hashes, missing)


def cache_lookup(store: Store, embedder, hashes: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Cached vectors (:func:`empathic.text.cache.cache_lookup`): float32 (n, dim) with zero rows where missing,
    and the missing positions (int64)."""
    out, found = text_cache.cache_lookup(store, embedder.name, embedder.dim, hashes)
    return out, np.flatnonzero(~found)


class BackgroundEmbed:
    """MiniLM vectors of ``texts`` computed in background threads, one single-threaded session per thread.

    Two one-thread sessions on separate batches use 2 cores better than one two-thread session on short
    sentences, and the calling thread stays free for other work meanwhile (onnxruntime releases the GIL).
    Batches are fixed by the texts alone (sorted by length, ``batch`` per call), never by thread timing, so the
    vectors are deterministic. Small batches are faster here: 2,500 sentence units took 5.6 s in batches of 16 and
    7.3 s in batches of 64 (``docs/bench/themes-speed.md``, round 7). Call :meth:`result` to wait for them:
    float32 (len(texts), 384).
    """

    def __init__(self, texts: Sequence[str], *, workers: int = 2, batch: int = 16) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self._n = len(texts)
        order = np.argsort([len(t) for t in texts], kind="stable")
        self._batches = [order[i : i + batch] for i in range(0, len(order), batch)]
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers))
        self._jobs = [self._pool.submit(_embed_one_thread, [texts[i] for i in b]) for b in self._batches]

    def result(self) -> np.ndarray:
        out = np.zeros((self._n, 384), np.float32)
        try:
            for idx, job in zip(self._batches, self._jobs, strict=True):
                out[idx] = job.result()
        finally:
            self._pool.shutdown(cancel_futures=True)
        return out


_IDLE_SESSIONS: queue.SimpleQueue = queue.SimpleQueue()


def _embed_one_thread(texts: list[str]) -> np.ndarray:
    """Embed with an idle one-thread MiniLM session (created on first need, kept for reuse)."""
    from empathic.text.embed.onnx_minilm import MiniLMEmbedder

    try:
        embedder = _IDLE_SESSIONS.get_nowait()
    except queue.Empty:
        embedder = MiniLMEmbedder(threads=1)
    try:
        return embedder.embed(texts)
    finally:
        _IDLE_SESSIONS.put(embedder)


def fit_mapping(fast: np.ndarray, accurate: np.ndarray, *, alpha: float = 1.0) -> np.ndarray:
    """Ridge regression weights (fast_dim + 1, accurate_dim) mapping static vectors into the accurate space."""
    x = np.hstack([fast, np.ones((len(fast), 1), np.float32)]).astype(np.float64)
    gram = x.T @ x + alpha * np.eye(x.shape[1])
    return np.linalg.solve(gram, x.T @ accurate.astype(np.float64)).astype(np.float32)


def apply_mapping(fast: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Static vectors (n, fast_dim) → L2-normalised vectors (n, accurate_dim) in the accurate space.

    Computed in row blocks, in place (no stacked copy of the input, no normalised copy of the output): at 234k
    units this is the difference between one and three 360 MB temporaries.
    """
    out = np.empty((len(fast), weights.shape[1]), np.float32)
    for start in range(0, len(fast), 16384):
        block = out[start : start + 16384]
        np.matmul(fast[start : start + 16384], weights[:-1], out=block)
        block += weights[-1]
        normalise_rows(block)
    return out


def normalise_rows(v: np.ndarray) -> np.ndarray:
    """Scale the rows of a float32 array to unit length in place (zero rows stay zero); returns ``v``."""
    norms = np.sqrt(np.einsum("ij,ij->i", v, v))
    v /= np.clip(norms, 1e-12, None)[:, None]
    return v
