"""``empathic feelings``, ``empathic empathy-map`` and ``empathic ideas``: how customers feel, rendered with Rich."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer
from rich.table import Table

from empathic.cli.common import console, esc, num, open_workspace

LABEL_STYLE = {"positive": "green", "negative": "red", "mixed": "yellow", "neutral": "dim"}
CELL_TITLES = {
    "thinks_feels": "Thinks & feels",
    "sees": "Sees",
    "says_does": "Says & does",
    "hears": "Hears",
    "pains": "Pains",
    "gains": "Gains",
}


def _quote_lines(quotes: list[dict], width: int = 110) -> str:
    return "\n".join(f"“{esc(q['text'][:width])}”" for q in quotes) or "[dim]–[/dim]"


def feelings(
    workspace: Path = typer.Argument(..., help="Workspace file."),
) -> None:
    """How customers feel: sentiment mix, emotions, intents and churn signals.

    Examples:
      empathic feelings acme.empathic
    """
    with open_workspace(workspace, read_only=True) as ws:
        comments = ws.feelings()
        emotions = ws.emotions()
    mix = comments["sentiment_label"].value_counts()
    table = Table(title=f"sentiment of {len(comments):,} comments")
    for col in ("label", "comments", "share"):
        table.add_column(col)
    for label in ("positive", "neutral", "mixed", "negative"):
        n = int(mix.get(label, 0))
        table.add_row(f"[{LABEL_STYLE[label]}]{label}[/]", f"{n:,}", f"{n / max(len(comments), 1):.1%}")
    console.print(table)
    emo = Table(title="emotions")
    for col in ("emotion", "comments", "share", "mean sentiment"):
        emo.add_column(col)
    for r in emotions.itertuples():
        emo.add_row(esc(r.emotion), f"{r.n_comments:,}", f"{r.share:.1%}", num(r.mean_sentiment, "+.2f"))
    console.print(emo)
    intents = comments["intent"].str.split(";").explode().value_counts()
    console.print("intents: " + ", ".join(f"{esc(k)} {v:,}" for k, v in intents.items()))
    console.print(f"churn signals: {int(comments['churn_signal'].sum()):,} comments")


def empathy_map(
    workspace: Path = typer.Argument(..., help="Workspace file."),
    theme: str | None = typer.Option(None, "--theme", help="Only the sentences of this theme (label or id)."),
    by: str | None = typer.Option(None, "--by", help="'theme' or a feedback attribute (one map per value)."),
) -> None:
    """The empathy map (thinks & feels, sees, says & does, hears, pains, gains) with representative quotes.

    Examples:
      empathic empathy-map acme.empathic
      empathic empathy-map acme.empathic --theme "delivery delay"
      empathic empathy-map acme.empathic --theme t1a2b3c4d5
      empathic empathy-map acme.empathic --by 'Department Name'
    """
    from empathic.analytics.results import resolve_theme

    with open_workspace(workspace, read_only=True) as ws:
        theme_id, label = resolve_theme(ws.store, theme) if theme else (None, None)
        cells = ws.empathy_map(by=by, theme_id=theme_id)
    for group, g in cells.groupby("group", sort=True):
        title = (
            f"empathy map: theme “{esc(label)}”" + (f", {esc(group)}" if by else "")
            if label
            else f"empathy map: {esc(group)}"
        )
        table = Table(title=title, show_lines=True)
        for col in ("cell", "sentences", "share", "sentiment", "quotes"):
            table.add_column(col)
        for r in g.itertuples():
            sentiment = "" if pd.isna(r.mean_sentiment) else f"{r.mean_sentiment:+.2f}"
            table.add_row(
                CELL_TITLES[r.cell], f"{r.n_sentences:,}", f"{r.share:.1%}", sentiment, _quote_lines(r.quotes)
            )
        console.print(table)


def ideas(
    workspace: Path = typer.Argument(..., help="Workspace file."),
    limit: int = typer.Option(15, "--limit", "-n", help="Idea groups to show."),
) -> None:
    """The ideas board: what customers suggest, grouped and ranked by volume, pain and impact.

    Examples:
      empathic ideas acme.empathic
    """
    with open_workspace(workspace, read_only=True) as ws:
        board = ws.ideas()
    if board.empty:
        console.print("no suggestions found")
        return
    table = Table(title="ideas board", show_lines=True)
    for col in ("#", "idea", "comments", "share", "sentiment", "impact", "examples"):
        table.add_column(col)
    for i, r in enumerate(board.head(limit).itertuples(), 1):
        impact = "" if r.impact is None or pd.isna(r.impact) else f"{r.impact:+.3f}"
        table.add_row(
            str(i),
            esc(r.label),
            f"{r.n_comments:,}",
            f"{r.share:.1%}",
            num(r.mean_sentiment, "+.2f"),
            impact,
            _quote_lines(r.quotes, 90),
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``feelings``, ``empathy-map`` and ``ideas``."""
    app.command("feelings")(feelings)
    app.command("empathy-map")(empathy_map)
    app.command("ideas")(ideas)
