"""Saved views in the web app: REST under ``/api/v1``, a page to list and save them, and their shareable URL.

``/w/{ws}/views/{view_id}`` is the shareable URL: it redirects to the view's page with its filter and options.
Anyone who may open the workspace may open a shared view; a private one answers 404 to all but its author (its
existence is not revealed). Analysts save views; the author shares, pins or deletes a view; an admin may delete any.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from empathic.analytics.query_language import SENTIMENT_LABELS
from empathic.team import saved_views
from empathic.team.notes import free_words
from empathic.web.pages import registered_pages
from empathic.web.routers.team import team_errors, username_of, workspace_of, wrote
from empathic.web.security import Access, Principal
from empathic.web.views import render

router = APIRouter()
api_router = APIRouter(prefix="/api/v1", tags=["api"])
Viewer = Annotated[Principal, Depends(Access("viewer", workspace=True))]
Analyst = Annotated[Principal, Depends(Access("analyst", workspace=True))]


class ViewBody(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    page: str = Field(min_length=1, max_length=40, description="A page of the app, e.g. verbatims or search.")
    query: str = Field(default="", max_length=2000, description="A filter in the query language.")
    options: dict[str, str] = Field(default_factory=dict, description="The page's other parameters.")
    shared: bool = False
    pinned: bool = False


class ViewPatch(BaseModel):
    shared: bool | None = None
    pinned: bool | None = None


def _is_admin(principal: Principal) -> bool:
    return bool(principal.user and principal.user.can("admin"))


#: Pages whose ``q`` runs the query language; the others' ``q`` filters by plain words.
QUERY_PAGES = frozenset({"search"})


def view_url(ws: str, view: dict[str, Any]) -> str:
    """The page URL a view opens: its page with its options and filter.

    A filter that uses the query language (``theme:"delivery" AND rating<=2``) opens on the search page when the
    view's page only filters by words, so the view shows what it was saved for rather than no comment at all.
    """
    page, query, options = view["page"], view["query"] or "", dict(view["options"])
    if query and page not in QUERY_PAGES and free_words(query) != " ".join(query.split()):
        page = "search"
        if options.get("sentiment") in SENTIMENT_LABELS:  # the words pages' sentiment filter, in the language
            query = f"sentiment:{options.pop('sentiment')} AND ({query})"
    params = {**options, **({"q": query} if query else {})}
    return f"/w/{ws}/{page}" + (f"?{urlencode(params)}" if params else "")


def _with_urls(ws: str, view: dict[str, Any]) -> dict[str, Any]:
    return {**view, "url": f"/w/{ws}/views/{view['view_id']}", "opens": view_url(ws, view)}


def _save(request: Request, principal: Principal, body: ViewBody) -> dict[str, Any]:
    if body.page not in {p.slug for p in registered_pages()}:
        raise HTTPException(422, f"no page {body.page!r}; choose one of the app's pages")
    with team_errors():
        view = saved_views.save_view(
            workspace_of(request, principal).store, body.name, body.page, author=username_of(principal),
            query=body.query, options=body.options, shared=body.shared, pinned=body.pinned,
        )  # fmt: skip
    wrote(request, principal)
    return _with_urls(principal.workspace or "", view)


def _list(request: Request, principal: Principal, pinned: bool | None = None) -> list[dict[str, Any]]:
    table = saved_views.views(workspace_of(request, principal).store, viewer=username_of(principal), pinned=pinned)
    return [_with_urls(principal.workspace or "", saved_views.view_record(r)) for _, r in table.iterrows()]


@api_router.get("/w/{ws}/views")
def views_api(request: Request, principal: Viewer) -> list[dict[str, Any]]:
    """The views you may open (yours and shared ones), each with its shareable ``url``."""
    return _list(request, principal)


@api_router.post("/w/{ws}/views", status_code=201)
def save_view_api(request: Request, body: ViewBody, principal: Analyst) -> dict[str, Any]:
    """Save a view (private unless ``shared``); 400 for a malformed query, 422 for an unknown page."""
    return _save(request, principal, body)


@api_router.patch("/w/{ws}/views/{view_id}")
def update_view_api(request: Request, view_id: str, body: ViewPatch, principal: Analyst) -> dict[str, Any]:
    """Share/unshare or pin/unpin your view (403 for someone else's)."""
    with team_errors():
        view = saved_views.update_view(workspace_of(request, principal).store, view_id, actor=username_of(principal),
                                       shared=body.shared, pinned=body.pinned)  # fmt: skip
    wrote(request, principal)
    return _with_urls(principal.workspace or "", view)


def _delete(request: Request, principal: Principal, view_id: str) -> None:
    with team_errors():
        saved_views.delete_view(workspace_of(request, principal).store, view_id, actor=username_of(principal),
                                moderator=_is_admin(principal))  # fmt: skip
    wrote(request, principal)


@api_router.delete("/w/{ws}/views/{view_id}", status_code=204)
def delete_view_api(request: Request, view_id: str, principal: Analyst) -> Response:
    """Delete your view (an admin may delete any)."""
    _delete(request, principal, view_id)
    return Response(status_code=204)


@router.get("/w/{ws}/views", response_class=HTMLResponse)
def views_page(request: Request, principal: Viewer) -> Response:
    """Your views and the shared ones; analysts save new ones here."""
    pages = [p.slug for p in registered_pages()]
    return render(request, principal, "team_views.html", {"views": _list(request, principal), "page_slugs": pages})


@router.get("/w/{ws}/views/{view_id}")
def open_view(request: Request, view_id: str, principal: Viewer) -> Response:
    """The shareable URL of a view: to its page, filter and options."""
    with team_errors():
        view = saved_views.view(workspace_of(request, principal).store, view_id, viewer=username_of(principal))
    return RedirectResponse(view_url(principal.workspace or "", view), status_code=303)


@router.post("/w/{ws}/views")
def save_view_form(
    request: Request,
    principal: Analyst,
    name: Annotated[str, Form(min_length=1, max_length=200)],
    page: Annotated[str, Form(min_length=1, max_length=40)],
    query: Annotated[str, Form(max_length=2000)] = "",
    options: Annotated[str, Form(max_length=4000)] = "",
    shared: Annotated[bool, Form()] = False,
    pinned: Annotated[bool, Form()] = False,
) -> Response:
    opts = dict(parse_qsl(options.lstrip("?"), keep_blank_values=False))
    query = query or opts.pop("q", "")
    body = ViewBody(name=name, page=page, query=query, options=opts, shared=shared, pinned=pinned)
    _save(request, principal, body)
    return RedirectResponse(f"/w/{principal.workspace}/views", status_code=303)


@router.post("/w/{ws}/views/{view_id}/delete")
def delete_view_form(request: Request, view_id: str, principal: Analyst) -> Response:
    _delete(request, principal, view_id)
    return RedirectResponse(f"/w/{principal.workspace}/views", status_code=303)
