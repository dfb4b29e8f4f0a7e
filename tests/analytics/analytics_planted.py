"""Planted-truth generator: a workspace whose effects are known exactly, written straight into the store.

Truth (all theme mentions are independent coin flips, so the population values are exact):

- ``delivery delay`` (share ``DELAY_SHARE``) moves a comment's NPS answer from the 50/30/20 promoter/passive/
  detractor mix (mean +30 points) to 20/30/50 (mean −30): its leave-one-out impact on NPS is
  ``−60 · share_with`` NPS points (−15 at the planted share of 25 %).
- ``app crashes`` is mentioned by ``CRASH_BASIC`` of ``plan = basic`` comments and ``CRASH_OTHER`` of the rest:
  a lift of 2.0 for basic.
- ``login bug`` only appears in the last ``LOGIN_DAYS`` days (an emerging theme for the alerts).
- Everything else (friendly staff, price, refund, region) is noise with no effect.

Used by the tests (``build_planted``) and by ``bench/analytics_fdr.py`` (shuffled-label control).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from empathic.store import Store

DELAY_SHARE = 0.25
CRASH_BASIC, CRASH_OTHER = 0.24, 0.12
LOGIN_DAYS = 14
SPAN_DAYS = 182
START = datetime(2024, 1, 1)

THEMES = {  # theme_id: (label, share or None when planted separately, phrase)
    "t_delay": ("delivery delay", DELAY_SHARE, "my delivery was late again"),
    "t_staff": ("friendly staff", 0.30, "the staff were friendly"),
    "t_price": ("price", 0.20, "the price is too high"),
    "t_crash": ("app crashes", None, "the app crashes all the time"),
    "t_refund": ("refund", 0.10, "I want a refund"),
    "t_login": ("login bug", None, "I cannot log in since the update"),
}


def planted_frames(n: int = 4000, seed: int = 0) -> dict[str, pd.DataFrame]:
    """The core and theme tables of a planted workspace as DataFrames (column order = table order)."""
    rng = np.random.default_rng(seed)
    ids = [f"c{i:06d}" for i in range(n)]
    days = rng.uniform(0, SPAN_DAYS, n)
    created = [START + timedelta(days=float(d)) for d in days]
    plan = rng.choice(["basic", "pro", "enterprise"], size=n, p=[0.4, 0.4, 0.2])
    region = rng.choice(["north", "south", "east", "west"], size=n)
    has = {}
    for tid, (_, share, _) in THEMES.items():
        if share is not None:
            has[tid] = rng.uniform(size=n) < share
    has["t_crash"] = rng.uniform(size=n) < np.where(plan == "basic", CRASH_BASIC, CRASH_OTHER)
    has["t_login"] = (days >= SPAN_DAYS - LOGIN_DAYS) & (rng.uniform(size=n) < 0.3)
    u = rng.uniform(size=n)
    p_prom = np.where(has["t_delay"], 0.2, 0.5)
    p_det = np.where(has["t_delay"], 0.5, 0.2)
    nps = np.where(u < p_prom, rng.integers(9, 11, n), np.where(u > 1 - p_det, rng.integers(0, 7, n), 7 + (u > 0.5)))
    csat = rng.integers(1, 6, n)

    texts, sentences, sentence_themes, feedback_themes = [], [], [], []
    for i, fid in enumerate(ids):
        mentioned = [tid for tid in THEMES if has[tid][i]]
        parts = [THEMES[t][2] for t in mentioned] or ["nothing special to say"]
        texts.append(". ".join(parts) + ".")
        pos = 0
        for j, part in enumerate(parts):
            sentences.append((fid, j, part, pos, pos + len(part)))
            pos += len(part) + 2
        for j, tid in enumerate(mentioned):
            sentence_themes.append((fid, j, tid, None, 0.9))
            feedback_themes.append((fid, tid, 1, j == 0, 1))
    now = datetime(2024, 7, 1)
    feedback = pd.DataFrame(
        {
            "feedback_id": ids,
            "source_id": "planted",
            "customer_id": [f"u{i % 997}" for i in range(n)],
            "text": texts,
            "created_at": created,
            "content_hash": ids,
            "ingested_at": now,
        }
    )
    scores = pd.concat(
        [
            pd.DataFrame(
                {
                    "feedback_id": ids,
                    "name": "nps",
                    "kind": "nps",
                    "scale_min": 0.0,
                    "scale_max": 10.0,
                    "value": nps.astype(float),
                }
            ),
            pd.DataFrame(
                {
                    "feedback_id": ids,
                    "name": "csat",
                    "kind": "csat",
                    "scale_min": 1.0,
                    "scale_max": 5.0,
                    "value": csat.astype(float),
                }
            ),
        ]
    )
    attributes = pd.concat(
        [
            pd.DataFrame({"feedback_id": ids, "name": "plan", "value": plan}),
            pd.DataFrame({"feedback_id": ids, "name": "region", "value": region}),
        ]
    )
    counts = {tid: int(has[tid].sum()) for tid in THEMES}
    themes = pd.DataFrame(
        [
            (tid, None, 1, label, counts[tid], counts[tid], counts[tid] / n, False,
             "emerging" if tid == "t_login" else "active", "[]", "[]", now, now)
            for tid, (label, _, _) in THEMES.items()
        ],
        columns=["theme_id", "parent_id", "level", "label", "n_comments", "n_sentences", "share", "is_other",
                 "status", "keywords", "quotes", "created_at", "updated_at"],
    )  # fmt: skip
    return {
        "feedback": feedback,
        "feedback_scores": scores,
        "feedback_attributes": attributes,
        "sentences": pd.DataFrame(sentences, columns=["feedback_id", "sentence_idx", "text", "cs", "ce"]),
        "themes": themes,
        "sentence_themes": pd.DataFrame(sentence_themes, columns=["fid", "idx", "tid", "sub", "score"]),
        "feedback_themes": pd.DataFrame(feedback_themes, columns=["fid", "tid", "level", "prim", "nm"]),
    }


def write_frames(store: Store, frames: dict[str, pd.DataFrame]) -> None:
    """Insert the frames into their tables (replacing what was there) in one transaction."""
    with store.write() as con:
        for table, frame in frames.items():
            con.execute(f"DELETE FROM {table}")
            con.register("_frame", frame)
            con.execute(f"INSERT INTO {table} SELECT * FROM _frame")
            con.unregister("_frame")


def build_planted(path, n: int = 4000, seed: int = 0) -> Store:
    """A planted workspace at ``path`` (a fresh DuckDB file); returns the open store."""
    store = Store(path)
    write_frames(store, planted_frames(n, seed))
    return store


def true_delay_impact(store: Store) -> float:
    """The planted impact of ``delivery delay`` on NPS given the realised share of comments mentioning it."""
    n_with = store.scalar("SELECT count(*) FROM feedback_themes WHERE theme_id = 't_delay'")
    n_all = store.scalar("SELECT count(*) FROM feedback")
    return -60.0 * n_with / n_all
