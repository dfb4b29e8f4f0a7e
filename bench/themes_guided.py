"""Guided themes on the keyword-checked BA set: recall and precision per theme, dev and test halves.

The set (``bench/themes_guided_set.py``) labels each of the 1,324 British Airways reviews for "refunds / customer
service", "lost baggage" and "seat comfort" by broad keyword rules read and corrected by hand. Each guided theme is
given only what an analyst would type: the label, up to four keyword phrases and three to five example sentences
written by us (``SPECS``; none is copied from the reviews). A review counts as tagged when the theme tags one of
its sentences. Two paths, same matcher (:mod:`empathic.themes.guided`):

- ``--path direct`` splits the reviews into sentence units and calls :func:`match_guided` (quick; the accurate
  vectors are cached in ``/tmp/empathic-bench``);
- ``--path api`` / ``--path cli`` ingest the reviews into a workspace and analyse it, add the guided themes as a user
  would (``ws.create_theme(...)``, or ``empathic themes edit create`` on the command line), re-analyse, and read the
  tagged comments from ``feedback_themes`` (:func:`product`).

Run from the repo root (needs /work/shared/data)::

    python bench/themes_guided.py --path direct
    python bench/themes_guided.py --path api
    python bench/themes_guided.py --path cli
    python bench/themes_guided.py --path direct --baseline     # the old prototype matcher, for comparison
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from empathic.themes.guided import GuidedSpec, match_guided
from themes_guided_set import OUT as LABELS
from themes_guided_set import SOURCE, THEMES, read_labels, sentences

CACHE = Path("/tmp/empathic-bench")
SPECS: dict[str, GuidedSpec] = {
    "refunds_customer_service": GuidedSpec(
        "refunds_customer_service",
        "refunds & customer service",
        keywords=("refund", "compensation", "customer service", "customer relations"),
        examples=(
            "I am still waiting for my refund three months after they cancelled the flight",
            "Customer service never answered my emails or my calls",
            "They refused to pay the compensation we were entitled to",
            "All they offered was a small voucher for our trouble",
            "I spent an hour on hold trying to reach someone",
        ),
    ),
    "lost_baggage": GuidedSpec(
        "lost_baggage",
        "lost baggage",
        keywords=("lost luggage", "lost bag", "missing bag"),
        examples=(
            "My suitcase never arrived at the destination",
            "The airline lost our luggage and nobody knew where it was",
            "Our bags were delivered to the hotel four days later",
        ),
    ),
    "seat_comfort": GuidedSpec(
        "seat_comfort",
        "seat comfort",
        keywords=("legroom", "seat comfort", "comfortable seat"),
        examples=(
            "The seat was hard and uncomfortable on a long flight",
            "There was no legroom, my knees touched the seat in front",
            "The seats were comfortable and reclined well",
            "Narrow, cramped seats",
        ),
    ),
}
#: ``themes.guided_similarity`` (the self-training's "sure" threshold); chosen on the dev half.
SURE = 0.43


def cached_accurate(texts: list[str]) -> np.ndarray:
    """Accurate-model vectors, kept on disk per text hash so reruns only embed new texts."""
    from empathic.text.embed import get_embedder

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / "guided-accurate.npz"
    store = dict(np.load(path)) if path.exists() else {}
    keys = [hashlib.sha1(t.encode("utf-8")).hexdigest()[:20] for t in texts]
    missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in store}.items())
    if missing:
        vectors = get_embedder("accurate").embed([t for _, t in missing])
        store.update({k: v for (k, _), v in zip(missing, vectors, strict=True)})
        np.savez(path, **store)
    return np.stack([store[k] for k in keys]) if keys else np.zeros((0, 384), np.float32)


def direct(reviews: pd.DataFrame, baseline: bool) -> dict[str, np.ndarray]:
    """Per theme: a bool per review, from the matcher called on the reviews' sentence units."""
    from empathic.text.embed import get_embedder

    units = [(i, " ".join(s.split())) for i, t in enumerate(reviews["content"].astype(str)) for s in sentences(t)]
    owner = np.array([i for i, _ in units])
    texts = [t for _, t in units]
    static = get_embedder("fast-minilm").embed
    out = {}
    for theme, spec in SPECS.items():
        if baseline:
            pos = _old_prototypes(texts, spec)
        else:
            pos = match_guided(texts, spec, embed=cached_accurate, word_embed=static, sure=SURE).positions
        tagged = np.zeros(len(reviews), bool)
        tagged[owner[pos]] = True
        out[theme] = tagged
    return out


def _old_prototypes(texts: list[str], spec: GuidedSpec, similarity: float = 0.5) -> np.ndarray:
    """The matcher before this change: units at least ``similarity`` close to any example/keyword prototype."""
    protos = cached_accurate(list(spec.examples) + list(spec.keywords))
    protos /= np.linalg.norm(protos, axis=1, keepdims=True)
    vectors = cached_accurate(texts)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.flatnonzero((vectors @ protos.T).max(axis=1) >= similarity)


