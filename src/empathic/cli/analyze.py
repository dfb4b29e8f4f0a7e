"""``empathic analyze`` and ``empathic demo``."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from empathic.cli.common import console, esc, open_workspace, rich_progress
from empathic.engine import LOCAL, Engine, use_engine
from empathic.errors import InputError
from empathic.stage import StageResult


def _print_results(results: list[StageResult]) -> None:
    table = Table(title="analysis")
    table.add_column("stage")
    table.add_column("result")
    for r in results:
        if r.skipped:
            table.add_row(esc(r.stage), f"[dim]skipped: {esc(r.message)}[/dim]")
        else:
            counts = ", ".join(f"{k}: {v:,}" if isinstance(v, int) else f"{k}: {v}" for k, v in r.counts.items())
            table.add_row(esc(r.stage), esc(counts or r.message or "done"))
    console.print(table)
    for r in results:
        for w in r.warnings:
            console.print(f"[yellow]warning[/yellow] ({esc(r.stage)}): {esc(w)}")


def analyze(
    workspace: Path = typer.Argument(..., help="Workspace file."),
    stage: list[str] = typer.Option(None, "--stage", help="Run only these stages (and what they need)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    engine: str = typer.Option(
        "local", "--engine", help="local (this process) or spark (per-row work on Spark executors; same results)."
    ),
    master: str = typer.Option(
        "local[*]", "--master", help="Spark master URL for --engine spark (local[*], spark://host:7077, yarn …)."
    ),
) -> None:
    """Run the analysis stages (sentences, themes, feelings, usage, drivers, personas …) and store the results.

    Examples:
      empathic analyze acme.empathic
      empathic analyze acme.empathic --stage themes
      empathic analyze acme.empathic --engine spark --master local[4]
    """
    chosen = _engine(engine, master)
    with open_workspace(workspace) as ws, rich_progress(not quiet) as progress, use_engine(chosen):
        results = ws.analyze(stages=stage or None, progress=progress)
    _print_results(results)


def _engine(name: str, master: str) -> Engine:
    """The engine named on the command line (Spark starts here, before the workspace opens)."""
    if name == "local":
        return LOCAL
    if name != "spark":
        raise InputError(f"unknown engine {name!r}", hint="choose --engine local or --engine spark")
    from empathic.scale.spark import SparkEngine, spark_session

    return SparkEngine(spark_session(master))


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
        console.print(f"[green]✓[/green] {esc(summary)}")
    _print_results(result.stages)
    console.print(f"\n[bold]Demo workspace:[/bold] {esc(result.workspace)}\nWhat to look at next (WS = that path):")
    grid = Table.grid(padding=(0, 2))
    for command, why in NEXT_STEPS_BY_EXAMPLE.get(example, NEXT_STEPS):
        grid.add_row(f"  [bold]{command}[/bold]", f"[dim]{why}[/dim]")
    console.print(grid)


NEXT_STEPS = (
    ("empathic info WS", "what the workspace holds"),
    ("empathic themes WS", "what customers talk about"),
    ("empathic feelings WS", "how they feel"),
    ("empathic drivers WS", "which themes move the rating"),
    ("empathic segments WS --by 'Department Name'", "how departments differ"),
    ("empathic search WS 'Rating<=2 AND \"zipper\"'", "find verbatims"),
    ("empathic report WS -o report.html", "a self-contained report to share"),
    ("empathic serve WS", "the web app on http://127.0.0.1:8000"),
    ("empathic export WS comments -o comments.csv", "every comment with its annotations"),
)


#: The subscription demo has NPS, dates, customers and events but no department or rating: steps that work on it.
SUBSCRIPTION_NEXT_STEPS = (
    ("empathic info WS", "what the workspace holds"),
    ("empathic themes WS", "what customers talk about"),
    ("empathic alerts WS", "what changed last month"),
    ("empathic compare WS --score nps --last 30d", "why NPS moved: the last 30 days vs the 30 before"),
    ("empathic drivers WS --score nps", "which themes move NPS, both ways"),
    ("empathic usage WS", "retention, features, time of day"),
    ("empathic personas WS", "who the customers are"),
    ("empathic search WS 'nps<=6 AND price'", "find verbatims"),
    ("empathic report WS -o report.html", "a self-contained report to share"),
    ("empathic serve WS", "the web app on http://127.0.0.1:8000"),
)
NEXT_STEPS_BY_EXAMPLE = {"reviews": NEXT_STEPS, "subscription": SUBSCRIPTION_NEXT_STEPS}


def register(app: typer.Typer) -> None:
    """Add ``analyze`` and ``demo``."""
    app.command("analyze")(analyze)
    app.command("demo")(demo)
