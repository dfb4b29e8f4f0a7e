"""Read models of the team features for templates and the API: a theme's owner panel, an object's notes.

Computed through the app's read cache (every team write invalidates the workspace), so a page that shows the
same panel twice reads it once.
"""

from __future__ import annotations

from typing import Any

from empathic.report import sections, verbatims, views
from empathic.team import closed_loop, notes, owners, saved_views


def owner_panel(ws: Any, theme_id: str) -> dict[str, Any]:
    """``{"owner", "history", "fix_effect"}`` of one theme (owner None when unowned)."""
    store = ws.store
    row = owners.owner(store, theme_id)
    effect = closed_loop.fix_effect(store, theme_id) if row else None
    history = [owners.plain_record(r) for _, r in owners.history(store, theme_id).iterrows()]
    return {"owner": row, "history": history, "fix_effect": effect.to_dict() if effect else None}


def notes_on(ws: Any, kind: str, object_id: str) -> list[dict[str, Any]]:
    """The notes on one object, newest first."""
    return [notes.note_record(r) for _, r in notes.notes(ws.store, kind=kind, object_id=object_id).iterrows()]


def subject_of(ws: Any, kind: str, object_id: str) -> dict[str, Any]:
    """What a note is on, for the notes page: ``{"kind", "id", "title", "text"}``; UnknownItem when it is not there."""
    notes.check_object(ws.store, kind, object_id)
    if kind == "comment":
        text = ws.store.scalar("SELECT text FROM feedback WHERE feedback_id = ?", [object_id])
        return {"kind": kind, "id": object_id, "title": f"Comment {object_id}", "text": text}
    if kind == "theme":
        return {"kind": kind, "id": object_id, "title": owners.theme_label(ws.store, object_id), "text": None}
    if kind == "persona":
        name = ws.store.scalar("SELECT name FROM personas WHERE persona_id = ?", [object_id])
        return {"kind": kind, "id": object_id, "title": f"Persona {name}", "text": None}
    return {"kind": kind, "id": object_id, "title": f"Customer {object_id}", "text": None}


