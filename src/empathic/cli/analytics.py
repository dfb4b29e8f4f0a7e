"""``empathic scores | drivers | segments | trends | alerts | search``: why scores move, as Rich tables."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import typer
from rich.table import Table

from empathic.cli.common import console, esc, is_missing, num, open_workspace
from empathic.errors import EmpathicError

WS_ARG = typer.Argument(..., help="Workspace file.")


def _fmt(value: object, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def _p(q: float) -> str:
    return "–" if q is None or math.isnan(q) else ("<0.001" if q < 0.001 else f"{q:.3f}")


def _warn(frame: pd.DataFrame) -> None:
    for w in frame.attrs.get("warnings", []):
        console.print(f"[yellow]warning[/yellow]: {esc(w)}")


def scores(workspace: Path = WS_ARG) -> None:
    """Every score with its 95 % interval (NPS points, CSAT %, mean rating, recommend %).

    Example: empathic scores acme.empathic
    """
    with open_workspace(workspace, read_only=True) as ws:
        df = ws.scores()
    table = Table(title="scores")
    for col in ("score", "kind", "n", "value", "95 % interval"):
        table.add_column(col, justify="right" if col != "score" else "left")
    for r in df.itertuples(index=False):
        interval = f"{_fmt(r.ci_low)} … {_fmt(r.ci_high)}"
        table.add_row(esc(r.score_name), esc(r.metric), f"{r.n:,}", _fmt(r.value), interval)
    console.print(table if len(df) else "[yellow]no score columns[/yellow] (ingest with score=...)")


def drivers(
    workspace: Path = WS_ARG,
    score: str = typer.Option(None, "--score", help="Only this score column."),
    top: int = typer.Option(15, "--top", help="Rows per score."),
) -> None:
    """Which themes move each score: leave-one-out impact (points) and the key-driver model.

    Examples:
      empathic drivers acme.empathic
      empathic drivers reviews.empathic --score Rating
    """
    with open_workspace(workspace, read_only=True) as ws:
        impact, model = ws.impact(score), ws.drivers(score)
    if impact.empty:
        console.print("[yellow]no theme impacts[/yellow]: needs themes (empathic analyze) and a score column")
        return
    presence = model[model.feature == "presence"].set_index(["score_name", "theme_id"]) if len(model) else None
    for name, part in impact.groupby("score_name", sort=True):
        table = Table(
            title=f"drivers of {esc(name)} ({esc(part.metric.iloc[0])}, overall {part.score_overall.iloc[0]:.1f})"
        )
        for col in ("theme", "comments", "score with", "impact", "95 % CI", "q", "driver coef", "rel. weight"):
            table.add_column(col, justify="left" if col == "theme" else "right")
        for r in part.head(top).itertuples(index=False):
            coef = weight = "–"
            if presence is not None and (name, r.theme_id) in presence.index:
                d = presence.loc[(name, r.theme_id)]
                coef = f"{num(d.coef, '+.1f')} ({num(d.ci_low, '+.1f')}…{num(d.ci_high, '+.1f')})"
                weight = num(d.relative_weight, ".3f")
            style = "red" if r.ci_high < 0 else "green" if r.ci_low > 0 else ""
            impact = f"[{style}]{r.impact:+.2f}[/{style}]" if style else num(r.impact, "+.2f")
            interval = f"{num(r.ci_low, '+.2f')} … {num(r.ci_high, '+.2f')}"
            table.add_row(
                esc(r.label), f"{r.n_with:,}", _fmt(r.score_with), impact, interval, _p(r.q_value), coef, weight
            )
        console.print(table)


def segments(
    workspace: Path = WS_ARG,
    by: str = typer.Option(..., "--by", help="Attribute to compare (e.g. plan, region, 'Department Name')."),
    show_all: bool = typer.Option(False, "--all", help="Show every test, not only the significant ones."),
    top: int = typer.Option(30, "--top", help="At most this many rows."),
) -> None:
    """Each segment of an attribute vs the rest: theme share, score, sentiment, lift and BH-adjusted q.

    Example: empathic segments acme.empathic --by plan
    """
    with open_workspace(workspace, read_only=True) as ws:
        df = ws.segments(by)
    _warn(df)
    shown = df if show_all else df[df.significant]
    table = Table(
        title=f"segments by {esc(by)}: {int(df.significant.sum())} significant of {df.p_value.notna().sum()} tests"
    )
    for col in ("segment", "metric", "segment value", "rest", "lift", "n", "q", "test"):
        table.add_column(col, justify="left" if col in ("segment", "metric", "test") else "right")
    for r in shown.head(top).itertuples(index=False):
        share = r.metric == "theme_share"
        what = r.label if share else (r.metric if is_missing(r.score_name) else r.score_name)
        value = (lambda v: f"{v:.1%}") if share else (lambda v: _fmt(v, 2))
        table.add_row(
            esc(r.segment), esc(what), value(r.value_segment), value(r.value_rest), _fmt(r.lift, 2), f"{r.n_segment:,}",
            _p(r.q_value), r.test,
        )  # fmt: skip
    console.print(table)
    if not show_all and shown.empty:
        console.print("no significant differences (use --all to see every test)")


def trends(
    workspace: Path = WS_ARG,
    grain: str = typer.Option(None, "--grain", help="day, week or month (default: from the data's span)."),
    periods: int = typer.Option(6, "--periods", help="Show the last N periods."),
    top: int = typer.Option(10, "--top", help="Themes to show (largest first)."),
) -> None:
    """Theme share per period (latest periods), and the score-change waterfall of the last two periods.

    Example: empathic trends acme.empathic --grain month
    """
    with open_workspace(workspace, read_only=True) as ws:
        df = ws.trends(grain)
        try:
            wf = ws.waterfall() if len(df) else None
        except EmpathicError:  # a waterfall needs a score and two periods; trends alone are still useful
            wf = None
    if df.empty:
        console.print("[yellow]no trends[/yellow]: needs dated comments and themes")
        return
    last = sorted(df.period_start.unique())[-periods:]
    recent = df[df.period_start.isin(last)]
    order = recent.groupby("label").n_comments.sum().sort_values(ascending=False).head(top).index
    table = Table(title=f"theme share per {df.grain.iloc[0]}")
    table.add_column("theme")
    for p in last:
        table.add_column(pd.Timestamp(p).strftime("%Y-%m-%d"), justify="right")
    pivot = recent.pivot_table(index="label", columns="period_start", values="share")
    for label in order:
        table.add_row(esc(label), *[num(pivot.loc[label, p], ".1%") for p in last])
    console.print(table)
    if wf is not None:
        a = wf.attrs
        wt = Table(title=f"{esc(a['score_name'])}: {a['score_a']:.1f} → {a['score_b']:.1f} ({a['change']:+.1f})")
        for col in ("primary theme", "share a→b", "score a→b", "volume", "score effect", "contribution"):
            wt.add_column(col, justify="left" if col == "primary theme" else "right")
        for r in wf.itertuples(index=False):
            effects = (num(r.volume_effect, "+.2f"), num(r.score_effect, "+.2f"), num(r.contribution, "+.2f"))
            shares = f"{num(r.share_a, '.0%')}→{num(r.share_b, '.0%')}"
            wt.add_row(esc(r.label), shares, f"{_fmt(r.score_a)}→{_fmt(r.score_b)}", *effects)
        console.print(wt)


def alerts(workspace: Path = WS_ARG) -> None:
    """The weekly digest: themes rising or falling beyond their history, new themes, score moves.

    Example: empathic alerts acme.empathic
    """
    with open_workspace(workspace, read_only=True) as ws:
        df = ws.alerts()
    if df.empty:
        console.print("no alerts: nothing moved beyond its history in the latest period")
        return
    colours = {"high": "red", "medium": "yellow", "low": "cyan", "info": "dim"}
    for r in df.itertuples(index=False):
        console.print(f"[{colours.get(r.severity, '')}]{r.severity:>6}[/] {esc(f'{r.kind:<10}')} {esc(r.message)}")


def search(
    workspace: Path = WS_ARG,
    query: str = typer.Argument("", help="e.g. 'theme:\"delivery delay\" AND plan:pro AND nps<=6 AND refund'"),
    semantic: bool = typer.Option(False, "--semantic", help="Rank by meaning (embeddings) instead of words."),
    limit: int = typer.Option(20, "--limit", "-n", help="At most this many comments."),
    save: str = typer.Option(None, "--save", help="Also save the query under this name."),
) -> None:
    """Find verbatims with words, phrases and filters (theme, sentiment, emotion, scores, attributes, dates).

    Examples:
      empathic search acme.empathic 'refund AND nps<=6'
      empathic search reviews.empathic 'Rating<=2 AND "zipper"'
      empathic search acme.empathic 'parcel arrived late' --semantic
    """
    with open_workspace(workspace, read_only=save is None) as ws:
        df = ws.search(query, semantic=semantic, limit=limit)
        if save:
            ws.save_filter(save, query)
            console.print(f"saved filter {esc(repr(save))}")
    table = Table(title=f"{len(df)} comments" + (" (semantic)" if semantic else ""))
    for col in ("score", "date", "theme", "comment"):
        table.add_column(col, justify="right" if col == "score" else "left", overflow="fold")
    for r in df.itertuples(index=False):
        date = "" if pd.isna(r.created_at) else pd.Timestamp(r.created_at).strftime("%Y-%m-%d")
        text = r.text if len(r.text) <= 300 else r.text[:297] + "…"
        table.add_row(num(r.score, ".2f"), date, esc(r.primary_theme), esc(text))
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add the analytics commands to the ``empathic`` app."""
    for command in (scores, drivers, segments, trends, alerts, search):
        app.command(command.__name__)(command)
