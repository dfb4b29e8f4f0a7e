"""Notebook methods of the analytics area, mixed into :class:`empathic.Workspace`.

Impact, drivers, segments and trends answer through the analytics read layer (:mod:`empathic.analytics.read`: the
stored results while fresh, else live), the same functions the web app and the report read, so a notebook sees
the rows the CLI, the web app and the report show; the other results are computed live (SQL aggregations + pure
statistics in ``empathic.analytics``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from empathic.analytics.compare import PeriodComparison
    from empathic.config import Settings
    from empathic.store import Store


#: After a theme edit the analytics stage re-runs at once on workspaces up to this many comments (its stored results
#: then follow the edit; the stage takes ~24 s on a million comments, docs/bench/analytics.md). Larger workspaces
#: keep their results, marked stale with one refresh action, until the user re-runs it.
REFRESH_AFTER_EDIT_MAX_COMMENTS = 200_000


class AnalyticsAPI:
    """Mixin: analytics results as pandas DataFrames. Uses self.store and self.settings."""

    store: Store
    settings: Settings

    def _stored_fresh(self, live: bool) -> bool:
        """Answer from the stored tables (milliseconds) unless asked for ``live`` or they are stale."""
        from empathic.analytics import stored

        return not live and stored.is_fresh(self.store, self.settings.analytics)

    def refresh_after_edit(self) -> bool:
        """Re-run the analytics stage now if an edit made its stored results stale and the workspace is small enough
        (``REFRESH_AFTER_EDIT_MAX_COMMENTS``); returns whether it ran. Never-analysed workspaces are left alone."""
        from empathic import pipeline
        from empathic.analytics import stored

        if stored.stale_note(self.store, self.settings.analytics) is None:
            return False
        if self.store.count("feedback") > REFRESH_AFTER_EDIT_MAX_COMMENTS:
            return False
        pipeline.run_stage(self.store, pipeline.available_stages()["analytics"], self.settings)
        return True

    def provenance(self, stage: str = "analytics") -> dict[str, Any] | None:
        """The runs and theme edits the stored results of ``stage`` came from (analytics by default; also
        ``personas``, ``feelings``, ``themes`` …, see :func:`empathic.stage.run_provenance`); ``None`` before its
        first successful run."""
        from empathic import pipeline
        from empathic.errors import InputError
        from empathic.stage import run_provenance

        stages = pipeline.declarations()
        if stage not in stages:
            raise InputError(f"no stage {stage!r}", hint=f"choose from: {', '.join(stages)}")
        return run_provenance(self.store, stages[stage])

    def scores(self) -> pd.DataFrame:
        """NPS / CSAT / mean rating / recommend rate of every score column, with 95 % intervals."""
        from empathic.analytics import results

        return results.scores(self.store, self.settings.analytics)

    def rename_score(self, score: str, display_name: str) -> None:
        """Show score column ``score`` as ``display_name`` everywhere (an empty name removes it).

        Logged as ``score.rename`` in the activity log, signed by the current actor (the web app's signed-in user,
        else ``$EMPATHIC_USER`` or the login name): CLI, notebook and web renames all pass here."""
        from empathic.activity import record
        from empathic.analytics.scores import rename_score

        with self.store.write():  # the rename and its log entry are one change
            rename_score(self.store, score, display_name)
            record(self.store, action="score.rename", object_kind="score", object_id=score,
                   detail={"display_name": " ".join(display_name.split())})  # fmt: skip

    def impact(self, score: str | None = None, *, live: bool = False) -> pd.DataFrame:
        """Leave-one-out impact of every theme on every (or one) score, with interval, p and BH q (stored while
        fresh, else live; :func:`empathic.analytics.read.impact`, what the web app and the report read too)."""
        from empathic.analytics import read

        return read.impact(self.store, self.settings.analytics, score, source="live" if live else "auto")

    def drivers(self, score: str | None = None, *, live: bool = False) -> pd.DataFrame:
        """Key drivers: ridge coefficients (score points per mention) with intervals and relative weights
        (:func:`empathic.analytics.read.drivers`)."""
        from empathic.analytics import read

        return read.drivers(self.store, self.settings.analytics, score, source="live" if live else "auto")

    def waterfall(
        self, score: str | None = None, period_a: Any = None, period_b: Any = None, *, grain: str | None = None
    ) -> pd.DataFrame:
        """Per-theme contributions to the change of ``score`` from ``period_a`` to ``period_b``.

        Periods are ``"2024"``, ``"2024Q2"``, ``"2024-05"``, ``"2024-05-03"``, ``"2024-01-01..2024-03-31"`` or
        ``(start, end)``; default: the last two complete periods of ``grain`` (day … year; default from the
        data). Each contribution has a 95 % bootstrap interval
        (``ci_low``, ``ci_high``). ``.attrs`` holds ``score_a``, ``score_b``, ``change`` (the contributions sum to
        it) with ``change_low``/``change_high``, ``n_a``/``n_b`` and ``partial_a``/``partial_b``. See also
        :meth:`compare`.
        """
        from empathic.analytics import results

        return results.waterfall(self.store, self.settings.analytics, score, period_a, period_b, grain=grain)

    def compare(self, score: str | None = None, periods: Any = None, *, last: str | None = None) -> PeriodComparison:
        """Why ``score`` moved between two periods: the score in each with its interval and n, the change with its
        interval and p, a waterfall of theme contributions with intervals, themes that rose, fell, appeared or
        disappeared, and quotes.

        Examples: ``ws.compare("nps", ["2022", "2023"])``, ``ws.compare(periods=["2023Q1", "2023Q2"])``,
        ``ws.compare(periods=["2023-01-01..2023-03-31", "2023-04-01..2023-06-30"])``, ``ws.compare(last="30d")``.
        ``.to_dict()`` gives the JSON of the REST endpoint.
        """
        from empathic.analytics import results

        return results.compare(self.store, self.settings.analytics, score, periods, last)

    def segments(
        self,
        by: str | list[str] | None = None,
        *,
        significant_only: bool = False,
        live: bool = False,
        top: int | None = None,
    ) -> pd.DataFrame:
        """Each segment of attribute ``by`` vs the rest: theme share, score, sentiment, lift, p, BH q.

        ``top``: compare the ``top`` most common values of each attribute and pool the rest as ``other``.
        """
        from empathic.analytics import read

        out = read.segments(self.store, self.settings.analytics, by, top=top, source="live" if live else "auto")
        if significant_only:
            warnings = out.attrs.get("warnings", [])
            out = out[out.significant].reset_index(drop=True)
            out.attrs["warnings"] = warnings
        return out

    def trends(self, grain: str | None = None, *, live: bool = False) -> pd.DataFrame:
        """Theme volume, share, sentiment and impact per period (``grain`` day/week/month, default from the span;
        :func:`empathic.analytics.read.trends`)."""
        from empathic.analytics import read

        return read.trends(self.store, self.settings.analytics, grain, source="live" if live else "auto")

    def score_trend(self, grain: str | None = None, score: str | None = None) -> pd.DataFrame:
        """A score (default: the main one) per period with its 95 % interval: ``period, n_period, n, value,
        ci_low, ci_high, enough, partial`` (``value`` is ``nan`` for periods under the minimum n; ``partial`` = the
        unfinished newest period). ``.attrs`` holds ``grain`` and ``score_name``."""
        from empathic.analytics import results

        return results.score_series(self.store, self.settings.analytics, grain, score)

    def alerts(self, *, live: bool = False) -> pd.DataFrame:
        """The digest: rising, falling and new themes, and score moves, in the latest period."""
        from empathic.analytics import results, stored

        if self._stored_fresh(live):
            return stored.read(self.store, "alerts")
        return results.alerts(self.store, self.settings.analytics)

    def search(self, query: str = "", *, semantic: bool = False, limit: int = 50) -> pd.DataFrame:
        """Comments matching a query such as ``theme:"delivery delay" AND plan:pro AND nps<=6 AND refund``."""
        from empathic.analytics.search import search_comments

        return search_comments(self.store, query, semantic=semantic, limit=limit)

    def save_filter(self, name: str, query: str) -> None:
        """Store a named query (checked first) so the web app and CLI can reuse it."""
        from empathic.analytics.query_compile import QueryContext, compile_query
        from empathic.analytics.results import now

        compile_query(query, QueryContext.from_store(self.store, has_index=False))
        with self.store.write() as con:
            con.execute(
                "INSERT OR REPLACE INTO saved_filters (name, query, created_at) VALUES (?, ?, ?)", [name, query, now()]
            )

    def saved_filters(self) -> pd.DataFrame:
        """The saved queries: ``name, query, created_at``."""
        from empathic.analytics.search import saved_filters

        return saved_filters(self.store)
