"""``empathic inspect``, ``empathic ingest`` and ``empathic info``."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer
from rich.table import Table

from empathic.cli.common import console, err_console, esc, is_missing, open_workspace, rich_progress
from empathic.cli.privacy import print_pii_setting, print_redactions, privacy_overrides, redaction_summary
from empathic.ingest import inspect as inspect_source

REDACT_HELP = "PII in comment text: all (also names), structured (default) or none; see `empathic inspect`."
PATTERN_HELP = "Extra regular expression redacted as [ID] (repeatable), e.g. 'ORD-\\d{8}'."
KIND_HELP = "What the file holds: feedback (comments + scores), customers (attributes) or events (usage)."
SOURCE_HELP = (
    "The tool that exported the file (default: detected from the header): qualtrics, surveymonkey, typeform, "
    "google-forms, zendesk, zendesk-csv, intercom, freshdesk, app-store, google-play, trustpilot, delighted, "
    "posthog, amplitude, mixpanel, segment, hubspot, salesforce; or none."
)
UNSET_HELP = " 'none' unsets the role."


def _reading(header_rows: int | None, skip_rows: int | None, source: str | None, profile: Path | None) -> dict:
    """The read options shared by inspect and ingest, as keyword arguments."""
    return {"header_rows": header_rows, "skip_rows": skip_rows, "source": source, "profile": profile}


def inspect(
    file: Path = typer.Argument(..., help="CSV, TSV, JSON, JSONL, Parquet or XLSX file."),
    kind: str | None = typer.Option(None, "--kind", help=KIND_HELP),
    source: str | None = typer.Option(None, "--source", help=SOURCE_HELP),
    profile: Path | None = typer.Option(None, "--profile", help="Your own source profile (TOML)."),
    header_rows: int | None = typer.Option(None, "--header-rows", help="Rows that name the columns (default 1)."),
    skip_rows: int | None = typer.Option(None, "--skip-rows", help="Lines to skip before the header."),
    text: list[str] = typer.Option(None, "--text", help="Free-text column(s)."),
    title: str | None = typer.Option(None, "--title", help="Title column joined before the text." + UNSET_HELP),
    id: str | None = typer.Option(None, "--id", help="Unique id column." + UNSET_HELP),
    customer: str | None = typer.Option(None, "--customer", help="Customer id column." + UNSET_HELP),
    date: str | None = typer.Option(None, "--date", help="Date/time column." + UNSET_HELP),
    date_format: str | None = typer.Option(None, "--date-format", help="strptime format, e.g. '%m/%d/%Y'."),
    score: list[str] = typer.Option(None, "--score", help="Score column(s), optionally COL:nps|csat|rating|recommend."),
    only_scores: bool = typer.Option(False, "--only-scores", help="Keep only the --score columns as scores."),
    attr: list[str] = typer.Option(None, "--attr", help="Attribute (segment) column(s)."),
    multi: list[str] = typer.Option(
        None,
        "--multi",
        help="Attribute column(s) with several values per row ('billing, refund'): one segment each; "
        "COLUMN:space when spaces separate them ('billing refund').",
    ),
    event: str | None = typer.Option(None, "--event", help="Events: event/feature name column." + UNSET_HELP),
    value: str | None = typer.Option(None, "--value", help="Amount/revenue/MRR column." + UNSET_HELP),
    mapping: Path | None = typer.Option(None, "--mapping", help="JSON/TOML file of roles."),
) -> None:
    """Show the inferred column mapping with sample values. Writes nothing.

    Example: empathic inspect reviews.csv --text "Review Text"
    """
    result = inspect_source(
        file,
        kind=kind,
        text=text,
        title=title,
        id=id,
        customer=customer,
        date=date,
        date_format=date_format,
        score=score,
        only_scores=only_scores or None,
        attr=attr,
        multi=multi,
        event=event,
        value=value,
        mapping=mapping,
        **_reading(header_rows, skip_rows, source, profile),
    )
    console.print(
        f"[bold]{esc(result.label)}[/bold]: {result.n_rows:,} rows, {esc(result.file_format)}"
        + (f", {esc(result.encoding)}" if result.encoding else "")
        + f" → ingests as [bold]{esc(result.mapping.kind)}[/bold]"
    )
    console.print(f"profile: [bold]{esc(result.profile or 'none')}[/bold] ({esc(result.profile_reason)})")
    table = Table(show_lines=False)
    for col in ("column", "role", "why", "samples"):
        table.add_column(col, overflow="fold")
    for row in result.table().itertuples(index=False):
        style = "dim" if row.role == "ignored" else None
        table.add_row(esc(row.column), esc(row.role), esc(row.why), esc(row.samples), style=style)
    console.print(table)
    for w in result.warnings:
        err_console.print(f"[yellow]warning:[/yellow] {esc(w)}")
    for p in result.problems:
        err_console.print(f"[red]would fail:[/red] {esc(p)}")
    print_pii_setting()
    console.print("Override any role with flags, e.g. --text COL --score COL:nps --attr COL, then `empathic ingest`.")


def ingest(
    workspace: Path = typer.Argument(..., help="Workspace file (created if missing), e.g. acme.empathic."),
    file: Path = typer.Argument(..., help="CSV, TSV, JSON, JSONL, Parquet or XLSX file."),
    kind: str | None = typer.Option(None, "--kind", help=KIND_HELP),
    source: str | None = typer.Option(None, "--source", help=SOURCE_HELP),
    profile: Path | None = typer.Option(None, "--profile", help="Your own source profile (TOML)."),
    header_rows: int | None = typer.Option(None, "--header-rows", help="Rows that name the columns (default 1)."),
    skip_rows: int | None = typer.Option(None, "--skip-rows", help="Lines to skip before the header."),
    text: list[str] = typer.Option(None, "--text", help="Free-text column(s); several are joined."),
    title: str | None = typer.Option(None, "--title", help="Title column joined before the text." + UNSET_HELP),
    id: str | None = typer.Option(
        None, "--id", help="Unique id column (re-ingest updates rows with the same id)." + UNSET_HELP
    ),
    customer: str | None = typer.Option(None, "--customer", help="Customer id column." + UNSET_HELP),
    date: str | None = typer.Option(None, "--date", help="Date/time column." + UNSET_HELP),
    date_format: str | None = typer.Option(None, "--date-format", help="strptime format, e.g. '%d/%m/%Y'."),
    score: list[str] = typer.Option(None, "--score", help="Score column(s), optionally COL:nps|csat|rating|recommend."),
    only_scores: bool = typer.Option(False, "--only-scores", help="Keep only the --score columns as scores."),
    score_name: list[str] = typer.Option(
        None, "--score-name", help='Display name of a score, COL=NAME, e.g. "Q1=Likelihood to recommend".'
    ),
    attr: list[str] = typer.Option(None, "--attr", help="Attribute (segment) column(s)."),
    multi: list[str] = typer.Option(
        None,
        "--multi",
        help="Attribute column(s) with several values per row ('billing, refund'): one segment each; "
        "COLUMN:space when spaces separate them ('billing refund').",
    ),
    event: str | None = typer.Option(None, "--event", help="Events: event/feature name column." + UNSET_HELP),
    duration: str | None = typer.Option(None, "--duration", help="Events: duration in seconds." + UNSET_HELP),
    value: str | None = typer.Option(None, "--value", help="Amount/revenue/MRR column." + UNSET_HELP),
    mapping: Path | None = typer.Option(None, "--mapping", help="JSON/TOML file of roles (flags win)."),
    lenient: bool = typer.Option(False, "--lenient", help="Store unparseable dates/out-of-range scores as empty."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    redact_pii: str | None = typer.Option(None, "--redact-pii", help=REDACT_HELP),
    pii_pattern: list[str] = typer.Option(None, "--pii-pattern", help=PATTERN_HELP),
    pseudonymize_ids: bool | None = typer.Option(
        None, "--pseudonymize-ids/--no-pseudonymize-ids", help="Store keyed pseudonyms instead of customer ids."
    ),
) -> None:
    """Ingest a file into a workspace (atomic and idempotent: re-running adds nothing twice).

    Examples:
      empathic ingest acme.empathic survey.csv
      empathic ingest acme.empathic survey.csv --text comment --score nps:nps --attr plan --attr region
      empathic ingest acme.empathic usage.csv --kind events --customer user_id --date ts --event action
    """
    from empathic.analytics.scores import parse_score_names, rename_scores

    names = parse_score_names(score_name)  # a malformed value fails before anything is written
    with open_workspace(workspace, create=True) as ws, rich_progress(not quiet) as progress:
        ws.settings.ingest = privacy_overrides(ws.settings.ingest, redact_pii, pii_pattern, pseudonymize_ids)
        summary = ws.ingest(
            file,
            kind=kind,
            progress=progress,
            lenient=lenient or None,
            text=text,
            title=title,
            id=id,
            customer=customer,
            date=date,
            date_format=date_format,
            score=score,
            only_scores=only_scores or None,
            attr=attr,
            multi=multi,
            event=event,
            duration=duration,
            value=value,
            mapping=mapping,
            **_reading(header_rows, skip_rows, source, profile),
        )
        rename_scores(ws.store, names)
    for w in summary.warnings:
        err_console.print(f"[yellow]warning:[/yellow] {esc(w)}")
    console.print(f"[green]✓[/green] {esc(summary)}")
    roles = ", ".join(f"{c} → {r}" for c, r in summary.mapping.roles().items() if r != "ignored")
    console.print(f"  mapping: {esc(roles)}")
    if summary.mapping.source_profile:
        console.print(f"  profile: {esc(summary.mapping.source_profile)}")
    console.print(f"Next: [bold]empathic analyze {esc(workspace)}[/bold]")


def info(workspace: Path = typer.Argument(..., help="Workspace file.")) -> None:
    """What a workspace holds: rows per table, sources, scores, attributes and recent runs.

    Example: empathic info acme.empathic
    """
    with open_workspace(workspace, read_only=True) as ws:
        data = ws.info()
        pii = redaction_summary(ws.store)
    console.print(f"[bold]{esc(data['path'])}[/bold]")
    counts = Table(title="tables")
    counts.add_column("table")
    counts.add_column("rows", justify="right")
    for name, n in data["counts"].items():
        counts.add_row(esc(name), f"{n:,}")
    console.print(counts)
    span = data["feedback_span"]
    if not is_missing(span.get("first")):
        console.print(f"feedback from {human(span['first'])} to {human(span['last'])}")
    for title, frame in (
        ("sources", data["sources"]),
        ("scores", data["scores"]),
        ("attributes", data["attributes"]),
        ("recent runs", data["runs"]),
    ):
        if len(frame):
            t = Table(title=title)
            for col in frame.columns:
                t.add_column(esc(col), overflow="fold")
            for row in frame.itertuples(index=False):
                t.add_row(*[esc(human(v)) for v in row])
            console.print(t)
    print_redactions(*pii)


def human(value: object) -> str:
    """A stored value as a person reads it: missing (None/NaN/NaT) as a dash, times to the second, floats rounded."""
    if is_missing(value):
        return "–"
    if isinstance(value, datetime):  # pandas Timestamps are datetimes
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def register(app: typer.Typer) -> None:
    """Add the foundation commands to the app."""
    app.command("inspect")(inspect)
    app.command("ingest")(ingest)
    app.command("info")(info)
