"""The activity log: who changed what, and when. Append-only through the app (there is no update or delete here).

Every write in :mod:`empathic.team` records its entry inside the same transaction as the change itself, so the
log never claims a change that was rolled back, nor misses one that was kept.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import duckdb
import pandas as pd

from empathic.store import Store

LOG_COLUMNS = ["seq", "logged_at", "actor", "action", "object_kind", "object_id", "detail"]


def now_utc() -> datetime:
    """The current time as a naive UTC timestamp (how the workspace stores times)."""
    return datetime.now(UTC).replace(tzinfo=None)


def next_seq(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """The next sequence number of an append-only team table (inside the caller's write transaction)."""
    if table not in ("activity_log", "theme_status_changes"):
        raise ValueError(f"not an append-only team table: {table}")
    row = con.execute(f"SELECT coalesce(max(seq), 0) + 1 FROM {table}").fetchone()
    return int(row[0]) if row else 1


def record(
    con: duckdb.DuckDBPyConnection,
    actor: str | None,
    action: str,
    object_kind: str | None = None,
    object_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> int:
    """Append one entry inside the caller's write transaction; returns its sequence number.

    Args:
        actor: the user name (or ``None`` for the system).
        action: a dotted verb such as ``owner.set``, ``note.add``, ``note.delete``, ``view.save``.
        object_kind / object_id: what was changed (``theme``/``fit``, ``note``/``n-…``).
        detail: what changed, JSON-serialisable.
    """
    seq = next_seq(con, "activity_log")
    con.execute(
        "INSERT INTO activity_log VALUES (?, ?, ?, ?, ?, ?, ?)",
        [seq, now_utc(), actor, action, object_kind, object_id, json.dumps(detail or {}, default=str)],
    )
    return seq


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


def log_change(
    store: Store,
    actor: str | None,
    action: str,
    object_kind: str | None = None,
    object_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> int:
    """Append one entry in its own write transaction, for a change made elsewhere (a theme edit from the web app).

    Prefer :func:`record` inside the change's own transaction when the change is made here.
    """
    with store.write() as con:
        return record(con, actor, action, object_kind, object_id, detail)
