"""Feelings stage speed, fast mode: the whole stage on the Women's clothing reviews in a fresh workspace.

Run from the repo root (works without /work/shared: it uses the bundled sample)::

    .venv/bin/python bench/feelings_speed.py [--limit N] [--repeat 2] [--profile]

Ingests the reviews and splits them into sentence units (not timed), then times:

- ``stage``: the real stage (``run_stage(store, feelings.stage)``: read units from DuckDB, embed, every head and
  rule, roll-up, one write), wall and CPU seconds of this process and its children, best of ``--repeat`` runs
  (models are loaded by a warm-up run on 200 comments first, so the figure is the steady cost);
- per-phase times of the same steps run one after the other in this process (read, clean, embed, lexicon, heads,
  rules, assembly, roll-up, write), so the lead can see where the time goes.

Prints JSON; ``--write`` also writes ``docs/bench/feelings-speed.json``. Report wall *and* CPU seconds: the machine
is shared, and CPU seconds are the steadier figure.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "src" / "empathic" / "data" / "womens_clothing_reviews.csv.gz"
OUT = ROOT / "docs" / "bench" / "feelings-speed.json"


def cpu_seconds() -> float:
    """User + system CPU seconds of this process and its (finished) children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


class Clock:
    """Wall and CPU seconds since construction."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), cpu_seconds()

    def lap(self) -> dict:
        return {"wall_s": round(time.perf_counter() - self.wall, 3), "cpu_s": round(cpu_seconds() - self.cpu, 3)}


def reviews(limit: int | None) -> pd.DataFrame:
    frame = pd.read_csv(SAMPLE).dropna(subset=["Review Text"])
    frame = frame.head(limit) if limit else frame
    return pd.DataFrame({"id": frame["Unnamed: 0"].astype(str), "text": frame["Review Text"]})


def phases(store, settings) -> dict:
    """The stage's steps one by one (same functions, same order as ``stage.run`` / ``annotate_units``)."""
    import pyarrow as pa

    from empathic.feelings import stage as feelings_stage
    from empathic.feelings.annotate import aggregate_comments, annotate_units
    from empathic.feelings.textnorm import clean_texts
    from empathic.feelings.vectors import unit_vectors
    from empathic.progress import Progress

    out = {}
    c = Clock()
    units = store.read("SELECT feedback_id, sentence_idx, text FROM sentences ORDER BY feedback_id, sentence_idx")
    out["read"] = c.lap()
    c = Clock()
    cleaned = clean_texts(units.column("text").to_pylist())
    out["clean"] = c.lap()
    c = Clock()
    vectors, _ = unit_vectors(store, cleaned, "fast", Progress())
    out["embed"] = c.lap()
    fs = settings.feelings
    c = Clock()
    parts, emotions = [], []
    for start in range(0, units.num_rows, feelings_stage.BATCH_UNITS):
        table, emo = annotate_units(
            units.slice(start, feelings_stage.BATCH_UNITS),
            vectors[start : start + feelings_stage.BATCH_UNITS],
            fs,
            embedder="fast",
        )
        parts.append(table)
        emotions.append(emo)
    unit_table, emo = pa.concat_tables(parts), np.vstack(emotions)
    out["annotate_units"] = c.lap()
    c = Clock()
    aggregate_comments(unit_table, emo, fs)
    out["roll_up"] = c.lap()
    return out


def annotate_breakdown(store) -> dict:
    """cProfile-free split of ``annotate_units`` on all units: the cost of each step it calls."""
    from empathic.feelings import annotate
    from empathic.feelings.textnorm import clean_texts
    from empathic.feelings.vectors import unit_vectors
    from empathic.progress import Progress

    units = store.read("SELECT feedback_id, sentence_idx, text FROM sentences ORDER BY feedback_id, sentence_idx")
    vectors, _ = unit_vectors(store, clean_texts(units.column("text").to_pylist()), "fast", Progress())
    steps = getattr(annotate, "timed_steps", None)
    if steps is None:
        return {}
    return steps(units, vectors)


def run(limit: int | None, repeat: int, profile: bool) -> dict:
    from empathic import Workspace
    from empathic.feelings import stage as feelings_stage
    from empathic.pipeline import run_stage

    frame = reviews(limit)
    result: dict = {"comments": len(frame), "mode": "fast", "pid_cores": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        with Workspace.open(Path(tmp) / "warm.empathic", settings={"feelings": {"mode": "fast"}}) as ws:
            ws.ingest(frame.head(200), text="text", id="id")
            ws.analyze(stages=["sentences"])
            run_stage(ws.store, feelings_stage, ws.settings)  # loads models and prototypes once
        with Workspace.open(Path(tmp) / "t.empathic", settings={"feelings": {"mode": "fast"}}) as ws:
            ws.ingest(frame, text="text", id="id")
            ws.analyze(stages=["sentences"])
            result["units"] = ws.store.count("sentences")
            runs = []
            for _ in range(repeat):
                c = Clock()
                if profile:
                    import cProfile
                    import pstats

                    prof = cProfile.Profile()
                    prof.enable()
                run_stage(ws.store, feelings_stage, ws.settings)
                if profile:
                    prof.disable()
                    pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(45)
                runs.append(c.lap())
            best = min(runs, key=lambda r: r["wall_s"])
            result["stage_runs"] = runs
            result["stage"] = best
            result["comments_per_s"] = round(len(frame) / best["wall_s"])
            result["units_per_s"] = round(result["units"] / best["wall_s"])
            result["counts"] = {
                "sentence_feelings": ws.store.count("sentence_feelings"),
                "feedback_feelings": ws.store.count("feedback_feelings"),
            }
            result["phases"] = phases(ws.store, ws.settings)
            result["annotate_steps"] = annotate_breakdown(ws.store)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=None, help="first N reviews (default: all 22,641 with text)")
    parser.add_argument("--repeat", type=int, default=2, help="stage runs; the best wall time is reported")
    parser.add_argument("--profile", action="store_true", help="cProfile the stage runs (printed to stderr)")
    parser.add_argument("--write", action="store_true", help=f"also write {OUT.relative_to(ROOT)}")
    args = parser.parse_args()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    result = {"started": started, "load_average_start": os.getloadavg()}
    result.update(run(args.limit, args.repeat, args.profile))
    result["load_average_end"] = os.getloadavg()
    text = json.dumps(result, indent=2)
    print(text)
    if args.write:
        OUT.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
