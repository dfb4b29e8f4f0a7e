"""Shared fixtures for the web tests: two fake workspaces, an accounts file with one user per role, and clients."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).parent))

import fake_workspace
from web_helpers import login, make_accounts

from empathic.config import Settings
from empathic.web import create_app


@pytest.fixture(scope="session")
def web_env(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Files for a read-mostly app: 'acme' (hostile text) and 'other'."""
    root = tmp_path_factory.mktemp("web")
    acme = fake_workspace.build(root / "acme.empathic", n=300, hostile=True)
    other = fake_workspace.build(root / "other.empathic", n=40, seed=3)
    return {"root": root, "acme": acme, "other": other, "accounts": make_accounts(root / "users.sqlite")}


@pytest.fixture(scope="session")
def app(web_env: dict):
    application = create_app(
        Settings(), [web_env["acme"], web_env["other"]], accounts=web_env["accounts"], upload_dir=web_env["root"] / "up"
    )
    yield application
    for ws in application.state.ctx.workspaces.values():
        ws.close()


@pytest.fixture()
def client_as(app):
    """``client_as("ann")`` → a TestClient signed in as that user; ``client_as(None)`` → anonymous."""
    clients: list[TestClient] = []

    def make(username: str | None) -> TestClient:
        client = TestClient(app, follow_redirects=False)
        clients.append(client)
        return login(client, username) if username else client

    yield make
    for c in clients:
        c.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)
