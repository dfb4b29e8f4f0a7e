"""``empathic scores | drivers | segments | trends | alerts | search``: why scores move, as Rich tables."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import typer
from rich.table import Table
from typer.core import TyperGroup

from empathic.cli.common import console, esc, num, open_workspace
from empathic.errors import EmpathicError

WS_ARG = typer.Argument(..., help="Workspace file.")


def _fmt(value: object, digits: int = 1) -> str:
    """A table cell; a missing or infinite number (a lift over a 0 % rest) shows as "–", as on the web pages."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def _text(value: object, default: str = "–") -> str:
    """A cell as text: a missing value (None or a NaN that pandas put in a text column) becomes ``default``."""
    return default if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _p(q: float) -> str:
    return "–" if q is None or math.isnan(q) else ("<0.001" if q < 0.001 else f"{q:.3f}")


def _warn(frame: pd.DataFrame) -> None:
    for w in frame.attrs.get("warnings", []):
        console.print(f"[yellow]warning[/yellow]: {esc(w)}")


def _results_line(ws, workspace: Path) -> str | None:
    """The line under drivers/segments/trends when the stored results are stale (a theme edit, an ingest…), else
    where the (fresh) stored results came from.

    These commands then compute live (``ws.drivers`` etc. fall back when stale), so what they print is current;
    the line says why the stored results (web pages, report) differ and the one command that refreshes them.
    """
    from empathic.analytics import stored

    reason = stored.stale_note(ws.store, ws.settings.analytics)
    if reason is None:
        return _provenance_line(ws)
    return (
        f"[yellow]stored results are stale[/yellow]: {esc(reason)}; these were computed live — run "
        f"`empathic analyze {esc(str(workspace))}` to refresh the stored results (web pages, report)"
    )


def _provenance_line(ws) -> str | None:
    """Where the stored results came from (the analytics run, the runs it read, the theme edits its themes carry),
    printed dim under drivers/segments/trends so a number can be traced; ``None`` before any analytics run."""
    from empathic.analytics import stored

    text = stored.provenance_text(ws.store)
    return f"[dim]results from {esc(text)}[/dim]" if text else None


def scores(workspace: Path = WS_ARG) -> None:
    """Every score with its 95 % interval and what it measures (NPS points, CSAT %, mean rating, recommend %).

    Examples:
      empathic scores acme.empathic
      empathic scores rename acme.empathic Q1 "Likelihood to recommend"
    """
    with open_workspace(workspace, read_only=True) as ws:
        df = ws.scores()
    table = Table(title="scores")
    for col in ("score", "measures", "n", "value", "95 % interval"):
        table.add_column(col, justify="left" if col in ("score", "measures") else "right")
    for r in df.itertuples(index=False):
        name = (
            esc(r.display_name)
            if r.display_name == r.score_name
            else f"{esc(r.display_name)} [dim]({esc(r.score_name)})[/dim]"
        )
        table.add_row(name, esc(r.measures), f"{r.n:,}", _fmt(r.value), _interval(r.ci_low, r.ci_high, signed=False))
    console.print(table if len(df) else "[yellow]no score columns[/yellow] (ingest with score=...)")


def rename(
    workspace: Path = WS_ARG,
    score: str = typer.Argument(..., help="Score column, e.g. Q1."),
    display_name: str = typer.Argument(..., help='Display name, e.g. "Likelihood to recommend" ("" removes it).'),
) -> None:
    """Give a score column a display name, shown everywhere instead of its column name.

    Example: empathic scores rename acme.empathic Q1 "Likelihood to recommend"
    """
    with open_workspace(workspace) as ws:
        ws.rename_score(score, display_name)
    console.print(f"score {score!r} is now shown as {display_name!r}" if display_name.strip() else
                  f"score {score!r} is shown by its column name again")  # fmt: skip