def notes_by_object(ws: Any, kind: str, object_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """The notes on each of several objects (one query for a page of comments), newest first."""
    out: dict[str, list[dict[str, Any]]] = {}
    for _, r in notes.notes(ws.store, kind=kind, object_ids=[str(i) for i in object_ids]).iterrows():
        out.setdefault(str(r.object_id), []).append(notes.note_record(r))
    return out


def notes_matching(ws: Any, words: str, limit: int = 20) -> list[dict[str, Any]]:
    """Notes containing every word, newest first (the search page shows them above the comments)."""
    return [notes.note_record(r) for _, r in notes.notes(ws.store, q=words, limit=limit).iterrows()]


def theme_with_team(ws: Any, theme_id: str) -> dict[str, Any] | None:
    """The API's theme detail plus its team side: ``owner`` (team, person, status, since), ``status_history``,
    ``fix_effect`` (None unless fixed) and ``notes`` (newest first); None for an unknown theme.

    ``owner`` is a key of its own because the theme row already has a ``status`` (active/deleted by edits).
    """
    detail = views.theme_detail(ws.store, theme_id)
    if detail is None:
        return None
    panel = owner_panel(ws, theme_id)
    return {**detail, "owner": panel["owner"], "status_history": panel["history"], "fix_effect": panel["fix_effect"],
            "notes": notes_on(ws, "theme", theme_id)}  # fmt: skip


def customer_with_notes(ws: Any, customer_id: str) -> dict[str, Any] | None:
    """The API's customer detail with the notes on the customer and on each of their comments."""
    detail = sections.customer(ws.store, customer_id)
    if detail is None:
        return None
    by_comment = notes_by_object(ws, "comment", [str(c["feedback_id"]) for c in detail.get("comments") or []
                                                 if c.get("feedback_id") is not None])  # fmt: skip
    comments = [{**c, "notes": by_comment.get(str(c.get("feedback_id")), [])} for c in detail.get("comments") or []]
    return {**detail, "comments": comments, "notes": notes_on(ws, "customer", str(detail["customer_id"]))}


def personas_with_notes(ws: Any) -> list[dict[str, Any]] | None:
    """The API's personas, each with its notes."""
    found = sections.personas(ws.store)
    if found is None:
        return None
    by_persona = notes_by_object(ws, "persona", [str(p["persona_id"]) for p in found])
    return [{**p, "notes": by_persona.get(str(p["persona_id"]), [])} for p in found]


def _with_comment_notes(ws: Any, page: dict[str, Any] | None) -> dict[str, Any] | None:
    """A page of comments (``{"items": [...]}``) with each comment's notes (one query for the page)."""
    if not page or not page.get("items"):
        return page
    ids = [str(i["feedback_id"]) for i in page["items"] if i.get("feedback_id") is not None]
    by_comment = notes_by_object(ws, "comment", ids)
    items = [{**i, "notes": by_comment.get(str(i.get("feedback_id")), [])} for i in page["items"]]
    return {**page, "items": items}


def comments_with_notes(ws: Any, **filters: Any) -> dict[str, Any] | None:
    """The API's page of comments (:func:`empathic.report.verbatims.verbatims`), each with its notes."""
    return _with_comment_notes(ws, verbatims.verbatims(ws.store, **filters))


def search_with_notes(ws: Any, query: str, **options: Any) -> dict[str, Any] | None:
    """The API's search answer (:func:`empathic.report.sections.search`), each comment with its notes."""
    return _with_comment_notes(ws, sections.search(ws.store, query, **options))


def owners_list(ws: Any) -> list[dict[str, Any]]:
    """Every owned theme with the effect of its fix (``fix_effect`` None unless fixed)."""
    store = ws.store
    effects = {e.theme_id: e.to_dict() for e in closed_loop.fix_effects(store)}
    rows = [owners.plain_record(r) for _, r in owners.owners(store).iterrows()]
    return [{**r, "fix_effect": effects.get(r["theme_id"])} for r in rows]


def template_globals(workspaces: dict[str, Any], cache: Any) -> dict[str, Any]:
    """Functions the templates call to show owners and notes where a theme or customer is shown.

    ``theme_owner(ws, theme_id)`` and ``notes_on(ws, kind, object_id)`` read through the read cache, which every
    team write invalidates (globals rather than page context, so the pages of other areas need no change).
    """

    def theme_owner(ws_name: str, theme_id: str) -> dict[str, Any]:
        ws = workspaces[ws_name]
        return cache.get(ws_name, ("team", "owner", theme_id), lambda: owner_panel(ws, theme_id))

    def notes_of(ws_name: str, kind: str, object_id: str) -> list[dict[str, Any]]:
        ws = workspaces[ws_name]
        return cache.get(ws_name, ("team", "notes", kind, object_id), lambda: notes_on(ws, kind, object_id))

    def comment_notes(ws_name: str, feedback_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        ws = workspaces[ws_name]
        key = ("team", "comment-notes", tuple(sorted(str(i) for i in feedback_ids)))
        return cache.get(ws_name, key, lambda: notes_by_object(ws, "comment", feedback_ids))

    def search_notes(ws_name: str, query: str) -> list[dict[str, Any]]:
        words = notes.free_words(query)
        if not words:
            return []
        ws = workspaces[ws_name]
        return cache.get(ws_name, ("team", "search-notes", words), lambda: notes_matching(ws, words))

    def pinned_views(ws_name: str, username: str) -> list[dict[str, Any]]:
        ws = workspaces[ws_name]
        return cache.get(ws_name, ("team", "pinned", username), lambda: pinned(ws, ws_name, username))

    return {"theme_owner": theme_owner, "notes_on": notes_of, "pinned_views": pinned_views,
            "comment_notes": comment_notes, "search_notes": search_notes, "team_statuses": STATUS_LABELS}  # fmt: skip


def pinned(ws: Any, ws_name: str, username: str) -> list[dict[str, Any]]:
    """The pinned views ``username`` may open (their own and shared ones), with their shareable URL."""
    table = saved_views.views(ws.store, viewer=username, pinned=True)
    return [{**saved_views.view_record(r), "url": f"/w/{ws_name}/views/{r.view_id}"} for _, r in table.iterrows()]


#: How each status reads on a page.
STATUS_LABELS = {
    "new": "new",
    "acknowledged": "acknowledged",
    "in_progress": "in progress",
    "fixed": "fixed",
    "wont_fix": "won't fix",
}
