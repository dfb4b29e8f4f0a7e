"""Analyst actions: upload a file, confirm its mapping, ingest + analyse as a background job, edit themes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from empathic.activity import acting_as
from empathic.comments import comments_frame
from empathic.errors import InputError, StageError
from empathic.web.gate import accepts_upload
from empathic.web.security import Access, Principal
from empathic.web.views import render
from empathic.web.wording import web_wording

router = APIRouter()

#: Roles a column can be given on the mapping page (feedback files), mapped to ``ws.ingest`` keywords.
COLUMN_ROLES = ("ignore", "text", "title", "id", "customer", "date", "score", "attr")
#: Single-column roles: one not chosen on the page is unset (``customer="none"``), so ingest does not infer it again.
SINGLE_ROLES = ("title", "id", "customer", "date")
#: The kind offered for each score column ("auto": what inference decided).
SCORE_KINDS = ("auto", "nps", "csat", "rating", "recommend", "number")
#: Rows of the upload shown as they will be stored.
PREVIEW_ROWS = 5
#: Above this many rows the preview reads a sample of the first rows only (the ingest itself reads everything).
PREVIEW_MAX_ROWS = 20_000
Analyst = Annotated[Principal, Depends(Access("analyst", workspace=True))]


def safe_filename(name: str) -> str:
    """A file-system-safe version of an uploaded file's name (the original is only ever shown escaped)."""
    base = Path(name.replace("\\", "/")).name
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._") or "upload"
    return stem[-120:]


@router.get("/w/{ws}/upload", response_class=HTMLResponse)
def upload_page(request: Request, principal: Analyst) -> Response:
    from empathic.ingest.profiles import builtin_profiles

    jobs = request.app.state.ctx.accounts.list_jobs(principal.workspace)
    return render(request, principal, "upload.html", {"jobs": jobs, "sources": sorted(builtin_profiles())})


def read_options(source: Any, header_rows: Any, skip_rows: Any = "") -> dict[str, Any]:
    """The upload form's "exported from", "header rows" and "skip rows" as ingest keyword arguments (blank =
    detect / none)."""
    out: dict[str, Any] = {}
    if str(source or "").strip():
        out["source"] = str(source).strip()
    for key, value, hint in (
        ("header_rows", header_rows, "give 1 to 20, or leave it blank"),
        ("skip_rows", skip_rows, "give the number of lines above the header, or leave it blank"),
    ):
        rows = str(value or "").strip()
        if rows:
            if not rows.isdigit():
                raise InputError(f"{key.replace('_', ' ')} {rows!r} is not a number", hint=hint)
            if key == "header_rows" or int(rows):
                out[key] = int(rows)
    return out


@router.post("/w/{ws}/upload", response_class=HTMLResponse)
@accepts_upload
def upload(
    request: Request,
    principal: Analyst,
    file: UploadFile,
    source: Annotated[str, Form(max_length=40)] = "",
    header_rows: Annotated[str, Form(max_length=4)] = "",
    skip_rows: Annotated[str, Form(max_length=6)] = "",
) -> Response:
    """Save the file, infer its mapping and show it for confirmation (nothing is ingested yet).

    The request gate has already checked the caller and capped the body at ``web.max_upload_mb`` while it
    streamed; the upload's folder is removed again if inspecting it fails.
    """
    from empathic.ingest.inspect import inspect

    ctx = request.app.state.ctx
    upload_id, folder = ctx.uploads.new()
    try:
        target = folder / safe_filename(file.filename or "upload.csv")
        with target.open("wb") as out:
            shutil.copyfileobj(file.file, out, length=1024 * 1024)
        options = read_options(source, header_rows, skip_rows)
        try:
            inspection = inspect(target, settings=ctx.workspaces[principal.workspace].settings.ingest, **options)
        except InputError as exc:  # e.g. no column looks like text: show the columns and let the user choose
            inspection = _columns_only(target, exc, options)
        preview, preview_note = _preview(ctx, principal.workspace, target, inspection, options)
    except BaseException:
        ctx.uploads.remove(folder)
        raise
    inspection.warnings = [web_wording(ctx.redact(w)) for w in inspection.warnings]
    inspection.problems = [web_wording(ctx.redact(p)) for p in inspection.problems]
    roles = _default_roles(inspection)
    context = {
        "upload_id": upload_id,
        "filename": file.filename or "",
        "inspection": inspection,
        "roles": roles,
        "column_roles": COLUMN_ROLES,
        "score_kinds": SCORE_KINDS,
        "kinds": {sc.column: sc.kind for sc in inspection.mapping.scores},
        "options": options,
        "preview": preview,
        "preview_note": web_wording(ctx.redact(preview_note)),
    }
    return render(request, principal, "mapping.html", context)


