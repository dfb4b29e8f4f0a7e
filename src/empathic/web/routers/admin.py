"""Admin pages: accounts and API tokens (the same operations as ``empathic users …`` / ``empathic tokens …``)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from empathic.errors import InputError
from empathic.team.activity import log_account_change
from empathic.web.accounts import ROLES
from empathic.web.security import Access, Principal
from empathic.web.views import render

router = APIRouter()
Admin = Annotated[Principal, Depends(Access("admin"))]


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, principal: Admin) -> Response:
    ctx = request.app.state.ctx
    context = {
        "accounts": ctx.accounts.list_users(),
        "tokens": ctx.accounts.list_tokens(),
        "roles": ROLES,
        "all_workspaces": sorted(ctx.workspaces),
    }
    return render(request, principal, "admin_users.html", context)


@router.post("/admin/users")
async def add_user(request: Request, principal: Admin) -> Response:
    form = await request.form()
    ctx = request.app.state.ctx
    username, role = str(form.get("username", "")).strip(), str(form.get("role", "viewer"))
    grants = granted_workspaces(form.get("all") == "1", [str(w) for w in form.getlist("workspace")], ctx.workspaces)
    ctx.accounts.add_user(username, str(form.get("password", "")), role, grants)
    detail = {"role": role, "workspaces": grants if grants is not None else "all"}
    _log(request, principal, "user.add", username, detail, grants)
    return RedirectResponse("/admin/users", status_code=303)


def _log(
    request: Request, principal: Principal, action: str, username: str, detail: dict, only: list[str] | None = None
) -> None:
    """Log an account change in the activity log of each served workspace it concerns (``only``, else all)."""
    ctx = request.app.state.ctx
    stores = [ws.store for name, ws in sorted(ctx.workspaces.items()) if only is None or name in only]
    log_account_change(stores, principal.user.username if principal.user else None, action, username, detail)


def granted_workspaces(every: bool, chosen: list[str], served: Collection[str]) -> list[str] | None:
    """The workspaces a new account may open: ``None`` (all) only when "every workspace" was ticked explicitly.

    Nothing chosen, an unknown name, or both "every" and a list is an error rather than a silent grant of all.
    """
    unknown = sorted(set(chosen) - set(served))
    if unknown:
        raise InputError(
            f"no workspace {unknown[0]!r} on this server", hint=f"choose from: {', '.join(sorted(served))}"
        )
    if every and chosen:
        raise InputError("choose either 'every workspace' or some workspaces, not both", hint="untick one of them")
    if not every and not chosen:
        raise InputError("no workspace chosen", hint="tick the workspaces this account may open, or 'every workspace'")
    return None if every else sorted(set(chosen))


@router.post("/admin/users/{username}/remove")
def remove_user(request: Request, username: str, principal: Admin) -> Response:
    if principal.user is not None and username == principal.user.username:
        raise InputError("you cannot remove your own account", hint="ask another admin")
    user = request.app.state.ctx.accounts.get_user(username)
    request.app.state.ctx.accounts.remove_user(username)
    grants = None if user is None or user.all_workspaces else sorted(user.workspaces)
    _log(request, principal, "user.remove", username, {"role": user.role if user else None}, grants)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{username}/grant")
async def set_grant(request: Request, username: str, principal: Admin) -> Response:
    """Give or take back ``see_pii`` (raw comment text where others see PII masked; every view is logged)."""
    form = await request.form()
    accounts = request.app.state.ctx.accounts
    grant, on = str(form.get("grant", "")), form.get("on") == "1"
    accounts.set_grant(username, grant, on)
    user = accounts.get_user(username)
    only = None if user is None or user.all_workspaces else sorted(user.workspaces)
    _log(request, principal, "user.grant", username, {"grant": grant, "on": on}, only)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: str, principal: Admin) -> Response:
    ctx = request.app.state.ctx
    owner = next((t["username"] for t in ctx.accounts.list_tokens() if t["token_id"] == token_id), None)
    ctx.accounts.revoke_token(token_id)
    _log(request, principal, "token.revoke", owner or "", {"token_id": token_id})
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/admin/settings", response_class=HTMLResponse)
def settings_page(request: Request, principal: Admin) -> Response:
    """The resolved settings of every served workspace (defaults → empathic.toml → env), read-only."""
    import json

    ctx = request.app.state.ctx
    resolved = {
        name: json.dumps(ws.settings.model_dump(mode="json"), indent=2, sort_keys=True)
        for name, ws in sorted(ctx.workspaces.items())
    }
    return render(request, principal, "admin_settings.html", {"resolved": resolved})
