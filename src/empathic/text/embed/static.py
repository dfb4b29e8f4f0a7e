"""The fast embedder: static token vectors distilled from MiniLM (model2vec-style), no neural network at run time.

A text's vector is the mean of its WordPiece tokens' vectors (already weighted by smooth inverse frequency at
distillation time), L2-normalised. The artifact ``models/static-minilm.npz`` is built by
``bench/distill_static.py`` (see its docstring for exactly how); it holds int8 vectors plus one float16 scale
per token.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from empathic.text.embed.base import register_embedder
from empathic.text.embed.onnx_minilm import TOKENIZER_PATH

STATIC_PATH = Path(__file__).parent / "models" / "static-minilm.npz"
SPECIAL_IDS = (0, 100, 101, 102, 103)  # [PAD] [UNK] [CLS] [SEP] [MASK]
MAX_TOKENS = 256


class StaticEmbedder:
    """Tens of thousands of texts per second on 2 cores; lower fidelity than MiniLM (see docs/bench/themes.md).

    Args:
        path: the ``.npz`` artifact (int8 ``vectors`` of shape (vocab, dim) and float16 ``scale`` (vocab,)).
        batch_size: texts tokenised per call of the (parallel, Rust) tokenizer.
    """

    name = "static-minilm-v1"

    def __init__(self, *, path: Path = STATIC_PATH, batch_size: int = 16384) -> None:
        from tokenizers import Tokenizer

        with np.load(path) as data:
            self._vectors = data["vectors"].astype(np.float32) * data["scale"].astype(np.float32)[:, None]
        self._vectors[list(SPECIAL_IDS)] = 0.0
        self.dim = int(self._vectors.shape[1])
        self.batch_size = batch_size
        self._tokenizer = Tokenizer.from_file(str(TOKENIZER_PATH))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """float32 array of shape ``(len(texts), dim)``, rows L2-normalised (zero rows for empty texts).

        Token ids become a sparse (texts × vocabulary) count matrix; one sparse-dense product sums the vectors.
        """
        import scipy.sparse as sp

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        encode = getattr(self._tokenizer, "encode_batch_fast", self._tokenizer.encode_batch)
        for start in range(0, len(texts), self.batch_size):
            chunk = [t or "" for t in texts[start : start + self.batch_size]]
            encs = encode(chunk, add_special_tokens=False)
            lengths = np.fromiter((len(e.ids) for e in encs), dtype=np.int64, count=len(encs))
            ids = np.fromiter((i for e in encs for i in e.ids), dtype=np.int64, count=int(lengths.sum()))
            indptr = np.concatenate([[0], np.cumsum(lengths)])
            counts = sp.csr_matrix(
                (np.ones(len(ids), np.float32), ids, indptr), shape=(len(chunk), self._vectors.shape[0])
            )
            block = np.asarray(counts @ self._vectors, dtype=np.float32)
            norms = np.linalg.norm(block, axis=1, keepdims=True)
            out[start : start + len(chunk)] = block / np.clip(norms, 1e-12, None)
        return out


register_embedder("fast", StaticEmbedder)
