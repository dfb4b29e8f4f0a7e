"""Scores: NPS with its interval, CSAT (% top-2-box), mean rating, recommend rate — whichever the workspace has.

``score_moments`` is the SQL aggregation; ``summarise_scores`` is the pure statistics on its (tiny) result.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from empathic import stats
from empathic.analytics.sql import POINTS_CTE
from empathic.store import Store

SCORE_MOMENTS_SQL = f"""
WITH {POINTS_CTE}
SELECT score_name, any_value(kind) AS kind, count(*) AS n, sum(x) AS s, sum(x * x) AS ss, avg(value) AS mean,
       count(*) FILTER (WHERE kind = 'nps' AND value >= 9) AS promoters,
       count(*) FILTER (WHERE kind = 'nps' AND value <= 6) AS detractors
FROM points GROUP BY score_name ORDER BY score_name
"""


def score_moments(store: Store) -> pd.DataFrame:
    """Per score column: ``score_name, kind, n, s (Σ points), ss (Σ points²), mean (raw), promoters, detractors``."""
    return store.read_df(SCORE_MOMENTS_SQL)


def summarise_scores(moments: pd.DataFrame, conf: float = 0.95) -> pd.DataFrame:
    """Headline value and interval of every score.

    Args:
        moments: output of :func:`score_moments`.
        conf: confidence level.

    Returns:
        DataFrame ``score_name, kind, metric, n, value, ci_low, ci_high, mean`` where ``value`` is NPS points
        (−100..100) for ``nps``, a percentage for ``csat``/``recommend`` and the mean for ``rating``.
    """
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
            }
        )
    columns = ["score_name", "kind", "metric", "n", "value", "ci_low", "ci_high", "mean"]
    return pd.DataFrame(rows, columns=columns)
