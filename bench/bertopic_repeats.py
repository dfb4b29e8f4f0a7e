"""BERTopic's run-to-run spread: refit it several times on the same cached MiniLM embeddings (UMAP is not seeded).

Run in the benchmark-only venv after ``bench/themes_speed.py --compare DATASET`` has cached the embeddings::

    .bench-venv/bin/python bench/bertopic_repeats.py --dataset mixed_100k --runs 3
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from bertopic import BERTopic
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
from themes import load

EMBEDDINGS = Path("/tmp/empathic-themes-speed")  # where themes_speed.py --compare leaves them


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", default="mixed_100k")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    texts, gold = load(args.dataset)
    vectors = np.load(EMBEDDINGS / f"{args.dataset}.npy")
    for run in range(args.runs):
        t0 = time.perf_counter()
        topics, _ = BERTopic().fit_transform(texts, vectors)
        print(
            f"bertopic run {run}: NMI {normalized_mutual_info_score(gold, topics):.4f} "
            f"ARI {adjusted_rand_score(gold, topics):.4f} topics {len(set(topics))} "
            f"outliers {np.mean(np.asarray(topics) == -1):.3f} fit {time.perf_counter() - t0:.0f} s",
            flush=True,
        )


if __name__ == "__main__":
    main()
