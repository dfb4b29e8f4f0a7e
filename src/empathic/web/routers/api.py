"""REST API ``/api/v1``: JSON for everything the pages show. Auth: ``Authorization: Bearer <token>`` or session.

A section whose stage has not run answers 409 with a hint ("not analysed yet"), an unknown item 404, bad input
400 with the :class:`~empathic.errors.EmpathicError` fields.
"""

from __future__ import annotations

import functools
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from pydantic import BaseModel, Field

from empathic.report import sections, views
from empathic.web import team_views
from empathic.web.models import CommentsPage, Drivers, ErrorEnvelope, Provenance, SearchResults, ThemeRow
from empathic.web.routers.workflow import describe_results, rename_theme
from empathic.web.security import Access, Principal

#: every error a route answers, in the one envelope (documented once for the whole API)
ERRORS = {status: {"model": ErrorEnvelope} for status in (400, 401, 403, 404, 409, 422)}
router = APIRouter(prefix="/api/v1", tags=["api"], responses=ERRORS)
Viewer = Annotated[Principal, Depends(Access("viewer", workspace=True))]
Analyst = Annotated[Principal, Depends(Access("analyst", workspace=True))]
NOT_READY = "not analysed yet: run `empathic analyze WORKSPACE` or POST /api/v1/w/{ws}/analyze"


def _ws(request: Request, principal: Principal) -> Any:
    return request.app.state.ctx.workspaces[principal.workspace]


def _on_store(fn: Any, *, settings: bool = False) -> Any:
    """A report read function (it takes the workspace's ``Store``, and its ``Settings`` when ``settings``) as a
    function of the workspace, under the same name (the cache key)."""

    @functools.wraps(fn)
    def read(ws: Any, *args: Any, **kwargs: Any) -> Any:
        return fn(ws.store, ws.settings, *args, **kwargs) if settings else fn(ws.store, *args, **kwargs)

    return read


