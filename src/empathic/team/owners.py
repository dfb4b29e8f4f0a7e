"""Theme owners and statuses: "this theme is ours, and we are fixing it".

A theme (or subtheme) gets an owning team and person and a status that moves
new → acknowledged → in progress → fixed / won't fix (any move is allowed: a fix can be reopened). Every change
is kept in ``theme_status_changes`` with its date, author and note; ``theme_owners`` holds the current state.
The date of a change (``status_on``) is the day it happened in the world, which may be earlier than the day it
was recorded: the closed loop (:mod:`empathic.team.closed_loop`) measures a fix from that day.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from empathic.errors import InputError, NotFoundError, StageError
from empathic.store import Store
from empathic.team.activity import filtered_query, next_seq, now_utc, record

STATUSES = ("new", "acknowledged", "in_progress", "fixed", "wont_fix")
_ALIASES = {
    "in progress": "in_progress",
    "in-progress": "in_progress",
    "inprogress": "in_progress",
    "won't fix": "wont_fix",
    "wont fix": "wont_fix",
    "won't_fix": "wont_fix",
    "wont-fix": "wont_fix",
    "won't-fix": "wont_fix",
}
OWNER_COLUMNS = ["theme_id", "label", "level", "team", "person", "status", "status_on", "updated_by", "updated_at"]
HISTORY_COLUMNS = ["seq", "theme_id", "status", "team", "person", "status_on", "author", "note", "created_at"]
MAX_TEXT = 200
MAX_NOTE = 5_000


class UnknownItem(NotFoundError):
    """The named theme, note or view does not exist (the web app answers 404)."""


def normalise_status(status: str) -> str:
    """``"In progress"`` → ``in_progress``; an unknown status is an :class:`InputError` listing the valid ones."""
    key = status.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in STATUSES:
        raise InputError(f"unknown status {status!r}", hint=f"use one of: {', '.join(STATUSES)}")
    return key


def _clean(value: str | None, what: str, limit: int = MAX_TEXT) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if len(value) > limit:
        raise InputError(f"{what} is longer than {limit} characters", hint=f"shorten the {what}")
    return value or None


def theme_label(store: Store, theme_id: str) -> str:
    """The label of a live theme; :class:`UnknownItem` when there is none (deleted themes cannot be owned)."""
    if not store.has_table("themes") or not store.count("themes"):
        raise StageError("this workspace has no themes yet", hint="run `empathic analyze WORKSPACE` first")
    label = store.scalar(
        "SELECT label FROM themes WHERE theme_id = ? AND coalesce(status, 'active') <> 'deleted'", [theme_id]
    )
    if label is None:
        raise UnknownItem(f"no theme {theme_id!r}", hint="list the themes with `empathic themes WORKSPACE`")
    return str(label)


def set_owner(
    store: Store,
    theme_id: str,
    *,
    author: str,
    team: str | None = None,
    person: str | None = None,
    status: str | None = None,
    status_on: date | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """Assign a theme and/or move its status; unchanged fields keep their value. Returns the new owner row.

    Args:
        theme_id: a live theme or subtheme id.
        author: who made the change (recorded with it and in the activity log).
        team / person: the new owner (``""`` clears it; ``None`` keeps it).
        status: one of :data:`STATUSES` (aliases such as ``"in progress"`` accepted); ``None`` keeps it
            (``new`` for a theme that had no owner row).
        status_on: the day the status took effect (default: today, UTC); a fix is measured from it.
        note: an optional note kept with this change.
    """
    label = theme_label(store, theme_id)
    new_team, new_person = _clean(team, "team name"), _clean(person, "person name")
    note = _clean(note, "note", MAX_NOTE)
    new_status = normalise_status(status) if status is not None else None
    when = status_on or now_utc().date()
    with store.write() as con:
        row = con.execute(
            "SELECT team, person, status, status_on FROM theme_owners WHERE theme_id = ?", [theme_id]
        ).fetchone()
        old = dict(zip(("team", "person", "status", "status_on"), row, strict=True)) if row else {}
        moved = new_status is not None and new_status != old.get("status")
        state = {
            "team": old.get("team") if team is None else new_team,
            "person": old.get("person") if person is None else new_person,
            "status": new_status or old.get("status") or "new",
            "status_on": when if moved or not row else old["status_on"],
        }
        con.execute(
            "INSERT OR REPLACE INTO theme_owners (theme_id, team, person, status, status_on, updated_by, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [theme_id, state["team"], state["person"], state["status"], state["status_on"], author, now_utc()],
        )
        con.execute(
            "INSERT INTO theme_status_changes (seq, theme_id, status, team, person, status_on, author, note, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [next_seq(con, "theme_status_changes"), theme_id, state["status"], state["team"], state["person"],
             when, author, note, now_utc()],
        )  # fmt: skip
        detail = {"label": label, "before": {k: old.get(k) for k in ("team", "person", "status")}}
        detail["after"] = {k: state[k] for k in ("team", "person", "status")} | {"status_on": when, "note": note}
        record(con, author, "owner.set", "theme", theme_id, detail)
    return owner(store, theme_id) or {}


def owner(store: Store, theme_id: str) -> dict[str, Any] | None:
    """The current owner row of a theme (``None`` when nobody owns it yet)."""
    df = owners(store, theme_id=theme_id)
    return None if df.empty else plain_record(df.iloc[0])


def owners(store: Store, *, theme_id: str | None = None, team: str | None = None) -> pd.DataFrame:
    """Owned themes with their label and level; columns :data:`OWNER_COLUMNS`, ordered by team then label.

    A theme deleted by a later analysis or edit keeps its row here, with an empty label.
    """
    if not store.has_table("theme_owners"):
        return pd.DataFrame(columns=OWNER_COLUMNS)
    join = "LEFT JOIN themes t USING (theme_id)" if store.has_table("themes") else ""
    label = "t.label, t.level" if join else "NULL AS label, NULL AS level"
    extra = [("lower(o.team) = lower(?)", team)] if team is not None else []
    sql, params = filtered_query(
        f"SELECT o.theme_id, {label}, o.team, o.person, o.status, CAST(o.status_on AS VARCHAR) AS status_on, "
        f"o.updated_by, o.updated_at FROM theme_owners o {join}",
        {"o.theme_id": theme_id},
        extra=extra,
        order="o.team NULLS LAST, label, o.theme_id",
    )
    return store.read_df(sql, params)


def history(store: Store, theme_id: str) -> pd.DataFrame:
    """Every owner/status change of a theme, oldest first; columns :data:`HISTORY_COLUMNS`."""
    if not store.has_table("theme_status_changes"):
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    return store.read_df(
        "SELECT seq, theme_id, status, team, person, CAST(status_on AS VARCHAR) AS status_on, author, note, created_at "
        "FROM theme_status_changes WHERE theme_id = ? ORDER BY seq",
        [theme_id],
    )


def fixed_on(store: Store, theme_id: str) -> date | None:
    """The day the theme was (last) marked fixed, if its current status is ``fixed``."""
    row = owner(store, theme_id)
    if not row or row["status"] != "fixed" or row["status_on"] is None:
        return None
    return date.fromisoformat(str(row["status_on"]))


def plain_record(row: pd.Series) -> dict[str, Any]:
    """A JSON-friendly dict of one row: missing values as ``None``, dates as ISO strings, numpy scalars unboxed."""
    return {str(k): plain(v) for k, v in row.items()}


def plain(value: Any) -> Any:
    """``None`` for NaN/NaT, ISO text for dates and timestamps, Python numbers for numpy scalars."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return value
