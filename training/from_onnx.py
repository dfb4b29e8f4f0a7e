"""Recover a torch state dict of the feelings encoder from its shipped int8 ONNX graph (to continue training it).

The shipped graph (``training/export.py``) stores each large weight as int8 + one scale per channel behind a
``DequantizeLinear`` node; MatMul weights carry exporter names (``onnx::MatMul_745``), so each is named by the bias
its product is added to (``…attention.self.query.bias`` → ``…query.weight``, transposed back to torch's (out, in)).
The recovered weights are the int8-rounded ones (outputs within ≈ 0.004 of the original fp32 checkpoint), which is
all a continued fine-tuning needs. Training only (needs onnx + torch).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def dequantized(graph) -> dict[str, np.ndarray]:
    """Every initializer as float32, the int8 ones dequantized under the name their DequantizeLinear outputs."""
    from onnx import numpy_helper

    arrays = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    out = {k: v.astype(np.float32) for k, v in arrays.items() if not k.endswith(("__q", "__scale", "__zero"))}
    for node in graph.node:
        if node.op_type == "DequantizeLinear":
            q, scale = arrays[node.input[0]].astype(np.float32), arrays[node.input[1]]
            axis = next((a.i for a in node.attribute if a.name == "axis"), 1)
            shape = [1] * q.ndim
            shape[axis] = -1
            out[node.output[0]] = q * scale.reshape(shape)
    return out


def state_dict_from_onnx(path: Path) -> dict:
    """``FeelingsEncoder`` state dict (torch tensors) from a shipped graph."""
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
