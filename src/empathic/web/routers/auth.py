"""Login and logout (server-side sessions in signed cookies, CSRF, rate limiting by client address)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from empathic.web.security import Access, Principal, client_address
from empathic.web.views import render, set_session_cookie

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths may be a post-login target (no open redirects)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, principal: Annotated[Principal, Depends(Access(None))], next: str = "/") -> Response:
    return render(request, principal, "login.html", {"next": _safe_next(next), "error": None})


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    principal: Annotated[Principal, Depends(Access(None))],
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    ctx = request.app.state.ctx
    peer = request.client.host if request.client else None
    client = client_address(peer, request.headers.get("x-forwarded-for"), ctx.settings.web.trusted_proxies)
    if ctx.limiter.blocked(client, username):
        context = {"next": _safe_next(next), "error": "Too many failed attempts. Wait a few minutes and try again."}
        return render(request, principal, "login.html", context, status_code=429)
    user = ctx.accounts.authenticate(username, password)
    if user is None:
        ctx.limiter.failed(client, username)
        context = {"next": _safe_next(next), "error": "Wrong username or password."}
        return render(request, principal, "login.html", context, status_code=401)
    ctx.limiter.succeeded(client, username)
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(request, response, user.username)
    return response


@router.post("/logout")
def logout(request: Request, principal: Annotated[Principal, Depends(Access("viewer"))]) -> Response:
    """Sign out: the session row is deleted (an old copy of the cookie is refused) and a fresh anonymous one set."""
    response = RedirectResponse("/login", status_code=303)
    set_session_cookie(request, response, None)
    return response
