"""``empathic compare WS --score nps --periods 2022 2023``: why the score moved between two periods, as Rich tables."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from empathic.cli.analytics import WS_ARG, _interval, waterfall_table
from empathic.cli.common import console, esc, open_workspace

STATUS_STYLE = {"rose": "yellow", "new": "yellow", "fell": "cyan", "gone": "cyan", "steady": ""}


def compare(
    workspace: Path = WS_ARG,
    score: str = typer.Option(None, "--score", help="Score column, its display name or a kind (nps, csat…)."),
    periods: tuple[str, str] | None = typer.Option(
        None, "--periods", help="Two periods: 2022 2023 | 2023Q1 2023Q2 | 2023-01 2023-02 | A..B C..D."
    ),
    last: str = typer.Option(None, "--last", help="The last N days or weeks vs the N before, e.g. 30d or 12w."),
    top: int = typer.Option(12, "--top", help="Waterfall rows and themes to show."),
) -> None:
    """Why did the score move between two periods? The score in each with its 95 % interval and n, the change
    with its interval and p, a waterfall of theme contributions with intervals, the themes that rose, fell,
    appeared or disappeared, and quotes. Default: the last two complete periods.

    Examples:
      empathic compare acme.empathic --score nps --periods 2022 2023
      empathic compare acme.empathic --periods 2023Q1 2023Q2
      empathic compare acme.empathic --periods 2023-01-01..2023-03-31 2023-04-01..2023-06-30
      empathic compare acme.empathic --last 30d
    """
    chosen = [p for p in periods if p] if periods else []
    with open_workspace(workspace, read_only=True) as ws:
        result = ws.compare(score, chosen or None, last=last)
    a, b, ch = result.a, result.b, result.change
    mark = {True: " (partial)", False: ""}
    console.print(
        f"[bold]{esc(result.score_name)}[/bold] ({result.kind}): {result.label_a}{mark[a['partial']]} "
        f"{a['value']:.1f} ({_interval(a['ci_low'], a['ci_high'], signed=False)}, n={a['n']:,}) → {result.label_b}"
        f"{mark[b['partial']]} {b['value']:.1f} ({_interval(b['ci_low'], b['ci_high'], signed=False)}, n={b['n']:,})"
    )
    verdict = "[bold]significant[/bold]" if ch["significant"] else "not significant"
    p = ch["p_value"]
    p_text = "p –" if p != p else ("p<0.001" if p < 0.001 else f"p={p:.3f}")
    console.print(
        f"change {ch['value']:+.1f} points, 95 % CI {_interval(ch['ci_low'], ch['ci_high'])}, {p_text}: {verdict}"
    )
    for warning in result.warnings:
        console.print(f"[yellow]warning[/yellow]: {esc(warning)}")
    console.print(waterfall_table(result.waterfall, "contributions of primary themes to the change", rows=top))
    themes = result.themes
    table = Table(title=f"themes (share of comments) {result.label_a} → {result.label_b}")
    for col in ("theme", "status", "share a → b", "change", "95 % CI", "mentions a → b", "q"):
        table.add_column(col, justify="left" if col in ("theme", "status") else "right")
    for r in themes.head(top).itertuples(index=False):
        style = STATUS_STYLE.get(r.status, "")
        q = "–" if r.q_value != r.q_value else ("<0.001" if r.q_value < 0.001 else f"{r.q_value:.3f}")
        table.add_row(
            esc(r.label), f"[{style}]{r.status}[/{style}]" if style else r.status, f"{r.share_a:.1%} → {r.share_b:.1%}",
            f"{100 * r.diff:+.1f} pts", _interval(100 * r.ci_low, 100 * r.ci_high), f"{r.x_a:,} → {r.x_b:,}", q,
        )  # fmt: skip
    console.print(table)
    labels = dict(zip(themes.theme_id, themes.label, strict=True))
    labels.update(dict(zip(result.waterfall.theme_id, result.waterfall.label, strict=True)))
    for theme_id, quotes in result.quotes.items():
        console.print(f"[bold]{esc(labels.get(theme_id, theme_id))}[/bold]")
        for quote in quotes:
            console.print(f"  “{esc(quote)}”")


def register(app: typer.Typer) -> None:
    """Add ``empathic compare``."""
    app.command("compare")(compare)
