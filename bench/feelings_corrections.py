"""What analyst corrections buy on a new domain: agreement with the stars after 0 / 25 / 50 / 100 corrections.

    PYTHONPATH=src .venv/bin/python bench/feelings_corrections.py [--domains clothing,ba] [--seeds 5]
        [--min-sims 0.7,0.8,0.9] [--embedders fast,accurate] [--n 1200]

Texts: review **titles** (one short sentence each, read as one-sentence comments): the clothing reviews' ``Title``
(held-out fifth, ``training/data.py: clothing_heldout``; the encoder never trained on it) and the British Airways
reviews' ``header`` (never trained on). Gold: the review's stars, polar only (clothing 1–2 negative, 4–5 positive;
BA 1–3 negative, 8–10 positive). Each domain's titles are split in two halves (seeded): a **pool** the analyst works
through and an **evaluation** half never corrected.

Protocol per seed: the analyst reads the pool in a random order and corrects every title whose label disagrees with
its stars, until 25, 50 or 100 corrections are made. The corrections go through the stage's own code
(``feelings.corrections.examples_of`` / ``adjust_units``), and the evaluation half is scored: agreement (share
whose label is the stars' side; neutral and mixed count as wrong) and macro-F1 over negative/positive. The
evaluation texts are never corrected, so any gain there comes from the few-shot neighbours alone.

Clothing is the development domain (the neighbour threshold and embedder were chosen on it); BA is the test domain.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "training"))

from empathic.feelings import corrections  # noqa: E402
from empathic.feelings.annotate import annotate_units  # noqa: E402
from empathic.feelings.settings import FeelingsSettings  # noqa: E402
from empathic.feelings.textnorm import clean_texts  # noqa: E402
from empathic.feelings.vectors import distinct_vectors  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from data_root import data_root  # noqa: E402
from feelings import to_markdown  # noqa: E402

DATA = data_root()
STEPS = (0, 25, 50, 100)


def clothing_titles() -> pd.DataFrame:
    from data import CLOTHING_CSV, clothing_heldout

    df = pd.read_csv(CLOTHING_CSV, index_col=0)
    df = df[clothing_heldout(df.index) & df["Rating"].isin([1, 2, 4, 5]) & df["Title"].notna()]
    return pd.DataFrame({"text": df["Title"].astype(str), "gold": np.where(df["Rating"] <= 2, "negative", "positive")})


def ba_titles() -> pd.DataFrame:
    df = pd.read_csv(DATA / "ba_airline_reviews" / "ba_reviews.csv")
    df = df[df["header"].notna() & df["rating"].notna()]
    df = df[(df["rating"] <= 3) | (df["rating"] >= 8)]
    text = df["header"].astype(str).str.strip().str.strip('"“”').str.strip()
    return pd.DataFrame({"text": text, "gold": np.where(df["rating"] <= 3, "negative", "positive")})


def balanced(df: pd.DataFrame, n: int, seed: int = 0) -> pd.DataFrame:
    """Up to n/2 titles of each side (the polar sides are very unequal in both sets), deduplicated by text."""
    df = df.drop_duplicates("text")
    parts = [g.sample(min(len(g), n // 2), random_state=seed) for _, g in df.groupby("gold", sort=True)]
    return pd.concat(parts).sample(frac=1, random_state=seed).reset_index(drop=True)


def read_units(texts: list[str], mode: str = "accurate") -> pd.DataFrame:
    """Unit feelings of one-sentence comments as the stage reads them (ids 0..n-1, sentence 0)."""
    table = pa.table(
        {"feedback_id": [f"{i:06d}" for i in range(len(texts))], "sentence_idx": pa.array([0] * len(texts), pa.int32()),
         "text": texts}
    )  # fmt: skip
    vectors = distinct_vectors(clean_texts(texts), mode)
    units, _ = annotate_units(table, vectors, FeelingsSettings(), embedder=mode)
    return units.to_pandas()


def scores(pred: np.ndarray, gold: np.ndarray) -> tuple[float, float]:
    agree = float((pred == gold).mean())
    f1 = []
    for c in ("negative", "positive"):
        tp = float(((pred == c) & (gold == c)).sum())
        f1.append(2 * tp / ((pred == c).sum() + (gold == c).sum()) if tp else 0.0)
    return agree, float(np.mean(f1))


def run_domain(name: str, df: pd.DataFrame, seeds: int, min_sims: list[float], embedders: list[str]) -> list[dict]:
    t0 = time.time()
    units = read_units(df["text"].tolist())
    print(f"{name}: read {len(df)} titles in {time.time() - t0:.0f}s", file=sys.stderr)
    gold = df["gold"].to_numpy(dtype=object)
    vectors = {e: distinct_vectors(clean_texts(df["text"].tolist()), e) for e in embedders}
    rows = []
    for embedder in embedders:
        for min_sim in min_sims:
            for k in STEPS:
                agree, f1 = [], []
                for seed in range(seeds):
                    rng = np.random.default_rng(seed)
                    order = rng.permutation(len(df))
                    pool, held = order[: len(df) // 2], np.sort(order[len(df) // 2 :])
                    wrong = [i for i in pool if units["sentiment_label"].iloc[i] != gold[i]][:k]
                    fixed = pd.DataFrame(
                        {
                            "feedback_id": units["feedback_id"].iloc[wrong].to_numpy(),
                            "sentence_idx": [0] * len(wrong),
                            "text": df["text"].iloc[wrong].to_numpy(),
                            "sentiment_label": gold[wrong],
                            "intent": [None] * len(wrong),
                        }
                    )
                    adjusted = units
                    if len(wrong):
                        ex = corrections.Examples(vectors[embedder][wrong], list(gold[wrong]), [None] * len(wrong))
                        adjusted, _ = corrections.adjust_units(
                            units, fixed, vectors=vectors[embedder], examples=ex, min_sim=min_sim
                        )
                    a, f = scores(adjusted["sentiment_label"].to_numpy(dtype=object)[held], gold[held])
                    agree.append(a)
                    f1.append(f)
                rows.append(
                    {
                        "domain": name,
                        "embedder": embedder,
                        "min cosine": min_sim,
                        "corrections": k,
                        "n eval": len(df) - len(df) // 2,
                        "agreement": f"{np.mean(agree):.3f} ± {np.std(agree):.3f}",
                        "macro-F1": f"{np.mean(f1):.3f} ± {np.std(f1):.3f}",
                    }
                )
                print(rows[-1], file=sys.stderr)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--domains", default="clothing,ba")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--min-sims", default="0.8", help="cosine thresholds to compare (the shipped: 0.8 accurate)")
    ap.add_argument("--embedders", default="accurate")
    ap.add_argument("--n", type=int, default=1200)
    args = ap.parse_args()
    loaders = {"clothing": clothing_titles, "ba": ba_titles}
    rows = []
    for name in args.domains.split(","):
        df = balanced(loaders[name](), args.n)
        rows += run_domain(
            name, df, args.seeds, [float(x) for x in args.min_sims.split(",")], args.embedders.split(",")
        )
    print(to_markdown(pd.DataFrame(rows)))


if __name__ == "__main__":
    main()
