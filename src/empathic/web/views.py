"""Rendering helpers shared by the HTML routers: the common template context and the session cookie."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from empathic.web.pages import registered_pages
from empathic.web.security import SESSION_COOKIE, Principal


def render(
    request: Request,
    principal: Principal,
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """Render ``template`` with the common context: user, CSRF token, workspaces, nav pages, current workspace."""
    ctx = request.app.state.ctx
    user = principal.user
    visible = sorted(w for w in ctx.workspaces if user is not None and user.may_open(w))
    common = {
        "user": user,
        "csrf_token": request.state.session.get("csrf", ""),
        "workspaces": visible,
        "ws": principal.workspace,
        "pages": registered_pages() if principal.workspace else [],
        "can_edit": bool(user and user.can("analyst")),
        "is_admin": bool(user and user.can("admin")),
    }
    return ctx.templates.TemplateResponse(request, template, {**common, **context}, status_code=status_code)


def set_session_cookie(request: Request, response: Response, username: str | None) -> None:
    """Start a fresh session (new CSRF token) for ``username`` (None = signed out).

    The session it replaces ends server-side, so its cookie is refused even if someone kept a copy.
    """
    ctx = request.app.state.ctx
    old = getattr(request.state, "session", None) or {}
    if isinstance(old.get("sid"), str) and old["sid"]:
        ctx.accounts.end_session(old["sid"])
    user = ctx.accounts.get_user(username) if username else None
    session_id = ctx.accounts.start_session(user.username, ctx.settings.web.session_max_age_s) if user else ""
    value, data = ctx.sessions.dump(username if user else None, user.session_tag if user else "", session_id)
    request.state.session = data
    request.state.session_fresh = True
    response.set_cookie(
        SESSION_COOKIE,
        value,
        max_age=ctx.settings.web.session_max_age_s,
        httponly=True,
        samesite="lax",
        secure=ctx.settings.web.secure_cookies,
        path="/",
    )
