"""Speed of every analytics answer on a synthetic workspace (default 1 M comments; see analytics_data.py).

Each live answer (SQL aggregation + numpy statistics) is timed ``--repeat`` times after one warm-up; the median
and the worst are reported. The full stage (all results + BM25 index, one write) is timed once.

    .venv/bin/python bench/analytics_speed.py /tmp/bench1m.empathic --n 1000000
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from analytics_data import build
from empathic import Workspace
from empathic.analytics import results, stage
from empathic.config import Settings
from empathic.progress import silent


def timed(fn, repeat: int) -> tuple[float, float, object]:
    out = fn()  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), max(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="reuse an existing workspace at PATH")
    args = parser.parse_args()
    if not (args.reuse and args.path.exists()):
        t0 = time.perf_counter()
        build(args.path, args.n).close()
        print(f"generated {args.n:,} comments in {time.perf_counter() - t0:.1f} s")
    ws = Workspace.open(args.path, settings=Settings())
    n = ws.store.count("feedback")
    t0 = time.perf_counter()
    result = ws.analyze(stages=[stage.NAME], progress=silent)[0]
    print(f"stage (all results + BM25 index, one write): {time.perf_counter() - t0:.2f} s — {result.message}")
    cfg = ws.settings.analytics
    queries = {
        "live: scores": lambda: results.scores(ws.store, cfg),
        "live: impact (all scores × themes)": lambda: results.impact(ws.store, cfg),
        "live: drivers (presence + sentiment, 60 features × 2 scores)": lambda: results.drivers(ws.store, cfg),
        "live: segments --by plan": lambda: results.segments(ws.store, cfg, "plan"),
        "live: segments (all attributes)": lambda: results.segments(ws.store, cfg),
        "live: trends (weekly)": lambda: results.trends(ws.store, cfg),
        "live: alerts": lambda: results.alerts(ws.store, cfg),
        "live: waterfall (last two periods)": lambda: results.waterfall(ws.store, cfg, "nps"),
        "live: compare --last 30d (ws.compare; rows = themes)": lambda: (
            results.compare(ws.store, cfg, "nps", last="30d").themes
        ),
        "live: score per period with intervals (ws.score_trend)": lambda: results.score_trend(ws.store, cfg),
        "stored: ws.impact()": lambda: ws.impact(),
        "stored: ws.drivers()": lambda: ws.drivers(),
        "stored: ws.segments('plan')": lambda: ws.segments("plan"),
        "stored: ws.trends()": lambda: ws.trends(),
        "stored: ws.alerts()": lambda: ws.alerts(),
        "search 'refund' (BM25, top 50)": lambda: ws.search("refund"),
        "search 'theme:\"theme 3\" AND plan:pro AND nps<=6 AND refund'": lambda: ws.search(
            'theme:"theme 3" AND plan:pro AND nps<=6 AND refund'
        ),
        "search 'sentiment:negative date>=2024-12-01'": lambda: ws.search("sentiment:negative date>=2024-12-01"),
    }
    print(f"\n{n:,} comments, median / worst of {args.repeat} runs")
    print("| answer | median s | worst s | rows |\n|---|---:|---:|---:|")
    for name, fn in queries.items():
        med, worst, out = timed(fn, args.repeat)
        rows = len(out[0]) if isinstance(out, tuple) else len(out)
        print(f"| {name} | {med:.3f} | {worst:.3f} | {rows:,} |")
    ws.close()


if __name__ == "__main__":
    main()
