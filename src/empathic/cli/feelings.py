"""``empathic feelings``, ``empathic empathy-map`` and ``empathic ideas``: how customers feel, rendered with Rich."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer
from rich.table import Table
from typer.core import TyperGroup

from empathic.cli.common import console, esc, num, open_workspace, stage_results_line

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
    calibration: bool = typer.Option(
        False,
        "--calibration",
        help="Also show how well sentiment agrees with the workspace's own scores, before "
        "and after calibrating to them (held-out folds), and whether the calibration was applied.",
    ),
) -> None:
    """How customers feel: sentiment mix, emotions, intents and churn signals.

    Examples:
      empathic feelings acme.empathic
      empathic feelings acme.empathic --calibration
      empathic feelings correct acme.empathic r42 --sentiment negative --intent request
    """
    with open_workspace(workspace, read_only=True) as ws:
        comments = ws.feelings()
        emotions = ws.emotions()
        cal = ws.calibration() if calibration else None
        n_corrections = len(ws.corrections())
        results_line = stage_results_line(ws, "feelings", workspace)
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
    if n_corrections:
        console.print(f"analyst corrections: {n_corrections:,} (applied at the last feelings run when not stale)")
    if calibration:
        _print_calibration(cal)
    if results_line:
        console.print(results_line)


def _print_calibration(cal: dict | None) -> None:
    if cal is None:
        console.print("[yellow]no calibration recorded[/yellow]: run `empathic analyze WS` (feelings) first")
        return
    if cal.get("agreement_before") is None:
        console.print(f"calibration: not tried — {esc(cal['reason'])}")
        return
    table = Table(
        title=f"agreement with {esc(cal['score'])} (n={cal['n']:,} scored comments, {cal['folds']} held-out folds)"
    )
    for col in ("", "macro-F1", "accuracy"):
        table.add_column(col)
    table.add_row("shipped model", f"{cal['agreement_before']:.3f}", f"{cal['accuracy_before']:.1%}")
    table.add_row("calibrated", f"{cal['agreement_after']:.3f}", f"{cal['accuracy_after']:.1%}")
    console.print(table)
    sides = ", ".join(f"{k} {v:,}" for k, v in cal.get("classes", {}).items())
    verdict = "[green]applied[/green]" if cal["applied"] else "[yellow]not applied[/yellow]"
    console.print(f"score sides: {sides}; calibrated better in {cal['fold_wins']}/{cal['folds']} folds")
    console.print(f"calibration {verdict}: {esc(cal['reason'])}")


def correct(
    workspace: Path = typer.Argument(..., help="Workspace file."),
    feedback_id: str = typer.Argument(..., metavar="ID", help="Comment id (as in `empathic export WS comments`)."),
    sentence: int | None = typer.Option(
        None, "--sentence", help="Correct only this sentence of the comment (0 = first)."
    ),
    sentiment: str | None = typer.Option(None, "--sentiment", help="positive, neutral, mixed or negative."),
    intent: str | None = typer.Option(
        None, "--intent", help="bug, request, complaint, praise, question, churn or other; ';'-separated for several."
    ),
    author: str | None = typer.Option(None, "--by", help="Who corrects (default: your login name)."),
) -> None:
    """Correct a comment's (or sentence's) sentiment or intent; kept across re-analysis and new data.

    Examples:
      empathic feelings correct acme.empathic r42 --sentiment negative --intent request
      empathic feelings correct acme.empathic r42 --sentence 1 --intent bug
    """
    import getpass

    with open_workspace(workspace) as ws:
        row = ws.correct(
            feedback_id, sentence_idx=sentence, sentiment=sentiment, intent=intent, author=author or getpass.getuser()
        )
    target = f"comment {row['feedback_id']}" + (
        f", sentence {row['sentence_idx']}" if row["sentence_idx"] is not None else ""
    )
    what = ", ".join(f"{k} → {v}" for k, v in (("sentiment", row["sentiment_label"]), ("intent", row["intent"])) if v)
    console.print(f"corrected {esc(target)}: {esc(what)} ({row['correction_id']}, by {esc(row['author'] or '?')})")
    console.print("run `empathic analyze WS` to apply it (and adjust similar sentences)")


class _FeelingsGroup(TyperGroup):
    """``empathic feelings WS`` shows the feelings; ``empathic feelings correct WS ID …`` corrects one."""

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["show", *args]
        return super().parse_args(ctx, args)


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
    """The ideas board: what customers ask for, grouped by theme, ranked by volume, pain and score gap, with who
    asks (over-represented segments, top linked customers).

    Examples:
      empathic ideas acme.empathic
    """
    with open_workspace(workspace, read_only=True) as ws:
        board = ws.ideas()
    if board.empty:
        console.print("no requests found (intent request)")
        return
    table = Table(title="ideas board: what customers ask for (intent request)", show_lines=True)
    for col in ("#", "idea", "comments", "share", "with a pain", "score gap", "who asks"):
        table.add_column(col)
    shown = board.head(limit)
    for i, r in enumerate(shown.itertuples(), 1):
        gap = "" if r.score_gap is None or pd.isna(r.score_gap) else f"{r.score_gap:+.2f} {r.score} (n={r.n_scored})"
        who = [f"{s['attribute']}={s['value']} ×{s['lift']:.1f} (n={s['n']})" for s in r.segments]
        who += [f"customer {c['customer_id']}" for c in r.customers[:2]]
        label = esc(r.label) + (f"\n[dim]in {esc(r.theme)}[/dim]" if r.theme and r.subtheme else "")
        table.add_row(
            str(i),
            label,
            f"{r.n_comments:,}",
            f"{r.share:.1%}",
            f"{r.share_pain:.0%}",
            gap,
            esc("\n".join(who)),
        )
    console.print(table)
    # Quotes below the table, one per line: in a table column they wrap into a word per line on a terminal.
    for i, r in enumerate(shown.itertuples(), 1):
        console.print(f"[bold]{i}. {esc(r.label)}[/bold]")
        for q in r.quotes:
            console.print(f"   “{esc(q['text'][:160])}”", soft_wrap=False, overflow="ellipsis")


def register(app: typer.Typer) -> None:
    """Add ``feelings``, ``empathy-map`` and ``ideas``."""
    feelings_app = typer.Typer(
        cls=_FeelingsGroup,
        no_args_is_help=True,
        help="How customers feel (`empathic feelings WS [--calibration]`), or correct a comment "
        "(`empathic feelings correct WS ID`).",
    )
    feelings_app.command("show")(feelings)
    feelings_app.command("correct")(correct)
    app.add_typer(feelings_app, name="feelings")
    app.command("empathy-map")(empathy_map)
    app.command("ideas")(ideas)