def _preview(ctx: Any, workspace: str, path: Path, inspection: Any, options: dict[str, Any]) -> tuple[Any, str]:
    """The first rows as ingest will store them with the inferred roles — text joined, dates parsed, words read as
    scores, PII redacted under the workspace's setting — from a throw-away in-memory ingest; or why there is none."""
    from empathic.ingest.load import ingest
    from empathic.store import Store

    if not inspection.mapping.text:
        return None, "no preview until a column is chosen as text"
    if inspection.n_rows > PREVIEW_MAX_ROWS:
        return None, f"no preview for a file of {inspection.n_rows:,} rows; the mapping below is what will be used"
    settings = ctx.workspaces[workspace].settings.ingest.model_copy(update={"pseudonymize_ids": False})
    store = Store(":memory:")
    try:
        ingest(store, str(path), kind="feedback", settings=settings, **options)
        frame = comments_frame(store, limit=PREVIEW_ROWS)
    except InputError as exc:
        return None, f"no preview: {exc.message}"
    finally:
        store.close()
    return frame.astype(object).where(frame.notna(), "").astype(str).to_dict("split"), ""


def _columns_only(path: Path, problem: InputError, options: dict[str, Any] | None = None) -> Any:
    """A minimal inspection (columns, samples, the problem) when role inference gave up."""
    import duckdb

    from empathic.ingest.mapping import Mapping
    from empathic.ingest.readers import read_source
    from empathic.store import ident

    con = duckdb.connect()
    try:
        raw = read_source(con, path, skip_rows=int((options or {}).get("skip_rows", 0)))
        samples = {
            c: [
                str(v[0])
                for v in con.execute(
                    f"SELECT left({ident(c)}, 60) FROM {ident(raw.name)} ORDER BY __row LIMIT 3"
                ).fetchall()
            ]
            for c in raw.columns
        }
    finally:
        con.close()
    return SimpleNamespace(
        n_rows=raw.n_rows,
        file_format=raw.file_format,
        encoding=raw.encoding,
        warnings=[],
        problems=[f"{problem.message} — choose the roles below"],
        samples=samples,
        mapping=Mapping(),
    )


def _default_roles(inspection: Any) -> dict[str, str]:
    """Column → one of COLUMN_ROLES from the inferred mapping."""
    m = inspection.mapping
    out = {c: "ignore" for c in inspection.samples}
    for c in m.text:
        out[c] = "text"
    for role in ("title", "id", "customer", "date"):
        if getattr(m, role):
            out[getattr(m, role)] = role
    for s in m.scores:
        out[s.column] = "score"
    for a in m.attrs:
        out[a] = "attr"
    return out


@router.post("/w/{ws}/ingest")
async def confirm_ingest(request: Request, principal: Analyst) -> Response:
    """Ingest the uploaded file with the confirmed roles, then analyse: one background job."""
    form = await request.form()
    ctx = request.app.state.ctx
    path = ctx.uploads.file(str(form.get("upload_id", "")))
    roles: dict[str, Any] = {"text": [], "score": [], "attr": [], "ignore": []}
    kinds = {k[5:]: str(v) for k, v in form.multi_items() if k.startswith("kind:") and v in SCORE_KINDS}
    for key, value in form.multi_items():
        if key.startswith("role:") and value in COLUMN_ROLES:
            column = key[5:]
            if value == "score" and kinds.get(column, "auto") != "auto":
                roles["score"].append(f"{column}:{kinds[column]}")
            elif value in ("text", "score", "attr", "ignore"):
                roles[value].append(column)
            elif value in roles:
                raise InputError(f"two columns chosen as {value}", hint=f"give the role '{value}' to one column only")
            else:
                roles[value] = column
    if not roles["text"]:
        raise InputError("no text column chosen", hint="give at least one column the role 'text'")
    roles = {k: v for k, v in roles.items() if v not in ([], None, "")}
    for role in SINGLE_ROLES:  # what the page left unchosen stays unset: ingest must not infer it behind their back
        roles.setdefault(role, "none")
    if "score" in roles:  # every column has a role on the page: nothing is left for inference to add
        roles["only_scores"] = True
    roles.update(read_options(form.get("source"), form.get("header_rows"), form.get("skip_rows")))
    ws = ctx.workspaces[principal.workspace]

    def job(progress: Any) -> str:
        try:
            summary = ws.ingest(str(path), kind="feedback", progress=progress, **roles)
        finally:  # done or failed, the upload has served its purpose
            ctx.uploads.remove(path.parent)
        results = ws.analyze(progress=progress)
        warnings = [f"ingest: {w}" for w in getattr(summary, "warnings", [])]
        return f"{summary}\n{describe_results(results, warnings)}"

    job_id = ctx.jobs.submit(principal.workspace, "ingest+analyze", principal.user.username, job)
    return RedirectResponse(f"/w/{principal.workspace}/jobs/{job_id}", status_code=303)


