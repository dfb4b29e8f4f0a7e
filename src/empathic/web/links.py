"""Links to item pages whose ids are data (customer ids): every reserved character percent-encoded.

A customer id is whatever the uploaded file said: ``acct/42``, ``who?``, ``50%``, ``#7`` or ``../../admin``.
Pasted into a path it would change the link's meaning (a browser resolves ``..`` segments and cuts at ``?`` and
``#``), so the id is encoded as one path segment with nothing left safe. An id that is exactly ``.`` or ``..`` is
still a dot-segment to a browser even when encoded (``%2E%2E``), so it travels as ``?id=`` instead; the detail
route reads it from there (:func:`item_id_of`).
"""

from __future__ import annotations

from urllib.parse import quote

#: Query parameter that carries an id a path segment cannot.
ID_PARAM = "id"


def item_url(ws: str, slug: str, item_id: object) -> str:
    """The URL of ``/w/{ws}/{slug}/{item_id}`` with ``item_id`` as one fully encoded segment."""
    text = str(item_id)
    if text in (".", ".."):
        return f"/w/{quote(ws, safe='')}/{slug}/?{ID_PARAM}={quote(text, safe='')}"
    return f"/w/{quote(ws, safe='')}/{slug}/{quote(text, safe='')}"


def item_id_of(path_id: str, query: dict[str, str]) -> tuple[str, dict[str, str]]:
    """The item id of a detail request (from the path, or ``?id=`` when the path part is empty) and the rest."""
    if path_id == "" and ID_PARAM in query:
        rest = {k: v for k, v in query.items() if k != ID_PARAM}
        return query[ID_PARAM], rest
    return path_id, query