class _ScoresGroup(TyperGroup):
    """``empathic scores WS`` shows the scores; ``empathic scores rename WS Q1 NAME`` renames one."""

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["show", *args]
        return super().parse_args(ctx, args)


def drivers(
    workspace: Path = WS_ARG,
    score: str = typer.Option(None, "--score", help="Only this score column."),
    top: int = typer.Option(10, "--top", help="Themes per direction (lowering and raising) and score."),
) -> None:
    """Which themes move each score, largest first in both directions: leave-one-out impact (points) and the
    key-driver model. Themes with too few comments for an interval are not shown (evidence rules).

    Examples:
      empathic drivers acme.empathic
      empathic drivers reviews.empathic --score Rating --top 20
    """
    from empathic.analytics.impact import rank_by_size

    with open_workspace(workspace, read_only=True) as ws:
        impact, model = ws.impact(score), ws.drivers(score)
        min_n = ws.settings.analytics.min_theme_n
        note = _results_line(ws, workspace)
    if impact.empty:
        console.print("[yellow]no theme impacts[/yellow]: needs themes (empathic analyze) and a score column")
        return
    ranked = rank_by_size(impact, top)
    presence = model[model.feature == "presence"].set_index(["score_name", "theme_id"]) if len(model) else None
    for name, part in ranked.groupby("score_name", sort=True):
        full = impact[impact.score_name == name]
        table = Table(
            title=f"drivers of {esc(name)} ({esc(part.metric.iloc[0])}, overall {part.score_overall.iloc[0]:.1f}): "
            f"top {top} each way of {len(full)} themes by |impact|"
        )
        for col in ("theme", "comments", "score with", "impact", "95 % CI", "q", "driver coef", "rel. weight"):
            table.add_column(col, justify="left" if col == "theme" else "right")
        for r in part.itertuples(index=False):
            coef = weight = "–"
            if presence is not None and (name, r.theme_id) in presence.index:
                d = presence.loc[(name, r.theme_id)]
                coef = f"{num(d.coef, '+.1f')} ({num(d.ci_low, '+.1f')}…{num(d.ci_high, '+.1f')})"
                weight = num(d.relative_weight, ".3f")
            style = "red" if r.ci_high < 0 else "green" if r.ci_low > 0 else ""
            impact_cell = f"[{style}]{r.impact:+.2f}[/{style}]" if style else num(r.impact, "+.2f")
            interval = f"{num(r.ci_low, '+.2f')} … {num(r.ci_high, '+.2f')}"
            table.add_row(
                esc(r.label), f"{r.n_with:,}", _fmt(r.score_with), impact_cell, interval, _p(r.q_value), coef, weight
            )
        console.print(table)
    console.print(f"[dim]themes with fewer than {min_n} comments with the score are not shown[/dim]")
    if note:
        console.print(note)


def segments(
    workspace: Path = WS_ARG,
    by: str = typer.Option(..., "--by", help="Attribute to compare (e.g. plan, region, 'Department Name')."),
    show_all: bool = typer.Option(False, "--all", help="Show every test, not only the significant ones."),
    top: int = typer.Option(None, "--top", help="Compare the N most common values; pool the rest as 'other'."),
    limit: int = typer.Option(30, "--limit", "-n", help="At most this many rows."),
) -> None:
    """Each segment of an attribute vs the rest: theme share, score, sentiment, lift and BH-adjusted q.

    Examples:
      empathic segments acme.empathic --by plan
      empathic segments reviews.empathic --by country --top 10
    """
    with open_workspace(workspace, read_only=True) as ws:
        df = ws.segments(by, top=top)
        note = _results_line(ws, workspace)
    _warn(df)
    if note:
        console.print(note)
    shown = df if show_all else df[df.significant]
    table = Table(
        title=f"segments by {esc(by)}: {int(df.significant.sum())} significant of {df.p_value.notna().sum()} tests"
    )
    for col in ("segment", "metric", "segment value", "95 % credible", "rest", "lift", "n", "q", "test"):
        table.add_column(col, justify="left" if col in ("segment", "metric", "test") else "right")
    for r in shown.head(limit).itertuples(index=False):
        share = r.metric == "theme_share"
        what = str(r.label) if share else _text(r.score_name, r.metric)
        value = (lambda v: f"{v:.1%}" if _finite(v) else "–") if share else (lambda v: _fmt(v, 2))
        low, high = getattr(r, "ci_low", None), getattr(r, "ci_high", None)
        interval = f"{value(low)} … {value(high)}" if _finite(low, high) else "–"
        table.add_row(
            esc(_text(r.segment)), esc(what), value(r.value_segment), interval, value(r.value_rest), _fmt(r.lift, 2),
            f"{r.n_segment:,}", _p(r.q_value), _text(r.test),
        )  # fmt: skip
    console.print(table)
    if not show_all and shown.empty:
        console.print("no significant differences (use --all to see every test)")


