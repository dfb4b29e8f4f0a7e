"""Themes benchmark: empathic (accurate, fast) vs BERTopic (default, same MiniLM embeddings) vs KMeans with true K.

Run from the repo root (needs /work/shared/data; BERTopic runs in the benchmark-only venv ``.bench-venv``)::

    .venv/bin/python bench/themes.py                      # every dataset and method, writes docs/bench/themes.md
    .venv/bin/python bench/themes.py --datasets banking77_test --methods empathic_accurate,kmeans

Every (dataset, method) runs in its own process so wall time and peak RSS are its own. Wall time is end to end:
for empathic, ingest + sentence units + embeddings + themes in a fresh workspace; for BERTopic and KMeans, MiniLM
embeddings of the whole texts (the same int8 ONNX model) + fitting. NMI/ARI compare each comment's primary theme
(the finest level: its subtheme when it has one) with the gold label; "other" / BERTopic's outlier topic count as
a cluster. Coverage = comments with a real (non-other, non-outlier) primary theme.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import re
import resource
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

from data_root import data_root

ROOT = Path(__file__).resolve().parents[1]
DATA = data_root()
CACHE = Path("/tmp/empathic-bench")
BENCH_PY = ROOT / ".bench-venv" / "bin" / "python"
DATASETS = ("banking77_test", "banking77_all", "airline_negative", "semeval14_restaurants", "goemotions")
METHODS = ("empathic_accurate", "empathic_fast", "bertopic", "kmeans")


def load(name: str) -> tuple[list[str], list[str]]:
    """Texts and gold labels of a benchmark dataset."""
    csv.field_size_limit(sys.maxsize)
    if name.startswith("banking77"):
        files = ["test.csv"] if name == "banking77_test" else ["train.csv", "test.csv"]
        rows = [r for f in files for r in csv.DictReader((DATA / "banking77" / f).open(encoding="utf-8"))]
        return [r["text"] for r in rows], [r["category"] for r in rows]
    if name == "airline_negative":
        rows = list(csv.DictReader((DATA / "airline_tweets" / "Tweets.csv").open(encoding="utf-8")))
        rows = [r for r in rows if r["airline_sentiment"] == "negative" and r["negativereason"]]
        return [r["text"] for r in rows], [r["negativereason"] for r in rows]
    if name == "semeval14_restaurants":
        texts, labels = [], []
        for f in ("Restaurants_Train_v2.xml", "Restaurants_Test_Gold.xml"):
            for s in ET.parse(DATA / "semeval14_absa" / f).getroot().iter("sentence"):
                cats = [c.get("category") for c in s.iter("aspectCategory")]
                if len(cats) == 1:  # single-category sentences: a well-defined gold label
                    texts.append(s.findtext("text") or "")
                    labels.append(cats[0])
        return texts, labels
    if name == "goemotions":
        texts, labels = [], []
        for f in ("train.tsv", "dev.tsv", "test.tsv"):
            for line in (DATA / "goemotions" / "original" / f).open(encoding="utf-8"):
                parts = line.rstrip("\n").split("\t")
                texts.append(parts[0])
                labels.append(parts[1].split(",")[0])
        return texts, labels
    if name == "clothing":
        # the bundled sample (CC0): each review's product class as the gold label (a coarse, partial proxy)
        with gzip.open(ROOT / "src" / "empathic" / "data" / "womens_clothing_reviews.csv.gz", "rt") as f:
            rows = [r for r in csv.DictReader(f) if r["Review Text"]]
        return [r["Review Text"] for r in rows], [r["Class Name"] for r in rows]
    if name == "mixed_100k":
        # the 100k speed corpus of themes_speed.py with a gold label: source + its own label (GoEmotions' first
        # emotion, the Banking77 intent, the airline complaint reason, the clothing review's product class)
        texts, labels = [], []
        for source in ("goemotions", "banking77_all", "airline_negative"):
            t, g = load(source)
            texts += t
            labels += [f"{source}:{x}" for x in g]
        with gzip.open(ROOT / "src" / "empathic" / "data" / "womens_clothing_reviews.csv.gz", "rt") as f:
            for r in csv.DictReader(f):
                if r["Review Text"]:
                    texts.append(r["Review Text"])
                    labels.append(f"clothing:{r['Class Name']}")
        return texts[:100_000], labels[:100_000]
    raise SystemExit(f"unknown dataset {name}")


def minilm_embeddings(name: str, texts: list[str]) -> tuple[object, float]:
    """MiniLM embeddings of whole texts (cached on disk with the time they took to compute)."""
    import numpy as np

    CACHE.mkdir(exist_ok=True)
    path, meta = CACHE / f"{name}.npy", CACHE / f"{name}.json"
    if path.exists() and meta.exists():
        return np.load(path), json.loads(meta.read_text())["seconds"]
    from empathic.text.embed import get_embedder

    t0 = time.perf_counter()
    vecs = get_embedder("accurate").embed(texts)
    seconds = time.perf_counter() - t0
    np.save(path, vecs)
    meta.write_text(json.dumps({"seconds": seconds}))
    return vecs, seconds


def run_empathic(name: str, texts: list[str], mode: str) -> dict:
    import tempfile

    import pandas as pd

    import empathic

    t0 = time.perf_counter()
    with (
        tempfile.TemporaryDirectory() as tmp,
        empathic.Workspace.open(Path(tmp) / "bench.empathic", settings={"themes": {"mode": mode}}) as ws,
    ):
        ids = [f"d{i:06d}" for i in range(len(texts))]
        ws.ingest(pd.DataFrame({"id": ids, "text": texts}), text="text", id="id")
        result = ws.analyze(stages=["themes"])[-1]
        seconds = time.perf_counter() - t0
        ft = ws.sql("SELECT feedback_id, theme_id, level FROM feedback_themes WHERE is_primary")
        tree = ws.themes()
    top = ft[ft.level == 1].set_index("feedback_id").theme_id.to_dict()
    leaf = dict(top)
    leaf.update(ft[ft.level == 2].set_index("feedback_id").theme_id.to_dict())
    alive = tree[~tree.is_other]
    return {
        "pred": [leaf.get(i, "other") for i in ids],
        "pred_top": [top.get(i, "other") for i in ids],
        "covered": [top.get(i, "other") != "other" for i in ids],
        "n_top": int((alive.level == 1).sum()),
        "n_sub": int((alive.level == 2).sum()),
        "seconds": seconds,
        "mode": result.counts.get("mode"),
        "units": result.counts.get("units"),
        "labels_sample": alive[alive.level == 1].label.head(12).tolist(),
        "cluster_labels": dict(zip(alive.theme_id, alive.label, strict=True)),
    }


def run_kmeans(name: str, texts: list[str], gold: list[str]) -> dict:
    from sklearn.cluster import KMeans

    vecs, embed_s = minilm_embeddings(name, texts)
    t0 = time.perf_counter()
    pred = KMeans(n_clusters=len(set(gold)), n_init="auto", random_state=42).fit_predict(vecs)
    return {
        "pred": pred.tolist(),
        "covered": [True] * len(texts),
        "n_top": len(set(gold)),
        "n_sub": 0,
        "seconds": embed_s + time.perf_counter() - t0,
        "embed_seconds": embed_s,
    }


def run_bertopic(name: str, texts: list[str]) -> dict:
    """Runs inside .bench-venv (BERTopic is never an empathic dependency); embeddings from the cache."""
    import numpy as np
    from bertopic import BERTopic

    vecs = np.load(CACHE / f"{name}.npy")
    embed_s = json.loads((CACHE / f"{name}.json").read_text())["seconds"]
    t0 = time.perf_counter()
    model = BERTopic()
    topics, _ = model.fit_transform(texts, vecs)
    topics = [int(t) for t in topics]
    words = {str(t): [w for w, _ in (model.get_topic(t) or [])[:3]] for t in set(topics) - {-1}}
    return {
        "cluster_labels": {t: " ".join(w[:1]) for t, w in words.items()},
        "cluster_labels_3": {t: " ".join(w) for t, w in words.items()},
        "pred": topics,
        "covered": [t != -1 for t in topics],
        "n_top": len(set(topics) - {-1}),
        "n_sub": 0,
        "seconds": embed_s + time.perf_counter() - t0,
        "embed_seconds": embed_s,
    }


def worker(name: str, method: str, out: Path) -> None:
    texts, gold = load(name)
    if method == "embed":
        _, s = minilm_embeddings(name, texts)
        res = {"seconds": s}
    elif method.startswith("empathic_"):
        res = run_empathic(name, texts, method.split("_", 1)[1])
    elif method == "kmeans":
        res = run_kmeans(name, texts, gold)
    elif method == "bertopic":
        res = run_bertopic(name, texts)
    else:
        raise SystemExit(f"unknown method {method}")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    res["peak_rss_mb"] = usage.ru_maxrss / 1024
    res["cpu_seconds"] = usage.ru_utime + usage.ru_stime  # less sensitive than wall time to a busy machine
    out.write_text(json.dumps(res))


def score(res: dict, gold: list[str]) -> dict:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    row = {
        "nmi": normalized_mutual_info_score(gold, res["pred"]),
        "ari": adjusted_rand_score(gold, res["pred"]),
        "coverage": sum(res["covered"]) / len(gold),
    }
    if "cluster_labels" in res:
        row["label_hit"] = label_hit(res["pred"], gold, res["cluster_labels"])
        if "pred_top" in res:
            row["label_hit_top"] = label_hit(res["pred_top"], gold, res["cluster_labels"])
    if "cluster_labels_3" in res:
        row["label_hit_3"] = label_hit(res["pred"], gold, res["cluster_labels_3"])
    if "pred_top" in res:
        row["nmi_top"] = normalized_mutual_info_score(gold, res["pred_top"])
        row["ari_top"] = adjusted_rand_score(gold, res["pred_top"])
    return row


def _stems(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z]+", text.lower().replace("_", " ")) if len(w) >= 3}


def label_hit(pred: list, gold: list[str], labels: dict[str, str], *, min_size: int = 10) -> float:
    """Share of comments (in themes of ≥ ``min_size``) whose theme's label names its majority gold label.

    A label "names" a gold label when they share a distinctive word (compared on the first 5 letters, so "arrive" ~
    "arrival", "cancelled" ~ "cancel"); a gold word used by 3 or more gold labels of the dataset ("card", "flight")
    is not distinctive. Themes whose majority gold label has no distinctive word ("Can't Tell",
    "anecdotes/miscellaneous") are left out. A crude, automatic check of "labels a human would write": synonyms
    ("delayed" for "Late Flight") count as misses for every method alike.
    """
    from collections import Counter, defaultdict

    names = set(gold)
    uses = Counter(stem for name in names for stem in _stems(name))
    distinctive = {name: {s for s in _stems(name) if uses[s] < 3} for name in names}
    by_cluster: dict[str, Counter] = defaultdict(Counter)
    for p, g in zip(pred, gold, strict=True):
        by_cluster[str(p)][g] += 1
    hit = total = 0
    for cluster, counts in by_cluster.items():
        size = sum(counts.values())
        if cluster not in labels or size < min_size:
            continue
        words = distinctive[counts.most_common(1)[0][0]]
        if not words:
            continue
        total += size
        hit += size * bool(words & _stems(labels[cluster]))
    return hit / total if total else float("nan")


def _hit(r: dict) -> str:
    """Label hit for the table: the label phrase (empathic) or top word / three words (BERTopic); – if none."""
    hit = r.get("label_hit")
    if hit is None or hit != hit:  # not measured, or NaN (no gold label with a distinctive word: GoEmotions ids)
        return "–"
    return f"{hit:.3f}" + (f" / {r['label_hit_3']:.3f}" if "label_hit_3" in r else "")


def table(results: dict) -> str:
    """The results as a markdown table (one row per dataset × method)."""
    lines = [
        "| dataset (n, true K) | method | NMI | ARI | NMI / ARI top level | coverage | themes (top/sub) | wall s"
        " | CPU s | peak RSS MB | label hit |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, methods in results.items():
        for method, r in methods.items():
            lines.append(
                f"| {name} ({r['n']:,}, {r['k_true']}) | {method} | {r['nmi']:.3f} | {r['ari']:.3f} | "
                + (f"{r['nmi_top']:.3f} / {r['ari_top']:.3f} | " if "ari_top" in r else "– | ")
                + f"{100 * r['coverage']:.1f}% | {r['n_top']}/{r['n_sub']} | {r['seconds']:.1f} | "
                f"{r.get('cpu_seconds', float('nan')):.1f} | {r['peak_rss_mb']:.0f} | {_hit(r)} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "bench" / "themes-results.json")
    parser.add_argument("--worker", nargs=3, metavar=("DATASET", "METHOD", "OUT"))
    parser.add_argument("--table", action="store_true", help="print the stored results as a markdown table")
    args = parser.parse_args()
    if args.table:
        print(table(json.loads(args.out.read_text())))
        return
    if args.worker:
        worker(args.worker[0], args.worker[1], Path(args.worker[2]))
        return
    results = json.loads(args.out.read_text()) if args.out.exists() else {}
    for name in args.datasets.split(","):
        _, gold = load(name)
        for method in args.methods.split(","):
            if method in ("bertopic", "kmeans"):  # shared MiniLM embeddings, computed once and timed
                subprocess.run(
                    [sys.executable, __file__, "--worker", name, "embed", "/tmp/empathic-bench-embed.json"], check=True
                )
            py = str(BENCH_PY) if method == "bertopic" else sys.executable
            out = Path(f"/tmp/empathic-bench-{name}-{method}.json")
            t0 = time.perf_counter()
            proc = subprocess.run(
                [py, __file__, "--worker", name, method, str(out)],
                check=False,
                env={**os.environ, "TOKENIZERS_PARALLELISM": "false"},
            )
            if proc.returncode != 0:
                print(f"{name} {method}: FAILED", flush=True)
                continue
            res = json.loads(out.read_text())
            row = score(res, gold) | {k: v for k, v in res.items() if k not in ("pred", "pred_top", "covered")}
            row["process_seconds"] = time.perf_counter() - t0
            row["n"] = len(gold)
            row["k_true"] = len(set(gold))
            row["measured_at"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
            results.setdefault(name, {})[method] = row
            print(
                f"{name:24s} {method:18s} NMI {row['nmi']:.3f} ARI {row['ari']:.3f} cov {row['coverage']:.3f} "
                f"themes {row['n_top']}/{row['n_sub']} {row['seconds']:.1f}s cpu {row['cpu_seconds']:.1f}s "
                f"{row['peak_rss_mb']:.0f}MB label_hit {row.get('label_hit', float('nan')):.3f}"
                f" (3 words {row.get('label_hit_3', float('nan')):.3f})",
                flush=True,
            )
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
