"""The analytics stage: compute scores, impact, drivers, segments, trends, alerts and the search index, and store
them in ONE transaction (readers never see half a run).

Works with whatever the workspace has: without themes it stores scores and score-by-segment only and says so;
without dates it skips trends and alerts.
"""

from __future__ import annotations

import pandas as pd

from empathic.analytics import fulltext, results
from empathic.analytics.sql import available
from empathic.config import Settings
from empathic.progress import Progress
from empathic.stage import Stage, StageResult
from empathic.store import Store, empty_table
from empathic.store.tables import TABLES as DECLARED_TABLES

STAGE = Stage(
    name="analytics",
    reads_stages=("sentences", "themes", "feelings"),  # optional inputs: without themes it says what is missing
    reads=("feedback", "feedback_scores", "feedback_attributes", "sentences", "themes", "sentence_themes",
           "feedback_themes", "sentence_feelings", "feedback_feelings"),
    writes=("score_summary", "theme_impact", "key_drivers", "segment_differences", "theme_trends", "alerts",
            "search_postings", "search_docs"),
    settings=("analytics",),
)  # fmt: skip
NAME = STAGE.name
REQUIRES = STAGE.requires

#: stored table → the columns a run writes from its frames: the declared columns (store/tables.py) but the stamp
TABLES = {
    name: [c for c in DECLARED_TABLES[name].column_names if c != "computed_at"]
    for name in ("score_summary", "theme_impact", "key_drivers", "segment_differences", "theme_trends")
}


def _replace(con, table: str, frame: pd.DataFrame, columns: list[str], computed_at) -> None:
    empty_table(con, table)
    if frame.empty:
        return
    data = frame[columns].copy()
    data["computed_at"] = computed_at
    con.register("_analytics_frame", data)
    cols = ", ".join([*columns, "computed_at"])
    con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _analytics_frame")
    con.unregister("_analytics_frame")


def run(store: Store, settings: Settings, progress: Progress) -> StageResult:
    """Compute every analytics result and replace the stored ones in one write."""
    have = available(store)
    if have.n_feedback == 0:
        return StageResult(NAME, skipped=True, message="no comments in the workspace")
    cfg = settings.analytics
    steps = ["scores", "impact", "drivers", "segments", "trends", "alerts"]
    out: dict[str, pd.DataFrame] = {}
    progress("analytics", 0, len(steps))
    out["score_summary"] = results.scores(store, cfg)
    progress("analytics", 1, len(steps))
    out["theme_impact"] = results.impact(store, cfg)
    progress("analytics", 2, len(steps))
    out["key_drivers"] = results.drivers(store, cfg)
    progress("analytics", 3, len(steps))
    seg = results.segments(store, cfg)
    out["segment_differences"] = seg
    progress("analytics", 4, len(steps))
    trend_pair = results.trends(store, cfg)
    out["theme_trends"] = trend_pair[0]
    progress("analytics", 5, len(steps))
    alert_frame = results.alerts(store, cfg, trend_pair)
    progress("analytics", 6, len(steps))
    stamp = results.now()
    with store.write() as con:
        for table, columns in TABLES.items():
            _replace(con, table, out[table], columns, stamp)
        empty_table(con, "alerts")
        if not alert_frame.empty:
            con.register("_alerts", alert_frame)
            con.execute("INSERT INTO alerts BY NAME SELECT * FROM _alerts")
            con.unregister("_alerts")
        n_terms = fulltext.rebuild_index(con)
    warnings = have.missing() + seg.attrs.get("warnings", []) + out["theme_impact"].attrs.get("warnings", [])
    counts = {table: len(frame) for table, frame in out.items()}
    counts.update({"alerts": len(alert_frame), "search_terms": n_terms})
    n_sig = int(seg.significant.sum()) if not seg.empty else 0
    message = (
        f"{len(out['score_summary'])} scores, {counts['theme_impact']} theme impacts, "
        f"{n_sig} significant segment differences, {len(alert_frame)} alerts"
    )
    if have.missing():
        message += "; " + "; ".join(have.missing())
    return StageResult(NAME, message=message, counts=counts, warnings=warnings)
