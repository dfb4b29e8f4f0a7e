"""Distil the accurate mode's sentiment (the fine-tuned feelings encoder) into the fast path's head.

    PYTHONPATH=src python training/distill_fast.py corpus     # unlabelled units + their static features (cached)
    PYTHONPATH=src python training/distill_fast.py teacher    # accurate-mode probabilities of every unit (cached)
    PYTHONPATH=src python training/distill_fast.py fit [--hidden 256] [--write]   # the student head + dev figures

Fast mode reads a unit with a head over ``[static vector (heads.FAST_EMBEDDER), lexicon features]``. Here that head
learns to reproduce accurate mode's final sentiment probabilities (``sentiment_probabilities(…, "accurate")``: the
encoder plus its reader's rules) on a large set of **unlabelled** sentence units — soft-target cross-entropy, no
human label involved — so fast mode inherits what the encoder learned from the CX data, at the static embedder's
speed. Unlabelled units come from text we may train on: clothing reviews (never the held-out fifth of
``training/data.py: clothing_heldout``), GoEmotions train, TweetEval val+test, Skytrax lounge/seat reviews,
Banking77 train, SemEval-14/16 train sentences and our own CX train/dev sentences. Never the airline tweets, the
SemEval-2019 suggestions, the British Airways reviews or any test split. Seeded (numpy, torch); needs torch (the
``train`` extra) for ``fit`` only.

Dev figures (printed by ``fit``): unit-level macro-F1 on the ``dev`` split of ``tests/feelings/data/cx_labelled.csv``
and on the 10 % of SemEval-14 train sentences no model trained on (``data.semeval_split()[1]``).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

import data
from data import fd

WORK = Path("/tmp/feelings_distill")
CORPUS = WORK / "corpus.npz"
SEED = 0
CLASSES = ("negative", "neutral", "positive")


def corpus_units(limit: int) -> list[str]:
    """Distinct cleaned sentence units of the allowed unlabelled text, a seeded sample of at most ``limit``."""
    from empathic.feelings.textnorm import clean_texts
    from empathic.text.sentences import split_units

    texts: list[str] = []
    clothing = pd.read_csv(data.CLOTHING_CSV, index_col=0)
    clothing = clothing[~data.clothing_heldout(clothing.index)]
    texts += clothing["Review Text"].dropna().tolist() + clothing["Title"].dropna().tolist()
    texts += fd.goemotions("train")[0]
    for split in ("val", "test"):
        texts += pd.read_csv(fd.DATA / "tweeteval_sentiment" / f"{split}.csv")["text"].tolist()
    for name in ("lounge", "seat"):
        texts += pd.read_csv(fd.DATA / "skytrax_reviews" / f"{name}.csv")["content"].dropna().tolist()
    texts += fd.banking_train()["text"].tolist()
    texts += [t for t, _ in data.semeval_split()[0]] + [t for t, _ in data.semeval16_rows()]
    cx = pd.read_csv(data.CX_CSV)
    texts += cx[cx["split"].isin(["train", "dev"])]["text"].tolist()
    units = []
    for text in texts:
        text = str(text)
        units += [text[s:e] for s, e in split_units(text)]
    units = sorted({u for u in clean_texts(units) if u and len(u.strip()) > 1})
    random.Random(SEED).shuffle(units)
    return units[:limit]


def features(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(static vectors, lexicon features) of cleaned texts, as fast mode computes them."""
    from empathic.feelings.heads import embedder_name
    from empathic.feelings.lexicon import lexicon_features
    from empathic.text.embed import get_embedder

    return get_embedder(embedder_name("fast")).embed(texts), lexicon_features(texts)


def cmd_corpus(args: argparse.Namespace) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    units = corpus_units(args.limit)
    vectors, lexicon = features(units)
    np.savez(CORPUS, texts=np.array(units, dtype=object), vectors=vectors, lexicon=lexicon)
    print(f"{len(units)} units, features in {time.perf_counter() - t0:.0f}s → {CORPUS}", flush=True)


def teacher_path(model: str) -> Path:
    return WORK / f"teacher-{model}.npy"


def cmd_teacher(args: argparse.Namespace) -> None:
    from empathic.feelings.encoder import get_encoder
    from empathic.feelings.lexicon import lexicon_features
    from empathic.feelings.sentiment import sentiment_probabilities

    texts = [str(t) for t in np.load(CORPUS, allow_pickle=True)["texts"]][: args.teacher_limit or None]
    name = get_encoder().name
    done = np.load(teacher_path(name)) if teacher_path(name).exists() else np.zeros((0, 3), np.float32)
    texts = texts[len(done) :]  # resume: only the units not read yet
    t0 = time.perf_counter()
    out = np.zeros((len(texts), 3), np.float32)
    step = 2000
    for s in range(0, len(texts), step):
        part = texts[s : s + step]
        zeros = np.zeros((len(part), 0), np.float32)
        out[s : s + step] = sentiment_probabilities(
            part, zeros, embedder="accurate", lexicon=lexicon_features(part), cleaned=part
        )
        print(f"teacher {s + len(part)}/{len(texts)} {time.perf_counter() - t0:.0f}s", flush=True)
    out = np.vstack([done, out])
    np.save(teacher_path(name), out)
    print(f"{name}: {len(texts)} units in {time.perf_counter() - t0:.0f}s → {teacher_path(name)}", flush=True)


