"""The activity log: who changed what, and when. Append-only through the app (there is no update or delete here).

The one writer is :func:`empathic.activity.record` (re-exported here), low in the import direction so that any
area may log its changes. Every write in :mod:`empathic.team` records its entry inside the same transaction as the
change itself, so the log never claims a change that was rolled back, nor misses one that was kept. This module
adds the readers (:func:`activity`) and the account changes (:func:`log_account_change`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import duckdb
import pandas as pd

from empathic.activity import ACTOR, acting_as, current_actor, now_utc, record
from empathic.store import Store

__all__ = [
    "ACTOR",
    "acting_as",
    "activity",
    "activity_csv",
    "current_actor",
    "log_account_change",
    "log_change",
    "now_utc",
    "record",
]
LOG_COLUMNS = ["seq", "logged_at", "actor", "action", "object_kind", "object_id", "detail"]


def next_seq(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """The next sequence number of an append-only team table (inside the caller's write transaction)."""
    if table not in ("activity_log", "theme_status_changes"):
        raise ValueError(f"not an append-only team table: {table}")
    row = con.execute(f"SELECT coalesce(max(seq), 0) + 1 FROM {table}").fetchone()
    return int(row[0]) if row else 1


def filtered_query(
    select: str,
    equal: dict[str, Any],
    *,
    extra: list[tuple[str, Any]] | None = None,
    order: str,
    limit: int | None = None,
) -> tuple[str, list[Any]]:
    """``select`` plus ``WHERE column = ?`` for every non-None value of ``equal`` (column names are this package's
    constants, never user input), further ``(condition, value)`` pairs, ``ORDER BY order`` and ``LIMIT ?``."""
    where, params = [], []
    for column, value in equal.items():
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    for condition, value in extra or []:
        where.append(condition)
        params.append(value)
    sql = select + (" WHERE " + " AND ".join(where) if where else "") + f" ORDER BY {order}"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return sql, params


def activity(
    store: Store,
    *,
    actor: str | None = None,
    object_kind: str | None = None,
    object_id: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """The log, newest first, optionally filtered; columns :data:`LOG_COLUMNS` (``detail`` as a JSON string)."""
    if not store.has_table("activity_log"):
        return pd.DataFrame(columns=LOG_COLUMNS)
    sql, params = filtered_query(
        "SELECT seq, logged_at, actor, action, object_kind, object_id, CAST(detail AS VARCHAR) AS detail "
        "FROM activity_log",
        {"actor": actor, "object_kind": object_kind, "object_id": object_id},
        order="seq DESC",
        limit=limit,
    )
    return store.read_df(sql, params)


def activity_csv(table: pd.DataFrame) -> str:
    """The log as CSV for a spreadsheet: CRLF rows, and text cells that could run as formulas (``=``, ``+``,
    ``-``, ``@`` …: a user or customer id, say) neutralised like every other export."""
    from empathic.report.export import neutralise_frame

    return neutralise_frame(table).to_csv(index=False, lineterminator="\r\n")


def log_change(
    store: Store,
    actor: str | None,
    action: str,
    object_kind: str | None = None,
    object_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> int:
    """Append one entry for a change made elsewhere (kept for callers of the first version; same as ``record``)."""
    return record(store, actor, action, object_kind, object_id, detail)


def log_account_change(
    stores: Iterable[Store], actor: str | None, action: str, username: str, detail: dict[str, Any] | None = None
) -> int:
    """Log a change of accounts (``user.add|remove|password|grant``, ``token.create|revoke``) in
    the activity log of every workspace it concerns (accounts are the server's; each workspace keeps its own log).
    Read-only stores are skipped; returns how many logs were written."""
    written = 0
    for store in stores:
        if getattr(store, "read_only", False):
            continue
        record(store, actor, action, "user", username, detail)
        written += 1
    return written
