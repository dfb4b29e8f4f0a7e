"""The analytics area's read functions: theme impact, key drivers, segment differences and theme trends, one
definition each.

The Python API (:class:`empathic.api.analytics.AnalyticsAPI`), the CLI (which calls the API), the web app, REST and
the report all read these results through the functions here, so a theme's impact, a segment's lift or a period's
share is the same row wherever it is shown. Each returns a DataFrame; the report and web sections only format it.

Where the rows come from is a parameter, never a hidden choice of the caller (``source``):

- ``"stored"``: the tables the analytics stage wrote, even when they are stale (the web app and the report show
  them under a stale banner instead of computing live on a page load);
- ``"live"``: computed now from the workspace (:mod:`empathic.analytics.results`);
- ``"auto"`` (the API's and the CLI's default): stored while fresh (:func:`empathic.analytics.stored.is_fresh`),
  else live.

Stored rows take their labels from the ``themes`` table and leave out deleted themes, so a rename, merge or delete
made after the last analysis shows at once; live rows are computed over the live themes with their current labels
already.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from empathic.analytics import results, stored
from empathic.analytics.settings import AnalyticsSettings
from empathic.errors import InputError
from empathic.store import Store

Source = Literal["auto", "stored", "live"]
SOURCES = ("auto", "stored", "live")


def use_stored(store: Store, settings: AnalyticsSettings, source: Source) -> bool:
    """Whether ``source`` answers from the stored tables here (``auto``: only while they are fresh)."""
    if source not in SOURCES:
        raise InputError(f"unknown source {source!r}", hint="choose from: auto, stored, live")
    return source == "stored" or (source == "auto" and stored.is_fresh(store, settings))


def stored_rows(
    store: Store, table: str, where: str = "", params: list | None = None, *, computed_at: bool = False
) -> pd.DataFrame:
    """A stored result table (in :data:`stored.ORDER_BY` order; ``computed_at`` only when asked, where the table
    holds it: the exports carry it) with every theme's label taken from the ``themes`` table and the rows of
    deleted themes left out. ``where`` filters on the table's columns, prefixed ``r.`` (bracketed before the
    deleted-theme filter joins it); an empty frame when the table does not exist."""
    if not store.has_table(table):
        return pd.DataFrame()
    columns = [c for c in store.read_df(f"SELECT * FROM {table} LIMIT 0").columns if computed_at or c != "computed_at"]
    select = ", ".join("coalesce(t.label, r.label) AS label" if c == "label" else f"r.{c}" for c in columns)
    keep = "coalesce(t.status, 'active') <> 'deleted'"
    where = f"WHERE ({where.removeprefix('WHERE ')}) AND {keep}" if where else f"WHERE {keep}"
    order = ", ".join(f"r.{part.strip()}" for part in stored.ORDER_BY[table].split(","))
    return store.read_df(
        f"SELECT {select} FROM {table} r LEFT JOIN (SELECT theme_id, label, status FROM themes) t "
        f"ON r.theme_id = t.theme_id {where} ORDER BY {order}",
        params,
    )


def impact(
    store: Store,
    settings: AnalyticsSettings,
    score: str | None = None,
    *,
    source: Source = "auto",
    computed_at: bool = False,
) -> pd.DataFrame:
    """Leave-one-out impact of every theme on every (or one) score, with interval, p and BH q.

    ``score`` must be a score column of the workspace, except with ``source="stored"`` (a summary workspace may
    hold stored impacts of scores whose comments it does not carry). ``computed_at`` keeps the stage's timestamp
    column on stored rows (the drivers export carries it; live rows have none)."""
    if use_stored(store, settings, source):
        return _stored_by_score(store, "theme_impact", score, source, computed_at)
    return results.impact(store, settings, score)


def drivers(
    store: Store, settings: AnalyticsSettings, score: str | None = None, *, source: Source = "auto"
) -> pd.DataFrame:
    """Key drivers: ridge coefficients (score points per mention) with intervals and relative weights."""
    if use_stored(store, settings, source):
        return _stored_by_score(store, "key_drivers", score, source, computed_at=False)
    return results.drivers(store, settings, score)


def _stored_by_score(store: Store, table: str, score: str | None, source: Source, computed_at: bool) -> pd.DataFrame:
    """A stored per-score table, every score's rows or ``score``'s; the score is checked as the live path checks it,
    except for ``source="stored"`` (see :func:`impact`)."""
    if source != "stored":
        results.check_score(store, score)
    return stored_rows(store, table, "WHERE ?::VARCHAR IS NULL OR r.score_name = ?", [score, score],
                       computed_at=computed_at)  # fmt: skip


def segments(
    store: Store,
    settings: AnalyticsSettings,
    by: str | list[str] | None = None,
    *,
    top: int | None = None,
    source: Source = "auto",
    computed_at: bool = False,
) -> pd.DataFrame:
    """Each segment of attribute(s) ``by`` (default: every one) vs the rest: theme share, score, sentiment, lift, p,
    BH q, with the theme's ``label`` (``None`` for score and sentiment rows).

    ``top`` (pool all but the ``top`` most common values as ``other``) is a different analysis than the stored one,
    so it is always computed live. ``attrs['warnings']`` carries the attribute plan's warnings (not computed for
    ``source="stored"``, which reads only what the stage stored). ``computed_at`` keeps the stage's timestamp column
    on stored rows (the segments export carries it)."""
    if top is None and use_stored(store, settings, source):
        names = [by] if isinstance(by, str) else by
        where, params = ("WHERE r.attribute IN (SELECT unnest(?::VARCHAR[]))", [names]) if names else ("", [])
        out = stored_rows(store, "segment_differences", where, params, computed_at=computed_at)
        if out.empty and not len(out.columns):
            return out
        # the theme's current label (the theme id when the themes table no longer knows it), like the live result
        labels = results.theme_labels(store)
        out.insert(4, "label", [labels.get(t, t) if isinstance(t, str) else None for t in out.theme_id])
        warnings: list[str] = []
        if source != "stored":
            from empathic.analytics.segments import plan_segments

            warnings = plan_segments(store, names, settings.max_segment_values, settings.segment_top_values).warnings
        out.attrs["warnings"] = warnings
        return out
    return results.segments(store, settings, by, top)


def trends(
    store: Store, settings: AnalyticsSettings, grain: str | None = None, *, source: Source = "auto"
) -> pd.DataFrame:
    """Theme volume, share, sentiment and impact per period (``grain`` day/week/month, default from the span).

    The stored rows carry the grain the stage chose; with ``source="auto"`` another ``grain`` is computed live, with
    ``source="stored"`` it is an error (stored rows of one grain are never shown as another)."""
    if use_stored(store, settings, source):
        out = stored_rows(store, "theme_trends")
        if grain is None or out.empty or out.grain.iloc[0] == grain:
            return out
        if source == "stored":
            raise InputError(f"the stored trends are per {out.grain.iloc[0]}, not per {grain}",
                             hint="leave the grain out, or compute them live")  # fmt: skip
    return results.trends(store, settings, grain)[0]
