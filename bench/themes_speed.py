"""Themes speed and embedding fidelity: the fast path on ~100k comments, embedder throughput, fast-vs-accurate,
and empathic fast vs BERTopic end to end on one labelled corpus.

Run from the repo root (needs /work/shared/data; BERTopic runs in the benchmark-only venv ``.bench-venv``)::

    .venv/bin/python bench/themes_speed.py                            # 100k fast path, throughput, fidelity
    .venv/bin/python bench/themes_speed.py --compare banking77_all    # empathic fast vs BERTopic, end to end
    .venv/bin/python bench/themes_speed.py --compare mixed_100k      # the same on the 100k corpus (source:label gold)
    .venv/bin/python bench/themes_speed.py --reviews auto            # 2,000 long reviews, sentences + themes

Prints JSON and merges it into docs/bench/themes-speed.json. Reports wall *and* CPU seconds (user + system of the
process and its threads): the machine is shared (2 cores, other jobs running), so CPU time is the steadier figure.

``--compare`` runs every step in its own process: (1) empathic fast, end to end in a fresh workspace (ingest +
sentence units + embeddings + themes); (2) MiniLM (the same int8 ONNX model) embeddings of the whole texts;
(3) BERTopic with default settings on those embeddings (``.bench-venv``). BERTopic's end to end = (2) + (3).
NMI/ARI compare each comment's primary theme (finest level) with the gold label, as in ``bench/themes.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from data_root import data_root
from themes import load

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "bench" / "themes-speed.json"
BENCH_PY = ROOT / ".bench-venv" / "bin" / "python"
WORK = Path("/tmp/empathic-themes-speed")


def clock():
    return time.perf_counter(), time.process_time()


def since(t):
    return {"wall_s": round(time.perf_counter() - t[0], 2), "cpu_s": round(time.process_time() - t[1], 2)}


def fidelity() -> dict:
    """Pearson correlation of pairwise cosines, fast (raw and mapped) vs accurate, on 1,500 Banking77 queries.

    For both static embedders: ``fast-minilm`` (v2, the themes stage's) and ``fast`` (v1, the feelings heads').
    """
    from empathic.text.embed import get_embedder
    from empathic.themes.embedding import apply_mapping, fit_mapping

    texts, _ = load("banking77_test")
    texts = texts[:1500]
    acc = get_embedder("accurate").embed(texts)
    iu = np.triu_indices(len(texts), 1)
    ref = (acc @ acc.T)[iu]
    train, test = slice(0, 750), slice(750, 1500)  # mapping learned on half, measured on the other half
    iu2 = np.triu_indices(750, 1)
    out = {}
    for name, key in (("fast-minilm", ""), ("fast", "v1_")):
        fast = get_embedder(name).embed(texts)
        mapped = apply_mapping(fast[test], fit_mapping(fast[train], acc[train]))
        out[f"{key}raw_fast_vs_accurate"] = float(np.corrcoef((fast @ fast.T)[iu], ref)[0, 1])
        out[f"{key}mapped_fast_vs_accurate_heldout"] = float(
            np.corrcoef((mapped @ mapped.T)[iu2], (acc[test] @ acc[test].T)[iu2])[0, 1]
        )
    return out


def throughput(units: list[str]) -> dict:
    from empathic.text.embed import get_embedder

    fast, acc = get_embedder("fast-minilm"), get_embedder("accurate")
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
    """~100k real comments: GoEmotions + Banking77 + airline tweets + Women's clothing reviews (``mixed_100k``)."""
    texts, _ = load("mixed_100k")
    return pd.DataFrame({"id": [f"c{i:06d}" for i in range(len(texts))], "text": texts})


class PhaseClock:
    """A progress sink that records wall and CPU seconds between changes of task (the stage's phases)."""

    def __init__(self) -> None:
        self.phases: list[dict] = []
        self._task, self._t = "start", clock()

    def __call__(self, task: str, done: int, total: int | None) -> None:
        if task != self._task:
            self.close()
            self._task, self._t = task, clock()

    def close(self) -> None:
        self.phases.append({"after": self._task} | since(self._t))


