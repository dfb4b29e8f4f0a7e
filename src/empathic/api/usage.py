"""Notebook methods of the usage area, mixed into :class:`empathic.Workspace`.

Stored views come from the last ``usage`` stage run; ``time_zone=``/``gap_minutes=`` overrides recompute the view
live from the events (read-only, nothing stored).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from empathic.errors import InputError
from empathic.usage import read, sql, why
from empathic.usage.compute import check_time_zone

if TYPE_CHECKING:
    from empathic.config import Settings
    from empathic.store import Store

TOP_BY = {
    "value": "coalesce(u.value_total, cv.value_num, 0) DESC, n_sessions DESC",
    "engagement": "active_days DESC, n_sessions DESC",
    "time_used": "time_used_s DESC",
    "tenure": "tenure_days DESC",
    "sessions": "n_sessions DESC",
}


class UsageAPI:
    """Mixin: usage results as pandas DataFrames. Uses self.store and self.settings."""

    store: Store
    settings: Settings

    # -- helpers ---------------------------------------------------------------------------------------------------
    def _usage_ready(self) -> None:
        read.ensure_ready(self.store)

    def _view(self, query: str, params: list[Any] | None = None) -> pd.DataFrame:
        return read.view(self.store, query, params)

    # -- views -----------------------------------------------------------------------------------------------------
    def usage_customers(self) -> pd.DataFrame:
        """One row per active customer: sessions, time used, active days, value, status (active/at_risk/churned)."""
        return self._view("SELECT * FROM usage_customers ORDER BY customer_id")

    def sessions(self, customer_id: str | None = None) -> pd.DataFrame:
        """Sessions (inactivity gap from settings), optionally of one customer."""
        where, params = ("WHERE customer_id = ?", [customer_id]) if customer_id else ("", [])
        return self._view(f"SELECT * FROM usage_sessions {where} ORDER BY customer_id, started_at", params)

    def time_used(self, per: str = "week") -> pd.DataFrame:
        """Time used per ``day`` or ``week``: customers active, total and average seconds per active customer."""
        if per not in ("day", "week"):
            raise InputError(f"per must be 'day' or 'week', not {per!r}")
        return self._view(
            """SELECT date_trunc(?, started_at) AS period,
                      count(DISTINCT customer_id) AS customers,
                      count(*) AS sessions, sum(duration_s) AS time_used_s,
                      sum(duration_s) / count(DISTINCT customer_id) AS avg_time_used_s,
                      median(duration_s) AS median_session_s
               FROM usage_sessions GROUP BY 1 ORDER BY 1""",
            [per],
        )

    def time_used_distribution(self) -> pd.DataFrame:
        """Distribution of time used per customer (and per session): mean and percentiles, in seconds."""
        return self._view("""
            SELECT 'per customer' AS unit, count(*) AS n, avg(time_used_s) AS mean,
                   quantile_cont(time_used_s, 0.1) AS p10, quantile_cont(time_used_s, 0.25) AS p25,
                   median(time_used_s) AS p50, quantile_cont(time_used_s, 0.75) AS p75,
                   quantile_cont(time_used_s, 0.9) AS p90, max(time_used_s) AS max FROM usage_customers
            UNION ALL
            SELECT 'per session', count(*), avg(duration_s), quantile_cont(duration_s, 0.1),
                   quantile_cont(duration_s, 0.25), median(duration_s), quantile_cont(duration_s, 0.75),
                   quantile_cont(duration_s, 0.9), max(duration_s) FROM usage_sessions""")

    def feature_usage(self) -> pd.DataFrame:
        """Per feature (event name): adoption, frequency, median days from signup to first use."""
        return read.features(self.store)

    def retention(self, unit: str = "month", mode: str = "on", *, wide: bool = False) -> pd.DataFrame:
        """Cohort retention (``unit`` day/week/month, ``mode`` on/on_or_after); ``wide`` gives cohort × period."""
        df = read.retention(self.store, unit, mode)
        if not wide:
            return df
        sizes = df.groupby("cohort")["cohort_size"].first()
        table = df.pivot(index="cohort", columns="period", values="rate")
        table.insert(0, "size", sizes)
        return table

    def retention_curve(self, unit: str = "month", mode: str = "on") -> pd.DataFrame:
        """Retention pooled over cohorts: per period k, customers observable at k, retained and the rate."""
        df = self.retention(unit, mode)
        curve = df.groupby("period", sort=True)[["cohort_size", "n_retained"]].sum()
        curve = curve.rename(columns={"cohort_size": "customers", "n_retained": "retained"})
        curve["rate"] = curve["retained"] / curve["customers"].where(curve["customers"] > 0)
        return curve.reset_index()

    def stickiness(self) -> pd.DataFrame:
        """Per month: MAU, average DAU, DAU/MAU and average active days per active week, and ``partial``: the
        events do not cover the whole month (the current month of an export), so its MAU and DAU/MAU are not
        comparable with whole months."""
        return read.stickiness(self.store)

    def lifecycle(self, unit: str = "week") -> pd.DataFrame:
        """Per period: new / returning / resurrecting / dormant customers (wide), and ``partial``: the events do not
        cover the whole period, so its customers who have not come back *yet* count as dormant."""
        return read.lifecycle(self.store, unit)

    def time_of_day(self, time_zone: str | None = None, *, wide: bool = False) -> pd.DataFrame:
        """Hour × weekday activity; ``time_zone`` (IANA or 'customer') recomputes it live."""
        if time_zone is None:
            df = read.time_of_day(self.store)
        else:
            check_time_zone(time_zone)
            df = self.store.read_df(sql.time_of_day(sql.Sources(), time_zone) + " ORDER BY weekday, hour")
        if not wide:
            return df
        table = (
            df.pivot(index="weekday", columns="hour", values="n_events")
            .reindex(index=range(7), columns=range(24))
            .fillna(0)
            .astype(int)
        )
        table.index = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        return table

    # -- ask why ---------------------------------------------------------------------------------------------------
    def why(
        self, group: str | None = "churned", *, customers: list[str] | None = None, significant_only: bool = False
    ) -> pd.DataFrame:
        """Themes / emotions / empathy-map quadrants that over- or under-index in a group's feedback.

        Args:
            group: ``churned``, ``at_risk``, ``retained``, ``low_usage``, ``high_usage``, ``top``, ``early_adopters``,
                ``feature:NAME``, ``cohort:YYYY-MM``, ``daypart:night`` … or a kind alone (``feature``) for every
                value; or an attribute of the comments or their customers, ``plan:Enterprise`` (or ``plan`` for
                every value), which needs no usage events. Ignored when ``customers`` is given.
            customers: an explicit group of customer ids (compared with everyone else with usage).
        """
        cur = self.store.cursor()
        try:
            if customers is not None or why.needs_usage(cur, group or "churned"):  # attribute groups need no usage
                self._usage_ready()
            if customers is not None:
                members = pd.DataFrame(
                    {"group_kind": "custom", "group_value": "selected", "customer_id": [str(c) for c in customers]}
                )
                df = why.ask_why(
                    why.load_comments(cur),
                    why.load_mentions(cur),
                    members,
                    min_count=self.settings.usage.why_min_count,
                    alpha=self.settings.usage.why_alpha,
                )
            else:
                df = why.why_for(cur, [group or "churned"], self.settings.usage)
        finally:
            cur.close()
        return df[df["significant"]].reset_index(drop=True) if significant_only else df

    def theme_behaviour(self) -> pd.DataFrame:
        """Reverse "why": customers who mention each theme vs the others — churn rate and usage, with tests."""
        self._usage_ready()
        cur = self.store.cursor()
        try:
            return why.theme_behaviour_for(cur, self.settings.usage)
        finally:
            cur.close()

    # -- top customers, early adopters, one customer ------------------------------------------------------------
    def top_customers(self, by: str = "value", n: int = 20) -> pd.DataFrame:
        """The top ``n`` customers by ``value`` (revenue), ``engagement``, ``time_used``, ``tenure`` or ``sessions``,
        with their persona, feedback count and mean score."""
        if by not in TOP_BY:
            raise InputError(f"cannot rank customers by {by!r}", hint=f"choose one of: {', '.join(TOP_BY)}")
        return self._view(
            f"""
            SELECT u.customer_id, coalesce(u.value_total, cv.value_num) AS value_total, u.n_sessions,
                   u.active_days, u.time_used_s, u.tenure_days, u.status, p.name AS persona, fb.n_feedback,
                   fb.mean_score
            FROM usage_customers u
            LEFT JOIN (SELECT customer_id, value_num FROM customer_attributes WHERE name = 'value') cv
                 USING (customer_id)
            LEFT JOIN customer_personas cp USING (customer_id) LEFT JOIN personas p USING (persona_id)
            LEFT JOIN (SELECT f.customer_id, count(DISTINCT f.feedback_id) AS n_feedback, avg(s.value) AS mean_score
                       FROM feedback f LEFT JOIN feedback_scores s USING (feedback_id) GROUP BY 1) fb
                 USING (customer_id)
            ORDER BY {TOP_BY[by]}, u.customer_id LIMIT ?""",
            [int(n)],
        )

    def early_adopters(self, feature: str | None = None, share: float = 0.1) -> pd.DataFrame:
        """The first ``share`` of customers to use ``feature`` (or, without one, the earliest signups/first seen)."""
        if not 0 < share <= 1:
            raise InputError(f"share must be in (0, 1], got {share}")
        self._usage_ready()
        if feature is None:
            base = "SELECT customer_id, coalesce(signup_at, first_seen) AS adopted_at FROM usage_customers"
        else:
            if not self.store.scalar("SELECT count(*) FROM usage_features WHERE event = ?", [feature]):
                known = self.store.read_df("SELECT event FROM usage_features ORDER BY n_customers DESC LIMIT 10")
                raise InputError(
                    f"no feature {feature!r} in the events", hint=f"try one of: {', '.join(known['event'])}"
                )
            base = """SELECT CAST(customer_id AS VARCHAR) AS customer_id, min(ts) AS adopted_at FROM events
                       WHERE event = ? AND customer_id IS NOT NULL GROUP BY 1"""
        return self.store.read_df(
            f"""
            WITH b AS ({base}), n AS (SELECT greatest(1, CAST(ceil(count(*) * {float(share)}) AS INTEGER)) AS k FROM b)
            SELECT b.customer_id, b.adopted_at FROM b ORDER BY b.adopted_at, b.customer_id
            LIMIT (SELECT k FROM n)""",
            [] if feature is None else [feature],
        )

    def customer(self, customer_id: str) -> dict[str, Any]:
        """The voice of one customer: attributes, persona, usage summary, one timeline of feedback (with themes and
        feelings) and weekly usage, and their sentiment over time."""
        from empathic.usage.voice import customer_voice

        cur = self.store.cursor()
        try:
            return customer_voice(cur, str(customer_id))
        finally:
            cur.close()
