"""Give feelings-encoder-v4 an emotion branch, so accurate mode reads every feeling from one graph.

v4's GoEmotions head sits on the pooled vector the sentiment, intent and ``unit_vector`` heads share, and it lost
5.7 points of GoEmotions dev 28-label macro-F1 to the separate v1 emotions graph (0.463 vs 0.520). Re-training the
shared layers for emotions would move the other heads. Instead the graph forks after layer ``--fork`` (default 4 of
6): the shared layers, the sentiment / score / intent heads and ``unit_vector`` keep v4's exact weights, and a copy
of layers ``fork..5`` (initialised from v4's own) plus a fresh ``Linear(384, 28)`` head are trained for emotions
only. The graph costs ``6 - fork`` more layers per text instead of a second 6-layer graph.

Training is cheap because everything below the fork is frozen: the hidden states entering the fork are computed
once per text (``/tmp/fv5/hidden-*.npz``) and the branch trains on them for several epochs:

- all of GoEmotions **train** (43,410 comments), 0/1 labels (binary cross-entropy);
- ``--domain-rows`` customer-feedback rows of the v4 mix (``training/data.py: SIZES_V4``, not GoEmotions) with v1's
  probabilities as soft targets (``training/teachers.py`` cache), so the branch reads customer sentences as v1 did
  (what the emotion rates on reviews were calibrated on).

The epoch is chosen on GoEmotions **dev** (28-label macro-F1 at per-label thresholds tuned on dev, as v1's and
v4's were); the test split is never read. Seeded (seed 0), one thread.

    nice -n 5 python training/emotion_branch.py train [--fork 4] [--epochs 3]   # → /tmp/fv5/branch.pt
    python training/emotion_branch.py export --fp16-matmuls                      # → src/.../feelings-encoder.onnx
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

import train_encoder as te

import data

WORK = Path("/tmp/fv5")
#: Where the branch starts: v4's weights recovered from the shipped graph (``training/from_onnx.py``), i.e. the
#: float16 / int8-rounded values the graph computes with, so the recipe needs nothing that is not shipped.
V4_RECOVERED = WORK / "v4-from-onnx.pt"


def build_branch_model(n_emotions: int, fork: int):
    """(FeelingsEncoder with an emotion branch, its export wrapper)."""
    import torch

    Base, _ = te.build_model(n_emotions)

    class BranchedEncoder(Base):
        """v4 + a copy of layers ``fork..`` that reads the hidden state after layer ``fork - 1`` for emotions."""

        def __init__(self) -> None:
            super().__init__()
            self.fork = fork
            n_layers = len(self.encoder.encoder.layer)
            self.emotion_layers = torch.nn.ModuleList(
                [copy.deepcopy(self.encoder.encoder.layer[i]) for i in range(fork, n_layers)]
            )

        def both_pooled(self, ids, mask):
            """(shared pooled vector, emotion-branch pooled vector) of one batch."""
            bert = self.encoder
            out = bert(
                input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids), output_hidden_states=True
            )
            forked = self.branch(out.hidden_states[self.fork], mask)
            return mean_pool(out[0], mask), forked

        def below_fork(self, ids, mask):
            """The hidden state entering layer ``fork`` (what the branch reads), without running the layers above."""
            hidden = self.encoder.embeddings(input_ids=ids, token_type_ids=torch.zeros_like(ids))
            ext = self.attention_mask(hidden, mask)
            for layer in self.encoder.encoder.layer[: self.fork]:
                hidden = layer(hidden, ext)
            return hidden

        def attention_mask(self, hidden, mask):
            return self.encoder._create_attention_masks(
                attention_mask=mask,
                encoder_attention_mask=None,
                embedding_output=hidden,
                encoder_hidden_states=None,
                cache=None,
                position_ids=None,
            )[0]

        def branch(self, hidden, mask):
            """Emotion-branch pooled vector from the hidden state entering layer ``fork``."""
            ext = self.attention_mask(hidden, mask)
            for layer in self.emotion_layers:
                hidden = layer(hidden, ext)
            return mean_pool(hidden, mask)

    def mean_pool(hidden, mask):
        w = mask.unsqueeze(-1).to(hidden.dtype)
        return (hidden * w).sum(1) / w.sum(1).clamp(min=1e-9)

    class Exported(torch.nn.Module):
        """What ships: the same five outputs as v4, ``goemotions_proba`` from the branch."""

        def __init__(self, model: BranchedEncoder) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask):
            m = self.model
            p, e = m.both_pooled(input_ids, attention_mask)
            return (
                torch.softmax(m.sentiment(p), -1),
                torch.tanh(m.score(p)[:, 0]),
                torch.sigmoid(m.intent(p)),
                torch.sigmoid(m.emotions(e)),
                torch.nn.functional.normalize(m.vector(p), dim=-1),
            )

    return BranchedEncoder, Exported


def load_v4(n_emotions: int, fork: int, init: Path = V4_RECOVERED):
    """The branched model with v4's weights (``init``: a state dict of the plain encoder); the branch layers are
    copies of v4's layers ``fork..5``, the emotion head a fresh seeded ``Linear(384, n_emotions)``."""
    import torch

    Branched, _ = build_branch_model(n_emotions, fork)
    model = Branched()
    head = {k: v.clone() for k, v in model.emotions.state_dict().items()}
    state = torch.load(init, map_location="cpu")
    state = {k: v for k, v in state.items() if not k.startswith(("emotions.", "emotion_layers."))}
    result = model.load_state_dict(state, strict=False)
    params = {n for n, _ in model.named_parameters()}
    missing = [k for k in result.missing_keys if k in params and not k.startswith(("emotion_layers.", "emotions."))]
    missing = [k for k in missing if not k.startswith("encoder.pooler.")]
    assert not missing and not result.unexpected_keys, (missing, result.unexpected_keys)
    model.emotions.load_state_dict(head)
    for i, layer in enumerate(model.emotion_layers):
        layer.load_state_dict(model.encoder.encoder.layer[fork + i].state_dict())
    return model