def themes_100k() -> dict:
    """Ingest, sentence units and the themes stage (first run, then a cached re-run) on ~100k real comments."""
    import empathic
    from empathic.text.embed import get_embedder

    df = corpus_100k()
    get_embedder("fast-minilm"), get_embedder("accurate")  # model loading is not part of the stage figures
    with tempfile.TemporaryDirectory() as tmp, empathic.Workspace.open(Path(tmp) / "speed.empathic") as ws:
        t = clock()
        ws.ingest(df, text="text", id="id")
        ingest = since(t)
        t = clock()
        ws.analyze(stages=["sentences"])
        sentences = since(t)
        units = ws.sql("SELECT text FROM sentences").text.tolist()
        phases = PhaseClock()
        t = clock()
        result = ws.analyze(stages=["themes"], progress=phases)[-1]
        first = since(t)
        phases.close()
        t = clock()
        ws.analyze(stages=["themes"])
        again = since(t)
    return {
        "comments": len(df),
        "units": len(units),
        "ingest": ingest,
        "sentences_stage": sentences,
        "themes_stage_first_run": first,
        "themes_phases": phases.phases,
        "themes_stage_rerun_cached": again,
        "counts": result.counts,
        "_units": units,
    }


def reviews_2k(mode: str) -> dict:
    """Long reviews (issue 17, item 8): the 1,324 BA reviews plus Skytrax seat reviews up to 2,000, ingested and
    analysed through sentences + themes in a fresh workspace (``mode``: the themes mode; ``auto`` is what a user
    gets). The feelings stage is another engineer's and is timed by its own bench."""
    import empathic
    from empathic.text.embed import get_embedder

    data = data_root()
    b = pd.read_csv(data / "ba_airline_reviews" / "ba_reviews.csv", dtype=str, keep_default_na=False)
    s = pd.read_csv(data / "skytrax_reviews" / "seat.csv", dtype=str, keep_default_na=False)
    texts = [t.strip() for t in list(b.content) + list(s.content) if t.strip()][:2000]
    df = pd.DataFrame({"id": [f"r{i:05d}" for i in range(len(texts))], "text": texts})
    get_embedder("fast-minilm"), get_embedder("accurate")  # model loading is not part of the stage figures
    with (
        tempfile.TemporaryDirectory() as tmp,
        empathic.Workspace.open(Path(tmp) / "reviews.empathic", settings={"themes": {"mode": mode}}) as ws,
    ):
        t = clock()
        ws.ingest(df, text="text", id="id")
        ingest = since(t)
        t = clock()
        ws.analyze(stages=["sentences"])
        sentences = since(t)
        phases = PhaseClock()
        t = clock()
        result = ws.analyze(stages=["themes"], progress=phases)[-1]
        first = since(t)
        phases.close()
    return {
        "comments": len(df),
        "characters": int(sum(map(len, texts))),
        "ingest": ingest,
        "sentences_stage": sentences,
        "themes_stage_first_run": first,
        "themes_phases": phases.phases,
        "counts": result.counts,
    }


def _usage() -> dict:
    u = resource.getrusage(resource.RUSAGE_SELF)
    return {"cpu_s": round(u.ru_utime + u.ru_stime, 2), "peak_rss_mb": round(u.ru_maxrss / 1024)}


def worker(step: str, name: str, out: Path) -> None:
    """One step of ``--compare`` in its own process; writes its timings (and predictions) to ``out``."""
    texts, _ = load(name)
    t0 = time.perf_counter()
    if step == "empathic_fast":
        import empathic

        ids = [f"d{i:06d}" for i in range(len(texts))]
        with (
            tempfile.TemporaryDirectory() as tmp,
            empathic.Workspace.open(Path(tmp) / "cmp.empathic", settings={"themes": {"mode": "fast"}}) as ws,
        ):
            ws.ingest(pd.DataFrame({"id": ids, "text": texts}), text="text", id="id")
            result = ws.analyze(stages=["themes"])[-1]
            wall = time.perf_counter() - t0
            ft = ws.sql("SELECT feedback_id, theme_id, level FROM feedback_themes WHERE is_primary")
        top = ft[ft.level == 1].set_index("feedback_id").theme_id.to_dict()
        leaf = dict(top) | ft[ft.level == 2].set_index("feedback_id").theme_id.to_dict()
        res = {"pred": [leaf.get(i, "other") for i in ids], "pred_top": [top.get(i, "other") for i in ids]}
        res["counts"] = result.counts
    elif step == "embed":
        from empathic.text.embed import get_embedder

        np.save(WORK / f"{name}.npy", get_embedder("accurate").embed(texts))
        wall = time.perf_counter() - t0
        res = {}
    elif step == "bertopic":
        from bertopic import BERTopic

        vecs = np.load(WORK / f"{name}.npy")
        t0 = time.perf_counter()
        topics, _ = BERTopic().fit_transform(texts, vecs)
        wall = time.perf_counter() - t0
        res = {"pred": [int(t) for t in topics]}
    else:
        raise SystemExit(f"unknown step {step}")
    out.write_text(json.dumps(res | {"wall_s": round(wall, 2)} | _usage()))


