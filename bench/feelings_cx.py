"""Feelings on customer feedback through the stage's own code path (what ``empathic analyze`` runs).

    PYTHONPATH=src .venv/bin/python bench/feelings_cx.py [--modes accurate,fast] [--only airline,cx,clothing,speed]

Each comment is split into units by ``empathic.text.sentences.split_units``, the units are read by
``feelings.annotate.annotate_units`` with the mode's vectors (``feelings.vectors.distinct_vectors``) and rolled up
by ``aggregate_comments`` — the feelings stage minus the store. Figures (one run, this machine):

- **airline**: the 14,640 airline tweets (never trained on, no choice made by their score), comment labels,
  macro-F1 with ``mixed`` counted as neutral (as ``../shared/tools/feedback-check`` scores them);
- **cx**: our own labelled sentences (``tests/feelings/data/cx_labelled.csv``, written for this project by the
  labelling guide): sentiment macro-F1 and per-intent F1, on its ``dev`` split (seen while choosing thresholds and
  rules) and its ``test`` split (not);
- **clothing**: polar agreement with the stars on the clothing reviews the encoder never trained on
  (``training/data.py: clothing_heldout``): rating 1–2 → negative, 4–5 → positive; a comment agrees when its label
  is the stars' polarity (neutral and mixed count as disagreement);
- **heldout**: SemEval-14 test sentences (restaurants, laptops; 3-class macro-F1) and GoEmotions test (28-label and
  Ekman-7 macro-F1) with ``bench/feelings.py``'s own functions (``sentiment_probabilities`` / ``goemotions_scores``,
  what ``annotate_units`` calls), comparable with its earlier figures;
- **speed**: comments/s of the whole read (split, embed, annotate, roll up) on 2,000 clothing reviews.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from sklearn.metrics import f1_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "training"))
sys.path.insert(0, str(ROOT / "bench"))

import feelings_data as fd  # noqa: E402
from empathic.feelings.annotate import aggregate_comments, annotate_units, comment_sentiment  # noqa: E402
from empathic.feelings.intent import INTENTS, split_intents  # noqa: E402
from empathic.feelings.lexicon import lexicon_features  # noqa: E402
from empathic.feelings.sentiment import label_sentiment, sentiment_probabilities  # noqa: E402
from empathic.feelings.settings import FeelingsSettings  # noqa: E402
from empathic.feelings.textnorm import clean_texts  # noqa: E402
from empathic.feelings.vectors import distinct_vectors  # noqa: E402
from empathic.text.sentences import split_units  # noqa: E402
from feelings import to_markdown  # noqa: E402

CX = ROOT / "tests/feelings/data/cx_labelled.csv"
THREE = ["negative", "neutral", "positive"]
#: ``--dump DIR``: each measured set's unit feelings are written to DIR/<set>-<mode>.parquet (to study the roll-up).
DUMP: Path | None = None
#: ``--sentiment-only``: airline and clothing read through :func:`read_sentiment` (same labels, a third of the cost).
SENTIMENT_ONLY = False
#: ``--airline-sample N``: a seeded sample of N airline tweets (A/B runs on a loaded machine; 0 = all).
AIRLINE_SAMPLE = 0


def read(texts: list[str], mode: str, settings: FeelingsSettings | None = None) -> tuple[pa.Table, pa.Table]:
    """(unit feelings, comment feelings) of comments ``texts`` (ids "0".."n-1") as the stage computes them."""
    settings = settings or FeelingsSettings()
    ids, idx, units = [], [], []
    for i, text in enumerate(texts):
        for k, (s, e) in enumerate(split_units(text)):
            ids.append(str(i).zfill(7))
            idx.append(k)
            units.append(text[s:e])
    table = pa.table({"feedback_id": ids, "sentence_idx": pa.array(idx, pa.int32()), "text": units})
    vectors = distinct_vectors(clean_texts(units), mode)
    unit_table, emotions = annotate_units(table, vectors, settings, embedder=mode)
    comments, _ = aggregate_comments(unit_table, emotions, settings)
    return unit_table, comments


def read_sentiment(texts: list[str], mode: str, settings: FeelingsSettings | None = None) -> tuple[pa.Table, pa.Table]:
    """The sentiment columns of :func:`read` only: the same units, ``sentiment_probabilities`` / ``label_sentiment``
    (what ``annotate_units`` calls) and the same roll-up (``annotate.comment_sentiment``), without the emotions
    graph and the MiniLM prototypes that a comment's sentiment does not depend on (a third of accurate mode's cost).
    """
    settings = settings or FeelingsSettings()
    ids, idx, units = [], [], []
    for i, text in enumerate(texts):
        for k, (s, e) in enumerate(split_units(text)):
            ids.append(str(i).zfill(7))
            idx.append(k)
            units.append(text[s:e])
    cleaned = clean_texts(units)
    distinct = sorted(set(cleaned))
    pos = {t: j for j, t in enumerate(distinct)}
    vectors = distinct_vectors(distinct, mode) if mode == "fast" else np.zeros((len(distinct), 0), np.float32)
    lexicon = lexicon_features(distinct)
    proba = sentiment_probabilities(distinct, vectors, embedder=mode, lexicon=lexicon, cleaned=distinct)
    scores, labels = label_sentiment(proba)
    take = np.array([pos[t] for t in cleaned], dtype=np.int64)
    unit_table = pa.table(
        {
            "feedback_id": ids,
            "sentence_idx": pa.array(idx, pa.int32()),
            "sentiment": pa.array(scores[take], pa.float64()),
            "sentiment_label": pa.array(labels[take].tolist(), pa.string()),
        }
    )
    return unit_table, comment_sentiment(unit_table, settings)


def comment_labels(texts: list[str], mode: str, name: str = "") -> list[str]:
    units, comments = (read_sentiment if SENTIMENT_ONLY else read)(texts, mode)
    if DUMP is not None and name:
        import pyarrow.parquet as pq

        DUMP.mkdir(parents=True, exist_ok=True)
        pq.write_table(units, DUMP / f"{name}-{mode}.parquet")
    comments = comments.to_pandas().set_index("feedback_id")
    ids = [str(i).zfill(7) for i in range(len(texts))]
    return comments.reindex(ids)["sentiment_label"].fillna("neutral").tolist()


def airline(mode: str) -> dict:
    df = fd.airline_tweets()
    if AIRLINE_SAMPLE:
        df = df.sample(AIRLINE_SAMPLE, random_state=0).reset_index(drop=True)
    pred = pd.Series(comment_labels(df["text"].tolist(), mode, "airline")).replace({"mixed": "neutral"})
    return {"airline macro-F1": f1_score(df["label"], pred, average="macro"), "n": len(df)}


def cx(mode: str) -> list[dict]:
    df = pd.read_csv(CX)
    rows = []
    _, comments = read(df["text"].tolist(), mode)
    comments = comments.to_pandas().set_index("feedback_id").reindex([str(i).zfill(7) for i in range(len(df))])
    for split in ("dev", "test"):
        m = (df["split"] == split).to_numpy()
        gold = df["sentiment"][m]
        pred = comments["sentiment_label"][m].replace({"mixed": "neutral"}).fillna("neutral")
        row = {"split": split, "n": int(m.sum()), "sentiment macro-F1": f1_score(gold, pred, average="macro")}
        got = [set(split_intents(v)) for v in comments["intent"][m]]
        want = [set(split_intents(v)) for v in df["intent"][m]]
        for name in INTENTS[:-1]:
            g = np.array([name in w for w in want])
            p = np.array([name in x for x in got])
            row[f"{name} F1"] = f1_score(g, p, zero_division=0)
        rows.append(row)
    return rows


def clothing(mode: str) -> dict:
    sys.path.insert(0, str(ROOT / "training"))
    from data import CLOTHING_CSV, clothing_heldout

    df = pd.read_csv(CLOTHING_CSV, index_col=0)
    df = df[clothing_heldout(df.index) & df["Rating"].isin([1, 2, 4, 5]) & df["Review Text"].notna()]
    gold = np.where(df["Rating"] <= 2, "negative", "positive")
    pred = np.array(comment_labels(df["Review Text"].tolist(), mode, "clothing"))
    neg = gold == "negative"
    return {
        "clothing polar agreement": float((pred == gold).mean()),
        "on 1-2 stars": float((pred[neg] == gold[neg]).mean()),
        "on 4-5 stars": float((pred[~neg] == gold[~neg]).mean()),
        "n": len(df),
    }


def heldout(mode: str) -> pd.DataFrame:
    import feelings as fb

    fb.EMBEDDERS = (mode,)
    rows = []
    for domain in ("restaurants", "laptops"):
        df = fd.semeval_sentences(domain, "test")
        keep = df["label"].notna().to_numpy()
        texts = df["text"].tolist()
        labelled = [t for t, k in zip(texts, keep, strict=True) if k]
        rows += fb._sentence_rows_labelled(domain, labelled, df["label"][keep].to_numpy(), texts, keep, None)[:1]
    emotions = fb.emotions_section(None).iloc[:1]
    rows.append(
        {
            "data": "GoEmotions test",
            "method": emotions["method"].iloc[0],
            "macro_f1": emotions["macro_f1_28"].iloc[0],
            "ekman7": emotions["macro_f1_ekman7"].iloc[0],
            "n": int(emotions["n"].iloc[0]),
        }
    )
    return pd.DataFrame(rows)


def speed(mode: str, n: int = 2000) -> dict:
    df = pd.read_csv(fd.DATA / "womens_clothing_reviews" / "Womens Clothing E-Commerce Reviews.csv")
    texts = df["Review Text"].dropna().tolist()[:n]
    read(texts[:50], mode)  # load models
    t0 = time.perf_counter()
    units, _ = read(texts, mode)
    dt = time.perf_counter() - t0
    return {"comments/s": len(texts) / dt, "units/s": units.num_rows / dt, "comments": len(texts)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--modes", default="accurate,fast")
    parser.add_argument("--only", default="cx,airline,clothing,speed")
    parser.add_argument("--speed-n", type=int, default=2000, help="speed: clothing reviews read")
    parser.add_argument("--fast-models", default="", help="directory of other *-fast.npz heads (A/B)")
    parser.add_argument("--fast-rules", default="", help="sentiment.FAST_READER_RULES for this run (A/B)")
    parser.add_argument("--encoder", default="", help="another feelings-encoder .onnx (its .json beside it), A/B")
    parser.add_argument("--airline-sample", type=int, default=0, help="airline: a seeded sample of this many tweets")
    parser.add_argument("--sentiment-only", action="store_true", help="airline/clothing: sentiment columns only")
    parser.add_argument("--dump", default="", help="write each set's unit feelings to DIR/<set>-<mode>.parquet")
    args = parser.parse_args()
    global DUMP, SENTIMENT_ONLY
    DUMP = Path(args.dump) if args.dump else None
    SENTIMENT_ONLY = args.sentiment_only
    global AIRLINE_SAMPLE
    AIRLINE_SAMPLE = args.airline_sample
    if args.fast_models:
        from empathic.feelings import heads

        heads.MODELS_DIR = Path(args.fast_models)
    if args.fast_rules:
        import empathic.feelings.sentiment as sentiment_rules

        sentiment_rules.FAST_READER_RULES = args.fast_rules
    if args.encoder:  # this process only: sentiment read by another graph (the emotions graph is unchanged)
        from functools import lru_cache

        import empathic.feelings.sentiment as sentiment_module
        from empathic.feelings.encoder import FeelingsEncoder

        path = Path(args.encoder)
        sentiment_module.get_encoder = lru_cache(maxsize=1)(
            lambda: FeelingsEncoder(model=path, meta=path.with_suffix(".json"))
        )
    only = args.only.split(",")
    for mode in args.modes.split(","):
        print(f"## mode {mode}  ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})", flush=True)
        if "cx" in only:
            print(to_markdown(pd.DataFrame(cx(mode))), flush=True)
        if "heldout" in only:
            print(to_markdown(heldout(mode)), flush=True)
        for name, fn in (("airline", airline), ("clothing", clothing), ("speed", speed)):
            if name in only:
                got = fn(mode, args.speed_n) if name == "speed" else fn(mode)
                print({k: round(v, 3) if isinstance(v, float) else v for k, v in got.items()}, flush=True)


if __name__ == "__main__":
    main()