def rows() -> dict:
    """GoEmotions train + dev (cleaned as at run time) and the mix's customer rows with v1's emotion targets."""
    import teachers

    from empathic.feelings.textnorm import clean_texts

    out = {}
    for split in ("train", "dev"):
        texts, labels, names = data.fd.goemotions(split)
        y = np.zeros((len(texts), len(names)), np.float32)
        for i, ls in enumerate(labels):
            y[i, ls] = 1
        out[split] = (clean_texts(texts), y)
    out["names"] = names
    ds = data.build(data.SIZES_V4)
    soft = teachers.teachers(ds["texts"])["emotions"]
    domain = np.flatnonzero(ds["emo_mask"] == 0)
    out["domain"] = ([ds["texts"][i] for i in domain], soft[domain].astype(np.float32))
    return out


def hidden_states(model, texts: list[str], fork: int, torch, key: str) -> list[np.ndarray]:
    """The (tokens, 384) hidden state entering layer ``fork`` per text, float16, cached under WORK."""
    path = WORK / f"hidden-{key}-fork{fork}-{teachers_key(texts)}.npz"
    ids = te.encode(texts)
    if path.exists():
        with np.load(path) as z:
            flat, offsets = z["flat"], z["offsets"]
        return [flat[offsets[i] : offsets[i + 1]] for i in range(len(texts))], ids
    order = np.argsort([len(x) for x in ids], kind="stable")
    out: list[np.ndarray | None] = [None] * len(ids)
    t0 = time.perf_counter()
    with torch.inference_mode():
        for s in range(0, len(ids), 64):
            idx = order[s : s + 64]
            x, m = te.pad(ids, idx)
            hs = model.below_fork(x, m)
            for r, i in enumerate(idx):
                out[i] = hs[r, : len(ids[i])].numpy().astype(np.float16)
    lengths = np.array([len(h) for h in out])
    offsets = np.r_[0, np.cumsum(lengths)]
    np.savez(path, flat=np.concatenate(out), offsets=offsets)
    print(f"hidden {key}: {len(texts)} texts in {time.perf_counter() - t0:.0f}s", flush=True)
    return out, ids


