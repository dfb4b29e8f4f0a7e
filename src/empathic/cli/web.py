"""``empathic serve``, ``empathic users …``, ``empathic tokens …`` and ``empathic report``."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.table import Table

from empathic.cli.common import console, esc, open_workspace
from empathic.config import load_settings
from empathic.errors import InputError, WorkspaceError
from empathic.store.access import is_denied

AUTH_HELP = "Accounts file (default: web.auth_db, else empathic-users.sqlite beside the workspace)."
users_app = typer.Typer(help="Manage web accounts: add, list, remove, passwd, grant.", no_args_is_help=True)
tokens_app = typer.Typer(help="Manage REST API tokens: create, list, revoke.", no_args_is_help=True)


@contextmanager
def _accounts_file_errors(workspace: Path, auth: Path | None) -> Iterator[None]:
    """Turn SQLite's "unable to open database file" on a read-only accounts file or folder into a clear error."""
    try:
        yield
    except (sqlite3.Error, OSError) as exc:
        if not (is_denied(exc) or "unable to open database file" in str(exc)):
            raise
        from empathic.web.accounts import default_auth_path

        path = auth or load_settings(workspace).web.auth_db or default_auth_path(workspace)
        raise WorkspaceError(
            f"cannot open or write the accounts file {path}: it or its folder is read-only ({exc})",
            hint="make the file and its folder writable, or keep the accounts in a writable place with "
            "--auth PATH (or the web.auth_db setting)",
        ) from None


@contextmanager
def _accounts(workspace: Path, auth: Path | None):
    """The accounts file of ``workspace`` (or ``auth``), with read-only files and folders reported clearly."""
    from empathic.web.server import open_accounts

    with _accounts_file_errors(workspace, auth):
        accounts = open_accounts(load_settings(workspace), [workspace], auth)
        try:
            yield accounts
        finally:
            accounts.close()


def _log_account(workspace: Path, action: str, username: str, detail: dict) -> None:
    """Record an account change in the workspace's activity log; while `empathic serve` holds the workspace the
    change still happens (accounts are a separate file) and the CLI says it could not be logged."""
    from empathic.activity import record
    from empathic.store import Store

    try:
        with Store(workspace, create=False) as store:
            record(store, action=action, object_kind="user", object_id=username, detail=detail)
    except WorkspaceError as exc:
        console.print(f"[yellow]note:[/yellow] not written to the activity log of {esc(workspace)}: {esc(exc.message)}")


def _password(password: str | None) -> str:
    if password:
        return password
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


