"""Notes on a theme, a comment, a customer or a persona, with @mentions of users.

Who may write is the front door's business (viewers read, analysts and admins write); who may change a note is
decided here, because it depends on the note: its author may edit or delete it, an admin may delete any note
(``moderator=True``). Every write is logged in the activity log in the same transaction.
"""

from __future__ import annotations

import json
import re
import secrets
from typing import Any

import pandas as pd

from empathic.errors import ForbiddenError, InputError
from empathic.store import Store
from empathic.team.activity import filtered_query, now_utc, record
from empathic.team.owners import UnknownItem, plain, theme_label

OBJECT_KINDS = ("theme", "comment", "customer", "persona")
NOTE_COLUMNS = ["note_id", "object_kind", "object_id", "author", "body", "mentions", "created_at", "updated_at"]
MAX_BODY = 5_000
#: ``@name`` where the name is a user name as ``empathic users add`` allows it (letters, digits, ``._-``).
MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9][A-Za-z0-9_.-]{0,63})")
_OBJECT_SQL = {
    "comment": ("feedback", "SELECT count(*) FROM feedback WHERE feedback_id = ?"),
    "customer": ("feedback", "SELECT count(*) FROM feedback WHERE customer_id = ?"),
    "persona": ("personas", "SELECT count(*) FROM personas WHERE persona_id = ?"),
}


class NotAllowed(ForbiddenError):
    """The caller may not change this note (not its author, not an admin); the web app answers 403."""


def mentions_in(body: str) -> list[str]:
    """The distinct user names @mentioned in ``body``, in order of first mention (a trailing dot is punctuation)."""
    seen: list[str] = []
    for name in MENTION.findall(body):
        name = name.rstrip(".")
        if name and name not in seen:
            seen.append(name)
    return seen


#: Parts of a search-language query that are not words of a note: ``field:value``, ``field:"two words"``,
#: comparisons (``rating<=2``), negated terms, the operators and brackets.
_NOT_WORDS = re.compile(
    r'\bNOT\s+(?:\w+:(?:"[^"]*"|\S+)|"[^"]*"|\S+)|\w+:(?:"[^"]*"|\S+)|\w+\s*(?:<=|>=|!=|<|>|=)\s*\S+|\b(?:AND|OR|NOT)\b|[()"]'
)


def free_words(query: str) -> str:
    """The plain words of a search query (``theme:"delivery" AND refund late`` → ``refund late``), to find the
    notes that mention them; empty when the query only filters."""
    return " ".join(_NOT_WORDS.sub(" ", query or "").split()[:20])


def check_object(store: Store, kind: str, object_id: str) -> None:
    """Raise :class:`UnknownItem` unless ``kind`` ``object_id`` exists (an InputError for an unknown kind)."""
    if kind not in OBJECT_KINDS:
        raise InputError(f"notes cannot be attached to a {kind!r}", hint=f"use one of: {', '.join(OBJECT_KINDS)}")
    if kind == "theme":
        theme_label(store, object_id)
        return
    table, sql = _OBJECT_SQL[kind]
    if not store.has_table(table) or not store.scalar(sql, [object_id]):
        raise UnknownItem(f"no {kind} {object_id!r} in this workspace", hint=f"check the {kind} id")


def _body(body: str) -> str:
    body = body.strip()
    if not body:
        raise InputError("a note cannot be empty", hint="write something")
    if len(body) > MAX_BODY:
        raise InputError(f"a note is at most {MAX_BODY:,} characters (this one has {len(body):,})", hint="shorten it")
    return body


def add_note(store: Store, kind: str, object_id: str, body: str, *, author: str) -> dict[str, Any]:
    """Attach a note to an object that exists; returns the stored note (with the users it @mentions)."""
    check_object(store, kind, object_id)
    body = _body(body)
    note_id = "n-" + secrets.token_hex(6)
    mentions = mentions_in(body)
    now = now_utc()
    with store.write() as con:
        con.execute(
            "INSERT INTO notes (note_id, object_kind, object_id, author, body, mentions, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [note_id, kind, object_id, author, body, json.dumps(mentions), now, now],
        )
        record(con, author, "note.add", kind, object_id, {"note_id": note_id, "mentions": mentions})
    return note(store, note_id)


