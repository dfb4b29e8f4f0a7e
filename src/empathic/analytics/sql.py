"""SQL fragments shared by the analytics queries, and what the workspace has to offer.

Every analytics query is a DuckDB aggregation (``GROUP BY`` over the stored tables) that returns a small table of
counts and moments; the statistics then run on that small table in numpy. The fragments here are plain ANSI-ish
SQL (CTEs, ``CASE``, ``count``/``sum``) so the same shapes can be run as Spark SQL.
"""

from __future__ import annotations

from dataclasses import dataclass

from empathic.stats import score_points_sql
from empathic.store import Store

#: Score kinds that analytics summarises (``number`` columns are measurements, not satisfaction scores).
SCORE_KINDS = ("nps", "csat", "rating", "recommend")

#: One row per comment × score: the comment's score points ``x`` (see :func:`stats.score_points_sql`).
POINTS_CTE = (
    "points AS (SELECT feedback_id, name AS score_name, kind, value, "
    f"{score_points_sql()} AS x FROM feedback_scores "
    "WHERE value IS NOT NULL AND kind IN ('nps', 'csat', 'rating', 'recommend'))"
)

#: Themes that are not deleted, with their label and level.
LIVE_THEMES_CTE = (
    "live_themes AS (SELECT theme_id, label, level, coalesce(status, 'active') AS status FROM themes "
    "WHERE coalesce(status, 'active') <> 'deleted')"
)

#: One row per comment × live theme it mentions (both levels).
MENTIONS_CTE = (
    "mentions AS (SELECT ft.feedback_id, ft.theme_id, t.level, ft.is_primary FROM feedback_themes ft "
    "JOIN live_themes t USING (theme_id))"
)


@dataclass(frozen=True)
class Available:
    """Which inputs the workspace holds (themes and feelings are optional: analytics degrades gracefully)."""

    n_feedback: int
    n_scores: int
    has_themes: bool
    has_sentence_themes: bool
    has_feelings: bool
    has_sentence_feelings: bool
    has_dates: bool

    def missing(self) -> list[str]:
        """Human-readable list of what is missing, for stage messages and warnings."""
        out = []
        if not self.has_themes:
            out.append("no themes (run the themes stage): impact, drivers and theme trends are skipped")
        if not self.has_feelings:
            out.append("no feelings (run the feelings stage): sentiment comparisons are skipped")
        if not self.n_scores:
            out.append("no score columns (nps/csat/rating/recommend): impact and drivers are skipped")
        if not self.has_dates:
            out.append("no dates on comments: trends and alerts are skipped")
        return out


def _rows(store: Store, table: str) -> int:
    return store.count(table)


def available(store: Store) -> Available:
    """Inspect the workspace once (cheap counts)."""
    n_scores = int(
        store.scalar("SELECT count(*) FROM feedback_scores WHERE kind IN ('nps', 'csat', 'rating', 'recommend')")
    )
    has_themes = _rows(store, "feedback_themes") > 0 and _rows(store, "themes") > 0
    return Available(
        n_feedback=_rows(store, "feedback"),
        n_scores=n_scores,
        has_themes=has_themes,
        has_sentence_themes=has_themes and _rows(store, "sentence_themes") > 0,
        has_feelings=_rows(store, "feedback_feelings") > 0,
        has_sentence_feelings=_rows(store, "sentence_feelings") > 0,
        has_dates=bool(store.scalar("SELECT count(created_at) FROM feedback")),
    )