def _scores(pred: list, gold: list) -> dict:
    """NMI and ARI (the issue's figures), plus what NMI is made of and its chance-corrected sibling.

    NMI = 2·MI / (H(gold) + H(pred)): a partition that puts half the comments in one outlier topic has a low
    H(pred), so it can score a higher NMI with less information about the gold labels. MI (nats), H(pred) and AMI
    (adjusted for chance) show that trade-off next to NMI.
    """
    from scipy.stats import entropy
    from sklearn.metrics import (
        adjusted_mutual_info_score,
        adjusted_rand_score,
        mutual_info_score,
        normalized_mutual_info_score,
    )

    pred = [str(p) for p in pred]
    return {
        "nmi": round(normalized_mutual_info_score(gold, pred), 4),
        "ari": round(adjusted_rand_score(gold, pred), 4),
        "ami": round(adjusted_mutual_info_score(gold, pred), 4),
        "mi_nats": round(mutual_info_score(gold, pred), 4),
        "h_pred_nats": round(float(entropy(np.unique(pred, return_counts=True)[1])), 4),
    }


def compare(name: str, run: list[str]) -> dict:
    """empathic fast vs BERTopic (MiniLM embeddings + default fit), end to end, each step in its own process.

    Steps not in ``run`` are read from their last result in ``WORK`` (BERTopic's do not depend on empathic code).
    """
    WORK.mkdir(exist_ok=True)
    _, gold = load(name)
    env = {**os.environ, "TOKENIZERS_PARALLELISM": "false"}
    steps = {}
    for step in ("empathic_fast", "embed", "bertopic"):
        py = str(BENCH_PY) if step == "bertopic" else sys.executable
        out = WORK / f"{name}-{step}.json"
        if step in run or not out.exists():
            subprocess.run(["nice", "-n", "10", py, __file__, "--worker", step, name, str(out)], check=True, env=env)
        steps[step] = json.loads(out.read_text())
        print(step, {k: v for k, v in steps[step].items() if not k.startswith("pred")}, flush=True)
    emp, emb, bt = steps["empathic_fast"], steps["embed"], steps["bertopic"]
    row = {
        "n_comments": len(gold),
        "k_true": len(set(gold)),
        "empathic_fast": {k: emp[k] for k in ("wall_s", "cpu_s", "peak_rss_mb", "counts")}
        | _scores(emp["pred"], gold)
        | {"top_level": _scores(emp["pred_top"], gold)},
        "bertopic": {
            "wall_s": round(emb["wall_s"] + bt["wall_s"], 2),
            "cpu_s": round(emb["cpu_s"] + bt["cpu_s"], 2),
            "peak_rss_mb": max(emb["peak_rss_mb"], bt["peak_rss_mb"]),
            "embed": {k: emb[k] for k in ("wall_s", "cpu_s")},
            "fit": {k: bt[k] for k in ("wall_s", "cpu_s")},
            "topics": len(set(bt["pred"]) - {-1}),
            "outlier_share": round(sum(t == -1 for t in bt["pred"]) / len(gold), 4),
        }
        | _scores(bt["pred"], gold),
    }
    row["speedup_wall"] = round(row["bertopic"]["wall_s"] / emp["wall_s"], 2)
    row["speedup_cpu"] = round(row["bertopic"]["cpu_s"] / emp["cpu_s"], 2)
    return row


def _merge(key: str, value: dict) -> dict:
    res = json.loads(OUT.read_text()) if OUT.exists() else {}
    res[key] = value | {"measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "load": os.getloadavg()}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(res, indent=1))
    return res


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--compare", metavar="DATASET", help="empathic fast vs BERTopic end to end on DATASET")
    parser.add_argument("--steps", default="empathic_fast,embed,bertopic", help="--compare steps to (re)run")
    parser.add_argument("--worker", nargs=3, metavar=("STEP", "DATASET", "OUT"))
    parser.add_argument("--reviews", metavar="MODE", help="2,000 long reviews, sentences + themes (MODE: auto or fast)")
    args = parser.parse_args()
    if args.reviews:
        print(json.dumps(_merge(f"reviews_2k_{args.reviews}", reviews_2k(args.reviews)), indent=1))
        return
    if args.worker:
        worker(args.worker[0], args.worker[1], Path(args.worker[2]))
        return
    if args.compare:
        print(json.dumps(_merge(f"compare_{args.compare}", compare(args.compare, args.steps.split(","))), indent=1))
        return
    res = {"fidelity": fidelity()}
    print(json.dumps(res), flush=True)
    speed = themes_100k()
    units = speed.pop("_units")
    res["themes_100k_fast_mode"] = speed
    print(json.dumps(res), flush=True)
    res["throughput"] = throughput(units)
    res["themes_100k_fast_mode"]["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    for key, value in res.items():
        _merge(key, value)
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
