"""Helpers shared by the web tests (a uniquely named module: every area has a conftest.py)."""

from __future__ import annotations

import re
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
