"""``empathic owners``, ``notes``, ``activity``, ``digest`` and ``brief``: the team around a workspace.

The workspace comes first, as in every other command (``empathic owners WS set THEME …``); the subcommand-first
order (``empathic owners set WS THEME``) works too. Changes are signed with ``--author`` (default: the
``EMPATHIC_USER`` environment variable, else the login name).
"""

from __future__ import annotations

import getpass
import json
import os
from datetime import datetime
from pathlib import Path

import click
import typer
from rich.markup import escape
from rich.table import Table
from typer.core import TyperGroup

from empathic.cli.common import console, open_workspace
from empathic.errors import InputError
from empathic.team import activity as activity_log
from empathic.team import closed_loop, notes, owners


class _WorkspaceFirstGroup(TyperGroup):
    """``CMD WS`` runs the default subcommand; ``CMD WS SUB …`` runs ``SUB WS …``."""

    default = "list"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            if len(args) > 1 and args[1] in self.commands:
                args = [args[1], args[0], *args[2:]]
            else:
                args = [self.default, *args]
        return super().parse_args(ctx, args)


def _group(help_text: str) -> typer.Typer:
    return typer.Typer(cls=_WorkspaceFirstGroup, help=help_text, no_args_is_help=True)


owners_app = _group("Theme owners and statuses: `empathic owners WS` lists them, `empathic owners WS set THEME …`.")
notes_app = _group("Notes with @mentions: `empathic notes WS` lists them, `empathic notes WS add KIND ID TEXT`.")
AUTHOR_HELP = "Who makes the change (default: $EMPATHIC_USER, else your login name)."
WS_ARG = typer.Argument(..., help="Workspace file.")


def _author(author: str | None) -> str:
    return author or os.environ.get("EMPATHIC_USER") or getpass.getuser()


def _print_json(value: object) -> None:
    console.print_json(json.dumps(value, default=str))