def serve(
    workspaces: list[Path] = typer.Argument(..., help="Workspace file(s) to serve."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind; non-loopback needs accounts."),
    port: int = typer.Option(8000, "--port", help="Port."),
    auth: Path | None = typer.Option(None, "--auth", help=AUTH_HELP),
) -> None:
    """Serve the web app and REST API (/api/v1). Example: empathic serve acme.empathic"""
    from empathic.web.server import serve as run

    for ws in workspaces:
        open_workspace(ws).close()  # clear error now for a missing/locked/read-only/newer workspace
    with _accounts_file_errors(workspaces[0], auth):
        run(
            list(workspaces),
            settings=load_settings(workspaces[0]),
            host=host,
            port=port,
            auth=auth,
            announce=lambda text: console.print(text, markup=False, highlight=False),  # names and paths verbatim
        )


@users_app.command("add")
def users_add(
    workspace: Path = typer.Argument(..., help="A workspace the server serves (locates the accounts file)."),
    username: str = typer.Argument(...),
    role: str = typer.Option("viewer", "--role", help="viewer (read), analyst (ingest, analyse, edit), admin."),
    password: str | None = typer.Option(None, "--password", help="Prompted for when omitted."),
    access: list[str] = typer.Option(None, "--workspace", help="Limit to these workspace names (default: all)."),
    auth: Path | None = typer.Option(None, "--auth", help=AUTH_HELP),
) -> None:
    """Add a web account. Example: empathic users add acme.empathic ann --role analyst"""
    secret = _password(password)
    with _accounts(workspace, auth) as accounts:
        accounts.add_user(username, secret, role, list(access) if access else None)
    _log_account(workspace, "user.add", username, {"role": role, "workspaces": list(access) if access else "all"})
    console.print(f"added {esc(username)} ({esc(role)})")


@users_app.command("list")
def users_list(
    workspace: Path = typer.Argument(...), auth: Path | None = typer.Option(None, "--auth", help=AUTH_HELP)
) -> None:
    """List web accounts. Example: empathic users list acme.empathic"""
    table = Table("user", "role", "workspaces", "grants")
    with _accounts(workspace, auth) as accounts:
        users = accounts.list_users()
    for u in users:
        where = "all" if u.all_workspaces else esc(", ".join(sorted(u.workspaces)))
        table.add_row(esc(u.username), esc(u.role), where, esc(", ".join(sorted(u.grants))))
    console.print(table)


@users_app.command("remove")
def users_remove(
    workspace: Path = typer.Argument(...),
    username: str = typer.Argument(...),
    auth: Path | None = typer.Option(None, "--auth", help=AUTH_HELP),
) -> None:
    """Remove a web account with its API tokens. Example: empathic users remove acme.empathic ann"""
    with _accounts(workspace, auth) as accounts:
        accounts.remove_user(username)
    _log_account(workspace, "user.remove", username, {})
    console.print(f"removed {esc(username)}")


@users_app.command("passwd")
def users_passwd(
    workspace: Path = typer.Argument(...),
    username: str = typer.Argument(...),
    password: str | None = typer.Option(None, "--password", help="Prompted for when omitted."),
    auth: Path | None = typer.Option(None, "--auth", help=AUTH_HELP),
) -> None:
    """Change a web account's password. Example: empathic users passwd acme.empathic ann"""
    secret = _password(password)
    with _accounts(workspace, auth) as accounts:
        accounts.set_password(username, secret)
    _log_account(workspace, "user.password", username, {})
    console.print(f"password of {esc(username)} changed")


@users_app.command("grant")
def users_grant(
    workspace: Path = typer.Argument(...),
    username: str = typer.Argument(...),
    grant: str = typer.Argument("see_pii", help="The grant: see_pii (raw comment text where others see it masked)."),
    off: bool = typer.Option(False, "--off", help="Take the grant back."),
    auth: Path | None = typer.Option(None, "--auth", help=AUTH_HELP),
) -> None:
    """Give an analyst or admin a grant, or take it back with --off; logged in the activity log.

    With see_pii the web app and API show them raw comment text where a workspace keeps it (viewers never get it),
    and each page they see raw is logged as pii.view.

    Examples:
      empathic users grant acme.empathic ann see_pii
      empathic users grant acme.empathic ann see_pii --off
    """
    with _accounts(workspace, auth) as accounts:
        accounts.set_grant(username, grant, not off)
    _log_account(workspace, "user.grant", username, {"grant": grant, "on": not off})
    console.print(f"{'took back' if off else 'gave'} {esc(grant)} {'from' if off else 'to'} {esc(username)}")


@tokens_app.command("create")
def tokens_create(
    workspace: Path = typer.Argument(...),
    username: str = typer.Argument(..., help="The token acts as this user (same role and workspaces)."),
    name: str = typer.Option("", "--name", help="What the token is for."),
    auth: Path | None = typer.Option(None, "--auth", help=AUTH_HELP),
) -> None:
    """Create a REST API token (shown once). Use it as `Authorization: Bearer <token>`.

    Example: empathic tokens create acme.empathic ann --name ci
    """
    with _accounts(workspace, auth) as accounts:
        token_id, secret = accounts.create_token(username, name)
    _log_account(workspace, "token.create", username, {"token_id": token_id, "name": name})
    console.print(f"token {esc(token_id)} for {esc(username)}:\n{esc(secret)}", highlight=False)


@tokens_app.command("list")
def tokens_list(
    workspace: Path = typer.Argument(...), auth: Path | None = typer.Option(None, "--auth", help=AUTH_HELP)
) -> None:
    """List API tokens (never their secrets). Example: empathic tokens list acme.empathic"""
    table = Table("id", "user", "name", "created", "last used")
    with _accounts(workspace, auth) as accounts:
        tokens = accounts.list_tokens()
    for t in tokens:
        table.add_row(*(esc(t[k]) for k in ("token_id", "username", "name", "created_at", "last_used_at")))
    console.print(table)


@tokens_app.command("revoke")
def tokens_revoke(
    workspace: Path = typer.Argument(...),
    token_id: str = typer.Argument(...),
    auth: Path | None = typer.Option(None, "--auth", help=AUTH_HELP),
) -> None:
    """Revoke an API token by id. Example: empathic tokens revoke acme.empathic 3"""
    with _accounts(workspace, auth) as accounts:
        accounts.revoke_token(token_id)
    _log_account(workspace, "token.revoke", "", {"token_id": token_id})
    console.print(f"revoked {esc(token_id)}")


def report(
    workspace: Path = typer.Argument(..., help="Workspace file."),
    output: Path = typer.Option(
        Path("report.html"), "-o", "--output", help="File to write: .html, or .pdf (printed by headless Chromium)."
    ),
    title: str | None = typer.Option(None, "--title", help="Report title."),
    score: str | None = typer.Option(None, "--score", help="Score of the drivers section (default: the main one)."),
) -> None:
    """Write a self-contained offline HTML report, or its PDF. Example: empathic report acme.empathic -o report.pdf"""
    with open_workspace(workspace, read_only=True) as ws:
        if output.suffix.lower() == ".pdf":
            from empathic.report.html import render_report
            from empathic.team.brief_render import html_to_pdf

            if not output.parent.is_dir():
                raise InputError(f"folder {output.parent} does not exist", hint="create it or choose another -o path")
            html_to_pdf(render_report(ws.store, ws.settings, title=title, score=score), output)
        else:
            ws.report(output, title=title, score=score)
    console.print(f"wrote {esc(output)}")


def register(app: typer.Typer) -> None:
    """Add the web, accounts and report commands to the CLI."""
    app.command("serve")(serve)
    app.add_typer(users_app, name="users")
    app.add_typer(tokens_app, name="tokens")
    app.command("report")(report)