def teachers_key(texts: list[str]) -> str:
    import teachers

    return teachers.text_key(texts)


def pad_hidden(hidden: list[np.ndarray], idx, torch):
    width = max(len(hidden[i]) for i in idx)
    x = np.zeros((len(idx), width, hidden[idx[0]].shape[1]), np.float32)
    m = np.zeros((len(idx), width), np.int64)
    for r, i in enumerate(idx):
        x[r, : len(hidden[i])] = hidden[i]
        m[r, : len(hidden[i])] = 1
    return torch.from_numpy(x), torch.from_numpy(m)


def dev_f1(model, hidden, y, torch) -> tuple[float, np.ndarray, np.ndarray]:
    """(28-label macro-F1 at dev-tuned thresholds, thresholds, probabilities) of the branch on GoEmotions dev."""
    from sklearn.metrics import f1_score

    model.eval()
    order = np.argsort([len(h) for h in hidden], kind="stable")
    proba = np.zeros(y.shape, np.float32)
    with torch.inference_mode():
        for s in range(0, len(hidden), 128):
            idx = order[s : s + 128]
            x, m = pad_hidden(hidden, idx, torch)
            proba[idx] = torch.sigmoid(model.emotions(model.branch(x, m))).numpy()
    model.train()
    th = data.fd.tune_thresholds(proba, y)
    return float(f1_score(y, proba >= th, average="macro", zero_division=0)), th, proba


