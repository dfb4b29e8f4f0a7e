"""Theme edits for analysts: merge, split, delete and create-from-examples (rename lives in workflow.py).

They call the themes area's edit API (``ws.merge_themes`` …), which records each edit so it survives
re-analysis. Edits that re-assign comments can take a while on a big workspace, so they run as background jobs
and the browser lands on the job page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from empathic.activity import acting_as
from empathic.errors import InputError, StageError
from empathic.web.security import Access, Principal

router = APIRouter()
api_router = APIRouter(prefix="/api/v1", tags=["api"])
Analyst = Annotated[Principal, Depends(Access("analyst", workspace=True))]


def _edit_job(request: Request, principal: Principal, kind: str, method: str, *args: Any, **kwargs: Any) -> str:
    """Queue ``ws.<method>(*args, **kwargs)`` as a job; a clear error when this installation cannot edit themes."""
    ctx = request.app.state.ctx
    ws = ctx.workspaces[principal.workspace]
    edit: Callable[..., Any] | None = getattr(ws, method, None)
    if not callable(edit):
        raise StageError("theme editing is not available in this installation", hint="upgrade empathic")

    username = principal.user.username if principal.user else None

    def job(progress: Any) -> str:
        with acting_as(username):  # the themes API logs the edit (theme.merge …) signed by this user
            edit(*args, **kwargs)
        return f"{kind} done"

    return ctx.jobs.submit(principal.workspace, kind, username, job)


def _to_job(principal: Principal, job_id: str) -> Response:
    return RedirectResponse(f"/w/{principal.workspace}/jobs/{job_id}", status_code=303)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()][:50]


@router.post("/w/{ws}/themes/{theme_id}/merge")
def merge_form(
    request: Request, theme_id: str, principal: Analyst, into: Annotated[str, Form(min_length=1, max_length=200)]
) -> Response:
    if into == theme_id:
        raise InputError("a theme cannot be merged into itself", hint="choose another theme")
    return _to_job(
        principal, _edit_job(request, principal, "merge themes", "merge_themes", [into, theme_id], into=into)
    )


@router.post("/w/{ws}/themes/{theme_id}/split")
def split_form(
    request: Request, theme_id: str, principal: Analyst, n: Annotated[int, Form(ge=2, le=10)] = 2
) -> Response:
    return _to_job(principal, _edit_job(request, principal, "split theme", "split_theme", theme_id, n=n))


@router.post("/w/{ws}/themes/{theme_id}/delete")
def delete_form(request: Request, theme_id: str, principal: Analyst) -> Response:
    return _to_job(principal, _edit_job(request, principal, "delete theme", "delete_theme", theme_id))


@router.post("/w/{ws}/themes/create")
def create_form(
    request: Request,
    principal: Analyst,
    label: Annotated[str, Form(min_length=1, max_length=200)],
    examples: Annotated[str, Form(max_length=20_000)] = "",
    keywords: Annotated[str, Form(max_length=2_000)] = "",
) -> Response:
    words = [w.strip() for w in keywords.split(",") if w.strip()][:50]
    if not words and not _lines(examples):
        raise InputError("a new theme needs keywords or example comments", hint="give at least one of them")
    job_id = _edit_job(
        request, principal, "create theme", "create_theme", label.strip(), keywords=words, examples=_lines(examples)
    )
    return _to_job(principal, job_id)


class MergeBody(BaseModel):
    into: str = Field(min_length=1, max_length=200)


class CreateBody(BaseModel):
    label: str = Field(min_length=1, max_length=200)
    keywords: list[str] = Field(default_factory=list, max_length=50)
    examples: list[str] = Field(default_factory=list, max_length=50)


class EditJob(BaseModel):
    job_id: str
    url: str


def _job_ref(principal: Principal, job_id: str) -> EditJob:
    return EditJob(job_id=job_id, url=f"/api/v1/w/{principal.workspace}/jobs/{job_id}")


@api_router.post("/w/{ws}/themes/{theme_id}/merge", response_model=EditJob, status_code=202)
def merge_api(request: Request, theme_id: str, body: MergeBody, principal: Analyst) -> EditJob:
    """Merge this theme into ``into`` (a background job)."""
    if body.into == theme_id:
        raise InputError("a theme cannot be merged into itself", hint="choose another theme")
    job_id = _edit_job(request, principal, "merge themes", "merge_themes", [body.into, theme_id], into=body.into)
    return _job_ref(principal, job_id)


@api_router.post("/w/{ws}/themes/{theme_id}/split", response_model=EditJob, status_code=202)
def split_api(request: Request, theme_id: str, principal: Analyst, n: int = 2) -> EditJob:
    """Split a theme into ``n`` (2-10) parts by meaning (a background job)."""
    if not 2 <= n <= 10:
        raise InputError(f"cannot split into {n} parts", hint="choose 2 to 10")
    return _job_ref(principal, _edit_job(request, principal, "split theme", "split_theme", theme_id, n=n))


@api_router.post("/w/{ws}/themes/{theme_id}/delete", response_model=EditJob, status_code=202)
def delete_api(request: Request, theme_id: str, principal: Analyst) -> EditJob:
    """Delete a theme; its comments move to the next closest theme (a background job)."""
    return _job_ref(principal, _edit_job(request, principal, "delete theme", "delete_theme", theme_id))


@api_router.post("/w/{ws}/themes", response_model=EditJob, status_code=202)
def create_api(request: Request, body: CreateBody, principal: Analyst) -> EditJob:
    """Create a guided theme from keywords and/or example comments (a background job)."""
    if not body.keywords and not body.examples:
        raise InputError("a new theme needs keywords or example comments", hint="give at least one of them")
    job_id = _edit_job(
        request,
        principal,
        "create theme",
        "create_theme",
        body.label.strip(),
        keywords=body.keywords,
        examples=body.examples,
    )
    return _job_ref(principal, job_id)