def dev_sets() -> dict[str, tuple[list[str], np.ndarray]]:
    """Unit-level dev sets: our CX dev split, SemEval-14 train held-out (cleaned texts, gold class indices)."""
    from empathic.feelings.textnorm import clean_texts

    cx = pd.read_csv(data.CX_CSV)
    cx = cx[cx["split"] == "dev"]
    held = data.semeval_split()[1]
    return {
        "CX dev": (clean_texts(cx["text"].tolist()), cx["sentiment"].map(CLASSES.index).to_numpy()),
        "SemEval-14 train held-out": (
            clean_texts([t for t, _ in held]),
            np.array([CLASSES.index(lab) for _, lab in held]),
        ),
    }


def fit_student(x: np.ndarray, target: np.ndarray, hidden: int, epochs: int):
    """(W1, b1, W, b) of a softmax head (one ReLU layer when ``hidden``) on standardised x, soft cross-entropy."""
    import torch

    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    xt, yt = torch.from_numpy(x), torch.from_numpy(target)
    layers = (
        [torch.nn.Linear(x.shape[1], hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 3)]
        if hidden
        else [torch.nn.Linear(x.shape[1], 3)]
    )
    net = torch.nn.Sequential(*layers)
    opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=1e-4)
    gen = torch.Generator().manual_seed(SEED)
    for epoch in range(epochs):
        order = torch.randperm(len(xt), generator=gen)
        total = 0.0
        for s in range(0, len(order), 256):
            idx = order[s : s + 256]
            loss = -(yt[idx] * torch.log_softmax(net(xt[idx]), -1)).sum(1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        print(f"epoch {epoch} soft CE {total / len(xt):.4f}", flush=True)
    p = [t.detach().numpy().astype(np.float32) for t in net.parameters()]
    if hidden:
        return p[0].T.copy(), p[1], p[2].T.copy(), p[3]
    return None, None, p[0].T.copy(), p[1]


def cmd_fit(args: argparse.Namespace) -> None:
    from sklearn.metrics import f1_score

    from empathic.feelings import heads
    from empathic.feelings import sentiment as sm
    from empathic.feelings.encoder import get_encoder

    z = np.load(CORPUS, allow_pickle=True)
    teacher = np.load(teacher_path(get_encoder().name))
    x = np.hstack([z["vectors"], z["lexicon"]]).astype(np.float32)[: len(teacher)]
    mean, scale = x.mean(0), x.std(0) + 1e-6
    t0 = time.perf_counter()
    w1, b1, w, b = fit_student((x - mean) / scale, teacher, args.hidden, args.epochs)
    print(f"fit {len(x)} units, hidden {args.hidden}, {time.perf_counter() - t0:.0f}s", flush=True)
    head = heads.Head("sentiment-fast", CLASSES, "softmax", w, b, mean, scale, w1, b1)
    out = WORK / "sentiment-fast.npz"
    heads.save_head(out, head)
    heads.load_head.cache_clear()
    original = heads.MODELS_DIR
    for name, (texts, gold) in dev_sets().items():
        vectors, lexicon = features(texts)
        row = {}
        for label, directory in (("shipped head", original), ("distilled", WORK)):
            heads.MODELS_DIR = directory
            heads.load_head.cache_clear()
            for rules in ("fast", "encoder"):
                sm.FAST_READER_RULES = rules
                proba = sm.sentiment_probabilities(texts, vectors, embedder="fast", lexicon=lexicon, cleaned=texts)
                row[f"{label} + {rules} rules"] = round(f1_score(gold, proba.argmax(1), average="macro"), 4)
        teacher_dev = sm.sentiment_probabilities(
            texts, vectors, embedder="accurate", lexicon=lexicon, cleaned=texts
        ).argmax(1)
        row["accurate (teacher)"] = round(f1_score(gold, teacher_dev, average="macro"), 4)
        print(name, len(texts), row, flush=True)
    heads.MODELS_DIR = original
    heads.load_head.cache_clear()
    if args.write:
        heads.save_head(heads.MODELS_DIR / "sentiment-fast.npz", head)
        print(f"wrote {heads.MODELS_DIR / 'sentiment-fast.npz'}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["corpus", "teacher", "fit"])
    parser.add_argument("--limit", type=int, default=60_000, help="corpus: units kept (seeded sample)")
    parser.add_argument("--teacher-limit", type=int, default=0, help="teacher: the first N corpus units (0 = all)")
    parser.add_argument("--hidden", type=int, default=256, help="fit: ReLU units (0 = linear head)")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--write", action="store_true", help="fit: replace the shipped sentiment-fast.npz")
    args = parser.parse_args()
    {"corpus": cmd_corpus, "teacher": cmd_teacher, "fit": cmd_fit}[args.command](args)


if __name__ == "__main__":
    main()