def _read(request: Request, principal: Principal, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """``fn(ws, *args, **kwargs)`` through the workspace's read cache (invalidated on every server write)."""
    ctx = request.app.state.ctx
    ws = ctx.workspaces[principal.workspace]
    key = ("api", fn.__module__, fn.__name__, args, tuple(sorted(kwargs.items())))
    return ctx.cache.get(principal.workspace, key, lambda: fn(ws, *args, **kwargs))


def _answer(
    request: Request, principal: Principal, fn: Any, *args: Any, missing: tuple[int, str] | None = None, **kwargs: Any
) -> Response:
    """``fn(ws, …)`` as JSON, serialized once per cache generation (no per-request encoding of big answers).

    A ``None`` result means the stage has not run (409) or, with ``missing``, an unknown item (that status).
    """
    ctx = request.app.state.ctx
    ws = ctx.workspaces[principal.workspace]

    def compute() -> bytes | None:
        value = fn(ws, *args, **kwargs)
        return None if value is None else json.dumps(value, default=str, separators=(",", ":")).encode()

    key = ("json", fn.__module__, fn.__name__, args, tuple(sorted(kwargs.items())))
    body = ctx.cache.get(principal.workspace, key, compute)
    if body is None:
        status, detail = missing or (409, NOT_READY)
        raise HTTPException(status, detail)
    return Response(body, media_type="application/json")


def _ready(value: Any) -> Any:
    if value is None:
        raise HTTPException(409, NOT_READY)
    return value


class Me(BaseModel):
    username: str
    role: str
    workspaces: list[str]


class RenameBody(BaseModel):
    label: str = Field(min_length=1, max_length=200)


class JobRef(BaseModel):
    job_id: str
    url: str


@router.get("/me", response_model=Me)
def me(request: Request, principal: Annotated[Principal, Depends(Access("viewer"))]) -> Me:
    """Who am I, and which workspaces may I open."""
    user = principal.user
    assert user is not None
    names = sorted(w for w in request.app.state.ctx.workspaces if user.may_open(w))
    return Me(username=user.username, role=user.role, workspaces=names)


@router.get("/users")
def users(request: Request, principal: Annotated[Principal, Depends(Access("admin"))]) -> list[dict[str, Any]]:
    """Every account (admins only)."""
    return [
        {"username": u.username, "role": u.role, "all_workspaces": u.all_workspaces, "workspaces": sorted(u.workspaces)}
        for u in request.app.state.ctx.accounts.list_users()
    ]


@router.get("/w/{ws}/overview")
def overview(request: Request, principal: Viewer) -> dict[str, Any]:
    """Volume, scores with 95 % intervals, sentiment mix, top themes with impact, alerts, last runs."""
    return _answer(request, principal, _on_store(views.overview))


@router.get("/w/{ws}/themes", response_model=list[ThemeRow])
def themes(request: Request, principal: Viewer) -> list[dict[str, Any]]:
    """Every live theme (both levels) with counts, share, sentiment, impact and sparkline."""
    return _answer(request, principal, _on_store(views.themes_table))


@router.get("/w/{ws}/themes/{theme_id}")
def theme(request: Request, theme_id: str, principal: Viewer) -> dict[str, Any]:
    """One theme with subthemes, quotes, keywords, trend, segments, emotions and empathy map, and its team side:
    ``owner`` (team, person, status, since), ``status_history``, ``fix_effect`` and ``notes``."""
    _ready(_read(request, principal, _on_store(views.themes_table)))
    return _answer(request, principal, team_views.theme_with_team, theme_id, missing=(404, f"no theme {theme_id!r}"))


@router.post("/w/{ws}/themes/{theme_id}/rename")
def rename(request: Request, theme_id: str, body: RenameBody, principal: Analyst) -> dict[str, Any]:
    """Rename a theme (analysts); the edit is kept across re-analysis."""
    ws = _ws(request, principal)
    if views.theme_detail(ws.store, theme_id) is None:
        raise HTTPException(404, f"no theme {theme_id!r}")
    try:
        rename_theme(ws, theme_id, body.label, actor=principal.user.username if principal.user else None)
    finally:
        request.app.state.ctx.cache.invalidate(principal.workspace)
    return {"theme_id": theme_id, "label": body.label.strip()}


@router.get("/w/{ws}/comments", response_model=CommentsPage)
def comments(
    request: Request,
    principal: Viewer,
    theme: Annotated[str | None, Query(max_length=200)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    sentiment: Literal["negative", "neutral", "positive", "mixed"] | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 25,
) -> dict[str, Any]:
    """A page of comments (newest first) filtered by theme, text and sentiment, with highlight segments and notes."""
    return _answer(
        request,
        principal,
        team_views.comments_with_notes,
        theme_id=theme,
        q=q,
        sentiment=sentiment,
        page=page,
        page_size=page_size,
    )


@router.get("/w/{ws}/search", response_model=SearchResults)
def search(
    request: Request,
    principal: Viewer,
    q: Annotated[str, Query(min_length=1, max_length=500)],
    semantic: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    """Comments matching a query-language query (text or by meaning), with highlight segments and notes."""
    return _answer(request, principal, team_views.search_with_notes, q, semantic=semantic, limit=limit)


@router.get("/w/{ws}/segments")
def segments(
    request: Request, principal: Viewer, attribute: Annotated[str | None, Query(max_length=200)] = None
) -> dict[str, Any]:
    """Attributes and segment differences (significant first)."""
    return _answer(request, principal, _on_store(sections.segments), attribute=attribute)


@router.get("/w/{ws}/drivers", response_model=Drivers)
def drivers(request: Request, principal: Viewer) -> dict[str, Any]:
    """Theme impact on every score and key drivers."""
    return _answer(request, principal, _on_store(sections.drivers))


@router.get("/w/{ws}/compare")
def compare(
    request: Request,
    principal: Viewer,
    score: Annotated[str | None, Query(max_length=200)] = None,
    a: Annotated[str | None, Query(max_length=60, description="2022, 2023Q1, 2023-01 or A..B")] = None,
    b: Annotated[str | None, Query(max_length=60)] = None,
    last: Annotated[str | None, Query(max_length=10, description="30d or 12w: the last N vs the N before")] = None,
) -> dict[str, Any]:
    """Why the score moved between two periods: score change with interval, waterfall, themes that moved, quotes."""
    return _answer(request, principal, _on_store(sections.compare, settings=True), score=score, a=a, b=b, last=last)


@router.get("/w/{ws}/score-trend")
def score_trend(
    request: Request,
    principal: Viewer,
    score: Annotated[str | None, Query(max_length=200)] = None,
    grain: Annotated[Literal["day", "week", "month", "quarter", "year"] | None, Query()] = None,
) -> dict[str, Any]:
    """A score per period with its 95 % interval and n (null under the minimum n; the partial period flagged)."""
    return _answer(request, principal, _on_store(sections.score_trend, settings=True), score=score, grain=grain)


@router.get("/w/{ws}/provenance", response_model=Provenance)
def provenance(
    request: Request,
    principal: Viewer,
    stage: Annotated[str, Query(max_length=40, description="analytics (default), personas, feelings, themes …")] = (
        "analytics"
    ),
) -> dict[str, Any]:
    """Which runs and theme edits a stage's stored results came from; for analytics, also whether they are stale."""
    return _answer(request, principal, _provenance, stage)


def _provenance(ws: Any, stage: str) -> dict[str, Any] | None:
    from empathic.analytics import stored
    from empathic.stage import provenance_line

    found = ws.provenance(stage)
    if found is None:
        return None
    out = {**found, "text": provenance_line(found)}
    if stage == "analytics":
        out["stale"] = not stored.is_fresh(ws.store, ws.settings.analytics)
    return out


@router.get("/w/{ws}/trends")
def trends(request: Request, principal: Viewer) -> dict[str, Any]:
    """Theme volume and share per period."""
    return _answer(request, principal, _on_store(sections.trends))


@router.get("/w/{ws}/alerts")
def alerts(request: Request, principal: Viewer) -> list[dict[str, Any]]:
    """What changed: stored alerts, most severe first."""
    return _answer(request, principal, _on_store(views.alerts))


@router.get("/w/{ws}/ideas")
def ideas(request: Request, principal: Viewer) -> list[dict[str, Any]]:
    """Customer suggestions grouped by theme."""
    return _answer(request, principal, _on_store(sections.ideas, settings=True))


@router.get("/w/{ws}/personas")
def personas(request: Request, principal: Viewer) -> list[dict[str, Any]]:
    """Personas with traits, top themes, empathy maps, quotes and the notes on each."""
    return _answer(request, principal, team_views.personas_with_notes)


@router.get("/w/{ws}/usage")
def usage(request: Request, principal: Viewer) -> dict[str, Any]:
    """Customer status, feature adoption, retention, stickiness and time-of-day counts."""
    return _answer(request, principal, _on_store(sections.usage))


@router.get("/w/{ws}/customers")
def customers(request: Request, principal: Viewer) -> list[dict[str, Any]]:
    """The customers with the most comments."""
    return _answer(request, principal, _on_store(sections.customers))


@router.get("/w/{ws}/customers/{customer_id:path}")
def customer(request: Request, customer_id: str, principal: Viewer) -> dict[str, Any]:
    """One customer: attributes, comments (each with its notes), usage summary, persona and the notes on them."""
    return _answer(
        request, principal, team_views.customer_with_notes, customer_id, missing=(404, f"no customer {customer_id!r}")
    )


@router.post("/w/{ws}/analyze", response_model=JobRef, status_code=202)
def analyze(request: Request, principal: Analyst) -> JobRef:
    """Start an analysis job; poll ``/api/v1/w/{ws}/jobs/{job_id}`` for its progress."""
    ctx = request.app.state.ctx
    ws = _ws(request, principal)

    def job(progress: Any) -> str:
        return describe_results(ws.analyze(progress=progress))

    job_id = ctx.jobs.submit(principal.workspace, "analyze", principal.user.username, job)
    return JobRef(job_id=job_id, url=f"/api/v1/w/{principal.workspace}/jobs/{job_id}")


@router.get("/w/{ws}/jobs")
def jobs(request: Request, principal: Viewer) -> list[dict[str, Any]]:
    """The latest background jobs of the workspace."""
    return request.app.state.ctx.accounts.list_jobs(principal.workspace)


@router.get("/w/{ws}/jobs/{job_id}")
def job(request: Request, job_id: str, principal: Viewer) -> dict[str, Any]:
    """One job: status (queued/running/done/failed), progress per task, message."""
    found = request.app.state.ctx.accounts.get_job(job_id)
    if found is None or found["workspace"] != principal.workspace:
        raise HTTPException(404, f"no job {job_id!r}")
    return found
