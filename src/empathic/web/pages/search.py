"""Search: the query language (``theme:"delivery" AND plan:pro AND rating<=2 refund``), text or semantic."""

from __future__ import annotations

from typing import Any

from empathic.errors import EmpathicError
from empathic.report import sections
from empathic.web.pages import Page


def load(ws: Any, query: dict[str, str]) -> dict[str, Any]:
    q = (query.get("q") or "")[:500]
    semantic = query.get("semantic") == "1"
    result, error = {"available": True, "items": []}, None
    if q:
        try:
            result = sections.search(ws.store, q, semantic=semantic, limit=50)
        except EmpathicError as exc:  # a malformed query is shown next to the box, not as an error page
            error = str(exc)
    return {"q": q, "semantic": semantic, "result": result, "error": error, "saved": sections.saved_filters(ws.store)}


PAGE = Page(
    slug="search",
    title="Search",
    order=17,
    needs=("feedback",),
    template="search.html",
    load=load,
    hint="upload a file on the Upload page or run `empathic ingest WORKSPACE FILE`",
)