@router.post("/w/{ws}/analyze")
def start_analysis(request: Request, principal: Analyst) -> Response:
    ctx = request.app.state.ctx
    ws = ctx.workspaces[principal.workspace]

    def job(progress: Any) -> str:
        results = ws.analyze(progress=progress)
        return describe_results(results)

    job_id = ctx.jobs.submit(principal.workspace, "analyze", principal.user.username, job)
    return RedirectResponse(f"/w/{principal.workspace}/jobs/{job_id}", status_code=303)


@router.post("/w/{ws}/refresh")
def refresh_results(request: Request, principal: Analyst) -> Response:
    """The stale banner's one action: re-run the analytics stage (seconds) so its stored results follow the themes."""
    ctx = request.app.state.ctx
    ws = ctx.workspaces[principal.workspace]

    def job(progress: Any) -> str:
        return describe_results(ws.analyze(stages=["analytics"], progress=progress))

    job_id = ctx.jobs.submit(principal.workspace, "refresh results", principal.user.username, job)
    return RedirectResponse(f"/w/{principal.workspace}/jobs/{job_id}", status_code=303)


def describe_results(results: list[Any], warnings: list[str] | None = None) -> str:
    """The job message: each stage's outcome, then every warning (weak data warns, it does not fail)."""
    lines = [f"{r.stage}: {'skipped — ' + r.message if r.skipped else (r.message or 'done')}" for r in results]
    notes = list(warnings or []) + [f"{r.stage}: {w}" for r in results for w in r.warnings]
    return "\n".join(lines + [f"warning — {w}" for w in notes])


@router.get("/w/{ws}/jobs/{job_id}", response_class=HTMLResponse)
def job_page(
    request: Request, job_id: str, principal: Annotated[Principal, Depends(Access("viewer", workspace=True))]
) -> Response:
    job = request.app.state.ctx.accounts.get_job(job_id)
    if job is None or job["workspace"] != principal.workspace:
        raise HTTPException(404, f"no job {job_id!r}")
    return render(request, principal, "job.html", {"job": job})


@router.post("/w/{ws}/scores/{score:path}/rename")
def rename_score_form(
    request: Request, score: str, principal: Analyst, display_name: Annotated[str, Form(max_length=200)] = ""
) -> Response:
    """Give a score column the name people know it by ("Q1" → "Likelihood to recommend"; empty: back to the
    column name). Every page, the report and the exports use it; the change is in the activity log."""
    ctx = request.app.state.ctx
    try:
        with acting_as(principal.user.username if principal.user else None):  # the API logs score.rename
            ctx.workspaces[principal.workspace].rename_score(score, display_name)
    finally:
        ctx.cache.invalidate(principal.workspace)
    return RedirectResponse(f"/w/{principal.workspace}/overview", status_code=303)


@router.post("/w/{ws}/themes/{theme_id}/rename")
def rename_theme_form(
    request: Request, theme_id: str, principal: Analyst, label: Annotated[str, Form(min_length=1, max_length=200)]
) -> Response:
    ctx = request.app.state.ctx
    try:
        actor = principal.user.username if principal.user else None
        rename_theme(ctx.workspaces[principal.workspace], theme_id, label, actor=actor)
    finally:
        ctx.cache.invalidate(principal.workspace)
    return RedirectResponse(f"/w/{principal.workspace}/themes/{theme_id}", status_code=303)


def rename_theme(ws: Any, theme_id: str, label: str, *, actor: str | None = None) -> None:
    """Rename through the themes area's edit API (kept across re-analysis), with a clear error if it is absent;
    the rename is recorded in the activity log."""
    label = label.strip()
    if not label:
        raise InputError("a theme name cannot be empty", hint="type a name")
    if not callable(getattr(ws, "rename_theme", None)):
        raise StageError("theme editing is not available in this installation", hint="upgrade empathic")
    with acting_as(actor):  # the themes API logs the rename (theme.rename), signed by this user
        ws.rename_theme(theme_id, label)


@router.get("/w/{ws}/report", response_class=HTMLResponse)
def report(request: Request, principal: Annotated[Principal, Depends(Access("viewer", workspace=True))]) -> Response:
    """The same self-contained report that ``empathic report`` writes."""
    from empathic.report.html import render_report

    ws = request.app.state.ctx.workspaces[principal.workspace]
    html = render_report(ws.store, ws.settings)
    return HTMLResponse(html, headers={"Content-Disposition": 'inline; filename="report.html"'})
