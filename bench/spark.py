"""Local engine vs Spark local[2] on N comments recombined from real sentences; memory, CPU and wall per stage.

Run from the repo root (needs ../shared/data, or set EMPATHIC_DATA; Java 17 and pyspark for the Spark part)::

    nice -n 5 .venv/bin/python bench/spark.py --comments 100000 --engine local
    nice -n 5 .venv/bin/python bench/spark.py --comments 100000 --engine spark

Each engine runs in its own process (so peak RSS is its own). Corpus: the sentence units of British Airways and
Skytrax reviews, women's clothing reviews and Banking77 queries, recombined by a seeded RNG into comments of 1–4
units (so nearly every comment is unique). Prints JSON and merges it into docs/bench/spark.json.

- ``local``: ``Workspace.analyze`` stage by stage (``bench/stream_memory.py``): CPU seconds (process, all threads)
  and each stage's own peak RSS (the kernel's high-water mark, reset before the stage).
- ``spark``: ``empathic spark run`` (``empathic.spark.lakehouse.run``) on local[2] over a Parquet file of the same
  comments, phase by phase: the driver's sample fit, the executors' annotation (mapInArrow), the aggregates.
  A sampler thread reads, every 0.5 s, the RSS and CPU seconds of the driver, the JVM and the Python workers.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import psutil
import pyarrow as pa
import pyarrow.parquet as pq

from data_root import data_root

ROOT = Path(__file__).resolve().parents[1]
DATA = data_root()  # $EMPATHIC_DATA, else ../shared/data beside the repo (bench/data_root.py)
OUT = ROOT / "docs" / "bench" / "spark.json"
SOURCES = {
    "ba_airline_reviews/ba_reviews.csv": "content",
    "skytrax_reviews/seat.csv": "content",
    "skytrax_reviews/lounge.csv": "content",
    "womens_clothing_reviews/Womens Clothing E-Commerce Reviews.csv": "Review Text",
    "banking77/train.csv": "text",
}


def sentence_pool() -> list[str]:
    """Distinct sentence units of the real corpora, sorted (deterministic)."""
    from empathic.text.sentences import split_units

    pool: set[str] = set()
    for name, column in SOURCES.items():
        path = DATA / name
        if not path.exists():
            continue
        for text in pd.read_csv(path, usecols=[column])[column].dropna().astype(str):
            pool.update(text[s:e] for s, e in split_units(text))
    if not pool:
        raise SystemExit(f"no data under {DATA} (set EMPATHIC_DATA)")
    return sorted(pool)


def corpus(n: int, seed: int = 22) -> pd.DataFrame:
    """``n`` comments of 1–4 units drawn from the pool, with an NPS and a plan."""
    pool = np.array(sentence_pool(), dtype=object)
    rng = np.random.default_rng(seed)
    sizes = rng.choice([1, 2, 3, 4], size=n, p=[0.35, 0.3, 0.2, 0.15])
    picks = rng.integers(0, len(pool), size=int(sizes.sum()))
    ends = np.cumsum(sizes)
    texts = [" ".join(pool[picks[e - k : e]]) for e, k in zip(ends.tolist(), sizes.tolist(), strict=True)]
    return pd.DataFrame(
        {
            "id": [f"c{i:09d}" for i in range(n)],
            "comment": texts,
            "nps": rng.integers(0, 11, size=n),
            "plan": rng.choice(["basic", "pro", "team"], size=n),
        }
    )


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run_local(frame: pd.DataFrame, folder: Path) -> dict:
    """The local engine stage by stage, with each stage's exact peak RSS (``bench/stream_memory.py``)."""
    from stream_memory import measure

    return measure(len(frame), folder, frame=frame)


