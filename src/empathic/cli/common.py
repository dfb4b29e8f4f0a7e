"""Shared CLI helpers: consoles, error rendering, the Rich progress bar, opening a workspace."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from empathic.errors import EmpathicError
from empathic.workspace import Workspace

console = Console()
err_console = Console(stderr=True)


def refresh_console_width() -> None:
    """Honour ``COLUMNS`` as it is now (Rich reads it once, when the console is created)."""
    import os

    columns = os.environ.get("COLUMNS", "")
    for c in (console, err_console):
        if columns.isdigit():
            c.width = int(columns)


def is_missing(value: object) -> bool:
    """True for None, NaN, NaT and pandas' NA: values a human should see as a dash or nothing, never as 'nan'."""
    if value is None:
        return True
    try:
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists, arrays: not a single missing value
        return False


def esc(value: object, missing: str = "") -> str:
    """A user string (column name, label, comment, path …) made safe for Rich markup, so it prints verbatim.

    Rich reads ``[bold]`` or ``[list]`` in a printed string as markup and drops it; every user string the CLI
    prints goes through here (issue 16/20). Missing values (None/NaN/NaT) become ``missing``.
    """
    return missing if is_missing(value) else escape(str(value))


def num(value: object, spec: str, missing: str = "–") -> str:
    """``format(value, spec)`` for a number a person reads; a missing one (None/NaN/NaT) is ``missing``, never 'nan'."""
    return missing if is_missing(value) else format(value, spec)


def render_error(exc: EmpathicError) -> None:
    """Print ``error:``/``where:``/``hint:`` lines on stderr (never a traceback); user text prints verbatim."""
    err_console.print(f"[bold red]error:[/bold red] {esc(exc.message)}", highlight=False, markup=True, soft_wrap=True)
    if exc.where:
        err_console.print(f"[bold]where:[/bold] {esc(exc.where)}", highlight=False, soft_wrap=True)
    if exc.hint:
        err_console.print(f"[bold]hint:[/bold] {esc(exc.hint)}", highlight=False, soft_wrap=True)


@contextmanager
def rich_progress(enabled: bool = True) -> Iterator[object]:
    """A ``Progress`` callable backed by a Rich progress bar with one row per task."""
    if not enabled:
        yield lambda task, done, total: None
        return
    bar = Progress(
        TextColumn("[bold blue]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
    )
    tasks: dict[str, int] = {}

    def update(task: str, done: int, total: int | None) -> None:
        if task not in tasks:
            tasks[task] = bar.add_task(escape(task), total=total)  # the column formats it into markup
        bar.update(tasks[task], completed=done, total=total)

    with bar:
        yield update


def open_workspace(path: Path, *, create: bool = False, read_only: bool = False) -> Workspace:
    """Open a workspace for a command; missing files are an error unless the command creates them.

    A read-only command on a workspace another program holds (``empathic serve``) reads a snapshot, and says so.
    """
    ws = Workspace.open(path, create=create, read_only=read_only, snapshot_if_locked=read_only)
    if getattr(ws.store, "is_snapshot", False):
        holder = f" (process {ws.store.holder})" if ws.store.holder else ""
        err_console.print(
            f"[yellow]note:[/yellow] {esc(path)} is in use by another program{holder}, e.g. `empathic serve`; "
            f"showing a snapshot taken at {ws.store.taken_at:%H:%M:%S} (later changes are not in it)",
            highlight=False,
            soft_wrap=True,
        )
    return ws


def stage_results_line(ws: Workspace, stage: str, workspace: Path) -> str | None:
    """The dim line under a command that shows one stage's stored results (personas, feelings …): the run they come
    from, the runs it read and the theme edits its themes carry, so a number can be traced; or, when those results
    are stale (a stage they read ran again, the settings or the data changed), why, and the one command that
    refreshes them. ``None`` before the stage's first successful run.

    The same lineage as the web pages and REST ``/provenance`` (:func:`empathic.stage.run_provenance`)."""
    from empathic import pipeline
    from empathic.stage import provenance_line, run_provenance, settings_sections, stale_reason

    declared = pipeline.declarations()[stage]
    text = provenance_line(run_provenance(ws.store, declared))
    if text is None:
        return None
    reason = stale_reason(ws.store, declared, settings_sections(declared, ws.settings.model_dump(mode="json")))
    if reason is None:
        return f"[dim]results from {esc(text)}[/dim]"
    return (
        f"[yellow]stale[/yellow]: results from {esc(text)}, but {esc(reason)} — run "
        f"`empathic analyze {esc(str(workspace))} --stage {stage}` to refresh them"
    )
