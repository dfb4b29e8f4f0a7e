"""Small classifier heads shipped as ``.npz`` files and run with numpy (no scikit-learn needed at run time).

A head is a linear layer (optionally after one ReLU hidden layer) on top of a feature vector. It is trained by
``training/train_feelings.py`` with scikit-learn and exported as plain arrays:

- ``classes``: label names (n_classes,)
- ``W1``/``b1`` (optional hidden layer), ``W``/``b`` output layer
- ``kind``: ``"softmax"`` (one label per text) or ``"sigmoid"`` (multi-label)
- ``thresholds`` (sigmoid heads): per-label decision thresholds tuned on a development split
- ``mean``/``scale``: feature standardisation fitted on the training data
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from empathic.engine import ROW_BLOCK, row_matmul  # noqa: F401 - fixed-shape products live with the engines
from empathic.errors import StageError

MODELS_DIR = Path(__file__).parent / "models"
#: The registered embedder (``empathic.text.embed.get_embedder``) of fast mode: the fast heads (``*-fast.npz``)
#: were trained on its vectors, and fast mode embeds the units and the few-shot prototypes with it. Changing it
#: means retraining those heads (``training/train_feelings_embed.py`` + ``training/train_feelings.py``); a head fed
#: vectors of another width raises a ``StageError``.
FAST_EMBEDDER = "fast"


def embedder_name(mode: str) -> str:
    """The registered embedder behind a feelings mode: ``FAST_EMBEDDER`` for ``"fast"``; ``"accurate"`` (MiniLM,
    used for quadrant and intent; sentiment and emotions come from the fine-tuned encoder) otherwise."""
    return FAST_EMBEDDER if mode == "fast" else mode


@dataclass(frozen=True)
class Head:
    """A trained head; :meth:`predict_proba` maps features (n, d) to probabilities (n, n_classes)."""

    name: str
    classes: tuple[str, ...]
    kind: str
    W: np.ndarray
    b: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    W1: np.ndarray | None = None
    b1: np.ndarray | None = None
    thresholds: np.ndarray | None = None

    @cached_property
    def _standardised_first_layer(self) -> tuple[np.ndarray, np.ndarray]:
        """The first layer with the feature standardisation folded in: ``((x − mean) / scale) @ W + b`` equals
        ``x @ (W / scale) + (b − (mean / scale) @ W)``, which saves a full pass over the (n, d) features."""
        first, bias = (self.W1, self.b1) if self.W1 is not None else (self.W, self.b)
        inv = (1.0 / self.scale.astype(np.float64))[:, None]
        weights = (first.astype(np.float64) * inv).astype(np.float32)
        offset = bias.astype(np.float64) - (self.mean.astype(np.float64)[:, None] * inv * first).sum(axis=0)
        return weights, offset.astype(np.float32)

    @property
    def n_features(self) -> int:
        """Width of the feature vector the head expects."""
        return int(self.mean.shape[0])

    def predict_proba(self, *blocks: np.ndarray) -> np.ndarray:
        """float32 (n, n_classes): softmax rows summing to 1, or independent sigmoid probabilities.

        ``blocks`` are the feature columns side by side (e.g. the embedding and the lexicon features): the first
        layer multiplies each block by its rows of the weights, so the (n, d) feature matrix is never stacked.
        """
        width = sum(b.shape[1] for b in blocks)
        if width != self.n_features:
            raise StageError(
                f"feelings head {self.name!r} expects {self.n_features} features, got {width}",
                hint="the embedder does not match the one the head was trained on; retrain or change feelings.mode",
            )
        w_in, b_in = self._standardised_first_layer
        x, start = None, 0
        for block in blocks:  # in place: (n, hidden) arrays are the big allocations here
            stop = start + block.shape[1]
            product = row_matmul(block.astype(np.float32, copy=False), w_in[start:stop])
            if x is None:
                x = product
                x += b_in
            else:
                x += product
            start = stop
        if self.W1 is not None:
            np.maximum(x, 0.0, out=x)
            logits = row_matmul(x, self.W) + self.b
        else:
            logits = x
        if self.kind == "sigmoid":
            return (1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))).astype(np.float32)
        logits = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return (e / e.sum(axis=1, keepdims=True)).astype(np.float32)


def save_head(path: Path, head: Head) -> None:
    """Write a head as a compressed ``.npz`` (float32 weights; a few hundred KB)."""
    arrays = {
        "classes": np.array(head.classes),
        "kind": np.array(head.kind),
        "W": head.W.astype(np.float32),
        "b": head.b.astype(np.float32),
        "mean": head.mean.astype(np.float32),
        "scale": head.scale.astype(np.float32),
    }
    if head.W1 is not None:
        arrays["W1"] = head.W1.astype(np.float32)
        arrays["b1"] = head.b1.astype(np.float32)
    if head.thresholds is not None:
        arrays["thresholds"] = head.thresholds.astype(np.float32)
    np.savez_compressed(path, **arrays)


@lru_cache(maxsize=16)
def load_head(name: str) -> Head:
    """Load ``models/<name>.npz`` once per process."""
    path = MODELS_DIR / f"{name}.npz"
    if not path.exists():
        raise StageError(f"feelings model {name!r} is missing ({path})", hint="reinstall empathic")
    with np.load(path, allow_pickle=False) as z:
        return Head(
            name=name,
            classes=tuple(str(c) for c in z["classes"]),
            kind=str(z["kind"]),
            W=z["W"],
            b=z["b"],
            mean=z["mean"],
            scale=z["scale"],
            W1=z.get("W1"),
            b1=z.get("b1"),
            thresholds=z.get("thresholds"),
        )
