"""Running the app: the bind-address safety rule, the first admin account, and uvicorn.

Auth is always on. Serving on anything but a loopback address (127.0.0.1, ::1, localhost) is refused until at
least one account exists (``empathic users add``). On loopback with no accounts yet, an ``admin`` account with a
random password is created and its password printed once, like Jupyter's token.
"""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from empathic.config import Settings
from empathic.errors import InputError
from empathic.web.accounts import Accounts, default_auth_path


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def open_accounts(settings: Settings, workspaces: list[Path], auth: Path | None = None) -> Accounts:
    """The accounts file: ``auth``, else ``settings.web.auth_db``, else beside the first workspace."""
    if auth is not None:
        return Accounts(auth)
    if settings.web.auth_db:
        return Accounts(settings.web.auth_db)
    if not workspaces:
        raise InputError("no workspace given", hint="pass a workspace file or --auth")
    return Accounts(default_auth_path(workspaces[0]))


def check_bind(host: str, accounts: Accounts) -> str | None:
    """Refuse a non-loopback bind without accounts; on loopback create the first admin.

    Returns the generated admin password (to print once) or None.
    """
    if accounts.has_users():
        return None
    if not is_loopback(host):
        raise InputError(
            f"refusing to serve on {host} without accounts: anyone on the network could read the feedback",
            hint="create one first: `empathic users add WORKSPACE NAME --role admin`, or serve on 127.0.0.1",
        )
    password = secrets.token_urlsafe(12)
    accounts.add_user("admin", password, "admin")
    return password


def serve(
    workspaces: list[Path],
    *,
    settings: Settings,
    host: str,
    port: int,
    auth: Path | None = None,
    announce: Callable[[str], None] = print,
) -> None:
    """Open the workspaces and run the app with uvicorn until interrupted."""
    import uvicorn

    from empathic.web.app import create_app

    accounts = open_accounts(settings, workspaces, auth)
    password = check_bind(host, accounts)
    if password:
        announce(f"created user 'admin' with password: {password}  (change it: empathic users passwd)")
    app = create_app(settings, list(workspaces), accounts=accounts)
    announce(f"empathic is serving {', '.join(app.state.ctx.workspaces)} on http://{host}:{port}/")
    uvicorn.Server(uvicorn_config(app, host, port)).run()


def uvicorn_config(app: Any, host: str, port: int) -> Any:
    """How ``empathic serve`` runs uvicorn.

    ``proxy_headers=False``: uvicorn would otherwise believe ``X-Forwarded-For`` from 127.0.0.1 and hand the app a
    client address of the caller's choosing (which defeated the login rate limit). The app itself reads that
    header only from the proxies named in ``web.trusted_proxies``.
    """
    import uvicorn

    return uvicorn.Config(app, host=host, port=port, log_level="warning", proxy_headers=False)
