"""The activity log's one writer: ``record(...)`` appends who changed what, and when. Call it from any area.

The log (table ``activity_log``, owned by the team area, ``store/migrations/team.py``) is append-only through the
app: this module only inserts, and no route updates or deletes it (``tests/team/test_team_activity.py`` checks the
source and every route). It sits low in the import direction (rank 2: it imports only ``store``), so a stage such
as ``feelings`` (analyst corrections) or ``ingest``/``privacy`` (who saw personal data) may call it.

Usage, for another area::

    from empathic.activity import record

    record(ws.store, "ann", "correction.sentiment", "comment", feedback_id, {"from": "negative", "to": "neutral"})

- ``where`` is a :class:`~empathic.store.Store` (or a DuckDB connection already inside a write transaction).
  With a Store, the entry joins the caller's open ``store.write()`` transaction when there is one (same thread),
  so the log never claims a change that was rolled back; otherwise it is written in its own transaction.
- ``actor`` is the user name; pass :data:`ACTOR` (the default) to use :func:`current_actor`: the user set by
  :func:`acting_as` (the web app sets it around a signed-in user's change), else ``$EMPATHIC_USER``, else the
  login name. ``None`` means the system (the digest scheduler).
- ``action`` is a dotted verb: ``area.verb`` (``note.add``, ``theme.rename``, ``correction.sentiment``,
  ``pii.view``); ``object_kind``/``object_id`` say what was changed; ``detail`` is any JSON-serialisable dict.

Returns the entry's sequence number (1, 2, …; the log's order).
"""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, Final

import duckdb

from empathic.store import Store

#: Default of ``record(..., actor=ACTOR)``: the :func:`current_actor`.
ACTOR: Final = object()
_ACTING: ContextVar[str | None] = ContextVar("empathic_actor", default=None)


def now_utc() -> datetime:
    """The current time as a naive UTC timestamp (how the workspace stores times)."""
    return datetime.now(UTC).replace(tzinfo=None)


def current_actor() -> str:
    """Who is acting: the user set by :func:`acting_as`, else ``$EMPATHIC_USER``, else the login name."""
    name = _ACTING.get() or os.environ.get("EMPATHIC_USER")
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        return "unknown"


@contextmanager
def acting_as(username: str | None) -> Iterator[None]:
    """Changes logged inside the block (by any area, with the default actor) are signed by ``username``."""
    token = _ACTING.set(username)
    try:
        yield
    finally:
        _ACTING.reset(token)


def _next_seq(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT coalesce(max(seq), 0) + 1 FROM activity_log").fetchone()
    return int(row[0]) if row else 1


def _append(
    con: duckdb.DuckDBPyConnection, actor: str | None, action: str, kind: str | None, oid: str | None, detail: Any
) -> int:
    seq = _next_seq(con)
    con.execute(
        "INSERT INTO activity_log (seq, logged_at, actor, action, object_kind, object_id, detail) VALUES (?, ?, "
        "?, ?, ?, ?, ?)",
        [seq, now_utc(), actor, action, kind, oid, json.dumps(detail or {}, default=str)],
    )
    return seq


def record(
    where: Store | duckdb.DuckDBPyConnection,
    actor: str | object | None = ACTOR,
    action: str = "",
    object_kind: str | None = None,
    object_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> int:
    """Append one entry to the activity log; returns its sequence number (see the module docstring)."""
    if not action or not isinstance(action, str):
        raise ValueError("record() needs an action such as 'note.add'")
    who = current_actor() if actor is ACTOR else actor
    if who is not None and not isinstance(who, str):
        raise TypeError("actor is a user name or None")
    oid = None if object_id is None else str(object_id)
    if isinstance(where, Store):
        with where.write() as con:
            return _append(con, who, action, object_kind, oid, detail)
    return _append(where, who, action, object_kind, oid, detail)
