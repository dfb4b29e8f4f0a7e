"""Few-shot prototypes: labelled example sentences shipped in ``data/*.csv``, matched by embedding similarity.

A text gets the label whose ``k`` most similar examples are, on average, most similar to it. The examples are
embedded once per process with the same embedder as the texts.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import numpy as np

from empathic.feelings.heads import embedder_name, row_matmul
from empathic.feelings.textnorm import clean_texts

DATA_DIR = Path(__file__).parent / "data"


@lru_cache(maxsize=8)
def load_prototypes(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(texts, labels) of ``data/<name>.csv`` (columns text, label in the second column)."""
    with (DATA_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    return tuple(r[0] for r in rows), tuple(r[1] for r in rows)


def prototype_embeddings(name: str, mode: str) -> np.ndarray:
    """float32 (n_examples, dim) embeddings of a prototype set by what embeds the ``mode``'s units
    (``vectors.mode_embedder``: MiniLM / the static embedder, or feelings-encoder-v4's own unit vector)."""
    from empathic.feelings.vectors import mode_embedder

    embedder = mode_embedder(mode)
    key = (name, embedder_name(mode), embedder.name)
    if key not in _EMBEDDED:
        texts, _ = load_prototypes(name)
        _EMBEDDED[key] = embedder.embed(clean_texts(list(texts)))
    return _EMBEDDED[key]


#: (prototype set, registered embedder, model name) → embedded examples, once per process.
_EMBEDDED: dict[tuple[str, str, str], np.ndarray] = {}


def nearest_label(
    embeddings: np.ndarray, name: str, embedder: str, *, k: int = 3
) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Per text: (best label index (n,), class scores (n, n_classes), class names) by mean top-``k`` cosine.

    ``embeddings``: float (n, dim), or anything ``np.asarray`` turns into it (``vectors.LazyVectors`` embeds here).
    """
    _, labels = load_prototypes(name)
    classes = tuple(sorted(set(labels)))
    embeddings = np.asarray(embeddings, dtype=np.float32)
    sims = row_matmul(embeddings, prototype_embeddings(name, embedder).T)
    label_idx = np.array([classes.index(lab) for lab in labels])
    scores = np.zeros((embeddings.shape[0], len(classes)), dtype=np.float32)
    for c in range(len(classes)):
        block = sims[:, label_idx == c]
        kk = min(k, block.shape[1])
        scores[:, c] = -np.sort(-block, axis=1)[:, :kk].mean(axis=1)
    return scores.argmax(axis=1), scores, classes