def waterfall_table(wf: pd.DataFrame, title: str, rows: int = 12) -> Table:
    """The score-change waterfall (per primary theme, with its 95 % bootstrap interval) as a Rich table: the
    ``rows`` largest contributions by absolute size, the rest summed in one line."""
    order = wf.contribution.abs().sort_values(ascending=False, kind="mergesort").index
    rest = wf.loc[order[rows:]]
    wf = wf.loc[order[:rows]]
    wt = Table(title=title, caption=f"{len(rest)} more themes contribute {rest.contribution.sum():+.2f} together"
               if len(rest) else None)  # fmt: skip
    for col in ("primary theme", "n a→b", "share a→b", "score a→b", "volume", "score effect", "contribution",
                "95 % CI"):  # fmt: skip
        wt.add_column(col, justify="left" if col == "primary theme" else "right")
    for r in wf.itertuples(index=False):
        style = "red" if r.ci_high < 0 else "green" if r.ci_low > 0 else ""
        contribution = f"{r.contribution:+.2f}"
        wt.add_row(
            esc(r.label), f"{r.n_a:,}→{r.n_b:,}", f"{r.share_a:.0%}→{r.share_b:.0%}",
            f"{_fmt(r.score_a)}→{_fmt(r.score_b)}",
            f"{r.volume_effect:+.2f}", f"{r.score_effect:+.2f}",
            f"[{style}]{contribution}[/{style}]" if style else contribution, _interval(r.ci_low, r.ci_high, 2),
        )  # fmt: skip
    return wt


def _finite(*values: object) -> bool:
    """Every value is a finite number (a missing or nan interval end is shown as "–")."""
    try:
        return all(v is not None and math.isfinite(float(v)) for v in values)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def _interval(low: float, high: float, digits: int = 1, *, signed: bool = True) -> str:
    """``low … high``, or ``–`` when either end is not finite (such intervals are never printed as nan)."""
    if low is None or high is None or not (math.isfinite(low) and math.isfinite(high)):
        return "–"
    sign = "+" if signed else ""
    return f"{low:{sign},.{digits}f} … {high:{sign},.{digits}f}"


