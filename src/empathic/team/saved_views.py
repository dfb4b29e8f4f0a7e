"""Saved views: a named filter in the query language plus a page and its options, private or shared.

A view belongs to its workspace. Its author sees it always; others see it only when it is shared. A pinned view
is listed on the overview (its author's, or everyone's when shared). The query is checked for syntax when saved
(fields that depend on the data are checked when the page runs it).
"""

from __future__ import annotations

import json
import re
import secrets
from typing import Any

import pandas as pd

from empathic.analytics.query_language import parse
from empathic.errors import InputError
from empathic.store import Store
from empathic.team.activity import now_utc, record
from empathic.team.notes import NotAllowed
from empathic.team.owners import UnknownItem, plain

VIEW_COLUMNS = ["view_id", "name", "page", "query", "options", "author", "shared", "pinned", "created_at", "updated_at"]
_PAGE = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
_OPTION = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")
MAX_OPTIONS = 20


def _check(name: str, page: str, query: str, options: dict[str, str]) -> tuple[str, str, str, dict[str, str]]:
    name = " ".join(name.split())
    if not name or len(name) > 200:
        raise InputError("a view needs a name of 1 to 200 characters", hint="name it after what it shows")
    if not _PAGE.match(page):
        raise InputError(f"{page!r} is not a page", hint="use a page name such as verbatims, search or themes")
    if len(query) > 2000:
        raise InputError("the query is longer than 2,000 characters", hint="shorten it")
    parse(query)  # an InputError with the character position when malformed
    if len(options) > MAX_OPTIONS or any(not _OPTION.match(k) or len(str(v)) > 500 for k, v in options.items()):
        raise InputError("view options are short name=value pairs (at most 20)", hint="e.g. sentiment=negative")
    return name, page, query.strip(), {k: str(v) for k, v in options.items() if k not in ("q", "page")}


def save_view(
    store: Store,
    name: str,
    page: str,
    *,
    author: str,
    query: str = "",
    options: dict[str, str] | None = None,
    shared: bool = False,
    pinned: bool = False,
) -> dict[str, Any]:
    """Save a view; returns it (with its ``view_id``, which its shareable URL names)."""
    name, page, query, opts = _check(name, page, query, options or {})
    view_id = "v-" + secrets.token_hex(6)
    now = now_utc()
    with store.write() as con:
        con.execute(
            "INSERT INTO saved_views (view_id, name, page, query, options, author, shared, pinned, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [view_id, name, page, query, json.dumps(opts), author, shared, pinned, now, now],
        )
        record(con, author, "view.save", "view", view_id, {"name": name, "page": page, "shared": shared})
    return _one(store, view_id)


def update_view(
    store: Store, view_id: str, *, actor: str, shared: bool | None = None, pinned: bool | None = None
) -> dict[str, Any]:
    """Share/unshare or pin/unpin a view: its author only."""
    current = view(store, view_id, viewer=actor)
    if current["author"] != actor:
        raise NotAllowed(f"only its author ({current['author']}) may change view {view_id}")
    changes = {"shared": current["shared"] if shared is None else shared,
               "pinned": current["pinned"] if pinned is None else pinned}  # fmt: skip
    with store.write() as con:
        con.execute(
            "UPDATE saved_views SET shared = ?, pinned = ?, updated_at = ? WHERE view_id = ?",
            [changes["shared"], changes["pinned"], now_utc(), view_id],
        )
        record(con, actor, "view.update", "view", view_id, changes)
    return _one(store, view_id)


def delete_view(store: Store, view_id: str, *, actor: str, moderator: bool = False) -> None:
    """Delete a view: its author, or a moderator (an admin)."""
    current = view(store, view_id, viewer=actor, moderator=moderator)
    if current["author"] != actor and not moderator:
        raise NotAllowed(f"only its author ({current['author']}) may delete view {view_id}")
    with store.write() as con:
        con.execute("DELETE FROM saved_views WHERE view_id = ?", [view_id])
        record(con, actor, "view.delete", "view", view_id, {"name": current["name"], "author": current["author"]})


def views(store: Store, *, viewer: str, pinned: bool | None = None, moderator: bool = False) -> pd.DataFrame:
    """The views ``viewer`` may open (their own and shared ones; a moderator sees all), by name."""
    if not store.has_table("saved_views"):
        return pd.DataFrame(columns=VIEW_COLUMNS)
    sql = (
        "SELECT view_id, name, page, query, CAST(options AS VARCHAR) AS options, author, shared, pinned, created_at, "
        "updated_at FROM saved_views WHERE (shared OR author = ? OR ?)"
    )
    params: list[Any] = [viewer, moderator]
    if pinned is not None:
        sql += " AND pinned = ?"
        params.append(pinned)
    return store.read_df(sql + " ORDER BY lower(name), view_id", params)


def view(store: Store, view_id: str, *, viewer: str, moderator: bool = False) -> dict[str, Any]:
    """One view ``viewer`` may open; :class:`UnknownItem` otherwise (a private view of someone else is not shown
    to exist)."""
    table = views(store, viewer=viewer, moderator=moderator)
    match = table[table.view_id == view_id]
    if match.empty:
        raise UnknownItem(f"no view {view_id!r}", hint="it may be private to its author, or deleted")
    return view_record(match.iloc[0])


def _one(store: Store, view_id: str) -> dict[str, Any]:
    return view(store, view_id, viewer="", moderator=True)


def view_record(row: pd.Series) -> dict[str, Any]:
    """A JSON-friendly view (``options`` as a dict, flags as booleans)."""
    out = {str(k): plain(v) for k, v in row.items()}
    out["options"] = json.loads(out["options"]) if isinstance(out.get("options"), str) else {}
    out["shared"], out["pinned"] = bool(out["shared"]), bool(out["pinned"])
    return out
