"""Calibration of comment sentiment to a workspace's own scores, on real reviews, through the feelings stage.

    PYTHONPATH=src .venv/bin/python bench/feelings_calibration.py [--mode fast|accurate] [--n 1500]

Two workspaces are built the way ``empathic ingest`` stores them (text plus a rating score) and run through the
feelings stage (``ws.analyze(stages=["feelings"])``), which cross-validates the calibration on the scored comments
and applies it only when it beats the shipped labels on held-out folds. Printed: what ``empathic feelings WS
--calibration`` shows — held-out macro-F1 and accuracy of the labels against the score's side before and after,
the bootstrap lower bound of the gain, and whether it was applied.

- **clothing**: the held-out fifth of the clothing reviews (``training/data.py: clothing_heldout``), first ``--n``
  with text, 1–5 stars (1–2 negative, 3 neutral, 4–5 positive);
- **ba**: the British Airways reviews (never trained on), first ``--n`` with a 1–10 rating (1–4 negative, 5–6
  neutral, 7–10 positive: the lowest and highest 40 % of the scale).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "training"))

from data_root import data_root  # noqa: E402
from empathic import Workspace  # noqa: E402

DATA = data_root()


def clothing(n: int) -> pd.DataFrame:
    from data import CLOTHING_CSV, clothing_heldout

    df = pd.read_csv(CLOTHING_CSV, index_col=0)
    df = df[clothing_heldout(df.index) & df["Review Text"].notna()].head(n)
    return pd.DataFrame({"text": df["Review Text"], "value": df["Rating"].astype(float), "lo": 1.0, "hi": 5.0})


def ba(n: int) -> pd.DataFrame:
    df = pd.read_csv(DATA / "ba_airline_reviews" / "ba_reviews.csv")
    df = df[df["content"].notna() & df["rating"].notna()].head(n)
    return pd.DataFrame({"text": df["content"], "value": df["rating"].astype(float), "lo": 1.0, "hi": 10.0})


def run(name: str, df: pd.DataFrame, mode: str, root: Path) -> dict:
    ws = Workspace.open(root / f"{name}.empathic", settings={"feelings": {"mode": mode}})
    now = datetime(2026, 1, 1)
    with ws.store.write() as con:
        con.execute(
            "INSERT INTO sources VALUES ('s1', 'feedback', 'bench', 'x', '{}', ?, ?, 0, ?)", [len(df)] * 2 + [now]
        )
        for i, r in enumerate(df.itertuples()):
            fid = f"r{i:06d}"
            con.execute("INSERT INTO feedback VALUES (?, 's1', NULL, ?, ?, ?, ?)", [fid, r.text, now, fid, now])
            con.execute(
                "INSERT INTO feedback_scores VALUES (?, 'rating', 'rating', ?, ?, ?)", [fid, r.lo, r.hi, r.value]
            )
    t0 = time.time()
    ws.analyze(stages=["sentences", "feelings"])
    cal = ws.calibration()
    ws.close()
    return {
        "data": name,
        "mode": mode,
        "n scored": cal["n"],
        "sides": ", ".join(f"{k} {v}" for k, v in cal["classes"].items()),
        "macro-F1 before": cal["agreement_before"],
        "macro-F1 after": cal["agreement_after"],
        "accuracy before": cal["accuracy_before"],
        "accuracy after": cal["accuracy_after"],
        "folds better": f"{cal['fold_wins']}/{cal['folds']}",
        "applied": cal["applied"],
        "seconds": round(time.time() - t0),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", default="fast")
    ap.add_argument("--n", type=int, default=1500)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    from feelings import to_markdown

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, load in (("clothing", clothing), ("ba", ba)):
            rows.append(run(name, load(args.n), args.mode, Path(tmp)))
            print(rows[-1], file=sys.stderr)
    print(to_markdown(pd.DataFrame(rows)))


if __name__ == "__main__":
    main()
