"""Themes speed and embedding fidelity: the fast path on ~100k comments, embedder throughput, fast-vs-accurate.

Run from the repo root (needs /work/shared/data)::

    .venv/bin/python bench/themes_speed.py

Prints JSON and writes docs/bench/themes-speed.json. Reports wall *and* CPU seconds: the machine is shared (2
cores, other jobs running), so CPU time is the steadier figure.
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from themes import load

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "bench" / "themes-speed.json"


def clock():
    return time.perf_counter(), time.process_time()


def since(t):
    return {"wall_s": round(time.perf_counter() - t[0], 2), "cpu_s": round(time.process_time() - t[1], 2)}


def fidelity() -> dict:
    """Pearson correlation of pairwise cosines, fast (raw and mapped) vs accurate, on 1,500 Banking77 queries."""
    from empathic.text.embed import get_embedder
    from empathic.themes.embedding import apply_mapping, fit_mapping

    texts, _ = load("banking77_test")
    texts = texts[:1500]
    fast, acc = get_embedder("fast").embed(texts), get_embedder("accurate").embed(texts)
    iu = np.triu_indices(len(texts), 1)
    ref = (acc @ acc.T)[iu]
    train, test = slice(0, 750), slice(750, 1500)  # mapping learned on half, measured on the other half
    mapped = apply_mapping(fast[test], fit_mapping(fast[train], acc[train]))
    iu2 = np.triu_indices(750, 1)
    return {
        "raw_fast_vs_accurate": float(np.corrcoef((fast @ fast.T)[iu], ref)[0, 1]),
        "mapped_fast_vs_accurate_heldout": float(
            np.corrcoef((mapped @ mapped.T)[iu2], (acc[test] @ acc[test].T)[iu2])[0, 1]
        ),
    }


def throughput(units: list[str]) -> dict:
    from empathic.text.embed import get_embedder

    fast, acc = get_embedder("fast"), get_embedder("accurate")
    t = clock()
    fast.embed(units[:100_000])
    f = since(t)
    t = clock()
    acc.embed(units[:2000])
    a = since(t)
    return {
        "fast_100k_units": f | {"per_s_wall": round(100_000 / f["wall_s"])},
        "accurate_2k_units": a | {"per_s_wall": round(2000 / a["wall_s"])},
    }


def corpus_100k() -> pd.DataFrame:
    """~100k real comments: GoEmotions + Women's clothing reviews + Banking77 + airline tweets."""
    texts = []
    for name in ("goemotions", "banking77_all", "airline_negative"):
        texts += load(name)[0]
    clothing = pd.read_csv(ROOT / "src" / "empathic" / "data" / "womens_clothing_reviews.csv.gz")
    texts += clothing["Review Text"].dropna().tolist()
    texts = texts[:100_000]
    return pd.DataFrame({"id": [f"c{i:06d}" for i in range(len(texts))], "text": texts})


def themes_100k() -> dict:
    import empathic

    df = corpus_100k()
    with tempfile.TemporaryDirectory() as tmp, empathic.Workspace.open(Path(tmp) / "speed.empathic") as ws:
        ws.ingest(df, text="text", id="id")
        ws.analyze(stages=["sentences"])
        units = ws.sql("SELECT text FROM sentences").text.tolist()
        t = clock()
        result = ws.analyze(stages=["themes"])[-1]
        first = since(t)
        t = clock()
        ws.analyze(stages=["themes"])
        again = since(t)
    return {
        "comments": len(df),
        "units": len(units),
        "themes_stage_first_run": first,
        "themes_stage_rerun_cached": again,
        "counts": result.counts,
        "_units": units,
    }


def main() -> None:
    res = {"fidelity": fidelity()}
    print(json.dumps(res), flush=True)
    speed = themes_100k()
    units = speed.pop("_units")
    res["themes_100k_fast_mode"] = speed
    print(json.dumps(res), flush=True)
    res["throughput"] = throughput(units)
    res["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    res["measured_at"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(res, indent=1))
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