@owners_app.command("list")
def owners_list(
    workspace: Path = WS_ARG,
    team: str | None = typer.Option(None, "--team", help="Only this team's themes."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON records (with the effect of fixes)."),
) -> None:
    """Owned themes with team, person, status and, for fixed themes, whether the fix worked.

    Examples:
      empathic owners acme.empathic
      empathic owners acme.empathic --team Logistics --json
    """
    with open_workspace(workspace, read_only=True) as ws:
        table = owners.owners(ws.store, team=team)
        effects = {e.theme_id: e for e in closed_loop.fix_effects(ws.store, team=team)}
    records = [owners.plain_record(r) for _, r in table.iterrows()]
    for r in records:
        effect = effects.get(r["theme_id"])
        r["fix_effect"] = effect.to_dict() if effect else None
    if as_json:
        _print_json(records)
        return
    if not records:
        console.print("no theme has an owner yet — assign one with `empathic owners WS set THEME --team T`")
        return
    out = Table("theme", "team", "person", "status", "since", "effect of the fix", show_lines=False)
    for r in records:
        effect = effects.get(r["theme_id"])
        label = f"{escape(r['label'] or '(deleted)')} [dim]{escape(r['theme_id'])}[/dim]"
        out.add_row(label, *(escape(r[k] or "") for k in ("team", "person", "status", "status_on")),
                    effect.message if effect else "")  # fmt: skip
    console.print(out)


@owners_app.command("set")
def owners_set(
    workspace: Path = WS_ARG,
    theme: str = typer.Argument(..., help="Theme id or label."),
    team: str | None = typer.Option(None, "--team", help='Owning team ("" clears it).'),
    person: str | None = typer.Option(None, "--person", help='Owning person ("" clears it).'),
    status: str | None = typer.Option(
        None, "--status", help='new, acknowledged, in_progress, fixed or wont_fix ("in progress" works too).'
    ),
    on: datetime | None = typer.Option(
        None, "--on", formats=["%Y-%m-%d"], help="Day the status took effect (default today); fixes count from it."
    ),
    note: str | None = typer.Option(None, "--note", help="A note kept with this change."),
    author: str | None = typer.Option(None, "--author", help=AUTHOR_HELP),
) -> None:
    """Assign a theme to a team/person and/or move its status.

    Examples:
      empathic owners acme.empathic set "Late delivery" --team Logistics --person lee --status acknowledged
      empathic owners acme.empathic set t1a2b3 --status fixed --on 2025-05-01 --note "new carrier"
    """
    from empathic.themes.service import resolve_theme

    if team is None and person is None and status is None and note is None:
        raise InputError("nothing to change", hint="give --team, --person, --status or --note")
    with open_workspace(workspace) as ws:
        theme_id = resolve_theme(ws.store, theme)
        row = owners.set_owner(ws.store, theme_id, author=_author(author), team=team, person=person,
                               status=status, status_on=on.date() if on else None, note=note)  # fmt: skip
        effect = closed_loop.fix_effect(ws.store, theme_id)
    who = " / ".join(x for x in (row["team"], row["person"]) if x) or "nobody"
    console.print(f"{row['label']}: {who}, {row['status']} since {row['status_on']}", highlight=False)
    if effect is not None:
        console.print(effect.message, highlight=False)


@owners_app.command("history")
def owners_history(
    workspace: Path = WS_ARG,
    theme: str = typer.Argument(..., help="Theme id or label."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON records."),
) -> None:
    """Every owner and status change of a theme, with date, author and note.

    Example: empathic owners acme.empathic history "Late delivery"
    """
    from empathic.themes.service import resolve_theme

    with open_workspace(workspace, read_only=True) as ws:
        table = owners.history(ws.store, resolve_theme(ws.store, theme))
    records = [owners.plain_record(r) for _, r in table.iterrows()]
    if as_json:
        _print_json(records)
        return
    out = Table("status", "team", "person", "on", "by", "note")
    for r in records:
        out.add_row(*(escape(r[k] or "") for k in ("status", "team", "person", "status_on", "author", "note")))
    console.print(out)


@notes_app.command("list")
def notes_list(
    workspace: Path = WS_ARG,
    on: str | None = typer.Option(None, "--on", help="Only notes on KIND:ID (e.g. theme:t1a2b3, comment:r17)."),
    search: str | None = typer.Option(None, "--search", "-q", help="Only notes containing all these words."),
    mentioning: str | None = typer.Option(None, "--mentioning", help="Only notes that @mention this user."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON records."),
) -> None:
    """Notes, newest first. Example: empathic notes acme.empathic --mentioning vic"""
    kind, object_id = _object_ref(on) if on else (None, None)
    with open_workspace(workspace, read_only=True) as ws:
        table = notes.notes(ws.store, kind=kind, object_id=object_id, q=search, mentioning=mentioning)
    records = [notes.note_record(r) for _, r in table.iterrows()]
    if as_json:
        _print_json(records)
        return
    for r in records:
        console.print(f"[bold]{escape(r['author'])}[/bold] on {r['object_kind']} {escape(r['object_id'])} "
                      f"[dim]{r['created_at'][:16]} {r['note_id']}[/dim]", highlight=False)  # fmt: skip
        console.print(f"  {r['body']}", highlight=False, markup=False)
    if not records:
        console.print("no notes")


def _object_ref(text: str) -> tuple[str, str]:
    kind, sep, object_id = text.partition(":")
    if not sep or not object_id:
        raise InputError(
            f"--on {text!r} is not KIND:ID", hint=f"e.g. theme:t1a2b3; kinds: {', '.join(notes.OBJECT_KINDS)}"
        )
    return kind, object_id


@notes_app.command("add")
def notes_add(
    workspace: Path = WS_ARG,
    kind: str = typer.Argument(..., help="theme, comment, customer or persona."),
    object_id: str = typer.Argument(..., help="The id (a theme may also be named by its label)."),
    text: str = typer.Argument(..., help="The note; @name mentions a user."),
    author: str | None = typer.Option(None, "--author", help=AUTHOR_HELP),
) -> None:
    """Add a note. Example: empathic notes acme.empathic add theme "Late delivery" "@vic see the carrier data" """
    from empathic.themes.service import resolve_theme

    with open_workspace(workspace) as ws:
        if kind == "theme":
            object_id = resolve_theme(ws.store, object_id)
        note = notes.add_note(ws.store, kind, object_id, text, author=_author(author))
    mentioned = f" (mentions {', '.join(note['mentions'])})" if note["mentions"] else ""
    console.print(f"added {note['note_id']} on {kind} {object_id}{mentioned}", highlight=False)


@notes_app.command("edit")
def notes_edit(
    workspace: Path = WS_ARG,
    note_id: str = typer.Argument(..., help="The note id (n-…)."),
    text: str = typer.Argument(..., help="The new text."),
    author: str | None = typer.Option(None, "--author", help=AUTHOR_HELP),
) -> None:
    """Rewrite one of your notes. Example: empathic notes acme.empathic edit n-1a2b3c4d5e6f "new text" """
    with open_workspace(workspace) as ws:
        notes.edit_note(ws.store, note_id, text, actor=_author(author))
    console.print(f"edited {note_id}")


@notes_app.command("delete")
def notes_delete(
    workspace: Path = WS_ARG,
    note_id: str = typer.Argument(..., help="The note id (n-…)."),
    author: str | None = typer.Option(None, "--author", help=AUTHOR_HELP),
    admin: bool = typer.Option(False, "--admin", help="Delete someone else's note (as an admin)."),
) -> None:
    """Delete one of your notes (or, with --admin, anyone's). Example: empathic notes acme.empathic delete n-1a2b3c"""
    with open_workspace(workspace) as ws:
        notes.delete_note(ws.store, note_id, actor=_author(author), moderator=admin)
    console.print(f"deleted {note_id}")


def activity(
    workspace: Path = WS_ARG,
    actor: str | None = typer.Option(None, "--actor", help="Only this user's changes."),
    limit: int | None = typer.Option(None, "--limit", min=1, help="At most this many (newest first)."),
    csv: Path | None = typer.Option(None, "--csv", help="Export to this CSV file instead of printing."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON records."),
) -> None:
    """Who changed what, and when, newest first: theme edits, owners and statuses, notes, saved views,
    subscriptions and digests sent, users and grants, and what other areas log (corrections, personal data seen).

    Examples:
      empathic activity acme.empathic --limit 20
      empathic activity acme.empathic --csv activity.csv
    """
    with open_workspace(workspace, read_only=True) as ws:
        table = activity_log.activity(ws.store, actor=actor, limit=limit)
    if csv is not None:
        csv.write_text(activity_log.activity_csv(table), encoding="utf-8", newline="")
        console.print(f"wrote {len(table):,} entries to {csv}", highlight=False)
        return
    records = [owners.plain_record(r) for _, r in table.iterrows()]
    if as_json:
        _print_json(records)
        return
    out = Table("when", "who", "what", "on", "detail")
    for r in records:
        on = f"{r['object_kind'] or ''} {r['object_id'] or ''}"
        out.add_row(r["logged_at"][:19], *(escape(x or "") for x in (r["actor"], r["action"], on, r["detail"])))
    console.print(out)


def digest(
    workspace: Path = WS_ARG,
    since: str = typer.Option("7d", "--since", help="Span back from the newest comment (or --until): 12h, 7d, 2w, 1m."),
    until: datetime | None = typer.Option(None, "--until", formats=["%Y-%m-%d"], help="Last day of the window."),
    fmt: str = typer.Option("md", "--format", help="html, md or json."),
    output: Path | None = typer.Option(None, "-o", "--output", help="Write to this file (default: print)."),
    recipient: str | None = typer.Option(None, "--for", help="Include notes that @mention this user."),
    to_folder: Path | None = typer.Option(None, "--to-folder", help="Also write digest-DATE.FORMAT into this folder."),
    smtp: str | None = typer.Option(None, "--smtp", help="Also send by mail through HOST:PORT."),
    mail_from: str = typer.Option("empathic@localhost", "--mail-from", help="Sender address for --smtp."),
    mail_to: list[str] = typer.Option(None, "--mail-to", help="Recipient address for --smtp (repeatable)."),
    starttls: bool = typer.Option(False, "--starttls", help="Use STARTTLS with --smtp."),
    webhook: str | None = typer.Option(None, "--webhook", help="Also POST a Slack-compatible message to this URL."),
) -> None:
    """What changed: new, rising and falling themes, alerts, requests, bugs, fixes, notes, with quotes.

    Examples:
      empathic digest acme.empathic --since 7d --format html -o digest.html
      empathic digest acme.empathic --since 2w --for vic --smtp mail.example.com:25 --mail-to team@example.com
      empathic digest acme.empathic --webhook https://hooks.slack.com/services/…
    Schedule it with cron, e.g. ``0 8 * * MON empathic digest /data/acme.empathic --to-folder /srv/digests``.
    """
    from empathic.team import delivery, digest_render
    from empathic.team.digest import build_digest

    if fmt not in digest_render.FORMATS:
        raise InputError(f"unknown --format {fmt!r}", hint=f"use one of: {', '.join(digest_render.FORMATS)}")
    with open_workspace(workspace, read_only=True) as ws:
        data = build_digest(ws.store, since=since, until=until, recipient=recipient, analytics=ws.settings.analytics)
    text = digest_render.render(data, fmt)
    if output is not None:
        output.write_text(text, encoding="utf-8")
        console.print(f"wrote {output}", highlight=False)
    if to_folder is not None:
        name = f"digest-{data['window']['end'][:10]}.{fmt}"
        console.print(f"wrote {delivery.to_folder(to_folder, name, text)}", highlight=False)
    if smtp is not None:
        host, _, port = smtp.rpartition(":")
        if not host or not port.isdigit():
            raise InputError(f"--smtp {smtp!r} is not HOST:PORT", hint="e.g. --smtp mail.example.com:25")
        delivery.by_smtp(host, int(port), sender=mail_from, recipients=list(mail_to or []),
                         subject=digest_render.title(data), text=digest_render.render(data, "md"),
                         html=digest_render.render(data, "html"), starttls=starttls)  # fmt: skip
        console.print(f"mailed to {', '.join(mail_to)}", highlight=False)
    if webhook is not None:
        status = delivery.to_webhook(webhook, digest_render.slack_payload(data))
        console.print(f"webhook answered {status}", highlight=False)
    if output is None and to_folder is None and smtp is None and webhook is None:
        console.print(text, highlight=False, markup=False, soft_wrap=True)


def brief(
    workspace: Path = WS_ARG,
    name: str | None = typer.Argument(None, help="The team's name, with --for team."),
    audience: str = typer.Option(..., "--for", help="exec, team (then the team's NAME) or newhire."),
    output: Path = typer.Option(..., "-o", "--output", help="brief.pdf (printed by headless Chromium) or .html."),
) -> None:
    """A one-page empathy brief for an audience, as PDF or HTML.

    Examples:
      empathic brief acme.empathic --for exec -o exec.pdf
      empathic brief acme.empathic --for team Logistics -o logistics.pdf
      empathic brief acme.empathic --for newhire -o welcome.html
    """
    from empathic.team import brief_render
    from empathic.team.brief import build_brief

    if audience != "team" and name:
        raise InputError(f"unexpected argument {name!r}", hint="only --for team takes a NAME")
    with open_workspace(workspace, read_only=True) as ws:
        data = build_brief(ws.store, audience, team=name)
    console.print(f"wrote {brief_render.write(data, output)}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``empathic owners``, ``notes``, ``activity``, ``digest`` and ``brief`` to the main app."""
    app.add_typer(owners_app, name="owners")
    app.add_typer(notes_app, name="notes")
    app.command("activity")(activity)
    app.command("digest")(digest)
    app.command("brief")(brief)
