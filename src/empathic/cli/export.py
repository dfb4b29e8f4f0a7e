"""``empathic export WORKSPACE comments|themes|drivers|segments|usage|personas|customers -o out.csv|.xlsx|…``."""

from __future__ import annotations

from pathlib import Path

import typer

from empathic.cli.common import console, esc, open_workspace


def export(
    workspace: Path = typer.Argument(..., help="Workspace file."),
    what: str = typer.Argument(..., help="comments, themes, drivers, segments, usage, personas or customers."),
    output: Path = typer.Option(..., "-o", "--output", help="Output file; the suffix picks the format."),
    fmt: str | None = typer.Option(None, "--format", help="csv, xlsx, parquet, json or jsonl (default: by suffix)."),
) -> None:
    """Export results. CSV/XLSX cells that spreadsheets would run as formulas are neutralised.

    Examples:
      empathic export acme.empathic comments -o comments.xlsx
      empathic export acme.empathic customers -o customers.csv
    """
    with open_workspace(workspace, read_only=True) as ws:
        n = ws.export(what, output, fmt=fmt)
    console.print(f"wrote {n:,} row{'' if n == 1 else 's'} to {esc(output)}")


def register(app: typer.Typer) -> None:
    """Add ``empathic export``."""
    app.command("export")(export)
