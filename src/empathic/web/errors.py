"""One error envelope: every error class has its HTTP status, every route answers API callers' errors in one shape.

    {"error": "InputError", "status": 400, "message": "…", "hint": "…" | null, "where": "…" | null, "detail": …}

``error`` is the :class:`~empathic.errors.EmpathicError` subclass name, or the HTTP status phrase without spaces
(``NotFound``, ``Forbidden``, ``Unauthorized``, ``Conflict``…); ``detail`` keeps FastAPI's field (a string,
or the list of validation problems) for clients written against it. Pages render the same fields as an HTML
error page. Messages pass through the app's path redactor (no server folder is ever shown), and an unexpected
exception becomes a 500 with a plain message, never a traceback.
"""

from __future__ import annotations

import http
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response

from empathic.errors import EmpathicError
from empathic.web.security import NotAuthenticated, session_user

if TYPE_CHECKING:
    from empathic.web.context import AppContext

_log = logging.getLogger("empathic.web")


def status_of(exc: EmpathicError) -> int:
    """The HTTP status an error answers with: its class's ``http_status`` (see :mod:`empathic.errors`)."""
    return int(type(exc).http_status)


def error_name(status: int) -> str:
    """``404`` → ``NotFound``: the ``error`` field of an HTTP-level error."""
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        return "Error"
    return "".join(word[:1].upper() + word[1:] for word in phrase.replace("-", " ").split())


def envelope(
    error: str, status: int, message: str, *, hint: str | None = None, where: str | None = None, detail: Any = None
) -> dict[str, Any]:
    """The one JSON shape of an error answer."""
    return {
        "error": error,
        "status": status,
        "message": message,
        "hint": hint,
        "where": where,
        "detail": message if detail is None else detail,
    }


def wants_json(request: Request) -> bool:
    """API routes answer JSON; so does any route called as an API (``Accept: application/json`` without HTML, as
    ``fetch`` and scripts send); pages in a browser answer HTML."""
    if request.url.path.startswith("/api/"):
        return True
    accept = request.headers.get("accept", "").lower()
    return "application/json" in accept and "text/html" not in accept


def add_error_handlers(app: FastAPI) -> None:
    """Register the handlers that turn every error into the envelope (API) or the error page (HTML)."""

    @app.exception_handler(NotAuthenticated)
    async def not_authenticated(request: Request, exc: NotAuthenticated) -> Response:
        if wants_json(request):
            body = envelope("Unauthorized", 401, str(exc.detail), hint="sign in, or send Authorization: Bearer TOKEN")
            return JSONResponse(body, status_code=401, headers={"WWW-Authenticate": "Bearer"})
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(EmpathicError)
    async def empathic_error(request: Request, exc: EmpathicError) -> Response:
        status = status_of(exc)
        body = envelope(type(exc).__name__, status, exc.message, hint=exc.hint, where=exc.where)
        return error_response(request, body)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        body = envelope(error_name(exc.status_code), exc.status_code, str(exc.detail), detail=exc.detail)
        return error_response(request, body, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in exc.errors()]
        message = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errors) or "invalid request"
        return error_response(request, envelope("ValidationError", 422, message, detail=errors))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        _log.exception("unexpected error on %s %s", request.method, request.url.path)
        message = "something went wrong on the server; its log has the details"
        return error_response(request, envelope("InternalServerError", 500, message))


def error_response(request: Request, body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    """The envelope as JSON for the API, or the error page, with server paths redacted."""
    ctx: AppContext = request.app.state.ctx
    body = ctx.redact.deep(body)
    status = body["status"]
    if wants_json(request):
        return JSONResponse(body, status_code=status, headers=headers)
    session = getattr(request.state, "session", None) or {}
    from empathic.web.wording import web_wording

    context = {
        "request": request,
        "status": status,
        "message": web_wording(body["message"]),
        "hint": web_wording(body["hint"]),
        "user": session_user(ctx, session),
        "csrf_token": session.get("csrf", ""),
        "workspaces": [],
        "ws": None,
        "pages": [],
        "can_edit": False,
        "is_admin": False,
    }
    return ctx.templates.TemplateResponse(request, "error.html", context, status_code=status, headers=headers)
