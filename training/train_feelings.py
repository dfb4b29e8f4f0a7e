"""Step 2 of training the feelings heads: fit them on the cached embeddings and export ``.npz`` artifacts.

    .venv/bin/python training/train_feelings_embed.py       # once: embeds the corpora (≈ 10 min on 2 cores)
    .venv/bin/python training/train_feelings.py             # fits and writes src/empathic/feelings/models/*.npz

    .venv/bin/python training/train_feelings.py --embedders fast --fast-embedder fast-minilm --out /tmp/heads-v2
                                                        # fast heads on another static embedder, written elsewhere

Heads (one per mode: "fast" = on ``heads.FAST_EMBEDDER`` or ``--fast-embedder``, "accurate" = on MiniLM):

- ``sentiment-<embedder>``: 3-class softmax over [embedding, VADER features]. Trained on SemEval-14 *train*
  sentences (restaurants + laptops), GoEmotions *train* comments mapped to sentiment groups, weakly labelled
  clothing-review titles (rating 1–2 / 5) and 2,500 Banking77 *train* questions as neutral (other Banking77 mixes:
  ``BANKING_MIXES``). NOT trained on: airline tweets, SemEval test, GoEmotions dev/test, Banking77 test, nor the
  British Airways review headers (no licence: internal evaluation only).
- ``emotions-<embedder>``: 28 independent sigmoids (one hidden layer) on GoEmotions *train*, per-label thresholds
  tuned on GoEmotions *dev*. The test split is only used by ``bench/feelings.py``.

Everything is seeded; re-running gives the same artifacts.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))  # feelings_data, data_root

import feelings_data as data
from data_root import data_root
from empathic.feelings import heads
from empathic.feelings.heads import MODELS_DIR, Head, embedder_name, save_head
from empathic.feelings.lexicon import lexicon_features
from empathic.feelings.textnorm import clean_texts

SEED = 0
POSITIVE = {
    "amusement",
    "excitement",
    "joy",
    "love",
    "desire",
    "optimism",
    "caring",
    "pride",
    "admiration",
    "gratitude",
    "relief",
    "approval",
}
NEGATIVE = {
    "fear",
    "nervousness",
    "remorse",
    "embarrassment",
    "disappointment",
    "sadness",
    "grief",
    "disgust",
    "anger",
    "annoyance",
    "disapproval",
}


def load(cache: Path, name: str, embedder: str) -> tuple[list[str], list[str], np.ndarray]:
    """(texts, labels, features = [embedding, lexicon]) of one cached corpus; ``embedder`` is the mode ("fast":
    the cached vectors of ``heads.FAST_EMBEDDER``, "accurate": MiniLM's)."""
    z = np.load(cache / f"{name}.npz", allow_pickle=True)
    texts = [str(t) for t in z["texts"]]
    feats = np.hstack([z[embedder_name(embedder)].astype(np.float32), lexicon_features(clean_texts(texts))])
    return texts, [str(x) for x in z["labels"]], feats


def goemo_names() -> list[str]:
    return (data_root() / "goemotions" / "original" / "labels.txt").read_text().split()


def goemo_group(label_json: str, names: list[str]) -> str | None:
    """Sentiment group of a GoEmotions row when all its labels agree (else None)."""
    groups = set()
    for i in json.loads(label_json):
        n = names[i]
        groups.add(
            "positive"
            if n in POSITIVE
            else "negative"
            if n in NEGATIVE
            else "neutral"
            if n == "neutral"
            else "ambiguous"
        )
    return next(iter(groups)) if len(groups) == 1 and "ambiguous" not in groups else None


#: How Banking77 enters the sentiment mix (``--banking``): "questions" (the shipped mix) = 2,500 random train
#: questions as neutral; "intents" = train queries of problem-report intents as negative (optionally a seeded sample,
#: ``--banking-negatives``) and every query of an information intent as neutral (``feelings_data.BANKING_NEGATIVE`` /
#: ``BANKING_NEUTRAL``, decided from the intent names alone); "questions+negative" = the old neutral questions minus
#: those of non-information intents, plus the problem reports as negative. The two problem-report mixes were tried
#: on 2026-11-26 and rejected: the head learns the *topic* as negative ("Got my refund today 😍" → negative;
#: ``bench/feelings_sentiment_dev.py``, docs/bench/feelings.md).
BANKING_MIXES = ("questions", "intents", "questions+negative")


def banking_rows(cache: Path, embedder: str, mix: str, negative_cap: int | None = None) -> tuple[np.ndarray, list[str]]:
    """(features, labels) of the Banking77 rows of the sentiment mix ``mix`` (see ``BANKING_MIXES``)."""
    if mix not in BANKING_MIXES:
        raise ValueError(f"unknown Banking77 mix {mix!r}; choose from {BANKING_MIXES}")
    texts, intents, x = load(cache, "banking_train", embedder)
    weak = np.array([data.banking_intent_sentiment(c) or "" for c in intents])
    neg = np.flatnonzero(weak == "negative")
    if negative_cap is not None and negative_cap < len(neg):
        neg = np.sort(np.random.default_rng(SEED).choice(neg, negative_cap, replace=False))
    if mix == "intents":
        keep = np.concatenate([neg, np.flatnonzero(weak == "neutral")])
        return x[keep], weak[keep].tolist()
    q_texts, q_labels, q_x = load(cache, "banking_questions", embedder)
    if mix == "questions":
        return q_x, q_labels
    intent_of = dict(zip(texts, weak, strict=True))
    q_keep = [i for i, t in enumerate(q_texts) if intent_of.get(t) == "neutral"]
    return np.vstack([q_x[q_keep], x[neg]]), [q_labels[i] for i in q_keep] + ["negative"] * len(neg)


def sentiment_training_set(
    cache: Path,
    embedder: str,
    *,
    banking: str = "questions",
    negative_cap: int | None = None,
    exclude: frozenset[str] = frozenset(),
) -> tuple[np.ndarray, np.ndarray]:
    """(features (n, dim + 7), labels (n,)) of the sentiment heads' mix; SemEval sentences in ``exclude`` are left
    out (``bench/feelings_sentiment_dev.py`` holds out 10 % of them to choose the mix)."""
    names = goemo_names()
    xs, ys = [], []
    for corpus in ("semeval_restaurants_train", "semeval_laptops_train"):
        texts, labels, x = load(cache, corpus, embedder)
        lab = [json.loads(s)["label"] for s in labels]
        # unlabelled sentences are NaN
        keep = [i for i, v in enumerate(lab) if isinstance(v, str) and texts[i] not in exclude]
        xs.append(x[keep])
        ys += [lab[i] for i in keep]
    _, labels, x = load(cache, "goemo_train", embedder)
    lab = [goemo_group(s, names) for s in labels]
    keep = [i for i, v in enumerate(lab) if v]
    xs.append(x[keep])
    ys += [lab[i] for i in keep]
    titles = set(data.clothing_titles_and_short_reviews().query("text.str.len() < 60")["text"])
    texts, labels, x = load(cache, "clothing_weak", embedder)
    keep = [i for i, t in enumerate(texts) if t in titles]  # whole-review ratings mislabel sentences: titles only
    xs.append(x[keep])
    ys += [labels[i] for i in keep]
    bx, by = banking_rows(cache, embedder, banking, negative_cap)
    xs.append(bx)
    ys += by
    return np.vstack(xs), np.array(ys)


def fit_sentiment(x: np.ndarray, y: np.ndarray, name: str, c: float = 0.05) -> Head:
    """Multinomial logistic regression (balanced classes, L2 ``C``) on standardised features, as a ``Head``."""
    scaler = StandardScaler().fit(x)
    clf = LogisticRegression(C=c, max_iter=500, class_weight="balanced", random_state=SEED)
    clf.fit(scaler.transform(x), y)
    return Head(
        name=name,
        classes=tuple(clf.classes_),
        kind="softmax",
        W=clf.coef_.T,
        b=clf.intercept_,
        mean=scaler.mean_,
        scale=scaler.scale_,
    )


def train_sentiment(
    cache: Path, embedder: str, c: float = 0.05, banking: str = "questions", negative_cap: int | None = None
) -> Head:
    x, y = sentiment_training_set(cache, embedder, banking=banking, negative_cap=negative_cap)
    print(f"sentiment-{embedder}: {len(y)} rows", {c: int((y == c).sum()) for c in np.unique(y)}, flush=True)
    return fit_sentiment(x, y, f"sentiment-{embedder}", c)


def multi_hot(label_jsons: list[str], n: int) -> np.ndarray:
    y = np.zeros((len(label_jsons), n), dtype=np.int8)
    for i, s in enumerate(label_jsons):
        y[i, json.loads(s)] = 1
    return y


def train_emotions(cache: Path, embedder: str, hidden: int) -> Head:
    names = goemo_names()
    _, tr_lab, x_tr = load(cache, "goemo_train", embedder)
    _, dv_lab, x_dv = load(cache, "goemo_dev", embedder)
    y_tr, y_dv = multi_hot(tr_lab, len(names)), multi_hot(dv_lab, len(names))
    scaler = StandardScaler().fit(x_tr)
    clf = MLPClassifier(
        hidden_layer_sizes=(hidden,),
        alpha=1e-3,
        batch_size=256,
        learning_rate_init=1e-3,
        max_iter=40,
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=4,
        random_state=SEED,
    )
    clf.fit(scaler.transform(x_tr), y_tr)
    head = Head(
        name=f"emotions-{embedder}",
        classes=tuple(names),
        kind="sigmoid",
        W=clf.coefs_[1],
        b=clf.intercepts_[1],
        mean=scaler.mean_,
        scale=scaler.scale_,
        W1=clf.coefs_[0],
        b1=clf.intercepts_[0],
    )
    thresholds = data.tune_thresholds(head.predict_proba(x_dv), y_dv)
    head = dataclasses.replace(head, thresholds=thresholds)  # not Head(**__dict__): it holds cached properties
    dev_f1 = f1_score(y_dv, head.predict_proba(x_dv) >= thresholds, average="macro", zero_division=0)
    print(f"emotions-{embedder}: dev macro-F1 (28) {dev_f1:.3f} after {clf.n_iter_} epochs", flush=True)
    return head


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", default="/tmp/feelings_train_cache")
    parser.add_argument("--embedders", default="fast,accurate")
    parser.add_argument("--heads", default="sentiment,emotions")
    parser.add_argument("--hidden", type=int, default=384)
    parser.add_argument("--C", type=float, default=0.05, help="inverse L2 strength of the sentiment heads")
    parser.add_argument("--banking", default="questions", choices=BANKING_MIXES, help="Banking77 rows (sentiment)")
    parser.add_argument("--banking-negatives", type=int, default=0, help="cap on the problem reports (0: all)")
    parser.add_argument(
        "--fast-embedder", default=heads.FAST_EMBEDDER, help="registered embedder of the fast heads (cache key)"
    )
    parser.add_argument("--out", default=str(MODELS_DIR), help="directory for the .npz heads")
    args = parser.parse_args()
    heads.FAST_EMBEDDER = args.fast_embedder  # this process only: which cached vectors the fast heads read
    cache, out = Path(args.cache), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for embedder in args.embedders.split(","):
        if "sentiment" in args.heads:
            cap = args.banking_negatives or None
            head = train_sentiment(cache, embedder, args.C, args.banking, cap)
            save_head(out / f"sentiment-{embedder}.npz", head)
        if "emotions" in args.heads:
            save_head(out / f"emotions-{embedder}.npz", train_emotions(cache, embedder, args.hidden))


if __name__ == "__main__":
    main()
