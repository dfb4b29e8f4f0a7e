"""Stability of the top level (issue 17, item 6): two files that differ in 5 % of their rows should keep ≥ 90 % of
their top-level themes, matched by members (Jaccard ≥ 0.5 on the comments both files share), with the same labels.

File A is the corpus; file B is A with every 20th row replaced by a row from a second corpus (5 % of the rows
differ). Each is ingested and analysed (sentences + themes) in its own fresh workspace with the default settings.
For each top-level theme of A (not "other"), its members are the comments tagged with it (any level-1 tag) among
the comments both files hold; it is *kept* when some top-level theme of B has member Jaccard ≥ 0.5, and *kept with
its label* when that theme also has the same label (as a reader compares them: case, plural -s and
hyphens aside, ``labels.label_key``). The share is over A's top-level themes (n stated).

Run from the repo root (needs /work/shared/data)::

    .venv/bin/python bench/themes_stability.py                    # BA reviews, 5 % replaced by Skytrax seat reviews
    .venv/bin/python bench/themes_stability.py --corpus clothing  # the bundled clothing demo reviews
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import pandas as pd

from data_root import data_root

DATA = data_root()


def corpora(name: str) -> tuple[list[str], list[str]]:
    """The main corpus and the rows that replace 5 % of it."""
    if name == "ba":
        b = pd.read_csv(DATA / "ba_airline_reviews" / "ba_reviews.csv", dtype=str, keep_default_na=False)
        s = pd.read_csv(DATA / "skytrax_reviews" / "seat.csv", dtype=str, keep_default_na=False)
        main = [t.strip() for t in b.content if t.strip()]
        other = [t.strip() for t in s.content if t.strip()]
        return main, other
    if name == "clothing":
        c = pd.read_csv(DATA / "womens_clothing_reviews" / "Womens Clothing E-Commerce Reviews.csv", dtype=str)
        texts = [t.strip() for t in c["Review Text"].dropna() if t.strip()]
        return texts[:2000], texts[2000:]
    raise SystemExit(f"unknown corpus {name}")


def top_members(path: Path, texts: list[str], ids: list[str], settings: dict) -> tuple[dict, dict, dict]:
    """Analyse the rows in a fresh workspace; per top-level theme: label and member comment ids."""
    import empathic

    with empathic.Workspace.open(path, settings=settings or None) as ws:
        ws.ingest(pd.DataFrame({"id": ids, "text": texts}), text="text", id="id")
        t = time.perf_counter()
        result = ws.analyze(stages=["themes"])[-1]
        wall = time.perf_counter() - t
        tops = ws.sql("SELECT theme_id, label FROM themes WHERE level = 1 AND NOT is_other AND status <> 'deleted'")
        ft = ws.sql("SELECT feedback_id, theme_id FROM feedback_themes WHERE level = 1")
    members = {tid: set(ft[ft.theme_id == tid].feedback_id) for tid in tops.theme_id}
    return dict(zip(tops.theme_id, tops.label, strict=True)), members, {"wall_s": round(wall, 1)} | result.counts


def compare(a: tuple[dict, dict], b: tuple[dict, dict], shared: set[str]) -> dict:
    """Share of A's top-level themes kept in B (member Jaccard ≥ 0.5 on ``shared``), and kept with the same label."""
    from empathic.themes.labels import label_key

    (labels_a, members_a), (labels_b, members_b) = a, b
    rows = []
    for tid, label in labels_a.items():
        ma = members_a[tid] & shared
        best, best_j = None, 0.0
        for tid_b, mb in members_b.items():
            mb = mb & shared
            j = len(ma & mb) / max(1, len(ma | mb))
            if j > best_j:
                best, best_j = tid_b, j
        rows.append(
            {
                "label": label,
                "n": len(ma),
                "match": labels_b.get(best),
                "jaccard": round(best_j, 3),
                "kept": best_j >= 0.5,
                "same_label": best_j >= 0.5 and label_key(labels_b.get(best) or "") == label_key(label),
            }
        )
    n = len(rows)
    return {
        "n_top_a": n,
        "n_top_b": len(labels_b),
        "kept": round(sum(r["kept"] for r in rows) / max(1, n), 3),
        "kept_same_label": round(sum(r["same_label"] for r in rows) / max(1, n), 3),
        "themes": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default="ba")
    parser.add_argument("--mode", default="auto")
    args = parser.parse_args()
    main_texts, other = corpora(args.corpus)
    ids_a = [f"r{i:05d}" for i in range(len(main_texts))]
    texts_b, ids_b = list(main_texts), list(ids_a)
    replaced = list(range(0, len(main_texts), 20))
    for k, i in enumerate(replaced):
        texts_b[i], ids_b[i] = other[k], f"x{k:05d}"
    shared = set(ids_a) & set(ids_b)
    settings = {"themes": {"mode": args.mode}}
    with tempfile.TemporaryDirectory() as tmp:
        la, ma, ca = top_members(Path(tmp) / "a.empathic", main_texts, ids_a, settings)
        lb, mb, cb = top_members(Path(tmp) / "b.empathic", texts_b, ids_b, settings)
    out = compare((la, ma), (lb, mb), shared) | {
        "corpus": args.corpus,
        "rows": len(main_texts),
        "rows_replaced": len(replaced),
        "run_a": ca,
        "run_b": cb,
    }
    print(json.dumps(out, indent=1, default=str))


if __name__ == "__main__":
    main()