def trends(
    workspace: Path = WS_ARG,
    grain: str = typer.Option(None, "--grain", help="day, week, month, quarter or year (default: from the data)."),
    periods: int = typer.Option(6, "--periods", help="Show the last N periods."),
    top: int = typer.Option(10, "--top", help="Themes to show (largest first)."),
) -> None:
    """The main score and theme shares per period (latest periods), and the score-change waterfall of the last two
    complete periods of that grain. Periods with too few comments show "–"; a partial (unfinished) period is marked *.

    Example: empathic trends acme.empathic --grain month
    """
    with open_workspace(workspace, read_only=True) as ws:
        df = ws.trends(grain)
        series = ws.score_trend(grain)
        min_n = ws.settings.analytics.min_period_n
        note = _results_line(ws, workspace)
        try:
            wf = ws.waterfall(grain=df.grain.iloc[0]) if len(df) else None
        except EmpathicError:  # a waterfall needs a score and two periods; trends alone are still useful
            wf = None
    if df.empty:
        console.print("[yellow]no trends[/yellow]: needs dated comments and themes")
        return
    last = sorted(df.period_start.unique())[-periods:]
    recent = df[df.period_start.isin(last)]
    order = recent.groupby("label").n_comments.sum().sort_values(ascending=False).head(top).index
    partial = set(series.period[series.partial]) if len(series) else set()
    table = Table(title=f"theme share per {df.grain.iloc[0]} (* = partial period, – = too few comments)")
    table.add_column("theme")
    for p in last:
        table.add_column(pd.Timestamp(p).strftime("%Y-%m-%d") + ("*" if p in partial else ""), justify="right")
    sizes = recent.groupby("period_start").n_period.first()
    table.add_row("[dim]comments (n)[/dim]", *[f"[dim]{int(sizes.get(p, 0)):,}[/dim]" for p in last])
    if len(series) and series.attrs.get("score_name"):
        by_period = series.set_index("period")
        cells = []
        for p in last:
            r = by_period.loc[p] if p in by_period.index else None
            ok = r is not None and math.isfinite(r.value)
            cells.append(f"{r.value:.1f} ({_interval(r.ci_low, r.ci_high)})" if ok else "–")
        table.add_row(f"[bold]{series.attrs['score_name']}[/bold] (95 % CI)", *cells)
    pivot = recent.pivot_table(index="label", columns="period_start", values="share", dropna=False)
    for label in order:
        table.add_row(esc(label), *[_share(pivot.loc[label, p] if p in pivot.columns else None) for p in last])
    console.print(table)
    if note:
        console.print(note)
    if wf is not None:
        a = wf.attrs
        when = f"{a['period_a'][0]:%Y-%m-%d} → {a['period_b'][0]:%Y-%m-%d}"
        title = (f"{esc(a['score_name'])} {when}: {a['score_a']:.1f} → {a['score_b']:.1f} ({a['change']:+.1f}, 95 % CI "
                 f"{_interval(a['change_low'], a['change_high'])}; n={a['n_a']:,} → {a['n_b']:,})")  # fmt: skip
        console.print(waterfall_table(wf, title))
        if min(a["n_a"], a["n_b"]) < min_n:
            console.print(f"[yellow]warning[/yellow]: a period has fewer than {min_n} answers; read the intervals")


def _share(value: object) -> str:
    return "–" if value is None or not math.isfinite(float(value)) else f"{float(value):.1%}"


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
    total = df.attrs.get("total")
    shown = f"{len(df):,} of {total:,} matching comments" if total is not None else f"{len(df):,} comments"
    table = Table(title=shown + (" (semantic)" if semantic else ""))
    for col in ("relevance", "scores", "date", "theme", "comment"):
        table.add_column(col, justify="right" if col == "relevance" else "left", overflow="fold")
    for r in df.itertuples(index=False):
        date = "" if pd.isna(r.created_at) else pd.Timestamp(r.created_at).strftime("%Y-%m-%d")
        text = r.text if len(r.text) <= 300 else r.text[:297] + "…"
        table.add_row(f"{r.relevance:.2f}", esc(r.answers), date, esc(_text(r.primary_theme, "")), esc(text))
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add the analytics commands to the ``empathic`` app."""
    scores_app = typer.Typer(cls=_ScoresGroup, no_args_is_help=True, help="Scores: show them (`empathic scores WS`) "
                             "or rename one (`empathic scores rename WS Q1 NAME`).")  # fmt: skip
    scores_app.command("show")(scores)
    scores_app.command("rename")(rename)
    app.add_typer(scores_app, name="scores")
    for command in (drivers, segments, trends, alerts, search):
        app.command(command.__name__)(command)
