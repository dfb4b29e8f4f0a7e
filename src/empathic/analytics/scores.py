"""Scores: NPS with its interval, CSAT (% top-2-box), mean rating, recommend rate — whichever the workspace has.

``score_moments`` is the SQL aggregation; ``summarise_scores`` is the pure statistics on its (tiny) result.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from empathic import stats
from empathic.analytics.sql import POINTS_CTE
from empathic.errors import InputError
from empathic.store import Store

MAX_DISPLAY_NAME = 120

SCORE_MOMENTS_SQL = f"""
WITH {POINTS_CTE},
scales AS (SELECT name AS score_name, min(scale_min) AS scale_min, max(scale_max) AS scale_max FROM feedback_scores
           GROUP BY 1)
SELECT score_name, any_value(kind) AS kind, any_value(scale_min) AS scale_min, any_value(scale_max) AS scale_max,
       count(*) AS n, sum(x) AS s, sum(x * x) AS ss, avg(value) AS mean,
       count(*) FILTER (WHERE kind = 'nps' AND value >= 9) AS promoters,
       count(*) FILTER (WHERE kind = 'nps' AND value <= 6) AS detractors
FROM points JOIN scales USING (score_name) GROUP BY score_name ORDER BY score_name
"""


def describe_score(kind: str, scale_min: float | None = None, scale_max: float | None = None) -> str:
    """What a score's headline number measures, in words a VP reads on a score card."""
    if kind == "nps":
        return "NPS: % promoters (9–10) − % detractors (0–6), from −100 to +100"
    if kind == "csat":
        top = 5 if scale_max is None or pd.isna(scale_max) else int(scale_max)
        return f"CSAT: % answering {top - 1}–{top} (top two boxes of 1–{top})"
    if kind == "recommend":
        return "% who would recommend (yes answers)"
    if scale_min is not None and scale_max is not None and not (pd.isna(scale_min) or pd.isna(scale_max)):
        return f"mean rating on a {scale_min:g}–{scale_max:g} scale"
    return "mean rating"


def display_names(store: Store) -> dict[str, str]:
    """score column → the display name the user gave it (``empathic scores rename``); absent when none."""
    if not store.has_table("score_labels"):
        return {}
    return dict(store.read_df("SELECT score_name, display_name FROM score_labels").itertuples(index=False, name=None))


def rename_score(store: Store, name: str, display_name: str) -> None:
    """Give score column ``name`` a display name (an empty name removes it). Kept across analysis runs."""
    names = store.read_df("SELECT DISTINCT name FROM feedback_scores ORDER BY name").name.tolist()
    if name not in names:
        raise InputError(f"no score {name!r} in this workspace", hint=f"choose from: {', '.join(names) or '(none)'}")
    display_name = " ".join(display_name.split())
    if len(display_name) > MAX_DISPLAY_NAME:
        raise InputError(f"display name too long ({len(display_name)} characters)",
                         hint=f"use at most {MAX_DISPLAY_NAME}")  # fmt: skip
    from datetime import UTC, datetime

    with store.write() as con:
        con.execute("DELETE FROM score_labels WHERE score_name = ?", [name])
        if display_name:
            con.execute("INSERT INTO score_labels (score_name, display_name, updated_at) VALUES (?, ?, ?)",
                        [name, display_name, datetime.now(UTC).replace(tzinfo=None)])  # fmt: skip


def parse_score_names(pairs: list[str] | None) -> dict[str, str]:
    """``["Q1=Likelihood to recommend", ...]`` (the ``ingest --score-name`` values) → ``{"Q1": "Likelihood …"}``.

    Raises:
        InputError: a value without ``=`` or with an empty column.
    """
    out: dict[str, str] = {}
    for pair in pairs or []:
        column, sep, name = pair.partition("=")
        if not sep or not column.strip():
            raise InputError(f"--score-name {pair!r} is not COLUMN=NAME",
                             hint='e.g. --score-name "Q1=Likelihood to recommend"')  # fmt: skip
        out[column.strip()] = name
    return out


def rename_scores(store: Store, names: dict[str, str]) -> None:
    """Apply several display names at once (each as :func:`rename_score`); every column is checked first."""
    known = set(store.read_df("SELECT DISTINCT name FROM feedback_scores").name)
    missing = sorted(set(names) - known)
    if missing:
        raise InputError(f"no score {missing[0]!r} in this workspace",
                         hint=f"choose from: {', '.join(sorted(known)) or '(none)'}")  # fmt: skip
    for column, name in names.items():
        rename_score(store, column, name)


def score_moments(store: Store) -> pd.DataFrame:
    """Per score column: ``score_name, kind, n, s (Σ points), ss (Σ points²), mean (raw), promoters, detractors``."""
    return store.read_df(SCORE_MOMENTS_SQL)


def summarise_scores(moments: pd.DataFrame, conf: float = 0.95, names: dict[str, str] | None = None) -> pd.DataFrame:
    """Headline value and interval of every score.

    Args:
        moments: output of :func:`score_moments`.
        conf: confidence level.
        names: display names (see :func:`display_names`); a score without one is shown by its column name.

    Returns:
        DataFrame ``score_name, kind, metric, n, value, ci_low, ci_high, mean, display_name, measures`` where
        ``value`` is NPS points (−100..100) for ``nps``, a percentage for ``csat``/``recommend`` and the mean for
        ``rating``; ``measures`` says so in words.
    """
    names = names or {}
    rows = []
    for r in moments.itertuples(index=False):  # one row per score column (a handful), not per comment
        n = int(r.n)
        if r.kind == "nps":
            value, low, high = stats.nps_from_counts(r.promoters, n - r.promoters - r.detractors, r.detractors, conf)
        elif r.kind in ("csat", "recommend"):
            hits = r.s / 100.0
            low, high = stats.wilson_interval(hits, n, conf)
            value, low, high = 100.0 * hits / n if n else np.nan, 100.0 * low, 100.0 * high
        else:
            value, low, high = stats.mean_interval(n, r.s, r.ss, conf)
        rows.append(
            {
                "score_name": r.score_name,
                "kind": r.kind,
                "metric": stats.METRIC_OF_KIND.get(r.kind, "mean"),
                "n": n,
                "value": float(value),
                "ci_low": float(low),
                "ci_high": float(high),
                "mean": float(r.mean),
                "display_name": names.get(r.score_name, r.score_name),
                "measures": describe_score(r.kind, getattr(r, "scale_min", None), getattr(r, "scale_max", None)),
            }
        )
    columns = ["score_name", "kind", "metric", "n", "value", "ci_low", "ci_high", "mean", "display_name", "measures"]
    return pd.DataFrame(rows, columns=columns)
