"""``empathic analyze`` and ``empathic demo``."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from empathic.cli.common import console, open_workspace, rich_progress
from empathic.stage import StageResult


def _print_results(results: list[StageResult]) -> None:
    table = Table(title="analysis")
    table.add_column("stage")
    table.add_column("result")
    for r in results:
        if r.skipped:
            table.add_row(r.stage, f"[dim]skipped: {r.message}[/dim]")
        else:
            counts = ", ".join(f"{k}: {v:,}" if isinstance(v, int) else f"{k}: {v}" for k, v in r.counts.items())
            table.add_row(r.stage, counts or r.message or "done")
    console.print(table)
    for r in results:
        for w in r.warnings:
            console.print(f"[yellow]warning[/yellow] ({r.stage}): {w}")


def analyze(
    workspace: Path = typer.Argument(..., help="Workspace file."),
    stage: list[str] = typer.Option(None, "--stage", help="Run only these stages (and what they need)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Run the analysis stages (sentences, themes, feelings, usage, drivers, personas …) and store the results.

    Examples:
      empathic analyze acme.empathic
      empathic analyze acme.empathic --stage themes
    """
    with open_workspace(workspace) as ws, rich_progress(not quiet) as progress:
        results = ws.analyze(stages=stage or None, progress=progress)
    _print_results(results)


def demo(
    folder: Path = typer.Argument(Path("empathic-demo"), help="Folder for the demo data and workspace."),
    example: str = typer.Option("reviews", "--example", help="reviews (bundled real reviews) or subscription."),
    limit: int | None = typer.Option(None, "--limit", help="Use only the first N reviews (a quick try)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Build a demo workspace from bundled data (offline) and run every analysis stage.

    Examples:
      empathic demo
      empathic demo /tmp/demo --limit 2000
      empathic demo --example subscription
    """
    from empathic.demo import build_demo

    with rich_progress(not quiet) as progress:
        result = build_demo(folder, example=example, limit=limit, progress=progress)
    for summary in result.ingests:
        console.print(f"[green]✓[/green] {summary}")
    _print_results(result.stages)
    ws = result.workspace
    console.print(f"\n[bold]Demo workspace:[/bold] {ws}\nWhat to look at next:")
    for line in NEXT_STEPS:
        console.print("  " + line.format(ws=ws))


NEXT_STEPS = (
    "empathic info {ws}                      what the workspace holds",
    "empathic themes {ws}                    what customers talk about",
    "empathic feelings {ws}                  how they feel",
    "empathic drivers {ws}                   which themes move the rating",
    "empathic segments {ws} --by 'Department Name'",
    "empathic search {ws} 'theme:fit AND Rating<=2'",
    "empathic report {ws} -o report.html     a self-contained report to share",
    "empathic serve {ws}                     the web app on http://127.0.0.1:8000",
    "empathic export {ws} comments -o comments.csv",
)


def register(app: typer.Typer) -> None:
    """Add ``analyze`` and ``demo``."""
    app.command("analyze")(analyze)
    app.command("demo")(demo)
