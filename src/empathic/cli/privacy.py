"""``empathic forget`` and the privacy parts of ``inspect``, ``ingest`` and ``info``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer
from rich.table import Table

from empathic.cli.common import console, rich_progress
from empathic.config import load_settings
from empathic.errors import InputError
from empathic.ingest.settings import IngestSettings
from empathic.privacy.forget import forget_customer
from empathic.privacy.read import redaction_counts, redaction_modes
from empathic.store import Store
from empathic.text.pii import MODES


def privacy_overrides(
    base: IngestSettings, redact_pii: str | None, pii_patterns: list[str] | None, pseudonymize_ids: bool | None
) -> IngestSettings:
    """The ingest settings with the privacy flags of one command applied (flags win over empathic.toml)."""
    update: dict = {}
    if redact_pii is not None:
        if redact_pii not in MODES:
            raise InputError(f"--redact-pii {redact_pii!r} is not a mode", hint=f"choose one of: {', '.join(MODES)}")
        update["redact_pii"] = redact_pii
    if pii_patterns:
        update["pii_patterns"] = [*base.pii_patterns, *pii_patterns]
    if pseudonymize_ids is not None:
        update["pseudonymize_ids"] = pseudonymize_ids
    return base.model_copy(update=update) if update else base


def print_pii_setting(workspace: Path | None = None) -> None:
    """One line for ``inspect``: what ingest will do with PII under the current settings."""
    s = load_settings(workspace).ingest
    extra = f", custom patterns: {', '.join(s.pii_patterns)}" if s.pii_patterns else ""
    pseudo = ", customer ids pseudonymised" if s.pseudonymize_ids else ""
    console.print(
        f"PII redaction on ingest: [bold]{s.redact_pii}[/bold]{extra}{pseudo} "
        "(default structured; change with --redact-pii all|structured|none or [ingest] redact_pii in empathic.toml)"
    )


def redaction_summary(store: Store) -> tuple[dict[str, int], pd.DataFrame]:
    """(sources per redaction mode, counts per kind), read while the workspace is open."""
    return redaction_modes(store), redaction_counts(store)


def print_redactions(modes: dict[str, int], counts: pd.DataFrame) -> None:
    """For ``info``: how many PII findings of each kind ingest replaced (counts, never values)."""
    if not modes:
        return
    console.print("PII redaction: " + ", ".join(f"{m} ({n} source{'s' if n != 1 else ''})" for m, n in modes.items()))
    if len(counts):
        t = Table(title="PII redacted on ingest")
        for col in ("kind", "n", "mode"):
            t.add_column(col, justify="right" if col == "n" else "left")
        for row in counts.itertuples(index=False):
            t.add_row(f"[{row.kind}]", f"{row.n:,}", row.mode)
        console.print(t)


def forget(
    workspace: Path = typer.Argument(..., help="Workspace file."),
    customer: str = typer.Option(..., "--customer", help="The customer id to forget (as in your files)."),
    recompute: bool = typer.Option(True, "--recompute/--no-recompute", help="Re-run the stages that had run."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Forget a customer: their feedback, events, attributes, derived rows, quotes and cached vectors, then compact
    the file so the bytes are gone. The act is logged without personal data (a keyed hash and counts).

    Example: empathic forget acme.empathic --customer C-1042
    """
    with rich_progress(not quiet) as progress:
        result = forget_customer(
            workspace, customer, settings=load_settings(workspace), recompute=recompute, progress=progress
        )
    if not result.found:
        console.print(f"[yellow]nothing found for that customer[/yellow] (logged as {result.subject_hash})")
        return
    removed = ", ".join(f"{t} {n:,}" for t, n in sorted(result.rows_removed.items()))
    console.print(f"[green]✓[/green] forgotten ({result.subject_hash}): {removed}")
    console.print(
        f"  cached vectors {result.cache_rows_removed:,}, quotes scrubbed {result.quotes_scrubbed:,}, "
        f"recomputed: {', '.join(result.recomputed) or 'nothing'}; file {result.bytes_before:,} → "
        f"{result.bytes_after:,} bytes"
    )


def register(app: typer.Typer) -> None:
    """Add ``forget`` to the app."""
    app.command("forget")(forget)
