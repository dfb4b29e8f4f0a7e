"""The accounts file shared by a running server and the CLI (issue 16): ``empathic users …`` and ``empathic tokens …``
run as separate processes while a real uvicorn on 127.0.0.1 serves and writes the same SQLite file (sessions,
token use, jobs). Both sides must agree at once, and the file must stay a sound WAL database.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import fake_workspace
import httpx
import pytest
from web_helpers import PASSWORD, csrf_of, http_login, live_server, make_accounts

from empathic.config import Settings
from empathic.web import create_app

pytestmark = pytest.mark.slow


def cli(*args: str) -> str:
    """Run ``empathic ARGS`` in its own process; its output (it must succeed)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    done = subprocess.run(
        [sys.executable, "-m", "empathic.cli.main", *args], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("live")
    ws = fake_workspace.build(root / "acme.empathic", n=30)
    auth = root / "users.sqlite"
    app = create_app(Settings(), [ws], accounts=make_accounts(auth), upload_dir=root / "up")
    with live_server(app) as url:
        yield {"url": url, "ws": str(ws), "auth": str(auth), "app": app}
    app.state.ctx.workspaces["acme"].close()


def test_cli_and_server_agree_on_users_tokens_and_sessions(served) -> None:
    ws, auth, url = served["ws"], served["auth"], served["url"]
    stop = threading.Event()
    errors: list[str] = []

    def busy_server() -> None:  # the server keeps writing the file (sessions, token use) while the CLI does
        with httpx.Client(base_url=url) as client:
            while not stop.is_set():
                http_login(client, "vic")  # writes a session row
                for _ in range(3):
                    if client.get("/api/v1/me").status_code != 200:
                        errors.append("vic lost the session")
                stop.wait(0.2)  # a steady trickle, not a CPU hog (argon2 per login)

    worker = threading.Thread(target=busy_server, daemon=True)
    worker.start()
    try:
        role = ("--role", "analyst", "--workspace", "acme")
        cli("users", "add", ws, "carl", "--password", PASSWORD, *role, "--auth", auth)
        with httpx.Client(base_url=url, follow_redirects=False) as carl:
            http_login(carl, "carl")  # a user the CLI added signs in to the running server
            assert carl.get("/api/v1/me").json() == {"username": "carl", "role": "analyst", "workspaces": ["acme"]}
            created = cli("tokens", "create", ws, "carl", "--name", "ci", "--auth", auth)
            token_id, secret = re.search(r"token (\w+) for carl:\s*(\S+)", created).groups()
            bearer = {"Authorization": f"Bearer {secret}"}
            assert carl.get("/api/v1/me", headers=bearer).status_code == 200
            cli("tokens", "revoke", ws, token_id, "--auth", auth)
            assert carl.get("/api/v1/me", headers=bearer).status_code == 401  # refused at once
            cli("users", "passwd", ws, "carl", "--password", "another long password", "--auth", auth)
            assert carl.get("/api/v1/me").status_code == 401  # the old session ended with the old password
            http_login(carl, "carl", "another long password")
            page = carl.get("/w/acme/upload")
            assert page.status_code == 200
            cli("users", "remove", ws, "carl", "--auth", auth)
            assert carl.get("/api/v1/me").status_code == 401
            refused = carl.post("/w/acme/analyze", data={"csrf_token": csrf_of(page.text)})
            assert refused.status_code == 303 and refused.headers["location"].startswith("/login")
        listed = cli("users", "list", ws, "--auth", auth)
        assert "vic" in listed and "carl" not in listed
    finally:
        stop.set()
        worker.join(timeout=30)
    assert not errors
    con = sqlite3.connect(auth)
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT count(*) FROM sessions WHERE username = 'carl'").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM api_tokens WHERE username = 'carl'").fetchone()[0] == 0
    finally:
        con.close()
    assert Path(auth + "-wal").exists()  # the server still holds the file open in WAL mode
