"""Calibrate how emotions roll up from sentence units to comments, on GoEmotions (training/tuning data).

A comment's emotion score was the maximum over its units, so a 15-sentence review had 15 chances to cross each
emotion's unit threshold: on the BA reviews "love" was in 67 % of comments and "disappointment" in 71 %. This
script measures, for each product emotion and each feelings mode, the scores the detector gives GoEmotions *dev*
texts that do **not** carry the emotion (the null), and writes their upper quantiles to
``src/empathic/feelings/models/emotions-calibration.json``. :func:`empathic.feelings.emotions.comment_scores`
uses them so that a comment of k units is tagged with an emotion no more often by chance than a one-unit comment.

It then reports, on the GoEmotions *test* split (not used for the quantiles), the unit-level precision/recall and
rate, and the rate on pseudo-comments of k test texts with the plain maximum vs the calibrated roll-up.

    PYTHONPATH=src nice -n 5 .venv/bin/python training/emotions_calibration.py [--modes fast accurate] [--write]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))  # feelings_data, data_root
from empathic.feelings import emotions as emo
from feelings_data import goemotions

OUT = Path(__file__).parents[1] / "src/empathic/feelings/models/emotions-calibration.json"
#: Tail probabilities at which the null quantiles are stored (log-spaced: the roll-up needs the far tail).
TAILS = np.unique(np.r_[np.geomspace(1e-4, 0.5, 60), np.linspace(0.5, 1.0, 11)])


def gold(labels: list[list[int]], names: list[str]) -> np.ndarray:
    """bool (n, len(EMOTIONS)): the text carries one of the GoEmotions labels the product emotion gathers."""
    out = np.zeros((len(labels), len(emo.EMOTIONS)), dtype=bool)
    for j, members in enumerate(emo.PRODUCT_EMOTIONS.values()):
        ids = {names.index(m) for m in members}
        out[:, j] = [bool(ids & set(row)) for row in labels]
    return out


def fit(scores: np.ndarray, truth: np.ndarray) -> dict[str, dict[str, object]]:
    """Per emotion: ``null`` = the scores exceeded by a fraction ``TAILS`` of the dev texts without the emotion;
    ``thresholds`` = the score exceeded by as many dev texts as carry the emotion (rate-matched; may be < 0.5)."""
    return {
        "null": {
            name: np.quantile(scores[~truth[:, j], j], 1.0 - TAILS).round(5).tolist()
            for j, name in enumerate(emo.EMOTIONS)
        },
        "thresholds": {
            name: round(float(np.quantile(scores[:, j], 1.0 - truth[:, j].mean())), 5)
            for j, name in enumerate(emo.EMOTIONS)
        },
    }


def pseudo_comments(n_texts: int, k: int, n: int, seed: int) -> np.ndarray:
    """(n, k) indices: n pseudo-comments of k distinct random texts each (deterministic)."""
    rng = np.random.default_rng(seed)
    return np.stack([rng.choice(n_texts, size=k, replace=False) for _ in range(n)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", nargs="+", default=["fast", "accurate"])
    parser.add_argument("--write", action="store_true", help="write the calibration file (dev quantiles)")
    args = parser.parse_args()
    dev_texts, dev_labels, names = goemotions("dev")
    test_texts, test_labels, _ = goemotions("test")
    dev_gold, test_gold = gold(dev_labels, names), gold(test_labels, names)
    table: dict[str, object] = {"tails": TAILS.round(8).tolist(), "modes": {}}
    for mode in args.modes:
        t0 = time.time()
        dev = emo.detect_emotions(dev_texts, embedder=mode)
        test = emo.detect_emotions(test_texts, embedder=mode)
        took = time.time() - t0
        print(f"\n## mode={mode} (scored {len(dev_texts)} dev + {len(test_texts)} test texts in {took:.0f} s)")
        table["modes"][mode] = fit(dev, dev_gold)
        quantiles = {"tails": TAILS.tolist(), "modes": {mode: table["modes"][mode]}}
        single = emo.roll_up(test, np.ones(len(test)), mode, calibration=quantiles)
        print(
            "\nunit level, GoEmotions test: emotion | gold rate | rate at 0.5 (before) | precision | recall "
            "| calibrated rate | precision | recall"
        )
        for j, name in enumerate(emo.EMOTIONS):
            truth = test_gold[:, j]
            cells = []
            for pred in (test[:, j] >= 0.5, single[:, j] >= 0.5):
                prec = (pred & truth).sum() / max(pred.sum(), 1)
                rec = (pred & truth).sum() / max(truth.sum(), 1)
                cells.append(f"{pred.mean():.3f} | {prec:.2f} | {rec:.2f}")
            print(f"| {name} | {truth.mean():.3f} | {cells[0]} | {cells[1]} |")
        for k in (1, 4, 8, 16):
            idx = pseudo_comments(len(test_texts), k, 2000, seed=k)
            raw = test[idx].max(axis=1)
            calibrated = emo.roll_up(raw, np.full(len(idx), k), mode, calibration=quantiles)
            truth = test_gold[idx].any(axis=1)
            print(
                f"\npseudo-comments of k={k} test texts (n=2000): emotion | gold rate | max rate | calibrated rate "
                "| calibrated precision"
            )
            for j, name in enumerate(emo.EMOTIONS):
                pred = calibrated[:, j] >= 0.5
                prec = (pred & truth[:, j]).sum() / max(pred.sum(), 1)
                print(
                    f"| {name} | {truth[:, j].mean():.3f} | {(raw[:, j] >= 0.5).mean():.3f} | {pred.mean():.3f} "
                    f"| {prec:.2f} |"
                )
    if args.write:  # modes not run this time keep their stored calibration
        if OUT.exists():
            table["modes"] = {**json.loads(OUT.read_text())["modes"], **table["modes"]}
        OUT.write_text(json.dumps(table, indent=0) + "\n")
        print(f"\nwrote {OUT}")


if __name__ == "__main__":
    main()