def note(store: Store, note_id: str) -> dict[str, Any]:
    """One note; :class:`UnknownItem` when there is no such note."""
    df = notes(store, note_id=note_id)
    if df.empty:
        raise UnknownItem(f"no note {note_id!r}", hint="list the notes with `empathic notes WORKSPACE`")
    return note_record(df.iloc[0])


def note_record(row: pd.Series) -> dict[str, Any]:
    """A JSON-friendly note (``mentions`` as a list)."""
    out = {str(k): plain(v) for k, v in row.items()}
    out["mentions"] = json.loads(out["mentions"]) if isinstance(out.get("mentions"), str) else []
    return out


def _may_change(store: Store, note_id: str, actor: str, moderator: bool) -> dict[str, Any]:
    current = note(store, note_id)
    if current["author"] != actor and not moderator:
        raise NotAllowed(
            f"only its author ({current['author']}) may change note {note_id}",
            hint="an admin may delete any note",
        )
    return current


def edit_note(store: Store, note_id: str, body: str, *, actor: str) -> dict[str, Any]:
    """Replace a note's text; only its author may (admins delete, they do not rewrite others' words)."""
    _may_change(store, note_id, actor, moderator=False)
    body = _body(body)
    mentions = mentions_in(body)
    with store.write() as con:
        con.execute(
            "UPDATE notes SET body = ?, mentions = ?, updated_at = ? WHERE note_id = ?",
            [body, json.dumps(mentions), now_utc(), note_id],
        )
        record(con, actor, "note.edit", "note", note_id, {"mentions": mentions})
    return note(store, note_id)


def delete_note(store: Store, note_id: str, *, actor: str, moderator: bool = False) -> None:
    """Delete a note: its author may, and so may a moderator (an admin). The log keeps who deleted what."""
    current = _may_change(store, note_id, actor, moderator)
    with store.write() as con:
        con.execute("DELETE FROM notes WHERE note_id = ?", [note_id])
        detail = {"author": current["author"], "on": [current["object_kind"], current["object_id"]]}
        record(con, actor, "note.delete", "note", note_id, detail)


def forget_notes(store: Store, *, customer_ids: list[str], feedback_ids: list[str], actor: str | None) -> int:
    """Delete the notes on forgotten customers and on their comments (for ``empathic forget``); returns how many.

    Each deletion is logged as ``note.delete`` with ``"reason": "forget"`` and without the note's text, so the
    log keeps that a note was removed, not what it said about the person.
    """
    targets = [("customer", list(map(str, customer_ids))), ("comment", list(map(str, feedback_ids)))]
    if not store.has_table("notes") or not any(ids for _, ids in targets):
        return 0
    removed = 0
    with store.write() as con:
        for kind, ids in targets:
            if not ids:
                continue
            found = con.execute(
                "SELECT note_id FROM notes WHERE object_kind = ? AND list_contains(?, object_id) ORDER BY note_id",
                [kind, ids],
            ).fetchall()
            for (note_id,) in found:
                con.execute("DELETE FROM notes WHERE note_id = ?", [note_id])
                record(con, actor, "note.delete", "note", note_id, {"reason": "forget", "on": kind})
                removed += 1
    return removed


def notes(
    store: Store,
    *,
    kind: str | None = None,
    object_id: str | None = None,
    q: str | None = None,
    mentioning: str | None = None,
    note_id: str | None = None,
    object_ids: list[str] | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Notes, newest first, filtered by object (one, or any of ``object_ids``), by words (case-insensitive, every
    word must appear), by a user they @mention, or by id; columns :data:`NOTE_COLUMNS` (``mentions`` as JSON)."""
    if not store.has_table("notes"):
        return pd.DataFrame(columns=NOTE_COLUMNS)
    extra: list[tuple[str, Any]] = [("strpos(lower(body), lower(?)) > 0", w) for w in (q or "").split()[:20]]
    if object_ids is not None:
        extra.append(("list_contains(?, object_id)", list(object_ids)))
    if mentioning is not None:
        extra.append(("list_contains(CAST(mentions AS VARCHAR[]), ?)", mentioning))
    sql, params = filtered_query(
        "SELECT note_id, object_kind, object_id, author, body, CAST(mentions AS VARCHAR) AS mentions, created_at, "
        "updated_at FROM notes",
        {"object_kind": kind, "object_id": object_id, "note_id": note_id},
        extra=extra,
        order="created_at DESC, note_id",
        limit=limit,
    )
    return store.read_df(sql, params)
