"""Peak memory and CPU seconds of the local engine, stage by stage and phase by phase, on N recombined comments.

Run from the repo root (needs ../shared/data, or set EMPATHIC_DATA)::

    nice -n 5 .venv/bin/python bench/stream_memory.py --comments 100000
    nice -n 5 .venv/bin/python bench/stream_memory.py --comments 1000000 --key after-1m

The corpus is ``bench/spark.py``'s (real sentence units recombined by a seeded RNG into comments of 1–4 units, so
nearly every comment is unique). One process: ingest, then each stage alone (``Workspace.analyze(stages=[…])``).
Before each stage the kernel's high-water mark of this process is reset (``/proc/self/clear_refs`` ← 5), so the
``VmHWM`` read after it is that stage's own peak RSS, exact (not sampled). A sampler thread also reads the RSS
every 50 ms and keeps the highest value seen under each progress task ("embed units (fast)", "write themes", …),
which says *where* in a stage the peak is (sampled: it can miss a short spike the exact figure catches).
CPU seconds are the process's (all threads). Results are merged into ``docs/bench/stream.json`` under ``--key``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from spark import corpus  # bench/spark.py: the same recombined corpus

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "bench" / "stream.json"
STAGES = ("sentences", "themes", "feelings", "usage", "analytics", "personas")


def _status_mb(field: str) -> float:
    found = re.search(rf"{field}:\s+(\d+)", Path("/proc/self/status").read_text())
    return round(int(found.group(1)) / 1024, 1) if found else 0.0


def reset_peak() -> bool:
    """Reset this process's RSS high-water mark (Linux ≥ 4.0); False where the kernel does not allow it."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


class PhaseSampler(threading.Thread):
    """Highest RSS seen (MB, every ``interval`` s) under each progress task of the running stage."""

    def __init__(self, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.task = "start"
        self.peaks: dict[str, float] = {}
        self.stop_flag = threading.Event()
        self._me = psutil.Process()

    def progress(self, task: str, done: int, total: int) -> None:
        self.task = task

    def run(self) -> None:
        while not self.stop_flag.wait(self.interval):
            rss = self._me.memory_info().rss / 2**20
            task = self.task
            if rss > self.peaks.get(task, 0.0):
                self.peaks[task] = round(rss, 1)

    def take(self) -> dict[str, float]:
        peaks, self.peaks, self.task = self.peaks, {}, "start"
        return dict(sorted(peaks.items(), key=lambda kv: -kv[1]))


def measure(n: int, folder: Path, stages: tuple[str, ...] = STAGES, frame=None) -> dict:
    """Ingest ``n`` recombined comments (or ``frame``) and run ``stages`` one by one, with each one's peak RSS."""
    from empathic.workspace import Workspace

    sampler = PhaseSampler()
    sampler.start()
    out: dict = {"stages": {}}
    frame = corpus(n) if frame is None else frame
    out["unique_comments"] = int(frame.comment.nunique())
    out["rss_after_corpus_mb"] = _status_mb("VmRSS")
    exact = reset_peak()
    out["peak_exact"] = exact
    t = (time.perf_counter(), time.process_time())
    with Workspace.open(folder / "bench.empathic") as ws:
        ws.ingest(frame, text="comment", id="id", score=["nps"], attr=["plan"], progress=sampler.progress)
        del frame
        out["stages"]["ingest"] = _since(t, sampler)
        for stage in stages:
            reset_peak()
            t = (time.perf_counter(), time.process_time())
            result = ws.analyze(stages=[stage], progress=sampler.progress)[-1]
            out["stages"][stage] = {
                **_since(t, sampler),
                "duckdb_mb_after": _duckdb_mb(ws.store),
                "message": result.message[:160],
            }
            print(stage, json.dumps(out["stages"][stage]), flush=True)
        out["units"] = ws.store.count("sentences")
    out["workspace_mb"] = round((folder / "bench.empathic").stat().st_size / 2**20, 1)
    sampler.stop_flag.set()
    return out


def _duckdb_mb(store) -> float:
    """What DuckDB's buffer manager holds now (cached blocks, indexes, …), MB: part of the RSS."""
    return round(store.scalar("SELECT sum(memory_usage_bytes) FROM duckdb_memory()") / 2**20, 1)


def _since(t: tuple[float, float], sampler: PhaseSampler) -> dict:
    return {
        "wall_s": round(time.perf_counter() - t[0], 1),
        "cpu_s": round(time.process_time() - t[1], 1),
        "peak_rss_mb": _status_mb("VmHWM"),
        "rss_after_mb": _status_mb("VmRSS"),
        "phase_peaks_mb": sampler.take(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--stages", default=",".join(STAGES), help="comma-separated, in flow order")
    parser.add_argument("--key", default=None, help="name of this run in docs/bench/stream.json")
    parser.add_argument("--folder", type=Path, default=None, help="where the workspace goes (default: a temp dir)")
    args = parser.parse_args()
    meta = {
        "comments": args.comments,
        "machine": f"{os.cpu_count()} cores, {round(psutil.virtual_memory().total / 2**30)} GiB, shared",
        "load_avg_start": [round(x, 1) for x in os.getloadavg()],
        "started_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
    }
    stages = tuple(s for s in args.stages.split(",") if s)
    with tempfile.TemporaryDirectory(prefix="empathic-stream-", dir=args.folder) as tmp:
        result = measure(args.comments, Path(tmp), stages)
    per_row = ("sentences", "themes", "feelings")
    result.update(
        meta,
        load_avg_end=[round(x, 1) for x in os.getloadavg()],
        peak_rss_mb=max(s["peak_rss_mb"] for s in result["stages"].values()),
        per_row_cpu_s=round(sum(result["stages"][s]["cpu_s"] for s in per_row if s in result["stages"]), 1),
    )
    print(json.dumps(result, indent=2))
    recorded = json.loads(OUT.read_text()) if OUT.exists() else {}
    recorded[args.key or f"local-{args.comments}"] = result
    OUT.write_text(json.dumps(recorded, indent=2) + "\n")


if __name__ == "__main__":
    sys.exit(main())