class Sampler(threading.Thread):
    """Peak RSS of the driver, the JVM and the Python workers; CPU seconds of every process seen (max per pid)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.stop_flag = threading.Event()
        self.peak = {"driver_mb": 0.0, "jvm_mb": 0.0, "workers_mb": 0.0, "total_mb": 0.0}
        self.cpu: dict[int, tuple[str, float]] = {}

    def run(self) -> None:
        me = psutil.Process()
        while not self.stop_flag.wait(0.5):
            try:
                procs = [me, *me.children(recursive=True)]
            except psutil.Error:
                continue
            sums = {"driver_mb": 0.0, "jvm_mb": 0.0, "workers_mb": 0.0}
            for p in procs:
                try:
                    rss = p.memory_info().rss / 2**20
                    cpu = sum(p.cpu_times()[:2])
                    kind = "driver_mb" if p.pid == me.pid else "jvm_mb" if "java" in p.name() else "workers_mb"
                except psutil.Error:
                    continue
                sums[kind] += rss
                self.cpu[p.pid] = (kind, max(cpu, self.cpu.get(p.pid, (kind, 0.0))[1]))
            for k, v in sums.items():
                self.peak[k] = max(self.peak[k], round(v, 1))
            self.peak["total_mb"] = max(self.peak["total_mb"], round(sum(sums.values()), 1))

    def cpu_by_kind(self) -> dict:
        out: dict[str, float] = {}
        for kind, cpu in self.cpu.values():
            out[kind.replace("_mb", "_cpu_s")] = round(out.get(kind.replace("_mb", "_cpu_s"), 0.0) + cpu, 1)
        return out


def run_spark(frame: pd.DataFrame, folder: Path, master: str, sample: int) -> dict:
    from empathic.config import Settings
    from empathic.scale.spark import run_in_spark, spark_session
    from empathic.spark import job
    from empathic.spark.lakehouse import AGGREGATES
    from empathic.spark.rows import ANNOTATED_UNITS_SCHEMA, annotate_comments

    source = folder / "comments.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), source, row_group_size=50_000)
    sampler = Sampler()
    sampler.start()
    out: dict = {"master": master, "phases": {}}
    t = time.perf_counter()
    spark = spark_session(master, conf={"spark.driver.memory": "2g"})
    out["phases"]["session_start_s"] = round(time.perf_counter() - t, 1)
    settings = Settings()
    df = spark.read.parquet(str(source))
    comments = job._comments(df, "comment", "id", ["nps"], ["plan"])
    t = time.perf_counter()
    picked = job.deterministic_sample(comments, sample)
    n_sample, model = job._fit(folder / "summary.empathic", picked, ["nps"], ["plan"], settings)
    out["phases"]["driver_sample_fit_s"] = round(time.perf_counter() - t, 1)
    out["sample"] = n_sample
    out["driver_rss_after_fit_mb"] = round(psutil.Process().memory_info().rss / 2**20, 1)
    fs = settings.feelings
    n = comments.count()
    mode = job.choose_mode(fs.mode, 2 * n, fs.accurate_max_units, n, fs.accurate_max_comments)
    out["feelings_mode"] = mode
    t = time.perf_counter()
    cpu_before = sampler.cpu_by_kind().get("workers_cpu_s", 0.0)
    fn = job.partial(annotate_comments, model=model, mode=mode, feelings=fs.model_dump())
    annotated = run_in_spark(comments.select("feedback_id", "text"), fn, ANNOTATED_UNITS_SCHEMA)
    annotated.write.mode("overwrite").partitionBy("theme_id").parquet(str(folder / "units"))
    out["phases"]["executors_annotate_s"] = round(time.perf_counter() - t, 1)
    time.sleep(1.0)  # one more sample of the workers' CPU
    out["executors_annotate_worker_cpu_s"] = round(sampler.cpu_by_kind().get("workers_cpu_s", 0.0) - cpu_before, 1)
    t = time.perf_counter()
    tables = job.aggregates(spark, spark.read.parquet(str(folder / "units")), comments, model, ["nps"], ["plan"])
    tables["comments"].write.mode("overwrite").partitionBy("primary_theme_id").parquet(str(folder / "comments"))
    for name in AGGREGATES:
        tables[name].coalesce(1).write.mode("overwrite").parquet(str(folder / name))
    out["phases"]["aggregates_and_writes_s"] = round(time.perf_counter() - t, 1)
    out["units"] = spark.read.parquet(str(folder / "units")).count()
    spark.stop()
    sampler.stop_flag.set()
    sampler.join()
    out["peak_memory_mb"] = sampler.peak
    out["cpu_s"] = sampler.cpu_by_kind()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--engine", choices=["local", "spark"], required=True)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--sample", type=int, default=20_000, help="comments the driver analyses (spark only)")
    args = parser.parse_args()
    t = time.perf_counter()
    frame = corpus(args.comments)
    meta = {
        "comments": args.comments,
        "unique_comments": int(frame.comment.nunique()),
        "corpus_build_s": round(time.perf_counter() - t, 1),
        "machine": f"{os.cpu_count()} cores, {round(psutil.virtual_memory().total / 2**30)} GiB, shared",
        "load_avg_start": [round(x, 1) for x in os.getloadavg()],
    }
    with tempfile.TemporaryDirectory(prefix="empathic-spark-bench-") as tmp:
        result = (
            run_local(frame, Path(tmp))
            if args.engine == "local"
            else run_spark(frame, Path(tmp), args.master, args.sample)
        )
    result.update(meta, engine=args.engine, peak_rss_mb=peak_rss_mb(), load_avg_end=list(os.getloadavg()))
    print(json.dumps(result, indent=2))
    recorded = json.loads(OUT.read_text()) if OUT.exists() else {}
    key = f"{args.engine}-{args.comments}" + (f"-sample{args.sample}" if args.engine == "spark" else "")
    recorded[key] = result
    OUT.write_text(json.dumps(recorded, indent=2) + "\n")


if __name__ == "__main__":
    sys.exit(main())
