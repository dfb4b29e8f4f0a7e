"""``empathic themes WORKSPACE`` (the tree) and ``empathic themes edit rename|merge|split|delete|create``."""

from __future__ import annotations

import json
from pathlib import Path

import click
import typer
from rich.tree import Tree
from typer.core import TyperGroup

from empathic.cli.common import console, esc, open_workspace, rich_progress


class _ThemesGroup(TyperGroup):
    """``empathic themes WORKSPACE`` shows the tree; ``empathic themes edit …`` edits it."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["show", *args]
        return super().parse_args(ctx, args)


themes_app = typer.Typer(
    cls=_ThemesGroup,
    help="Show the themes of a workspace (`empathic themes WORKSPACE`) or edit them (`empathic themes edit …`).",
    no_args_is_help=True,
)
edit_app = typer.Typer(help="Edit themes; edits are stored and survive re-analysis.", no_args_is_help=True)
themes_app.add_typer(edit_app, name="edit")


def _sentiment(value: float | None) -> str:
    if value is None or value != value:
        return ""
    colour = "green" if value > 0.05 else "red" if value < -0.05 else "yellow"
    return f" [{colour}]sentiment {value:+.2f}[/{colour}]"


def _tree_header(tree) -> str:
    """Say how many themes over how many comments, so a reader of shares knows their base and that they overlap."""
    top = tree[(tree.level == 1) & ~tree.is_other]
    subthemes = int(((tree.level == 2) & ~tree.is_other).sum())
    mentions = int(tree[tree.level == 1].n_comments.sum())
    shared = tree[(tree.share > 0) & (tree.n_comments > 0)]
    base = round(float((shared.n_comments / shared.share).median())) if len(shared) else 0
    return (f"{len(top)} themes, {subthemes} subthemes over {base:,} comments "
            f"({mentions:,} mentions: a comment can be in several)")


@themes_app.command("show", hidden=True)
def show(
    workspace: Path = typer.Argument(..., help="Workspace file."),
    level: int = typer.Option(2, "--level", min=1, max=2, help="1: top-level themes only; 2: with subthemes."),
    quotes: bool = typer.Option(False, "--quotes", help="Show representative quotes under each theme."),
    as_json: bool = typer.Option(False, "--json", help="Print the tree as JSON records."),
) -> None:
    """The theme tree with comment counts, shares and (when feelings ran) sentiment.

    Examples:
      empathic themes acme.empathic
      empathic themes acme.empathic --level 1 --quotes
    """
    with open_workspace(workspace, read_only=True) as ws:
        tree = ws.themes()
        quote_map = {t: ws.theme_quotes(t) for t in tree.theme_id} if quotes else {}
    if as_json:
        console.print_json(json.dumps(tree.to_dict("records"), default=str))
        return
    root = Tree(f"[bold]{esc(workspace.name)}[/bold] — {_tree_header(tree)}")
    nodes = {}
    for r in tree.itertuples():
        if r.level > level:
            continue
        name = esc(r.label)
        label = f"[dim]{name}[/dim]" if r.is_other else f"[bold]{name}[/bold]" if r.level == 1 else name
        status = " [magenta](emerging)[/magenta]" if r.status == "emerging" else ""
        text = f"{label}{status}  {r.n_comments:,} comments ({100 * r.share:.1f}%){_sentiment(r.sentiment)}"
        text += f"  [dim]{esc(r.theme_id)}[/dim]"
        parent = nodes.get(r.parent_id, root) if r.level == 2 else root
        summary = getattr(r, "summary", None)
        if isinstance(summary, str) and summary and not r.is_other:
            text += f"\n[dim italic]{esc(summary)}[/dim italic]"
        node = parent.add(text)
        nodes[r.theme_id] = node
        for q in quote_map.get(r.theme_id, []).itertuples() if quotes else []:
            node.add(f"[italic]“{esc(q.text)}”[/italic]")
    console.print(root)


@edit_app.command("rename")
def rename(
    workspace: Path = typer.Argument(..., help="Workspace file."),
    theme: str = typer.Argument(..., help="Theme id or current label."),
    label: str = typer.Argument(..., help="The new label."),
) -> None:
    """Rename a theme. Example: empathic themes edit rename acme.empathic t1a2b3c4d5 "delivery delay" """
    _edit(workspace, lambda ws: ws.rename_theme(theme, label))


@edit_app.command("merge")
def merge(
    workspace: Path = typer.Argument(..., help="Workspace file."),
    themes: list[str] = typer.Argument(..., help="Two or more theme ids or labels."),
    into: str = typer.Option(None, "--into", help="The theme that survives (default: the first)."),
    label: str = typer.Option(None, "--label", help="A new label for the merged theme."),
) -> None:
    """Merge themes. Example: empathic themes edit merge acme.empathic t1 t2 --into t1"""
    _edit(workspace, lambda ws: ws.merge_themes(themes, into=into, label=label))


@edit_app.command("split")
def split(
    workspace: Path = typer.Argument(..., help="Workspace file."),
    theme: str = typer.Argument(..., help="Theme id or label."),
    n: int = typer.Option(2, "--n", min=2, max=10, help="Number of parts."),
) -> None:
    """Split a theme by meaning. Example: empathic themes edit split acme.empathic t1a2b3c4d5 --n 2"""
    _edit(workspace, lambda ws: ws.split_theme(theme, n))


@edit_app.command("delete")
def delete(
    workspace: Path = typer.Argument(..., help="Workspace file."),
    theme: str = typer.Argument(..., help="Theme id or label."),
) -> None:
    """Delete a theme; its comments go to the next closest theme. Example: empathic themes edit delete ws t1"""
    _edit(workspace, lambda ws: ws.delete_theme(theme))


@edit_app.command("create")
def create(
    workspace: Path = typer.Argument(..., help="Workspace file."),
    label: str = typer.Argument(..., help="Label of the new theme."),
    keyword: list[str] = typer.Option(None, "--keyword", "-k", help="A keyword or phrase (repeatable)."),
    example: list[str] = typer.Option(None, "--example", "-e", help="An example comment (repeatable)."),
) -> None:
    """Create a guided theme. Example: empathic themes edit create ws "late delivery" -e "parcel came late" """
    _edit(workspace, lambda ws: ws.create_theme(label, keywords=keyword or None, examples=example or None))


def _edit(workspace: Path, action) -> None:
    with open_workspace(workspace) as ws, rich_progress(False):
        action(ws)
    show(workspace, level=2, quotes=False, as_json=False)


def register(app: typer.Typer) -> None:
    """Add ``empathic themes`` to the main app."""
    app.add_typer(themes_app, name="themes")
