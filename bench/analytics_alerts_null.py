"""False alerts under the null, and alerts found with a real change: what a weekly digest would have shown.

1. Null: ``--workspaces`` planted workspaces of ``--n`` comments (the small-n regime of real exports: a few dozen
   comments a period) whose dates are shuffled across comments, so no theme and no score changes over time (the
   emerging "login bug" theme is dropped). Every alert raised is false. Reported: alerts per workspace by kind.
2. Power: the same workspaces, where the comments of the newest 4 weeks get their NPS answers replaced by
   detractor answers for half of them (a real drop of ≈ 50 NPS points) — the score alert should fire.

Uses only ``results.alerts(store, AnalyticsSettings())``, so the same script measures an older checkout too:

    .venv/bin/python bench/analytics_alerts_null.py --workspaces 40 --n 600
    PYTHONPATH=/path/to/old/src .venv/bin/python bench/analytics_alerts_null.py --workspaces 40 --n 600
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "analytics"))
from analytics_planted import SPAN_DAYS, planted_frames, write_frames

from empathic.analytics import results
from empathic.analytics.settings import AnalyticsSettings
from empathic.store import Store


def null_frames(n: int, seed: int, drop: bool) -> dict:
    """Planted frames with shuffled dates and without the emerging theme; ``drop``: plant a real NPS drop in the
    newest 4 weeks instead."""
    frames = planted_frames(n=n, seed=seed)
    rng = np.random.default_rng(1000 + seed)
    fb = frames["feedback"]
    fb["created_at"] = rng.permutation(fb["created_at"].to_numpy())
    for table, column in (("sentence_themes", "tid"), ("feedback_themes", "tid")):
        frames[table] = frames[table][frames[table][column] != "t_login"]
    frames["themes"] = frames["themes"][frames["themes"].theme_id != "t_login"]
    if drop:
        newest = fb.created_at.max()
        late = set(fb.feedback_id[fb.created_at > newest - np.timedelta64(28, "D")])
        scores = frames["feedback_scores"]
        hit = scores.feedback_id.isin(late) & (scores.name == "nps") & (rng.uniform(size=len(scores)) < 0.5)
        scores.loc[hit, "value"] = 2.0
    return frames


def count_alerts(workspaces: int, n: int, drop: bool) -> tuple[Counter, int]:
    kinds: Counter = Counter()
    with_score_alert = 0
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(workspaces):
            store = Store(Path(tmp) / f"w{seed}.empathic")
            write_frames(store, null_frames(n, seed, drop))
            found = results.alerts(store, AnalyticsSettings())
            store.close()
            kinds.update(found.kind)
            with_score_alert += int(found.kind.isin(["score_drop", "score_rise"]).any())
    return kinds, with_score_alert


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workspaces", type=int, default=40)
    parser.add_argument("--n", type=int, default=600, help=f"comments per workspace (over {SPAN_DAYS} days)")
    args = parser.parse_args()
    start = time.perf_counter()
    kinds, score = count_alerts(args.workspaces, args.n, drop=False)
    print(f"null: {args.workspaces} workspaces of {args.n} comments, dates shuffled")
    print(f"  alerts by kind: {dict(sorted(kinds.items())) or '{}'} — {sum(kinds.values()) / args.workspaces:.2f}"
          f" per workspace; workspaces with a score alert: {score}")  # fmt: skip
    kinds, score = count_alerts(args.workspaces, args.n, drop=True)
    print(f"planted drop (half of the newest 4 weeks' answers → detractors): workspaces with a score alert: "
          f"{score} of {args.workspaces}; alerts by kind: {dict(sorted(kinds.items()))}")  # fmt: skip
    print(f"{time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
