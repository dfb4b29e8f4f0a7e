"""Analyst corrections of sentiment and intent: REST under ``/api/v1`` and the small form on every verbatim.

Viewers list corrections; analysts and admins make them (``Access("analyst")``), cookie-authenticated writes carry
the CSRF token, and every correction is recorded with its author in the team activity log (through
``Workspace.correct``). A correction is applied at the next feelings run, so the read cache is invalidated and the
feelings pages show their stale banner until then.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from empathic.errors import InputError
from empathic.feelings.corrections import UnknownComment
from empathic.web.security import Access, Principal

router = APIRouter()
api_router = APIRouter(prefix="/api/v1", tags=["api"])
Viewer = Annotated[Principal, Depends(Access("viewer", workspace=True))]
Analyst = Annotated[Principal, Depends(Access("analyst", workspace=True))]
Sentiment = Literal["positive", "neutral", "mixed", "negative"]


class CorrectionBody(BaseModel):
    feedback_id: str = Field(min_length=1, max_length=500, description="The comment's id.")
    sentence_idx: int | None = Field(default=None, ge=0, le=100_000, description="One sentence (0 = first), or none.")
    sentiment: Sentiment | None = None
    intent: str | None = Field(
        default=None,
        max_length=200,
        description="bug, request, complaint, praise, question, churn or other; ';'-joined",
    )


@contextmanager
def correction_errors() -> Iterator[None]:
    """Unknown comments answer 404, unusable values 422 (with the library's message and hint)."""
    try:
        yield
    except UnknownComment as exc:
        raise HTTPException(404, exc.message) from None
    except InputError as exc:
        raise HTTPException(422, exc.message + (f" ({exc.hint})" if exc.hint else "")) from None


def _correct(request: Request, principal: Principal, body: CorrectionBody) -> dict[str, Any]:
    ws = request.app.state.ctx.workspaces[principal.workspace]
    assert principal.user is not None  # Access("analyst") admitted a signed-in user
    with correction_errors():
        row = ws.correct(
            body.feedback_id,
            sentence_idx=body.sentence_idx,
            sentiment=body.sentiment,
            intent=body.intent,
            author=principal.user.username,
        )
    request.app.state.ctx.cache.invalidate(principal.workspace)
    return {**row, "created_at": str(row["created_at"])}


@api_router.get("/w/{ws}/corrections")
def corrections_api(
    request: Request,
    principal: Viewer,
    feedback_id: Annotated[str | None, Query(max_length=500)] = None,
) -> list[dict[str, Any]]:
    """The analysts' corrections (who, when, what), oldest first; ``feedback_id`` narrows to one comment."""
    table = request.app.state.ctx.workspaces[principal.workspace].corrections(feedback_id)
    return [
        {k: (None if v != v else str(v) if k == "created_at" else v) for k, v in r.items()}  # NaN → None
        for r in table.astype(object).to_dict("records")
    ]


@api_router.post("/w/{ws}/corrections", status_code=201)
def correct_api(request: Request, body: CorrectionBody, principal: Analyst) -> dict[str, Any]:
    """Correct a comment's (or sentence's) sentiment and/or intent; applied at the next feelings run and kept."""
    return _correct(request, principal, body)


def _back(ws: str, next_url: str | None) -> str:
    """Where the form returns: the page it was sent from when that is a page of this workspace, else verbatims."""
    prefix = f"/w/{ws}/"
    if next_url and next_url.startswith(prefix) and "//" not in next_url and "\\" not in next_url:
        return next_url
    return f"/w/{ws}/verbatims"


@router.post("/w/{ws}/corrections")
def correct_form(
    request: Request,
    principal: Analyst,
    feedback_id: Annotated[str, Form(min_length=1, max_length=500)],
    sentiment: Annotated[str, Form(max_length=20)] = "",
    intent: Annotated[str, Form(max_length=200)] = "",
    next_url: Annotated[str, Form(alias="next", max_length=2000)] = "",
) -> Response:
    if sentiment and sentiment not in ("positive", "neutral", "mixed", "negative"):
        raise HTTPException(422, f"unknown sentiment {sentiment!r}")
    body = CorrectionBody(feedback_id=feedback_id, sentiment=sentiment or None, intent=intent or None)  # type: ignore[arg-type]
    _correct(request, principal, body)
    return RedirectResponse(_back(principal.workspace or "", next_url), status_code=303)
