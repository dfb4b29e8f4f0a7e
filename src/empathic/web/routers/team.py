"""Theme owners, notes and the activity log: REST under ``/api/v1`` and the HTML forms and pages.

Same rules as every route: each declares its :class:`~empathic.web.security.Access` (viewers read; analysts set
owners and write notes; admins read the activity log), cookie-authenticated writes carry the CSRF token, errors
use the one envelope. Which note a user may change is decided by :mod:`empathic.team.notes` (the author edits or
deletes their own; an admin deletes any): it answers 403 here. Every write invalidates the workspace's read cache.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from empathic.team import activity, notes, owners
from empathic.web import team_views
from empathic.web.links import item_url
from empathic.web.security import Access, Principal
from empathic.web.views import render

router = APIRouter()
api_router = APIRouter(prefix="/api/v1", tags=["api"])
Viewer = Annotated[Principal, Depends(Access("viewer", workspace=True))]
Analyst = Annotated[Principal, Depends(Access("analyst", workspace=True))]
Admin = Annotated[Principal, Depends(Access("admin", workspace=True))]
Kind = Literal["theme", "comment", "customer", "persona"]
Status = Literal["new", "acknowledged", "in_progress", "fixed", "wont_fix"]


@contextmanager
def team_errors() -> Iterator[None]:
    """Unknown items answer 404 and notes the caller may not change 403 (with the library's message)."""
    try:
        yield
    except owners.UnknownItem as exc:
        raise HTTPException(404, exc.message) from None
    except notes.NotAllowed as exc:
        raise HTTPException(403, exc.message) from None


def workspace_of(request: Request, principal: Principal) -> Any:
    return request.app.state.ctx.workspaces[principal.workspace]


def _cached(request: Request, principal: Principal, key: tuple[Any, ...], fn: Any) -> Any:
    return request.app.state.ctx.cache.get(principal.workspace, ("team", *key), fn)


def wrote(request: Request, principal: Principal) -> None:
    request.app.state.ctx.cache.invalidate(principal.workspace)


def username_of(principal: Principal) -> str:
    assert principal.user is not None  # Access("analyst") admitted a signed-in user
    return principal.user.username


# -- owners --------------------------------------------------------------------------------------------------------
class OwnerBody(BaseModel):
    team: str | None = Field(default=None, max_length=200, description='Owning team ("" clears it).')
    person: str | None = Field(default=None, max_length=200, description='Owning person ("" clears it).')
    status: Status | None = None
    status_on: date | None = Field(default=None, description="Day the status took effect (default today).")
    note: str | None = Field(default=None, max_length=5000)


def _set_owner(request: Request, principal: Principal, theme_id: str, body: OwnerBody) -> dict[str, Any]:
    with team_errors():
        owners.set_owner(
            workspace_of(request, principal).store, theme_id, author=username_of(principal), **body.model_dump()
        )
    wrote(request, principal)
    return team_views.owner_panel(workspace_of(request, principal), theme_id)


@api_router.get("/w/{ws}/owners")
def owners_api(request: Request, principal: Viewer) -> list[dict[str, Any]]:
    """Every owned theme: team, person, status, since when, and (when fixed) the effect of the fix."""
    return _cached(request, principal, ("owners",), lambda: team_views.owners_list(workspace_of(request, principal)))


@api_router.get("/w/{ws}/themes/{theme_id}/owner")
def owner_api(request: Request, theme_id: str, principal: Viewer) -> dict[str, Any]:
    """A theme's owner, its status history and the effect of its fix (404 for an unknown theme)."""
    ws = workspace_of(request, principal)
    with team_errors():
        owners.theme_label(ws.store, theme_id)
    return _cached(request, principal, ("owner", theme_id), lambda: team_views.owner_panel(ws, theme_id))


@api_router.put("/w/{ws}/themes/{theme_id}/owner")
def set_owner_api(request: Request, theme_id: str, body: OwnerBody, principal: Analyst) -> dict[str, Any]:
    """Assign the theme and/or move its status (omitted fields keep their value); answers the new panel."""
    return _set_owner(request, principal, theme_id, body)


@router.post("/w/{ws}/themes/{theme_id}/owner")
def set_owner_form(
    request: Request,
    theme_id: str,
    principal: Analyst,
    team: Annotated[str, Form(max_length=200)] = "",
    person: Annotated[str, Form(max_length=200)] = "",
    status: Annotated[Status, Form()] = "new",
    status_on: Annotated[date | None, Form()] = None,
    note: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    body = OwnerBody(team=team, person=person, status=status, status_on=status_on, note=note or None)
    _set_owner(request, principal, theme_id, body)
    return RedirectResponse(item_url(principal.workspace or "", "themes", theme_id), status_code=303)


# -- notes ---------------------------------------------------------------------------------------------------------
class NoteBody(BaseModel):
    kind: Kind
    object_id: str = Field(min_length=1, max_length=500)
    body: str = Field(min_length=1, max_length=5000)


class NoteEdit(BaseModel):
    body: str = Field(min_length=1, max_length=5000)


@api_router.get("/w/{ws}/notes")
def notes_api(
    request: Request,
    principal: Viewer,
    kind: Kind | None = None,
    object_id: Annotated[str | None, Query(max_length=500)] = None,
    q: Annotated[str | None, Query(max_length=500)] = None,
    mentioning: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[dict[str, Any]]:
    """Notes, newest first: on one object, containing words (``q``), or @mentioning a user."""
    store = workspace_of(request, principal).store
    table = notes.notes(store, kind=kind, object_id=object_id, q=q, mentioning=mentioning, limit=limit)
    return [notes.note_record(r) for _, r in table.iterrows()]


@api_router.post("/w/{ws}/notes", status_code=201)
def add_note_api(request: Request, body: NoteBody, principal: Analyst) -> dict[str, Any]:
    """Attach a note (``@name`` mentions a user); 404 when the object does not exist."""
    with team_errors():
        note = notes.add_note(workspace_of(request, principal).store, body.kind, body.object_id, body.body,
                              author=username_of(principal))  # fmt: skip
    wrote(request, principal)
    return note


@api_router.patch("/w/{ws}/notes/{note_id}")
def edit_note_api(request: Request, note_id: str, body: NoteEdit, principal: Analyst) -> dict[str, Any]:
    """Rewrite a note: its author only (403 for anyone else)."""
    with team_errors():
        note = notes.edit_note(workspace_of(request, principal).store, note_id, body.body, actor=username_of(principal))
    wrote(request, principal)
    return note


def _delete_note(request: Request, principal: Principal, note_id: str) -> dict[str, Any]:
    store = workspace_of(request, principal).store
    with team_errors():
        note = notes.note(store, note_id)
        is_admin = bool(principal.user and principal.user.can("admin"))
        notes.delete_note(store, note_id, actor=username_of(principal), moderator=is_admin)
    wrote(request, principal)
    return note


@api_router.delete("/w/{ws}/notes/{note_id}", status_code=204)
def delete_note_api(request: Request, note_id: str, principal: Analyst) -> Response:
    """Delete a note: its author, or an admin (403 for anyone else)."""
    _delete_note(request, principal, note_id)
    return Response(status_code=204)


def _object_url(ws: str, kind: str, object_id: str) -> str:
    slug = {"theme": "themes", "customer": "customers"}.get(kind)
    if kind == "persona":
        return f"/w/{ws}/personas"
    return (
        item_url(ws, slug, object_id) if slug else f"/w/{ws}/notes?{urlencode({'kind': kind, 'object_id': object_id})}"
    )


@router.post("/w/{ws}/notes")
def add_note_form(
    request: Request,
    principal: Analyst,
    kind: Annotated[Kind, Form()],
    object_id: Annotated[str, Form(min_length=1, max_length=500)],
    body: Annotated[str, Form(min_length=1, max_length=5000)],
) -> Response:
    add_note_api(request, NoteBody(kind=kind, object_id=object_id, body=body), principal)
    return RedirectResponse(_object_url(principal.workspace or "", kind, object_id), status_code=303)


@router.post("/w/{ws}/notes/{note_id}/delete")
def delete_note_form(request: Request, note_id: str, principal: Analyst) -> Response:
    note = _delete_note(request, principal, note_id)
    return RedirectResponse(_object_url(principal.workspace or "", note["object_kind"], note["object_id"]),
                            status_code=303)  # fmt: skip


@router.get("/w/{ws}/notes", response_class=HTMLResponse)
def notes_page(
    request: Request,
    principal: Viewer,
    q: Annotated[str, Query(max_length=500)] = "",
    mentioning: Annotated[str, Query(max_length=64)] = "",
    kind: Kind | None = None,
    object_id: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    """Every note of the workspace, searchable by words and by @mention; ``?kind=comment&object_id=ID`` shows one
    object (a comment's text, say) with its notes and, for analysts, the form to add one."""
    subject = None
    if kind and object_id:
        with team_errors():
            subject = team_views.subject_of(workspace_of(request, principal), kind, object_id)
    found = notes_api(request, principal, kind=kind if subject else None, object_id=object_id if subject else None,
                      q=q or None, mentioning=mentioning or None)  # fmt: skip
    context = {"notes": found, "q": q, "mentioning": mentioning, "subject": subject, "kind": kind,
               "object_id": object_id}  # fmt: skip
    return render(request, principal, "team_notes.html", context)


# -- activity log (admins) -----------------------------------------------------------------------------------------
@api_router.get("/w/{ws}/activity")
def activity_api(
    request: Request,
    principal: Admin,
    format: Literal["json", "csv"] = "json",
    limit: Annotated[int | None, Query(ge=1, le=100_000)] = None,
) -> Any:
    """Who changed what and when, newest first; ``?format=csv`` downloads it."""
    table = activity.activity(workspace_of(request, principal).store, limit=limit)
    if format == "csv":
        filename = f"{principal.workspace}-activity.csv"
        return Response(activity.activity_csv(table), media_type="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})  # fmt: skip
    return [owners.plain_record(r) for _, r in table.iterrows()]


@router.get("/w/{ws}/activity", response_class=HTMLResponse)
def activity_page(request: Request, principal: Admin) -> Response:
    """The activity log (admins), with a CSV export."""
    entries = activity_api(request, principal, limit=500)
    return render(request, principal, "team_activity.html", {"entries": entries})


# -- digests and briefs (read-only: viewers) -----------------------------------------------------------------------
@api_router.get("/w/{ws}/digest")
def digest_api(
    request: Request,
    principal: Viewer,
    since: Annotated[str, Query(max_length=10)] = "7d",
    until: date | None = None,
    format: Literal["json", "md", "html"] = "json",
) -> Any:
    """The digest of the window ending at the newest comment (or ``until``); notes that mention you included."""
    from datetime import datetime

    from empathic.team import digest_render
    from empathic.team.digest import build_digest

    end = datetime(until.year, until.month, until.day) if until else None
    ws = workspace_of(request, principal)
    data = build_digest(ws.store, since=since, until=end, recipient=username_of(principal),
                        analytics=ws.settings.analytics)  # fmt: skip
    if format == "json":
        return data
    media = "text/html" if format == "html" else "text/markdown"
    return Response(digest_render.render(data, format), media_type=f"{media}; charset=utf-8")


def _brief(request: Request, principal: Principal, audience: str, team: str | None) -> dict[str, Any]:
    from empathic.team.brief import build_brief

    return build_brief(workspace_of(request, principal).store, audience, team=team)


@api_router.get("/w/{ws}/brief")
def brief_api(
    request: Request,
    principal: Viewer,
    audience: Annotated[Literal["exec", "team", "newhire"], Query(alias="for")],
    team: Annotated[str | None, Query(max_length=200)] = None,
    format: Literal["json", "html", "pdf"] = "json",
) -> Any:
    """A one-page empathy brief (``?for=exec|team|newhire``, ``&team=NAME``) as JSON, HTML or PDF."""
    import tempfile
    from pathlib import Path

    from empathic.team import brief_render

    data = _brief(request, principal, audience, team)
    if format == "json":
        return data
    html = brief_render.to_html(data)
    if format == "html":
        return Response(html, media_type="text/html; charset=utf-8")
    with tempfile.TemporaryDirectory(prefix="empathic-brief-") as tmp:
        pdf = brief_render.html_to_pdf(html, Path(tmp) / "brief.pdf").read_bytes()
    name = f"{principal.workspace}-{audience}-brief.pdf"
    return Response(
        pdf, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.get("/w/{ws}/brief", response_class=HTMLResponse)
def brief_page(
    request: Request,
    principal: Viewer,
    audience: Annotated[Literal["exec", "team", "newhire"], Query(alias="for")] = "exec",
    team: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """The brief as a printable page (the PDF link downloads the same page printed by Chromium)."""
    from empathic.team import brief_render

    return Response(brief_render.to_html(_brief(request, principal, audience, team)), media_type="text/html")


# -- digest subscriptions (sent by the server's scheduler) -------------------------------------------------------
class SubscriptionBody(BaseModel):
    target: str = Field(min_length=1, max_length=500, description="https://webhook… or smtp://HOST:PORT/ADDRESS")
    since: str = Field(default="7d", max_length=10)
    format: Literal["html", "md", "json"] = "html"
    hour: int = Field(default=8, ge=0, le=23, description="Hour of the day (UTC) it is sent.")
    weekday: int | None = Field(default=0, ge=0, le=6, description="0 = Monday; null = every day.")


@api_router.get("/w/{ws}/subscriptions")
def subscriptions_api(request: Request, principal: Viewer) -> list[dict[str, Any]]:
    """Your digest subscriptions (an admin sees everyone's)."""
    from empathic.team import subscriptions

    mine = None if principal.user and principal.user.can("admin") else username_of(principal)
    return subscriptions.subscriptions(workspace_of(request, principal).store, username=mine)


def _server_target(request: Request, target: str) -> str:
    """``folder`` means the server's digest folder (``web.digest_folder``); any other ``folder:PATH`` must lie inside
    it (the guard refuses the rest), so no web request chooses where on the server a file is written."""
    from empathic.errors import InputError

    target = target.strip()
    if target == "folder":
        folder = request.app.state.ctx.settings.web.digest_folder
        if not folder:
            hint = "an admin sets web.digest_folder; or use a webhook, SMTP, or cron with `empathic digest --to-folder`"
            raise InputError("this server has no digest folder", hint=hint)
        return f"folder:{folder}"
    return target


def subscribe(request: Request, principal: Principal, body: SubscriptionBody) -> dict[str, Any]:
    """Subscribe the caller; the target is checked against what the server may deliver to (internal hosts only
    when ``web.delivery_allow`` lists them)."""
    from empathic.team import subscriptions

    target = _server_target(request, body.target)
    sub = subscriptions.subscribe(workspace_of(request, principal).store, username_of(principal), target,
                                  since=body.since, fmt=body.format, hour=body.hour, weekday=body.weekday,
                                  guard=request.app.state.digests.guard)  # fmt: skip
    wrote(request, principal)
    return sub


@api_router.post("/w/{ws}/subscriptions", status_code=201)
def subscribe_api(request: Request, body: SubscriptionBody, principal: Viewer) -> dict[str, Any]:
    """Subscribe yourself to a digest the server sends to a webhook, through SMTP, or into its digest folder
    (``"target": "folder"``; the folder is the admin's ``web.digest_folder``, never one a request names)."""
    return subscribe(request, principal, body)


@api_router.delete("/w/{ws}/subscriptions/{subscription_id}", status_code=204)
def unsubscribe_api(request: Request, subscription_id: str, principal: Viewer) -> Response:
    """Remove your subscription (an admin may remove any)."""
    from empathic.team import subscriptions

    with team_errors():
        subscriptions.unsubscribe(workspace_of(request, principal).store, subscription_id,
                                  username=username_of(principal),
                                  moderator=bool(principal.user and principal.user.can("admin")))  # fmt: skip
    wrote(request, principal)
    return Response(status_code=204)


# -- the digests page: subscribe with a form ---------------------------------------------------------------------
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@router.get("/w/{ws}/digests", response_class=HTMLResponse)
def digests_page(request: Request, principal: Viewer) -> Response:
    """Your digest subscriptions, and a form to add one (webhook, SMTP, or the server's digest folder)."""
    context = {"subscriptions": subscriptions_api(request, principal), "weekdays": WEEKDAYS,
               "digest_folder": request.app.state.ctx.settings.web.digest_folder}  # fmt: skip
    return render(request, principal, "team_digests.html", context)


def form_target(delivery: str, url: str, smtp_server: str, mail_to: str) -> str:
    """The subscription target a form describes: a webhook URL, ``smtp://SERVER/ADDRESS``, or ``folder``."""
    from empathic.errors import InputError

    if delivery == "webhook":
        return url.strip()
    if delivery == "smtp":
        server, address = smtp_server.strip(), mail_to.strip()
        if not server or "@" not in address or any(c in server + address for c in "/?# "):
            raise InputError("SMTP delivery needs a server (HOST:PORT) and an address", hint="e.g. mail.example.com:25")
        return f"smtp://{server if ':' in server else server + ':25'}/{address}"
    return "folder"


@router.post("/w/{ws}/digests")
def subscribe_form(
    request: Request,
    principal: Viewer,
    delivery: Annotated[Literal["webhook", "smtp", "folder"], Form()],
    url: Annotated[str, Form(max_length=500)] = "",
    smtp_server: Annotated[str, Form(max_length=300)] = "",
    mail_to: Annotated[str, Form(max_length=200)] = "",
    format: Annotated[Literal["html", "md", "json"], Form()] = "html",
    cadence: Annotated[Literal["daily", "weekly"], Form()] = "weekly",
    weekday: Annotated[int, Form(ge=0, le=6)] = 0,
    hour: Annotated[int, Form(ge=0, le=23)] = 8,
) -> Response:
    target = form_target(delivery, url, smtp_server, mail_to)
    body = SubscriptionBody(target=target, since="1d" if cadence == "daily" else "7d", format=format, hour=hour,
                            weekday=None if cadence == "daily" else weekday)  # fmt: skip
    subscribe(request, principal, body)
    return RedirectResponse(f"/w/{principal.workspace}/digests", status_code=303)


@router.post("/w/{ws}/digests/{subscription_id}/delete")
def unsubscribe_form(request: Request, subscription_id: str, principal: Viewer) -> Response:
    unsubscribe_api(request, subscription_id, principal)
    return RedirectResponse(f"/w/{principal.workspace}/digests", status_code=303)