def cmd_train(args: argparse.Namespace) -> None:
    torch = te.setup(args.threads)
    WORK.mkdir(parents=True, exist_ok=True)
    wall0, cpu0 = time.time(), time.process_time()
    got = rows()
    names = got["names"]
    if not Path(args.init_pt).exists():
        from from_onnx import model_from_onnx

        torch.save(model_from_onnx(Path(args.init_onnx))[0].state_dict(), args.init_pt)
        print(f"recovered {args.init_onnx} → {args.init_pt}", flush=True)
    model = load_v4(len(names), args.fork, Path(args.init_pt))
    if args.resume:  # continue a finished branch run (its epochs' schedule is over: a new one starts here)
        model.load_state_dict(torch.load(args.resume, map_location="cpu"))
    model.eval()
    rng = np.random.default_rng(data.SEED)
    dom_texts, dom_soft = got["domain"]
    keep = np.sort(rng.permutation(len(dom_texts))[: args.domain_rows])
    dom_texts, dom_soft = [dom_texts[i] for i in keep], dom_soft[keep]
    tr_h, _ = hidden_states(model, got["train"][0], args.fork, torch, "train")
    dev_h, _ = hidden_states(model, got["dev"][0], args.fork, torch, "dev")
    dom_h, _ = hidden_states(model, dom_texts, args.fork, torch, "domain")
    cache_s = round(time.time() - wall0)
    print(f"hidden states ready {cache_s}s", flush=True)
    y_tr, y_dev = got["train"][1], got["dev"][1]
    hidden = tr_h + dom_h
    target = torch.from_numpy(np.vstack([y_tr, dom_soft]))
    is_gold = torch.from_numpy(np.r_[np.ones(len(tr_h)), np.zeros(len(dom_h))].astype(np.float32))
    for p in model.parameters():
        p.requires_grad = False
    body = [p for p in model.emotion_layers.parameters()]
    head = list(model.emotions.parameters())
    for p in body + head:
        p.requires_grad = True
    opt = torch.optim.AdamW([{"params": body, "lr": args.lr}, {"params": head, "lr": args.head_lr}], weight_decay=0.01)
    lengths = np.array([len(h) for h in hidden])
    total = math.ceil(len(hidden) / args.batch) * args.epochs
    warm = max(1, int(0.06 * total))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm)))
    )
    bce = torch.nn.BCEWithLogitsLoss(reduction="none")
    start, _, _ = dev_f1(model, dev_h, y_dev, torch)
    history = [{"epoch": 0, "dev_macro_f1_28": round(start, 4)}]
    print(f"dev before: {start:.4f}", flush=True)
    best = (start, 0)
    model.train()
    model.encoder.eval()  # the shared part stays deterministic (no dropout); only the branch trains
    step, t0 = 0, time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        running = 0.0
        for idx in te.batches(lengths, args.batch, rng):
            x, m = pad_hidden(hidden, idx, torch)
            logits = model.emotions(model.dropout(model.branch(x, m)))
            per_row = bce(logits, target[idx]).mean(1)
            g = is_gold[idx]
            loss = (per_row * (g + args.domain_weight * (1 - g))).sum() / len(idx)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(body + head, 1.0)
            opt.step()
            sched.step()
            step += 1
            running += loss.item()
            if step % 200 == 0:
                dt = time.perf_counter() - t0
                print(f"epoch {epoch} step {step}/{total} loss {running / 200:.4f} {dt:.0f}s", flush=True)
                running = 0.0
        f1, _, _ = dev_f1(model, dev_h, y_dev, torch)
        history.append({"epoch": epoch, "dev_macro_f1_28": round(f1, 4), "seconds": round(time.perf_counter() - t0)})
        print(f"epoch {epoch}: dev {f1:.4f} ({time.perf_counter() - t0:.0f}s)", flush=True)
        torch.save(model.state_dict(), WORK / f"branch-fork{args.fork}{args.tag}-epoch{epoch}.pt")
        if f1 > best[0]:
            best = (f1, epoch)
    record = {
        "fork": args.fork,
        "epochs": args.epochs,
        "chosen_epoch": best[1],
        "dev_macro_f1_28": history,
        "goemotions_train_rows": len(tr_h),
        "domain_rows": len(dom_h),
        "domain_weight": args.domain_weight,
        "batch": args.batch,
        "lr": args.lr,
        "head_lr": args.head_lr,
        "threads": args.threads,
        "seed": data.SEED,
        "init": Path(args.init_onnx).name,
        "resumed_from": Path(args.resume).name if args.resume else None,
        "hidden_cache_seconds": cache_s,
        "train_seconds": round(time.perf_counter() - t0),
        "wall_seconds": round(time.time() - wall0),
        "cpu_seconds": round(time.process_time() - cpu0),
        "started_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime(wall0)),
        "emotion_names": names,
    }
    (WORK / f"branch-fork{args.fork}{args.tag}.json").write_text(json.dumps(record, indent=1))
    print(json.dumps({k: v for k, v in record.items() if k != "emotion_names"}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["train", "export"])
    parser.add_argument("--fork", type=int, default=4, help="the branch copies layers fork..5")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--head-lr", type=float, default=1e-3)
    parser.add_argument("--domain-rows", type=int, default=8000)
    parser.add_argument("--domain-weight", type=float, default=1.0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--init-onnx", default=str(te.ONNX_OUT), help="train: the v4 graph whose weights the branch starts from"
    )
    parser.add_argument("--init-pt", default=str(V4_RECOVERED), help="train: its recovered weights (made if absent)")
    parser.add_argument("--checkpoint", default="", help="export: branch checkpoint (default: the chosen epoch)")
    parser.add_argument("--fp16-matmuls", action="store_true", help="export: transformer MatMul weights as float16")
    parser.add_argument("--resume", default="", help="train: continue from this branch checkpoint")
    parser.add_argument("--tag", default="", help="suffix of the run's checkpoint / record names")
    parser.add_argument("--int8-branch", action="store_true", help="export: the branch's MatMul weights int8")
    parser.add_argument("--out", default="", help="export: write here (+ .json, -reference.json), not into src/")
    args = parser.parse_args()
    if args.command == "train":
        cmd_train(args)
    else:
        from export import cmd_export_branch

        cmd_export_branch(args)


if __name__ == "__main__":
    main()