def product(reviews: pd.DataFrame, via: str) -> dict[str, np.ndarray]:
    """Per theme: a bool per review, from a real workspace as a user builds it.

    A base workspace (reviews ingested, ``sentences`` and ``themes`` analysed) is built once and copied fresh for
    every run, so no guided theme of an earlier run is left in it. ``via="api"``: ``ws.create_theme`` per theme, then
    ``ws.analyze`` again; ``via="cli"``: ``empathic themes edit create WS LABEL -k … -e …`` per theme, then
    ``empathic analyze WS --stage themes``. Either way the tags are read from ``feedback_themes`` after the
    re-analysis (guided themes are edits and must survive it).
    """
    import shutil
    import subprocess

    import empathic

    base = CACHE / "guided-ba-base.empathic"
    ids = [f"ba{i:04d}" for i in range(len(reviews))]
    CACHE.mkdir(parents=True, exist_ok=True)
    if not base.exists():  # built under another name and renamed, so an interrupted build is never reused
        t0 = time.perf_counter()
        building = base.with_name(base.name + ".building")
        for stale in building.parent.glob(building.name + "*"):
            stale.unlink()
        with empathic.Workspace.open(building) as ws:
            ws.ingest(pd.DataFrame({"id": ids, "text": reviews["content"].astype(str)}), text="text", id="id")
            ws.analyze(stages=["sentences", "themes"])
        building.rename(base)
        print(f"  base workspace: {time.perf_counter() - t0:.1f} s", flush=True)
    path = CACHE / f"guided-ba-{via}.empathic"
    for stale in path.parent.glob(path.name + "*"):
        stale.unlink()
    shutil.copy2(base, path)
    cli = Path(sys.executable).with_name("empathic")
    for spec in SPECS.values():
        t0 = time.perf_counter()
        if via == "cli":
            args = [str(cli), "themes", "edit", "create", str(path), spec.label]
            args += [a for k in spec.keywords for a in ("-k", k)] + [a for e in spec.examples for a in ("-e", e)]
            subprocess.run(args, check=True, capture_output=True)
        else:
            with empathic.Workspace.open(path) as ws:
                ws.create_theme(spec.label, keywords=list(spec.keywords), examples=list(spec.examples))
        print(f"  create {spec.label!r} ({via}): {time.perf_counter() - t0:.1f} s", flush=True)
    t0 = time.perf_counter()
    if via == "cli":
        subprocess.run([str(cli), "analyze", str(path), "--stage", "themes", "-q"], check=True, capture_output=True)
    else:
        with empathic.Workspace.open(path) as ws:
            ws.analyze(stages=["themes"])
    print(f"  re-analysis ({via}): {time.perf_counter() - t0:.1f} s", flush=True)
    out = {}
    with empathic.Workspace.open(path) as ws:
        tree = ws.themes()
        tagged_ids = ws.sql("SELECT feedback_id, theme_id FROM feedback_themes WHERE level = 1")
        for theme, spec in SPECS.items():
            (tid,) = tree.loc[tree.label == spec.label, "theme_id"]
            have = set(tagged_ids.loc[tagged_ids.theme_id == tid, "feedback_id"])
            out[theme] = np.array([i in have for i in ids])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--path", choices=("direct", "api", "cli"), default="direct", help="product paths: api, cli")
    parser.add_argument("--baseline", action="store_true", help="the old prototype matcher (direct path only)")
    parser.add_argument("--split", choices=("dev", "test", "both"), default="both", help="halves to report")
    args = parser.parse_args()
    reviews = pd.read_csv(SOURCE)
    labels = pd.read_csv(LABELS)
    if len(labels) != len(reviews):
        raise SystemExit(f"{LABELS} has {len(labels)} rows, {SOURCE} {len(reviews)}: rerun bench/themes_guided_set.py")
    t0 = time.perf_counter()
    found = direct(reviews, args.baseline) if args.path == "direct" else product(reviews, args.path)
    seconds = time.perf_counter() - t0
    rows = []
    golds = [(theme, "rules", labels[theme].to_numpy().astype(bool)) for theme in THEMES]
    golds += [(theme, "read", truth) for theme, truth in read_labels(labels).items()]
    for theme, source, gold in golds:
        for split in ("dev", "test") if args.split == "both" else (args.split,):
            part = (labels["split"] == split).to_numpy()
            pred, truth = found[theme][part], gold[part]
            tp = int((pred & truth).sum())
            rows.append(
                {
                    "theme": theme,
                    "labels": source,
                    "split": split,
                    "n_reviews": int(part.sum()),
                    "n_positive": int(truth.sum()),
                    "n_tagged": int(pred.sum()),
                    "precision": round(tp / max(1, pred.sum()), 3),
                    "recall": round(tp / max(1, truth.sum()), 3),
                }
            )
    print(pd.DataFrame(rows).to_string(index=False))
    print(f"path={args.path}{' baseline' if args.baseline else ''}; {seconds:.1f} s wall")


if __name__ == "__main__":
    main()
