"""Intent on our own labelled sets, through the stage's code path: per-label precision, recall and F1.

    PYTHONPATH=src .venv/bin/python bench/feelings_intent.py [--modes accurate,fast] [--errors dev] [--label request]

Sets (both labelled by docs/labelling-guide.md, each with a fixed dev / test split):

- **real**: ``bench/data/intent_labels.csv`` — 680 sentence units of BA / Skytrax / clothing reviews, Banking77 and
  TweetEval test (ids and offsets only, text read from ../shared/data by ``bench/intent_set.py``); reported whole and
  for its ``random`` stratum alone (the ``cue`` stratum was drawn with wanting / obligation words to hold enough
  requests and their look-alikes, so it is harder than random text and richer in requests);
- **cx**: ``tests/feelings/data/cx_labelled.csv`` — 353 sentences we wrote.

Each unit is read as one comment by ``feelings_cx.read`` (split, vectors, ``annotate_units``, roll-up: what
``empathic analyze`` runs). ``--errors dev`` prints the dev split's misses for one label (``--label``): the rules were
changed while reading those only; the test split is scored, never printed. The SemEval-2019 suggestion set is not
read here (evaluation only: ``../shared/tools/feedback-check``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import precision_recall_fscore_support

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import intent_set  # noqa: E402
from empathic.feelings.intent import INTENTS, split_intents  # noqa: E402
from feelings import to_markdown  # noqa: E402
from feelings_cx import CX, read  # noqa: E402

LABELS = INTENTS[:-1]


def scores(gold: list[str], pred: list[str]) -> dict[str, float]:
    """Per-label P / R / F1 (and support) of ``;``-joined gold and predicted intents."""
    want = [set(split_intents(v)) for v in gold]
    got = [set(split_intents(v)) for v in pred]
    row: dict[str, float] = {}
    for name in LABELS:
        g = np.array([name in w for w in want])
        p = np.array([name in x for x in got])
        prec, rec, f1, _ = precision_recall_fscore_support(g, p, average="binary", zero_division=0)
        row[f"{name} P/R/F1 (n)"] = f"{prec:.2f} / {rec:.2f} / {f1:.3f} ({int(g.sum())})"
    return row


def sentiment_accuracy(gold: pd.Series, pred: pd.Series) -> float:
    return float((gold.to_numpy() == pred.replace({"mixed": "neutral"}).fillna("neutral").to_numpy()).mean())


def predict(texts: list[str], mode: str) -> pd.DataFrame:
    """intent and sentiment_label per text, each text read as one comment."""
    _, comments = read(texts, mode)
    ids = [str(i).zfill(7) for i in range(len(texts))]
    return comments.to_pandas().set_index("feedback_id").reindex(ids)[["intent", "sentiment_label"]]


def report(name: str, df: pd.DataFrame, pred: pd.DataFrame) -> list[dict]:
    rows = []
    groups = [("dev", df["split"] == "dev"), ("test", df["split"] == "test")]
    if "stratum" in df:
        groups.append(("test, random stratum", (df["split"] == "test") & (df["stratum"] == "random")))
    for split, m in groups:
        m = m.to_numpy()
        rows.append(
            {
                "set": name,
                "split": split,
                "n": int(m.sum()),
                **scores(df["intent"][m].tolist(), pred["intent"][m].fillna("other").tolist()),
                "sentiment acc.": round(sentiment_accuracy(df["sentiment"][m], pred["sentiment_label"][m]), 3),
            }
        )
    return rows


def errors(df: pd.DataFrame, pred: pd.DataFrame, label: str, split: str) -> None:
    """Print the misses (false negatives, then false positives) for ``label`` on ``split`` (dev only)."""
    if split != "dev":
        raise SystemExit("only the dev split is printed: the test split is scored, never read")
    m = (df["split"] == split).to_numpy()
    for kind, want_gold, want_pred in (("missed", True, False), ("wrongly given", False, True)):
        print(f"### {label} {kind}")
        for i in np.flatnonzero(m):
            g = label in split_intents(df["intent"].iloc[i])
            p = label in split_intents(pred["intent"].iloc[i] or "")
            if g == want_gold and p == want_pred:
                print(f"  [{df['intent'].iloc[i]} | {pred['intent'].iloc[i]}] {' '.join(df['text'].iloc[i].split())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--modes", default="accurate")
    parser.add_argument("--sets", default="real,cx")
    parser.add_argument("--errors", default="", help="print this split's misses (dev only)")
    parser.add_argument("--label", default="request")
    args = parser.parse_args()
    sets = {}
    if "real" in args.sets:
        sets["real"] = intent_set.load()
    if "cx" in args.sets:
        sets["cx"] = pd.read_csv(CX)
    for mode in args.modes.split(","):
        print(f"## mode {mode}  ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})", flush=True)
        rows = []
        for name, df in sets.items():
            pred = predict(df["text"].tolist(), mode)
            rows += report(name, df, pred)
            if args.errors:
                errors(df, pred, args.label, args.errors)
        print(to_markdown(pd.DataFrame(rows)), flush=True)


if __name__ == "__main__":
    main()
