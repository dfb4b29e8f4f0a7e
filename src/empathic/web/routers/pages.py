"""HTML pages: the workspace list and every page of the registry (list and detail routes)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from empathic.report.views import has_data
from empathic.web.links import item_id_of
from empathic.web.pages import Page, registered_pages
from empathic.web.security import Access, Principal
from empathic.web.views import render

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def home(request: Request, principal: Annotated[Principal, Depends(Access("viewer"))]) -> Response:
    """The workspaces this user may open; straight to the overview when there is only one."""
    ctx = request.app.state.ctx
    visible = sorted(w for w in ctx.workspaces if principal.user and principal.user.may_open(w))
    if len(visible) == 1:
        return RedirectResponse(f"/w/{visible[0]}/overview", status_code=303)
    return render(request, principal, "home.html", {})


def _query(request: Request) -> dict[str, str]:
    return {k: v for k, v in request.query_params.items()}


def _list_route(page: Page):
    def endpoint(
        request: Request, principal: Annotated[Principal, Depends(Access("viewer", workspace=True))]
    ) -> Response:
        ctx = request.app.state.ctx
        ws = ctx.workspaces[principal.workspace]
        query = _query(request)
        key = (page.slug, tuple(sorted(query.items())))
        context = ctx.cache.get(
            principal.workspace, key, lambda: page.load(ws, query) if has_data(ws.store, *page.needs) else None
        )
        if context is None:
            return render(request, principal, "not_ready.html", {"page": page})
        return render(request, principal, page.template, {"page": page, **context})

    endpoint.__name__ = f"page_{page.slug}"
    return endpoint


def _detail_route(page: Page):
    def endpoint(
        request: Request, item_id: str, principal: Annotated[Principal, Depends(Access("viewer", workspace=True))]
    ) -> Response:
        ctx = request.app.state.ctx
        ws = ctx.workspaces[principal.workspace]
        if not ctx.cache.get(principal.workspace, ("needs", page.slug), lambda: has_data(ws.store, *page.needs)):
            return render(request, principal, "not_ready.html", {"page": page})
        assert page.detail is not None and page.detail_template is not None
        item_id, query = item_id_of(item_id, _query(request))
        key = (page.slug, item_id, tuple(sorted(query.items())))
        context = ctx.cache.get(principal.workspace, key, lambda: page.detail(ws, item_id, query))
        if context is None:
            raise HTTPException(404, f"no {page.slug[:-1] if page.slug.endswith('s') else page.slug} {item_id!r}")
        return render(request, principal, page.detail_template, {"page": page, **context})

    endpoint.__name__ = f"page_{page.slug}_detail"
    return endpoint


for _page in registered_pages():
    router.add_api_route(f"/w/{{ws}}/{_page.slug}", _list_route(_page), methods=["GET"], response_class=HTMLResponse)
    if _page.detail is not None:
        router.add_api_route(
            f"/w/{{ws}}/{_page.slug}/{{item_id:path}}",
            _detail_route(_page),
            methods=["GET"],
            response_class=HTMLResponse,
        )
