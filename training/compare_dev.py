"""Ship rule of a new feelings encoder (v4, v5): its figures next to the graphs it replaces, on development data only.

    python training/compare_dev.py OLD_DIR NEW_DIR      # each holds feelings-encoder.{onnx,json} (+ emotions graph)

Development data (seen while deciding; nothing here is a test split):

- sentiment: SemEval-14 train held-out tenth (``data.semeval_split()[1]``) and our CX ``dev`` split, sentence
  3-class macro-F1 of the graph's argmax;
- emotions: GoEmotions **dev**, 28-label and Ekman-7 macro-F1 at the thresholds shipped in each graph's JSON (the
  old side is the v1 emotions graph, which accurate mode runs next to v3 / v4; the new side is the new graph's own
  emotions);
- intent: the intent head's F1 per label on our CX ``dev`` split at its JSON thresholds;
- the shared heads: the largest change of sentiment / score / intent / ``unit_vector`` between the two graphs on
  the sentiment texts (0 for an emotion-only change such as v5's branch);
- prototypes: on the CX and SemEval held-out sentences, how often the empathy-quadrant / intent nearest-prototype
  label from the new graph's ``unit_vector`` equals the one from all-MiniLM-L6-v2 (what accurate mode used), and
  the mean cosine between the two vectors.

Runs the package's ``FeelingsEncoder`` on the given files (what the stage runs), so the figures are the int8 graphs'.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score

sys.path.insert(0, str(Path(__file__).parent))

import data
from empathic.feelings.encoder import FeelingsEncoder
from empathic.feelings.heads import row_matmul
from empathic.feelings.prototypes import load_prototypes
from empathic.feelings.textnorm import clean_texts
from feelings import EKMAN  # bench/feelings.py: the Ekman groups the benchmark scores


def graph(folder: Path, stem: str) -> FeelingsEncoder:
    return FeelingsEncoder(threads=2, model=folder / f"{stem}.onnx", meta=folder / f"{stem}.json")


def sentiment_rows() -> tuple[list[str], np.ndarray, np.ndarray]:
    """(cleaned texts, gold 0/1/2, source 0 = SemEval held-out / 1 = CX dev)."""
    held = data.semeval_split()[1]
    cx = pd.read_csv(data.CX_CSV)
    cx = cx[cx["split"] == "dev"]
    texts = [t for t, _ in held] + cx["text"].tolist()
    gold = [data.SENTIMENT.index(lab) for _, lab in held] + [data.SENTIMENT.index(s) for s in cx["sentiment"]]
    source = [0] * len(held) + [1] * len(cx)
    return clean_texts(texts), np.array(gold), np.array(source)


def nearest(vectors: np.ndarray, examples: np.ndarray, labels: tuple[str, ...], k: int = 3) -> np.ndarray:
    classes = sorted(set(labels))
    sims = row_matmul(vectors.astype(np.float32), examples.T)
    idx = np.array([classes.index(lab) for lab in labels])
    scores = np.stack([-np.sort(-sims[:, idx == c], axis=1)[:, :k].mean(1) for c in range(len(classes))], 1)
    return scores.argmax(1)


def main() -> None:
    old, new = Path(sys.argv[1]), Path(sys.argv[2])
    texts, gold, source = sentiment_rows()
    out: dict[str, dict] = {}
    enc_new = graph(new, "feelings-encoder")
    runs = {}
    for side, folder in (("old", old), ("new", new)):
        run = runs[side] = graph(folder, "feelings-encoder").predict_all(texts)
        pred = run.sentiment.argmax(1)
        held, cx = source == 0, source == 1
        out[side] = {
            "semeval14_heldout_macro_f1": round(float(f1_score(gold[held], pred[held], average="macro")), 4),
            "cx_dev_macro_f1": round(float(f1_score(gold[cx], pred[cx], average="macro")), 4),
        }
    cx_dev = pd.read_csv(data.CX_CSV).query("split == 'dev'")
    cx_texts = clean_texts(cx_dev["text"].tolist())
    gold_intents = [set(str(v).split(";")) for v in cx_dev["intent"]]
    for side, folder in (("old", old), ("new", new)):
        enc = graph(folder, "feelings-encoder")
        proba = enc.predict_all(cx_texts).intent
        out[side]["cx_dev_intent_head_f1"] = {
            name: round(
                float(
                    f1_score(
                        [name in g for g in gold_intents],
                        proba[:, j] >= enc.meta.intent_thresholds[j],
                        zero_division=0,
                    )
                ),
                4,
            )
            for j, name in enumerate(enc.meta.intent_labels)
        }
    # the shared heads: how far the new graph's sentiment / score / intent / unit_vector moved on these texts
    out["shared_heads_max_abs_change"] = {
        k: round(float(np.abs(getattr(runs["new"], k) - getattr(runs["old"], k)).max()), 6)
        for k in ("sentiment", "score", "intent", "vector")
        if getattr(runs["new"], k) is not None and getattr(runs["old"], k) is not None
    }
    import feelings_data as fd

    dev_texts, dev_labels, names = fd.goemotions("dev")
    y = np.zeros((len(dev_texts), len(names)), np.float32)
    for i, ls in enumerate(dev_labels):
        y[i, ls] = 1
    cleaned = clean_texts(dev_texts)
    for side, enc in (("old", graph(old, "feelings-emotions")), ("new", enc_new)):
        proba = enc.predict_all(cleaned).emotions
        order = [enc.meta.goemotions_labels.index(n) for n in names]
        pred = proba[:, order] >= enc.meta.goemotions_thresholds[order]
        out[side]["goemotions_dev_macro_f1_28"] = round(float(f1_score(y, pred, average="macro", zero_division=0)), 4)
        ek_gold = np.column_stack([y[:, [names.index(m) for m in ms]].max(1) for ms in EKMAN.values()])
        ek_pred = np.column_stack([pred[:, [names.index(m) for m in ms]].max(1) for ms in EKMAN.values()])
        out[side]["goemotions_dev_macro_f1_ekman"] = round(
            float(f1_score(ek_gold, ek_pred, average="macro", zero_division=0)), 4
        )
        out[side]["goemotions_dev_n"] = len(cleaned)
    if enc_new.meta.vector_dim:
        from empathic.text.embed import get_embedder

        minilm = get_embedder("accurate")
        mine = enc_new.vectors(texts)
        theirs = minilm.embed(texts)
        out["prototypes"] = {"n": len(texts), "mean_cosine": round(float((mine * theirs).sum(1).mean()), 4)}
        for name in ("empathy_prototypes", "intent_prototypes"):
            ex_texts, labels = load_prototypes(name)
            ex = clean_texts(list(ex_texts))
            a = nearest(mine, enc_new.vectors(ex), labels)
            b = nearest(theirs, minilm.embed(ex), labels)
            out["prototypes"][f"{name}_agreement"] = round(float((a == b).mean()), 4)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
