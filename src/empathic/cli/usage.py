"""``empathic usage | why | personas | customers | customer``: what customers do, why, who they are — as Rich tables."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import typer
from rich.panel import Panel
from rich.table import Table

from empathic.cli.common import console, esc, is_missing, open_workspace, stage_results_line
from empathic.errors import InputError

WS_ARG = typer.Argument(..., help="Workspace file.")
VIEWS = ("retention", "features", "time-of-day", "sessions", "lifecycle", "stickiness", "customers", "time-used")


def _cell(value: object) -> str:
    """A value as a human reads it: numbers rounded, times to the minute, missing (None/NaN/NaT) as a dash."""
    if not isinstance(value, (list, tuple, dict)) and is_missing(value):
        return "–"
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def render(df: pd.DataFrame, title: str, *, limit: int = 60, index: bool = False) -> None:
    """Print a DataFrame as a Rich table (first ``limit`` rows)."""
    if index:
        df = df.reset_index()
    table = Table(title=esc(title), show_lines=False)
    for col in df.columns:
        table.add_column(esc(col), justify="right" if pd.api.types.is_numeric_dtype(df[col]) else "left")
    for row in df.head(limit).itertuples(index=False):
        table.add_row(*(esc(_cell(v)) for v in row))
    console.print(table)
    if len(df) > limit:
        console.print(f"[dim]… {len(df) - limit} more rows (use the Python API or export for all)[/dim]")


SHADES = " ░▒▓█"


def heatmap(table: pd.DataFrame, zone: str) -> None:
    """Weekday × hour counts as a shaded text heatmap (darker = more events), with the busiest hour named."""
    peak = float(table.to_numpy().max()) or 1.0
    console.print(f"[bold]events by weekday × hour[/bold] (time zone: {esc(zone)}; darkest = {int(peak):,} events)")
    console.print("     " + "".join(f"{h:<3d}" for h in range(24)))
    for day, row in table.iterrows():
        cells = "".join(SHADES[min(4, math.ceil(4 * v / peak))] * 2 + " " for v in row)
        console.print(f"{day:<5}{cells}")
    day, hour = table.stack().idxmax()
    console.print(f"busiest: {day} {hour:02d}:00–{hour:02d}:59")


def usage(
    workspace: Path = WS_ARG,
    view: str = typer.Argument("retention", help=f"One of: {', '.join(VIEWS)}."),
    unit: str = typer.Option("month", "--unit", help="Retention: day, week or month; lifecycle: week or month."),
    mode: str = typer.Option("on", "--mode", help="Retention: 'on' or 'on_or_after'."),
    time_zone: str = typer.Option(None, "--time-zone", help="Time of day in this IANA zone (or 'customer')."),
    limit: int = typer.Option(60, "--limit", help="Rows to show."),
) -> None:
    """Usage analytics from the events: retention, features, time of day, sessions, lifecycle, stickiness.

    Examples:
      empathic usage acme.empathic retention --unit week --mode on_or_after
      empathic usage acme.empathic time-of-day --time-zone Europe/London
    """
    if view not in VIEWS:
        raise InputError(f"unknown usage view {view!r}", hint=f"choose one of: {', '.join(VIEWS)}")
    with open_workspace(workspace, read_only=True) as ws:
        if view == "retention":
            table = ws.retention(unit, mode, wide=True)
            rates = table.drop(columns="size").map(lambda r: "–" if pd.isna(r) else f"{r:.0%}")
            rates.insert(0, "size", table["size"])
            render(rates, f"{unit}ly cohort retention ({mode}), % of cohort", limit=limit, index=True)
        elif view == "features":
            render(ws.feature_usage(), "feature usage", limit=limit)
        elif view == "time-of-day":
            heatmap(ws.time_of_day(time_zone, wide=True), time_zone or ws.settings.usage.time_zone)
        elif view == "sessions":
            render(ws.sessions(), "sessions", limit=limit)
        elif view == "time-used":
            render(ws.time_used_distribution(), "time used (seconds): distribution")
            render(ws.time_used("week"), "time used per week", limit=limit)
        elif view == "lifecycle":
            render(
                ws.lifecycle("month" if unit == "month" else "week"), f"lifecycle per {unit}", limit=limit, index=True
            )
        elif view == "stickiness":
            render(ws.stickiness(), "stickiness (DAU/MAU)", limit=limit)
        else:
            render(ws.usage_customers(), "customers' usage", limit=limit)
        live = view == "time-of-day" and time_zone is not None  # recomputed from the events, not the stored run
        results_line = None if live else stage_results_line(ws, "usage", workspace)
    if results_line:
        console.print(results_line)


def why(
    workspace: Path = WS_ARG,
    group_arg: str | None = typer.Argument(
        None, metavar="[GROUP]", help="The group, as with --group (e.g. churned, plan:Enterprise)."
    ),
    group: str = typer.Option(
        "churned",
        "--group",
        help="churned, at_risk, retained, low_usage, high_usage, top, "
        "early_adopters, feature:NAME, cohort:YYYY-MM, daypart:night …, or an attribute such as plan:Enterprise",
    ),
    show_all: bool = typer.Option(False, "--all", help="Show every item, not only significant ones."),
    limit: int = typer.Option(30, "--limit", help="Rows to show."),
) -> None:
    """Ask why: which themes, emotions and empathy-map statements over/under-index in a group's feedback.

    Examples:
      empathic why acme.empathic --group churned
      empathic why acme.empathic plan:Enterprise
    """
    group = group_arg or group
    with open_workspace(workspace, read_only=True) as ws:
        df = ws.why(group, significant_only=not show_all)
    if df.empty:
        hint = "(try --all, or more feedback)"
        console.print(f"[yellow]nothing significant[/yellow] for group {esc(repr(group))} {hint}")
        return
    cols = ["group_value", "item_kind", "label", "share_group", "share_rest", "lift", "q_value", "direction"]
    render(df[cols], f"why: {group} (BH-adjusted q)", limit=limit)


def personas(
    workspace: Path = WS_ARG,
    persona_id: str = typer.Option(None, "--id", help="Show one persona in full."),
) -> None:
    """Personas: name, size, defining traits, top themes, score — and with --id the empathy map with quotes.

    Examples:
      empathic personas acme.empathic
      empathic personas acme.empathic --id P1
    """
    with open_workspace(workspace, read_only=True) as ws:
        df = ws.personas()
        results_line = stage_results_line(ws, "personas", workspace)
    if results_line:
        console.print(results_line)
    if persona_id is None:
        table = Table(title="personas")
        for col in ("id", "name", "size", "share", "top themes", "score", "what distinguishes them"):
            table.add_column(col, justify="right" if col in ("size", "share", "score") else "left")
        for r in df.itertuples(index=False):
            themes = ", ".join(t["label"] for t in r.top_themes[:3])
            table.add_row(
                esc(r.persona_id), esc(r.name), str(r.size), f"{r.share:.0%}", esc(themes), _cell(r.score),
                esc(r.description),
            )  # fmt: skip
        console.print(table)
        return
    hit = df[df["persona_id"] == persona_id]
    if hit.empty:
        raise InputError(f"no persona {persona_id!r}", hint=f"choose one of: {', '.join(df['persona_id'])}")
    p = hit.iloc[0]
    console.print(Panel(esc(p["description"]), title=f"{esc(p['persona_id'])} · {esc(p['name'])}"))
    for cell, quotes in p["empathy_map"].items():
        console.print(f"[bold]{cell.replace('_', ' & ')}[/bold]")
        for q in quotes or [{"text": "–"}]:
            console.print(f"  “{esc(q['text'])}”")
    console.print("[bold]quotes[/bold]")
    for q in p["quotes"]:
        console.print(f"  “{esc(q['text'])}”")


def customers(
    workspace: Path = WS_ARG,
    top: bool = typer.Option(True, "--top/--early-adopters", help="Top customers, or early adopters."),
    by: str = typer.Option("value", "--by", help="Rank by value, engagement, time_used, tenure or sessions."),
    feature: str = typer.Option(None, "--feature", help="Early adopters of this feature."),
    n: int = typer.Option(20, "-n", help="How many."),
) -> None:
    """Top customers (by value, engagement, tenure) or early adopters, and what they say compared with everyone.

    Examples:
      empathic customers acme.empathic --top --by engagement
      empathic customers acme.empathic --early-adopters --feature export_csv
    """
    with open_workspace(workspace, read_only=True) as ws:
        if top:
            render(ws.top_customers(by, n), f"top {n} customers by {by}")
            said = ws.why("top", significant_only=True)
        else:
            adopters = ws.early_adopters(feature)
            render(adopters.head(n), f"early adopters{f' of {feature}' if feature else ''}")
            said = ws.why(None, customers=list(adopters["customer_id"]), significant_only=True)
    if len(said):
        cols = ["item_kind", "label", "share_group", "share_rest", "lift", "q_value"]
        render(said[cols], "what they say vs everyone (significant)")
    else:
        console.print("[dim]what they say: no significant difference from everyone[/dim]")


def customer(workspace: Path = WS_ARG, customer_id: str = typer.Argument(..., help="Customer id.")) -> None:
    """The voice of one customer: attributes, persona, usage, and one timeline of feedback and weekly usage.

    Example: empathic customer acme.empathic C00042
    """
    with open_workspace(workspace, read_only=True) as ws:
        v = ws.customer(customer_id)
    facts = [f"signup: {_cell(v['signup_at'])}"]
    facts += [f"{k}: {_cell(val)}" for k, val in v["attributes"].items()]
    if v["persona"]:
        facts.append(f"persona: {v['persona']['name']} ({v['persona']['persona_id']})")
    if v["usage"]:
        u = v["usage"]
        facts.append(
            f"usage: {u['n_sessions']} sessions, {u['time_used_s'] / 3600:.1f} h, {u['active_days']} active "
            f"days, status {u['status']}, mostly {u['peak_daypart']}"
        )
    console.print(Panel(esc("\n".join(facts)), title=f"customer {esc(v['customer_id'])}"))
    tl = v["timeline"]
    if tl.empty:
        console.print("[dim]no feedback or usage[/dim]")
        return
    table = Table(title="timeline")
    for col in ("when", "what", "detail"):
        table.add_column(col)
    for r in tl.itertuples(index=False):
        if r.kind == "feedback":
            extra = " · ".join(str(x) for x in (r.score, r.themes, r.sentiment_label) if _cell(x) != "–")
            said = esc(r.text) + (f"  [dim]({esc(extra)})[/dim]" if extra else "")
            table.add_row(_cell(r.at), "[bold]said[/bold]", said)
        else:
            table.add_row(_cell(r.at), "used", f"{int(r.sessions)} sessions, {r.time_used_s / 60:.0f} min")
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the ``empathic`` app."""
    app.command("usage")(usage)
    app.command("why")(why)
    app.command("personas")(personas)
    app.command("customers")(customers)
    app.command("customer")(customer)
