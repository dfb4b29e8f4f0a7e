"""Privacy on the server: forget a customer (admins, REST and a page), and the comments export as CSV.

Forgetting runs as a background job on the served workspace (``Workspace.forget``: rows, quotes, cached vectors,
recompute, compaction); the job message and the page show counts and the keyed hash, never the id. Every
response of these routes passes through the PII masking of :mod:`empathic.web.masking` like any other.
"""

from __future__ import annotations

import io
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from empathic.errors import InputError
from empathic.privacy.read import forget_log, redaction_counts, redaction_note
from empathic.web.security import Access, Principal
from empathic.web.views import render

router = APIRouter()
api_router = APIRouter(prefix="/api/v1", tags=["privacy"])
Admin = Annotated[Principal, Depends(Access("admin", workspace=True))]
Viewer = Annotated[Principal, Depends(Access("viewer", workspace=True))]


class ForgetRequest(BaseModel):
    customer_id: str = Field(min_length=1, max_length=512)
    recompute: bool = True


class ForgetJob(BaseModel):
    job_id: str
    url: str


def _submit_forget(request: Request, principal: Principal, customer_id: str, recompute: bool) -> str:
    if not customer_id.strip():
        raise InputError("no customer id given", hint="give the customer id as it appears in your files")
    ctx = request.app.state.ctx
    ws = ctx.workspaces[principal.workspace]

    def job(progress: Any) -> str:
        result = ws.forget(customer_id, recompute=recompute, progress=progress)
        if not result.found:
            return f"nothing found for that customer (logged as {result.subject_hash})"
        removed = ", ".join(f"{t} {n:,}" for t, n in sorted(result.rows_removed.items()) if n)
        return (
            f"forgotten ({result.subject_hash}): {removed}; quotes scrubbed {result.quotes_scrubbed:,}; "
            f"recomputed: {', '.join(result.recomputed) or 'nothing'}"
        )

    return ctx.jobs.submit(principal.workspace, "forget", principal.user.username, job)


@api_router.post("/w/{ws}/forget", response_model=ForgetJob, status_code=202)
def forget_api(request: Request, body: ForgetRequest, principal: Admin) -> ForgetJob:
    """Forget a customer (admins): start the job; poll ``url`` for its progress and counts."""
    job_id = _submit_forget(request, principal, body.customer_id, body.recompute)
    return ForgetJob(job_id=job_id, url=f"/api/v1/w/{principal.workspace}/jobs/{job_id}")


@router.get("/w/{ws}/privacy", response_class=HTMLResponse)
def privacy_page(request: Request, principal: Admin) -> Response:
    """What was redacted on ingest (counts per kind), the forget log (hashes and counts), and the forget form."""
    store = request.app.state.ctx.workspaces[principal.workspace].store
    context = {
        "note": redaction_note(store),
        "counts": redaction_counts(store).to_dict("records"),
        "log": forget_log(store).to_dict("records"),
    }
    return render(request, principal, "privacy.html", context)


@router.post("/w/{ws}/forget")
async def forget_form(request: Request, principal: Admin) -> Response:
    form = await request.form()
    job_id = _submit_forget(request, principal, str(form.get("customer_id", "")), form.get("recompute", "1") == "1")
    return RedirectResponse(f"/w/{principal.workspace}/jobs/{job_id}", status_code=303)


@api_router.get("/w/{ws}/export/comments.csv")
def export_comments(request: Request, principal: Viewer) -> Response:
    """Every comment with its annotations, as ``empathic export WS comments`` writes it (formulas neutralised)."""
    from empathic.report.export import neutralise_frame

    ws = request.app.state.ctx.workspaces[principal.workspace]
    out = io.StringIO()
    neutralise_frame(ws.comments()).to_csv(out, index=False, lineterminator="\r\n")
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{principal.workspace}-comments.csv"'},
    )
