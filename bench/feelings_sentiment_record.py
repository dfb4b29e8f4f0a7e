"""One held-out measurement, for the record, of the fast sentiment variants tried on 2026-11-26 and rejected.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 nice -n 15 .venv/bin/python bench/feelings_sentiment_record.py

The variants were chosen or rejected on development data only (``bench/feelings_sentiment_dev.py``; the decision
is commit 1517112, made before this script existed). This script trains each on the full training mix, as
``training/train_feelings.py`` would, and scores the held-out sets the benchmark reports — airline tweets, SemEval-14
test sentences, GoEmotions test sentiment groups — so the record shows what the rejected data would have done.
It must not be used to choose anything. Nothing is written to the package.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "training"))  # train_feelings (a training script)
import train_feelings as tf

import feelings_data as data
from empathic.feelings.lexicon import vader_compound
from feelings_sentiment_dev import THREE, DevSet, print_table

SHIPPED_RULE = (0.5, 0.0)
NARROW_RULE = (0.8, 0.4)
#: (name, Banking77 mix, cap on the problem-report negatives, no-opinion rule)
VARIANTS = (
    ("shipped: 2,500 Banking77 questions neutral, no-opinion 0.5 on every calm unit", "questions", None, SHIPPED_RULE),
    ("Banking77 intents, 2,000 problem reports (rejected)", "intents", 2000, SHIPPED_RULE),
    ("Banking77 intents, all 4,005 problem reports (rejected)", "intents", None, SHIPPED_RULE),
    ("questions + all problem reports (rejected)", "questions+negative", None, SHIPPED_RULE),
    ("shipped mix, no-opinion 0.8 if P(neu) >= 0.4 (rejected)", "questions", None, NARROW_RULE),
    ("intents, 2,000 problem reports, no-opinion 0.8 if P(neu) >= 0.4 (rejected)", "intents", 2000, NARROW_RULE),
)


def cached(cache: Path, name: str, texts: list[str]) -> np.ndarray:
    """Fast embeddings of exactly ``texts`` from the training cache."""
    z = np.load(cache / f"{name}.npz", allow_pickle=True)
    if [str(t) for t in z["texts"]] != list(texts):
        raise SystemExit(f"the cache {name}.npz does not hold these texts: re-run training/train_feelings_embed.py")
    return z["fast"].astype(np.float32)


def held_out_sets(cache: Path) -> dict[str, DevSet]:
    tw = data.airline_tweets()
    texts = tw["text"].tolist()
    sets = {"airline tweets": DevSet(texts, tw["label"].to_numpy(), cached(cache, "airline_tweets", texts))}
    for domain in ("restaurants", "laptops"):
        df = data.semeval_sentences(domain, "test")
        keep = df["label"].notna().to_numpy()
        vec = cached(cache, f"semeval_{domain}_test", df["text"].tolist())[keep]
        sets[f"SemEval-14 {domain} test"] = DevSet(df["text"][keep].tolist(), df["label"][keep].to_numpy(), vec)
    texts, labels, names = data.goemotions("test")
    group = [tf.goemo_group(json.dumps(ls), names) for ls in labels]
    keep = np.array([g is not None for g in group])
    sets["GoEmotions test groups"] = DevSet(
        [t for t, k in zip(texts, keep, strict=True) if k],
        np.array([g for g in group if g]),
        cached(cache, "goemo_test", texts)[keep],
    )
    return sets


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", default="/tmp/feelings_train_cache")
    args = parser.parse_args()
    cache = Path(args.cache)
    sets = held_out_sets(cache)
    rows = []
    for name, mix, cap, rule in VARIANTS:
        x, y = tf.sentiment_training_set(cache, "fast", banking=mix, negative_cap=cap)
        head = tf.fit_sentiment(x, y, "sentiment-fast")
        row: dict[str, object] = {"variant": name}
        for set_name, s in sets.items():
            pred = np.array(THREE)[s.proba(head, rule).argmax(axis=1)]
            row[f"{set_name} F1"] = f1_score(s.gold, pred, average="macro")
            row[f"{set_name} acc"] = accuracy_score(s.gold, pred)
        rows.append(row)
        print(row, flush=True)
    row = {"variant": "VADER (±0.05)"}
    for set_name, s in sets.items():
        c = vader_compound(s.cleaned if set_name == "airline tweets" else s.texts)
        pred = np.where(c >= 0.05, "positive", np.where(c <= -0.05, "negative", "neutral"))
        row[f"{set_name} F1"] = f1_score(s.gold, pred, average="macro")
        row[f"{set_name} acc"] = accuracy_score(s.gold, pred)
    rows.append(row)
    print_table(pd.DataFrame(rows), digits=3)


if __name__ == "__main__":
    main()
