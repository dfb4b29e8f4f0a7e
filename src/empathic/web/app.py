"""``create_app(settings, workspaces)``: the FastAPI app behind ``empathic serve``.

Everything is served from the package (templates, CSS, JS and Plotly's JS from the ``plotly`` wheel): no CDN, it
works offline. Every response carries a strict Content-Security-Policy (scripts only from this server, no inline
script) as a second line of defence behind Jinja2 autoescaping.
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import Depends, FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import MutableHeaders

from empathic.config import Settings
from empathic.report.html import format_number
from empathic.web.accounts import Accounts, default_auth_path
from empathic.web.cache import ReadCache
from empathic.web.context import AppContext, workspace_names
from empathic.web.digest_scheduler import DigestScheduler, Guard
from empathic.web.errors import add_error_handlers
from empathic.web.gate import guard
from empathic.web.jobs import JobRunner
from empathic.web.links import item_url
from empathic.web.masking import PiiMasking
from empathic.web.redact import PathRedactor
from empathic.web.routers import admin, api, auth, corrections, edits, pages, privacy, team, team_views, workflow
from empathic.web.rows import FILTERS as ROW_FILTERS
from empathic.web.security import (
    SESSION_COOKIE,
    Access,
    LoginLimiter,
    Principal,
    Sessions,
)
from empathic.web.team_views import template_globals as team_globals
from empathic.web.uploads import Uploads
from empathic.web.wording import web_wording
from empathic.workspace import Workspace

HERE = Path(__file__).parent
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def plotly_js_path() -> Path:
    """``plotly.min.js`` as shipped inside the ``plotly`` PyPI package."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def _open_workspaces(workspaces: Mapping[str, Workspace] | list[Any], settings: Settings) -> dict[str, Workspace]:
    if isinstance(workspaces, Mapping):
        return dict(workspaces)
    opened: dict[str, Workspace] = {}
    for name, item in workspace_names([w.path if isinstance(w, Workspace) else w for w in workspaces]).items():
        match = [w for w in workspaces if isinstance(w, Workspace) and Path(w.path) == item]
        opened[name] = match[0] if match else Workspace.open(item, create=False, settings=settings)
    return opened


