"""Fixtures of the team tests: a planted-fix workspace (copied per test that writes to it) and a web app on it
with users ada (admin), ann and al (analysts), vic (viewer)."""

from __future__ import annotations

import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "web"))

import team_planted
from fastapi.testclient import TestClient
from web_helpers import PASSWORD, csrf_of, login, make_accounts

from empathic.config import Settings
from empathic.web import create_app
from empathic.web.accounts import Accounts


@pytest.fixture(scope="session")
def planted_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return team_planted.build(tmp_path_factory.mktemp("team") / "planted.empathic")


@pytest.fixture()
def planted(planted_master: Path, tmp_path: Path) -> Path:
    """A private copy of the planted workspace (tests write owners and notes into it)."""
    path = tmp_path / "planted.empathic"
    shutil.copy(planted_master, path)
    return path


@pytest.fixture(scope="module")
def accounts_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The accounts file, made once (password hashing is slow on purpose) and copied for each test."""
    path = tmp_path_factory.mktemp("accounts") / "users.sqlite"
    accounts = make_accounts(path)
    accounts.add_user("al", PASSWORD, "analyst", None)
    accounts.close()
    return path


@pytest.fixture()
def app(planted: Path, tmp_path: Path, accounts_master: Path):
    copy = tmp_path / "users.sqlite"
    with sqlite3.connect(accounts_master) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    application = create_app(Settings(), [planted], accounts=Accounts(copy), upload_dir=tmp_path / "up")
    yield application
    for ws in application.state.ctx.workspaces.values():
        ws.close()


@pytest.fixture()
def client_as(app):
    clients: list[TestClient] = []

    def make(username: str) -> TestClient:
        client = TestClient(app, follow_redirects=False)
        clients.append(client)
        login(client, username)
        client.headers["X-CSRF-Token"] = csrf_of(client.get("/login").text)
        return client

    yield make
    for c in clients:
        c.close()
