"""Shared CLI helpers: consoles, error rendering, the Rich progress bar, opening a workspace."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
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


def render_error(exc: EmpathicError) -> None:
    """Print ``error:``/``where:``/``hint:`` lines on stderr (never a traceback)."""
    err_console.print(f"[bold red]error:[/bold red] {exc.message}", highlight=False, markup=True, soft_wrap=True)
    if exc.where:
        err_console.print(f"[bold]where:[/bold] {exc.where}", highlight=False, soft_wrap=True)
    if exc.hint:
        err_console.print(f"[bold]hint:[/bold] {exc.hint}", highlight=False, soft_wrap=True)


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
            tasks[task] = bar.add_task(task, total=total)
        bar.update(tasks[task], completed=done, total=total)

    with bar:
        yield update


def open_workspace(path: Path, *, create: bool = False, read_only: bool = False) -> Workspace:
    """Open a workspace for a command; missing files are an error unless the command creates them."""
    return Workspace.open(path, create=create, read_only=read_only)
