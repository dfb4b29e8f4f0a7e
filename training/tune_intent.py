"""Choose which intents the encoder's head adds to the rules' cues, and its thresholds, on our own dev split.

    PYTHONPATH=src python training/tune_intent.py        # updates models/feelings-encoder.json

For ``bug`` and ``request``: F1 on the ``dev`` split of ``tests/feelings/data/cx_labelled.csv`` (our own labelled
sentences) of the cues alone vs cues OR head ≥ t (t on a 0.30–0.90 grid); the head joins an intent only when it
adds at least ``MIN_GAIN`` F1 there. The ``test`` split and every shared evaluation set (SemEval-2019 suggestions,
airline tweets) stay unseen by this choice.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score

from empathic.feelings import rules
from empathic.feelings.encoder import META_PATH, FeelingsEncoder
from empathic.feelings.intent import split_intents
from empathic.feelings.textnorm import clean_texts

CX = Path(__file__).resolve().parents[1] / "tests/feelings/data/cx_labelled.csv"
GRID = np.round(np.arange(0.30, 0.91, 0.05), 2)
MIN_GAIN = 0.01
CUES = {"bug": rules.BUG, "request": rules.REQUEST}


def main() -> None:
    df = pd.read_csv(CX)
    dev = df[df["split"] == "dev"]
    texts = clean_texts(dev["text"].tolist())
    encoder = FeelingsEncoder(threads=1)
    proba = encoder.predict_all(texts).intent
    labels = list(encoder.meta.intent_labels)
    lowered = rules.lowered_column(texts)
    meta = json.loads(META_PATH.read_text())
    thresholds = [0.5] * len(labels)
    decides = []
    for name, pattern in CUES.items():
        gold = np.array([name in split_intents(v) for v in dev["intent"]])
        cue = rules.search_many(pattern, lowered)
        base = f1_score(gold, cue)
        p = proba[:, labels.index(name)]
        scores = [f1_score(gold, cue | (p >= t)) for t in GRID]
        best = int(np.argmax(scores))
        print(
            f"{name}: cues {base:.3f}; cues or head ≥ {GRID[best]} {scores[best]:.3f}; head alone ≥ 0.5 "
            f"{f1_score(gold, p >= 0.5):.3f}"
        )
        thresholds[labels.index(name)] = float(GRID[best])
        if scores[best] >= base + MIN_GAIN:
            decides.append(name)
    meta["intent_thresholds"] = thresholds
    meta["intent_decides"] = decides
    META_PATH.write_text(json.dumps(meta, indent=1) + "\n")
    print("intent_decides", decides)


if __name__ == "__main__":
    main()
