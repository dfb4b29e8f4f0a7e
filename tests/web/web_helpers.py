"""Helpers shared by the web tests (a uniquely named module: every area has a conftest.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient

from empathic.web.accounts import Accounts

PASSWORD = "correct horse battery"
#: name → (role, workspaces it may open; None = all)
USERS = {
    "ada": ("admin", None),
    "ann": ("analyst", None),
    "vic": ("viewer", None),
    "olga": ("analyst", ["other"]),  # an analyst without access to "acme"
}


def make_accounts(path: Path) -> Accounts:
    accounts = Accounts(path)
    for name, (role, workspaces) in USERS.items():
        accounts.add_user(name, PASSWORD, role, workspaces)
    return accounts


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> TestClient:
    """Sign ``client`` in through the real login form (CSRF included)."""
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(page.text), "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def live_server(app) -> Iterator[str]:
    """Serve ``app`` with a real uvicorn on 127.0.0.1 (configured as ``empathic serve`` does); yields its URL.

    Leaving the block stops the server, which runs the app's shutdown (upload clean-up) like Ctrl-C would.
    """
    import threading
    import time

    import uvicorn

    from empathic.web.server import uvicorn_config

    port = free_port()
    server = uvicorn.Server(uvicorn_config(app, "127.0.0.1", port))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def http_login(client, username: str, password: str = PASSWORD):
    """Sign an ``httpx.Client`` in against a live server through the login form."""
    page = client.get("/login")
    response = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": csrf_of(page.text), "next": "/"}
    )
    assert response.status_code == 303, response.text
    return client


def counting(app):
    """``(wrapped_app, counter)``: ``counter["bytes"]`` is how many body bytes the app pulled from ``receive``."""
    counter = {"bytes": 0}

    async def wrapped(scope, receive, send):
        async def counted():
            message = await receive()
            counter["bytes"] += len(message.get("body", b""))
            return message

        await app(scope, counted, send)

    return wrapped, counter
