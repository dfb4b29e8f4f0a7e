"""Security properties: password hashing, cookies, CSRF, rate limiting, tokens, redirects, headers, binding."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from web_helpers import PASSWORD, csrf_of, login

from empathic.errors import InputError
from empathic.web.accounts import Accounts
from empathic.web.security import SESSION_COOKIE
from empathic.web.server import check_bind, is_loopback

WEB_SRC = Path(__file__).parents[2] / "src" / "empathic" / "web"
REPORT_SRC = Path(__file__).parents[2] / "src" / "empathic" / "report"


def test_passwords_are_stored_as_argon2id_hashes(tmp_path: Path) -> None:
    accounts = Accounts(tmp_path / "u.sqlite")
    accounts.add_user("kim", "s3cret-pass", "viewer")
    stored = sqlite3.connect(tmp_path / "u.sqlite").execute("SELECT password_hash FROM users").fetchone()[0]
    assert stored.startswith("$argon2id$") and "s3cret-pass" not in stored
    assert accounts.authenticate("kim", "s3cret-pass") is not None
    assert accounts.authenticate("kim", "wrong-pass") is None
    assert accounts.authenticate("nobody", "s3cret-pass") is None


def test_accounts_reject_bad_input_clearly(tmp_path: Path) -> None:
    accounts = Accounts(tmp_path / "u.sqlite")
    with pytest.raises(InputError, match="unknown role"):
        accounts.add_user("kim", "longenough", "superuser")
    with pytest.raises(InputError, match="too short"):
        accounts.add_user("kim", "short", "viewer")
    with pytest.raises(InputError, match="invalid username"):
        accounts.add_user("<script>", "longenough", "viewer")
    accounts.add_user("kim", "longenough", "viewer")
    with pytest.raises(InputError, match="already exists"):
        accounts.add_user("kim", "longenough", "viewer")


def test_session_cookie_is_signed_httponly_samesite(client_as) -> None:
    client = client_as(None)
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": "vic", "password": PASSWORD, "csrf_token": csrf_of(page.text), "next": "/"},
    )
    header = response.headers["set-cookie"]
    assert SESSION_COOKIE in header and "HttpOnly" in header and "SameSite=lax" in header.replace("Lax", "lax")
    value = client.cookies.get(SESSION_COOKIE)
    assert client.get("/w/acme/overview").status_code == 200
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB"))
    assert client.get("/w/acme/overview").status_code == 303  # a tampered cookie is just anonymous


def test_login_needs_csrf_token(client_as) -> None:
    client = client_as(None)
    client.get("/login")
    response = client.post("/login", data={"username": "vic", "password": PASSWORD})
    assert response.status_code == 403
    assert "CSRF" in response.text


def test_state_changing_requests_need_csrf(client_as) -> None:
    client = client_as("ann")
    assert client.post("/w/acme/themes/fit/rename", data={"label": "x"}).status_code == 403
    assert client.post("/api/v1/w/acme/themes/fit/rename", json={"label": "x"}).status_code == 403
    wrong = client.post("/w/acme/analyze", headers={"X-CSRF-Token": "forged"})
    assert wrong.status_code == 403


def test_login_is_rate_limited(client_as) -> None:
    client = client_as(None)
    csrf = csrf_of(client.get("/login").text)
    statuses = [
        client.post("/login", data={"username": "ada", "password": "wrong-password", "csrf_token": csrf}).status_code
        for _ in range(6)
    ]
    assert statuses[:5] == [401] * 5 and statuses[5] == 429
    # even the right password is refused while blocked
    right = client.post("/login", data={"username": "ada", "password": PASSWORD, "csrf_token": csrf})
    assert right.status_code == 429
    client.app.state.ctx.limiter.succeeded("testclient", "ada")  # unblock for other tests


def test_api_tokens_authenticate_and_can_be_revoked(app, client_as) -> None:
    accounts = app.state.ctx.accounts
    token_id, secret = accounts.create_token("vic", "ci")
    client = client_as(None)
    assert client.get("/api/v1/w/acme/themes").status_code == 401
    response = client.get("/api/v1/w/acme/themes", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200 and any(t["theme_id"] == "fit" for t in response.json())
    # a viewer's token cannot do analyst things; tokens need no CSRF but still obey the role
    denied = client.post("/api/v1/w/acme/analyze", headers={"Authorization": f"Bearer {secret}"})
    assert denied.status_code == 403
    accounts.revoke_token(token_id)
    assert client.get("/api/v1/w/acme/themes", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert all(t["token_id"] != token_id for t in accounts.list_tokens())


def test_stored_tokens_are_digests(tmp_path: Path) -> None:
    accounts = Accounts(tmp_path / "u.sqlite")
    accounts.add_user("kim", "longenough", "viewer")
    _, secret = accounts.create_token("kim")
    stored = sqlite3.connect(tmp_path / "u.sqlite").execute("SELECT token_sha256 FROM api_tokens").fetchone()[0]
    assert secret not in stored and len(stored) == 64


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_login_never_redirects_off_site(client_as, target: str) -> None:
    client = client_as(None)
    csrf = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"username": "vic", "password": PASSWORD, "csrf_token": csrf, "next": target})
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_security_headers_on_every_page(client_as) -> None:
    client = client_as("vic")
    for url in ("/login", "/w/acme/overview", "/api/v1/w/acme/themes", "/nope"):
        headers = client.get(url).headers
        assert "script-src 'self'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"


def test_templates_never_mark_data_safe() -> None:
    offenders = []
    for folder in (WEB_SRC / "templates", REPORT_SRC / "templates"):
        for path in folder.glob("*.html"):
            text = path.read_text()
            if re.search(r"\|\s*safe\b", text) or "autoescape false" in text:
                offenders.append(path.name)
    for path in [*WEB_SRC.rglob("*.py"), *REPORT_SRC.rglob("*.py")]:
        if "Markup(" in path.read_text():
            offenders.append(path.name)
    assert not offenders


def test_no_inline_scripts_and_no_cdn() -> None:
    for path in (WEB_SRC / "templates").glob("*.html"):
        text = path.read_text()
        for tag in re.findall(r"<script[^>]*>", text):
            assert 'src="/static/' in tag or 'type="application/json"' in tag, (path.name, tag)
        assert "http://" not in text and "https://" not in text, path.name


@pytest.mark.parametrize(
    ("host", "loop"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("192.168.1.5", False),
        ("example.com", False),
    ],
)
def test_loopback_detection(host: str, loop: bool) -> None:
    assert is_loopback(host) is loop


def test_refuses_non_loopback_without_accounts(tmp_path: Path) -> None:
    accounts = Accounts(tmp_path / "u.sqlite")
    with pytest.raises(InputError, match="refusing to serve on 0.0.0.0"):
        check_bind("0.0.0.0", accounts)
    assert not accounts.has_users()
    password = check_bind("127.0.0.1", accounts)  # loopback: first admin with a one-time password
    assert password and accounts.authenticate("admin", password).role == "admin"
    assert check_bind("0.0.0.0", accounts) is None  # accounts exist now: allowed


def test_serve_cli_refuses_public_bind_without_accounts(tmp_path: Path, web_env: dict) -> None:
    import shutil

    from empathic.cli.main import main

    ws = tmp_path / "copy.empathic"
    shutil.copy(web_env["other"], ws)
    assert main(["serve", str(ws), "--host", "0.0.0.0", "--auth", str(tmp_path / "none.sqlite")]) == 2


def test_user_without_workspace_grant_cannot_see_it(client_as) -> None:
    client = client_as("olga")
    assert client.get("/w/acme/overview").status_code == 403
    assert client.get("/w/other/overview").status_code == 200
    assert client.get("/api/v1/me").json()["workspaces"] == ["other"]


def test_logout_ends_the_session(client_as) -> None:
    client = client_as("vic")
    page = client.get("/w/acme/overview")
    assert page.status_code == 200
    client.post("/logout", data={"csrf_token": csrf_of(page.text)})
    assert client.get("/w/acme/overview").status_code == 303


def test_login_form_round_trip(client_as) -> None:
    client = login(client_as(None), "ada")
    assert client.get("/api/v1/users").status_code == 200
    assert {u["username"] for u in client.get("/api/v1/users").json()} >= {"ada", "ann", "vic", "olga"}


def test_jobs_interrupted_by_a_restart_are_marked_failed(tmp_path: Path, web_env: dict) -> None:
    import shutil

    from empathic.config import Settings
    from empathic.web import create_app

    shutil.copy(web_env["other"], tmp_path / "copy.empathic")
    accounts = Accounts(tmp_path / "u.sqlite")
    stuck = accounts.create_job("copy", "analyze", None)
    accounts.update_job(stuck, status="running")
    finished = accounts.create_job("copy", "analyze", None)
    accounts.update_job(finished, status="done")
    app = create_app(Settings(), [tmp_path / "copy.empathic"], accounts=accounts, upload_dir=tmp_path / "up")
    try:
        job = accounts.get_job(stuck)
        assert job["status"] == "failed" and "interrupted" in job["message"]
        assert accounts.get_job(finished)["status"] == "done"
    finally:
        app.state.ctx.workspaces["copy"].close()


def test_admin_manages_accounts_in_the_browser_forms(client_as, app) -> None:
    admin = client_as("ada")
    page = admin.get("/admin/users")
    assert page.status_code == 200 and "olga" in page.text
    csrf = csrf_of(page.text)
    added = admin.post(
        "/admin/users",
        data={
            "csrf_token": csrf,
            "username": "newbie",
            "password": "long-enough-pw",
            "role": "viewer",
            "workspace": "other",
        },
    )
    assert added.status_code == 303
    user = app.state.ctx.accounts.get_user("newbie")
    assert user.role == "viewer" and not user.all_workspaces and user.workspaces == frozenset({"other"})
    assert admin.post("/admin/users/ada/remove", data={"csrf_token": csrf}).status_code == 400  # not yourself
    assert admin.post("/admin/users/newbie/remove", data={"csrf_token": csrf}).status_code == 303
    assert app.state.ctx.accounts.get_user("newbie") is None
    analyst = client_as("ann")
    assert analyst.get("/admin/users").status_code == 403
    settings = admin.get("/admin/settings")
    assert settings.status_code == 200 and 'id="settings-acme"' in settings.text and "page_size" in settings.text
    assert analyst.get("/admin/settings").status_code == 403


def test_changing_the_password_ends_other_sessions(client_as, app) -> None:
    app.state.ctx.accounts.add_user("pat", PASSWORD, "viewer")
    old = login(client_as(None), "pat")
    assert old.get("/w/acme/overview").status_code == 200
    app.state.ctx.accounts.set_password("pat", "a brand new password")
    assert old.get("/w/acme/overview").status_code == 303  # back to the login page
    fresh = login(client_as(None), "pat", "a brand new password")
    assert fresh.get("/w/acme/overview").status_code == 200
    app.state.ctx.accounts.remove_user("pat")
    assert fresh.get("/w/acme/overview").status_code == 303
