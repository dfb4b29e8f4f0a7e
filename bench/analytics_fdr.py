"""Shuffled-label control and power for segment × theme tests (Benjamini–Hochberg at alpha = 0.05).

1. Null control: the planted workspace's ``plan`` labels are shuffled ``--shuffles`` times (no real difference
   left); each time every segment × theme test runs through the same pure ``compare_segments`` used by the stage.
   Reported: share of tests called significant (target ≤ 5 %), and the share of shuffles with any discovery
   (= the FDR under the complete null).
2. Power / FDR with a planted effect: ``--seeds`` fresh planted workspaces (basic has 2× the "app crashes" rate).
   A discovery on the crash theme is true, any other is false; reported: power and the realised FDR.

    .venv/bin/python bench/analytics_fdr.py --shuffles 200 --seeds 50
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "analytics"))
from analytics_planted import planted_frames

from empathic.analytics.segments import compare_segments


def aggregates(ids: np.ndarray, labels: np.ndarray, mentions: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``sizes`` and ``themes`` tables for one labelling (what the SQL aggregation returns)."""
    seg = pd.DataFrame({"feedback_id": ids, "attribute": "plan", "segment": labels})
    sizes = seg.groupby(["attribute", "segment"], as_index=False).size().rename(columns={"size": "n"})
    themes = (
        mentions.merge(seg, left_on="fid", right_on="feedback_id")
        .groupby(["attribute", "segment", "tid"], as_index=False)
        .size()
        .rename(columns={"tid": "theme_id", "size": "x"})
    )
    return sizes, themes


def run_tests(sizes, themes) -> pd.DataFrame:
    empty = pd.DataFrame()
    out = compare_segments(sizes, themes, empty, empty, alpha=0.05, min_segment_size=30, min_theme_count=5)
    return out[out.p_value.notna()]


def null_control(shuffles: int, n: int) -> dict:
    frames = planted_frames(n=n, seed=0)
    attrs = frames["feedback_attributes"]
    plan = attrs[attrs.name == "plan"]
    ids, labels = plan.feedback_id.to_numpy(), plan.value.to_numpy()
    rng = np.random.default_rng(12345)
    n_tests = n_sig = any_sig = 0
    for _ in range(shuffles):
        res = run_tests(*aggregates(ids, rng.permutation(labels), frames["feedback_themes"]))
        n_tests += len(res)
        n_sig += int(res.significant.sum())
        any_sig += bool(res.significant.any())
    return {"shuffles": shuffles, "tests": n_tests, "significant": n_sig, "share_significant": n_sig / n_tests,
            "shuffles_with_any": any_sig / shuffles}  # fmt: skip


def planted_power(seeds: int, n: int) -> dict:
    true_hits = false_hits = discoveries = 0
    fdp = []
    for seed in range(seeds):
        frames = planted_frames(n=n, seed=1000 + seed)
        attrs = frames["feedback_attributes"]
        plan = attrs[attrs.name == "plan"]
        res = run_tests(*aggregates(plan.feedback_id.to_numpy(), plan.value.to_numpy(), frames["feedback_themes"]))
        sig = res[res.significant]
        true_hits += int(((res.segment == "basic") & (res.theme_id == "t_crash") & res.significant).sum())
        false = int((sig.theme_id != "t_crash").sum())
        false_hits += false
        discoveries += len(sig)
        fdp.append(false / max(len(sig), 1))
    return {"seeds": seeds, "power_basic_crash": true_hits / seeds, "discoveries": discoveries,
            "false_discoveries": false_hits, "mean_fdp": float(np.mean(fdp))}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shuffles", type=int, default=200)
    parser.add_argument("--seeds", type=int, default=50)
    parser.add_argument("--n", type=int, default=4000)
    args = parser.parse_args()
    t0 = time.perf_counter()
    null = null_control(args.shuffles, args.n)
    print(
        f"null control ({null['shuffles']} shuffles of plan labels, n={args.n}): {null['significant']} of "
        f"{null['tests']:,} segment × theme tests significant = {null['share_significant']:.2%} "
        f"(target ≤ 5 %); shuffles with any discovery (FDR under the complete null): {null['shuffles_with_any']:.1%}"
    )
    power = planted_power(args.seeds, args.n)
    print(
        f"planted effect ({power['seeds']} seeds): power for basic × app crashes = {power['power_basic_crash']:.0%}; "
        f"{power['false_discoveries']} false of {power['discoveries']} discoveries, mean FDP {power['mean_fdp']:.2%}"
    )
    print(f"({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