def create_app(
    settings: Settings,
    workspaces: Mapping[str, Workspace] | list[Any],
    *,
    accounts: Accounts | None = None,
    upload_dir: Path | None = None,
) -> FastAPI:
    """Build the app.

    Args:
        settings: the resolved settings tree (``settings.web`` is used here).
        workspaces: open workspaces by name, or a list of workspace paths/``Workspace`` objects (named by file stem).
        accounts: the accounts file; default ``settings.web.auth_db`` or ``empathic-users.sqlite`` beside the first
            workspace.
        upload_dir: where uploads wait for confirmation (default: ``settings.web.upload_dir``, else a temporary
            folder removed when the server stops). Upload folders older than ``web.upload_max_age_s`` are swept now
            and at every upload; all are removed when the server stops.
    """
    opened = _open_workspaces(workspaces, settings)
    if accounts is None:
        first = next(iter(opened.values()))
        accounts = Accounts(settings.web.auth_db or default_auth_path(first.path))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True, undefined=jinja2.StrictUndefined
    )
    env.filters["num"] = format_number
    env.filters["pct"] = _pct
    env.filters.update(ROW_FILTERS)
    env.globals["item_url"] = item_url
    accounts.fail_interrupted_jobs()
    cache = ReadCache()
    uploads = Uploads(upload_dir or settings.web.upload_dir, settings.web.upload_max_age_s)
    uploads.sweep()
    redact = PathRedactor([uploads.root, tempfile.gettempdir(), *(Path(ws.path).parent for ws in opened.values())])
    env.globals.update(team_globals(opened, cache))
    ctx = AppContext(
        settings=settings,
        accounts=accounts,
        workspaces=opened,
        sessions=Sessions(accounts.secret_key(), settings.web.session_max_age_s),
        limiter=LoginLimiter(settings.web.login_max_failures, settings.web.login_window_s),
        templates=Jinja2Templates(env=env),
        jobs=JobRunner(accounts, on_finish=cache.invalidate, redact=lambda text: web_wording(redact(text))),
        uploads=uploads,
        redact=redact,
        cache=cache,
    )

    # digests go only where the admin allows (internal hosts: web.delivery_allow; files: web.digest_folder)
    delivery_guard = Guard(allow=tuple(settings.web.delivery_allow), folder=settings.web.digest_folder)
    digests = DigestScheduler(opened, guard=delivery_guard)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        digests.start()  # sends due digest subscriptions once a minute
        yield
        digests.stop()
        uploads.close()  # server stop: no unconfirmed upload outlives it

    app = FastAPI(title="empathic", version="1", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.ctx = ctx
    app.state.digests = digests
    _add_assets_and_schema(app)  # before the /static mount, which would otherwise shadow the Plotly route
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for router in (
        auth.router,
        admin.router,
        workflow.router,
        edits.router,
        team.router,
        team_views.router,
        privacy.router,
        corrections.router,
        pages.router,
    ):
        app.include_router(router, include_in_schema=False)
    app.include_router(api.router)
    app.include_router(edits.api_router)
    app.include_router(team.api_router)
    app.include_router(team_views.api_router)
    app.include_router(privacy.api_router)
    app.include_router(corrections.api_router)
    _add_middleware(app)
    add_error_handlers(app)
    return app


def _pct(value: Any, digits: int = 1) -> str:
    return "–" if value is None else f"{100 * float(value):.{digits}f} %"


def _add_assets_and_schema(app: FastAPI) -> None:
    @app.get("/static/vendor/plotly.min.js", include_in_schema=False)
    def plotly_js(principal: Annotated[Principal, Depends(Access(None))]) -> Response:
        return FileResponse(plotly_js_path(), media_type="text/javascript", headers={"Cache-Control": "max-age=86400"})

    @app.get("/api/v1/openapi.json", include_in_schema=False)
    def openapi(principal: Annotated[Principal, Depends(Access(None))]) -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = get_openapi(title="empathic REST API", version="1", routes=app.routes)
            app.openapi_schema["components"] = {
                **app.openapi_schema.get("components", {}),
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            }
            app.openapi_schema["security"] = [{"bearer": []}]
        return app.openapi_schema


def _add_middleware(app: FastAPI) -> None:
    app.add_middleware(PiiMasking)  # inner: reads the principal the route's access rule stored in the state
    app.add_middleware(SessionAndHeaders)


class SessionAndHeaders:
    """Pure ASGI middleware: loads (or starts) the signed session, guards the body, adds the security headers.

    The body is read through the request gate (:func:`empathic.web.gate.guard`): no route sees a byte of it
    before its access rule admitted the caller, nor more than its size limit.

    Pure ASGI rather than ``BaseHTTPMiddleware`` because it runs on every request and the latter costs a task
    and a stream copy per request.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        ctx: AppContext = scope["app"].state.ctx
        request = Request(scope)
        session = ctx.sessions.load(request.cookies.get(SESSION_COOKIE))
        new = session is None
        if new:
            _, session = ctx.sessions.dump(None)
        state = scope.setdefault("state", {})
        state["session"] = session
        state["session_fresh"] = False
        path: str = scope["path"]

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    headers[name] = value
                if not path.startswith("/static/"):
                    headers["Cache-Control"] = "no-store"
                if new and not state.get("session_fresh") and not path.startswith(("/api/", "/static/")):
                    value = ctx.sessions.sign(session)
                    headers.append("set-cookie", ctx.sessions.cookie_header(value, ctx.settings.web))
            await send(message)

        await self.app(scope, guard(scope, receive), send_with_headers)


SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)
