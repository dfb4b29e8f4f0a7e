"""Real-data check: drivers of low ratings and segments that differ, on Women's clothing and BA reviews.

Ingests each dataset from /work/shared/data, runs every stage (themes, feelings, analytics …) and prints a
markdown report: scores, the themes that pull the rating down (leave-one-out impact + driver coefficients), the
segments that differ significantly (BH-adjusted), and quotes to sanity-check them.

    .venv/bin/python bench/analytics_realdata.py /tmp/realdata
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from data_root import data_root
from empathic import Workspace

DATA = data_root()
DATASETS = {
    "womens_clothing": {
        "path": DATA / "womens_clothing_reviews" / "Womens Clothing E-Commerce Reviews.csv",
        "roles": {
            "text": "Review Text",
            "score": ["Rating", "Recommended IND"],
            "attr": ["Age", "Division Name", "Department Name", "Class Name"],
        },
        "score": "Rating",
        "segments": ["Department Name", "Age"],
    },
    "ba_reviews": {
        "path": DATA / "ba_airline_reviews" / "ba_reviews.csv",
        "roles": {
            "text": "content",
            "score": ["rating", "recommended"],
            "date": "date",
            "date_format": "%d/%m/%Y",
            "attr": ["traveller_type", "seat_type"],
        },
        "score": "rating",
        "segments": ["traveller_type", "seat_type"],
    },
}


#: Stand-in themes (keyword rules on sentences), used only with --standin when the themes stage is unavailable.
STANDIN = {
    "womens_clothing": {
        "fit and sizing": r"\b(size|sizing|fit|fits|runs (small|large|big)|too (small|big|large)|tight|loose|snug)\b",
        "fabric and quality": r"\b(fabric|material|quality|thin|cheap|see[- ]through|sheer|itchy|scratchy)\b",
        "length": r"\b(length|too long|too short|petite|hem)\b",
        "colour": r"\b(colou?r|colou?rs)\b",
        "comfort": r"\b(comfortable|comfy|soft|cozy)\b",
        "washing": r"\b(wash|washed|shr[iu]nk|dry clean)\b",
        "returns": r"\b(return|returned|returning|sending (it )?back|sent (it )?back)\b",
        "price": r"\b(price|expensive|sale|worth|pricey)\b",
        "compliments": r"\b(compliments?)\b",
        "zipper": r"\b(zipper|zip)\b",
    },
    "ba_reviews": {
        "seats and legroom": r"\b(seats?|legroom|leg room|recline)\b",
        "food and drink": r"\b(food|meals?|drinks?|breakfast|snack)\b",
        "cabin crew": r"\b(crew|staff|attendants?|stewardess)\b",
        "delays and cancellations": r"\b(delay|delayed|late|cancel+ed|cancellation)\b",
        "lounge": r"\b(lounge)\b",
        "check-in and boarding": r"\b(check[- ]?in|boarding|queue|gate)\b",
        "entertainment and wifi": r"\b(entertainment|screen|wifi|wi-fi|movies?)\b",
        "luggage": r"\b(bags?|luggage|baggage|suitcase)\b",
        "customer service and refunds": r"\b(refund|compensation|customer service|complaint|call cent(er|re))\b",
        "value for money": r"\b(price|value|money|cheap|expensive|fare)\b",
    },
}


def standin_themes(ws: Workspace, rules: dict[str, str]) -> None:
    """Write keyword-rule themes into the themes tables (a clearly labelled stand-in, not the themes stage)."""
    with ws.store.write() as con:
        for table in ("themes", "sentence_themes", "feedback_themes"):
            con.execute(f"DELETE FROM {table}")
        for i, (label, pattern) in enumerate(rules.items()):
            tid = f"standin_{i:02d}"
            con.execute(
                "INSERT INTO themes VALUES (?, NULL, 1, ?, 0, 0, 0, false, 'active', '[]', '[]', now(), now())",
                [tid, label],
            )
            con.execute(
                "INSERT INTO sentence_themes SELECT feedback_id, sentence_idx, ?, NULL, 1.0 FROM sentences "
                "WHERE regexp_matches(lower(text), ?)",
                [tid, pattern],
            )
        con.execute(
            "INSERT INTO feedback_themes SELECT feedback_id, theme_id, 1, theme_id = first_theme, count(*) FROM ("
            "SELECT *, first_value(theme_id) OVER (PARTITION BY feedback_id ORDER BY sentence_idx, theme_id) "
            "AS first_theme FROM sentence_themes) GROUP BY feedback_id, theme_id, first_theme"
        )


def md(df: pd.DataFrame) -> str:
    """A DataFrame as a markdown table (no tabulate dependency)."""

    def cell(v: object) -> str:
        return f"{v:.3g}" if isinstance(v, float) else str(v)

    lines = ["| " + " | ".join(map(str, df.columns)) + " |", "|" + "---|" * len(df.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join(lines)


def quotes(ws: Workspace, theme: str, score: str, low: float, n: int = 2) -> list[str]:
    """Short low-score verbatims mentioning ``theme`` (for the sanity argument)."""
    found = ws.search(f'theme:"{theme}" AND "{score}"<={low}', limit=n)
    return [t.strip().replace("\n", " ")[:160] for t in found.text]


def report(name: str, spec: dict, folder: Path, *, reuse: bool = False, standin: bool = False) -> None:
    path = folder / f"{name}.empathic"
    if not reuse:
        path.unlink(missing_ok=True)
    with Workspace.open(path) as ws:
        t0 = time.perf_counter()
        if not reuse or not ws.store.count("feedback"):
            ws.ingest(str(spec["path"]), **spec["roles"])
        t_ingest = time.perf_counter() - t0
        timings = {}
        stages = None
        if standin:
            ws.analyze(stages=["sentences"])
            standin_themes(ws, STANDIN[name])
            print(f"\n**Stand-in themes** ({name}): keyword rules on sentences, NOT the themes stage.")
            stages = ["analytics"]  # feelings skipped to keep the stand-in quick on a shared machine
        for result in ws.analyze(stages=stages, progress=lambda *a: None):
            timings[result.stage] = result.message[:120]
        t_all = time.perf_counter() - t0
        n = ws.store.count("feedback")
        print(f"\n## {name}: {n:,} comments (ingest {t_ingest:.0f} s, ingest + all stages {t_all:.0f} s)\n")
        print(md(ws.scores()))
        low = 2 if spec["score"] == "Rating" else 3
        imp = ws.impact(spec["score"])
        imp = imp[imp.level == 1] if "level" in imp else imp
        drv = ws.drivers(spec["score"])
        drv = drv[drv.feature == "presence"].set_index("theme_id")
        imp = imp.assign(driver_coef=[drv.coef.get(t) for t in imp.theme_id])
        print(f"\n### Themes pulling {spec['score']} down (leave-one-out impact, rating points)\n")
        cols = ["label", "n_with", "score_with", "impact", "ci_low", "ci_high", "q_value", "driver_coef"]
        print(md(imp[cols].head(8)))
        print("\nQuotes (low ratings):")
        for label in imp.label.head(3):
            for q in quotes(ws, label, spec["score"], low):
                print(f"- *{label}*: “{q}”")
        for attr in spec["segments"]:
            seg = ws.segments(attr)
            sig = seg[seg.significant]
            print(f"\n### Segments by {attr}: {len(sig)} significant of {seg.p_value.notna().sum()} tests\n")
            show = sig.assign(what=[lbl if m == "theme_share" else (s or m) for lbl, m, s in
                                    zip(sig.label, sig.metric, sig.score_name, strict=True)])  # fmt: skip
            print(md(show[["segment", "metric", "what", "n_segment", "value_segment", "value_rest", "lift", "q_value"]]
                     .head(10)))  # fmt: skip
        alerts = ws.alerts()
        if len(alerts):
            print("\n### Alerts\n")
            for m in alerts.message.head(5):
                print(f"- {m}")
        print("\nStage messages: " + "; ".join(f"{k}: {v}" for k, v in timings.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--only", choices=list(DATASETS))
    parser.add_argument("--reuse", action="store_true", help="reuse an ingested workspace in FOLDER")
    parser.add_argument("--standin", action="store_true", help="keyword stand-in themes instead of the themes stage")
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    pd.set_option("display.width", 200)
    for name, spec in DATASETS.items():
        if args.only and name != args.only:
            continue
        if not spec["path"].exists():
            print(f"{name}: data not found at {spec['path']}, skipped")
            continue
        report(name, spec, args.folder, reuse=args.reuse, standin=args.standin)


if __name__ == "__main__":
    main()
