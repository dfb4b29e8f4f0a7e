"""The web findings of issue 16, one test each: workspace grants, logout, Plotly labels, the login rate limit
behind proxies, server paths, and upload temp folders.
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from html import unescape
from pathlib import Path

import fake_workspace
import httpx
import pytest
from fastapi.testclient import TestClient
from web_helpers import PASSWORD, csrf_of, http_login, live_server, login, make_accounts

from empathic.config import Settings
from empathic.errors import InputError
from empathic.web import charts, create_app
from empathic.web.redact import PathRedactor
from empathic.web.security import SESSION_COOKIE, client_address

EVIL_LINK = '<a href="https://evil">x</a>'


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory):
    """A small app whose 'fit' theme is called ``<a href="https://evil">x</a>``; jobs run for real."""
    root = tmp_path_factory.mktemp("hard")
    path = fake_workspace.build(root / "acme.empathic", n=60)
    app = create_app(Settings(), [path], accounts=make_accounts(root / "u.sqlite"), upload_dir=root / "up")
    ws = app.state.ctx.workspaces["acme"]
    with ws.store.write() as con:
        con.execute("UPDATE themes SET label = ? WHERE theme_id = 'fit'", [EVIL_LINK])
    yield app
    ws.close()


# -- 2. admin "add user" never grants every workspace by default ---------------------------------------------------
@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({}, "no workspace chosen"),
        ({"workspace": "nope"}, "no workspace &#39;nope&#39;"),
        ({"workspace": ["other", "nope"]}, "no workspace &#39;nope&#39;"),
        ({"all": "1", "workspace": "other"}, "either"),
    ],
)
def test_add_user_without_a_valid_choice_is_an_error(client_as, app, form: dict, message: str) -> None:
    admin = client_as("ada")
    csrf = csrf_of(admin.get("/admin/users").text)
    data = {"csrf_token": csrf, "username": "grantless", "password": "long-enough-pw", "role": "viewer", **form}
    response = admin.post("/admin/users", data=data)
    assert response.status_code == 400 and message in response.text
    assert app.state.ctx.accounts.get_user("grantless") is None


def test_add_user_with_explicit_every_workspace(client_as, app) -> None:
    admin = client_as("ada")
    page = admin.get("/admin/users")
    assert 'name="all" value="1" checked' not in page.text  # "every workspace" is never pre-ticked
    data = {"csrf_token": csrf_of(page.text), "username": "everyone", "password": "long-enough-pw", "all": "1"}
    assert admin.post("/admin/users", data=data).status_code == 303
    try:
        assert app.state.ctx.accounts.get_user("everyone").all_workspaces
    finally:
        app.state.ctx.accounts.remove_user("everyone")


# -- 3. logout ends the session on the server -----------------------------------------------------------------
def test_a_cookie_captured_before_logout_is_refused_after(client_as) -> None:
    client = client_as("vic")
    page = client.get("/w/acme/overview")
    captured = client.cookies.get(SESSION_COOKIE)
    assert client.post("/logout", data={"csrf_token": csrf_of(page.text)}).status_code == 303
    thief = client_as(None)
    thief.cookies.set(SESSION_COOKIE, captured)
    assert thief.get("/w/acme/overview").status_code == 303  # back to the login page
    assert thief.get("/api/v1/me").status_code == 401
    assert thief.post("/w/acme/analyze", headers={"X-CSRF-Token": "x"}).status_code in (303, 403)


def test_removing_a_user_ends_their_sessions(client_as, app) -> None:
    app.state.ctx.accounts.add_user("temp", PASSWORD, "viewer", ["acme"])
    client = login(client_as(None), "temp")
    assert client.get("/api/v1/me").status_code == 200
    app.state.ctx.accounts.remove_user("temp")
    app.state.ctx.accounts.add_user("temp", PASSWORD, "viewer", ["acme"])  # same name, same password, new account
    try:
        assert client.get("/api/v1/me").status_code == 401
    finally:
        app.state.ctx.accounts.remove_user("temp")


# -- 4. Plotly labels are text, never links or markup ---------------------------------------------------------
def _figures(html: str) -> list[dict]:
    blobs = re.findall(r'<script type="application/json" id="[^"]+">(.*?)</script>', html, flags=re.S)
    return [json.loads(b) for b in blobs]


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_plotly_text_escapes_pseudo_html() -> None:
    fig = charts.bar([EVIL_LINK, "Fit & <b>size</b>"], [3, 2], horizontal=True, name="<br>n")
    assert fig["data"][0]["y"] == ["Fit &amp; &lt;b&gt;size&lt;/b&gt;", '&lt;a href="https://evil"&gt;x&lt;/a&gt;']
    assert fig["data"][0]["name"] == "&lt;br&gt;n"
    lines = charts.lines({EVIL_LINK: (["2024-01"], [1.0])}, y_title="<i>share</i>")
    assert lines["data"][0]["name"].startswith("&lt;a") and "<" not in json.dumps(lines)
    assert "<" not in json.dumps(charts.heatmap(["<b>0</b>"], ["<i>Mon</i>"], [[1]]))


def test_theme_named_as_a_link_is_plain_text_in_every_chart(small) -> None:
    client = login(TestClient(small, follow_redirects=False), "vic")
    shown = []
    for url in ("/w/acme/overview", "/w/acme/drivers", "/w/acme/trends", "/w/acme/themes/fit"):
        page = client.get(url)
        assert page.status_code == 200, url
        for fig in _figures(page.text):
            texts = _strings(fig)
            assert not [t for t in texts if "<" in t or ">" in t], (url, texts)
            shown += texts
    assert '&lt;a href="https://evil"&gt;x&lt;/a&gt;' in shown  # the label is there, as text


# -- 5. the login rate limit believes X-Forwarded-For only from a trusted proxy --------------------------------------
def test_client_address_rules() -> None:
    assert client_address("127.0.0.1", "1.2.3.4", []) == "127.0.0.1"  # no trusted proxy: the header is ignored
    assert client_address("10.0.0.9", "1.2.3.4", ["127.0.0.1"]) == "10.0.0.9"  # not from the proxy
    assert client_address("127.0.0.1", "6.6.6.6, 1.2.3.4", ["127.0.0.1"]) == "1.2.3.4"  # right-most hop
    assert client_address("127.0.0.1", "1.2.3.4, 10.1.1.1", ["127.0.0.0/8", "10.0.0.0/8"]) == "1.2.3.4"
    assert client_address("127.0.0.1", None, ["127.0.0.1"]) == "127.0.0.1"
    with pytest.raises(ValueError, match="not an IP address"):
        Settings(web={"trusted_proxies": ["proxy.local"]})


def _failed_logins(client: httpx.Client, forwarded: list[str]) -> list[int]:
    csrf = csrf_of(client.get("/login").text)
    data = {"username": "ada", "password": "wrong-password", "csrf_token": csrf}
    return [client.post("/login", data=data, headers={"X-Forwarded-For": f}).status_code for f in forwarded]


def test_forwarded_for_rotation_does_not_bypass_the_login_limit(tmp_path: Path) -> None:
    """A real server configured as ``empathic serve`` runs it (uvicorn used to trust the header from 127.0.0.1)."""
    path = fake_workspace.build(tmp_path / "rl.empathic", n=20)
    app = create_app(Settings(), [path], accounts=make_accounts(tmp_path / "u.sqlite"), upload_dir=tmp_path / "up")
    try:
        with live_server(app) as url, httpx.Client(base_url=url) as client:
            statuses = _failed_logins(client, [f"203.0.113.{k}" for k in range(7)])
        assert statuses == [401] * 5 + [429] * 2
    finally:
        app.state.ctx.workspaces["rl"].close()


def test_trusted_proxy_forwarded_for_is_used(tmp_path: Path) -> None:
    path = fake_workspace.build(tmp_path / "px.empathic", n=20)
    settings = Settings(web={"trusted_proxies": ["127.0.0.1"]})
    app = create_app(settings, [path], accounts=make_accounts(tmp_path / "u.sqlite"), upload_dir=tmp_path / "up")
    try:
        with live_server(app) as url, httpx.Client(base_url=url) as client:
            distinct = _failed_logins(client, [f"203.0.113.{k}" for k in range(6)])
            spoofed = _failed_logins(client, [f"6.6.6.{k}, 198.51.100.7" for k in range(6)])
        assert distinct == [401] * 6  # six clients behind the proxy, one failure each
        assert spoofed == [401] * 5 + [429]  # the client-chosen left part does not make new clients
    finally:
        app.state.ctx.workspaces["px"].close()


# -- 7 and 8. server paths are never shown; upload folders do not outlive their use -----------------------------
def _upload(client: TestClient, name: str, content: bytes) -> tuple[str, str]:
    csrf = csrf_of(client.get("/w/acme/upload").text)
    response = client.post("/w/acme/upload", data={"csrf_token": csrf}, files={"file": (name, content)})
    assert response.status_code == 200, response.text
    return response.text.split('name="upload_id" value="')[1].split('"')[0], csrf


REVIEWS = b"id,review\n1,The dress runs small so order a size up\n2,Lovely colour and the fabric is soft\n"


def _wait(app, client: TestClient, location: str) -> dict:
    app.state.ctx.jobs.wait_idle(120)
    return client.get("/api/v1/w/acme/jobs/" + location.rsplit("/", 1)[1]).json()


def test_ingest_job_shows_the_file_name_not_the_server_path_and_cleans_up(small) -> None:
    ws = small.state.ctx.workspaces["acme"]
    ws.analyze = lambda progress=None: []  # the ingest is under test, not the stages
    root = str(small.state.ctx.uploads.root)
    try:
        client = login(TestClient(small, follow_redirects=False), "ann")
        upload_id, csrf = _upload(client, "reviews.csv", REVIEWS)
        form = {"csrf_token": csrf, "upload_id": upload_id, "role:id": "id", "role:review": "text"}
        done = client.post("/w/acme/ingest", data=form)
        job = _wait(small, client, done.headers["location"])
    finally:
        del ws.analyze
    assert job["status"] == "done", job["message"]
    assert "reviews.csv" in job["message"] and root not in job["message"] and "/" not in job["message"].split(":")[0]
    viewer = login(TestClient(small, follow_redirects=False), "vic")
    for url in (done.headers["location"], "/api/v1/w/acme/jobs"):
        assert root not in viewer.get(url).text
    assert not small.state.ctx.uploads.pending()  # removed on success


def test_failed_ingest_job_hides_paths_and_removes_the_upload(small) -> None:
    ws = small.state.ctx.workspaces["acme"]

    def broken_ingest(data, **kwargs):
        raise InputError(f"cannot read {data}", file=str(data), row=3)

    ws.ingest = broken_ingest
    try:
        client = login(TestClient(small, follow_redirects=False), "ann")
        upload_id, csrf = _upload(client, "reviews.csv", REVIEWS)
        form = {"csrf_token": csrf, "upload_id": upload_id, "role:review": "text"}
        job = _wait(small, client, client.post("/w/acme/ingest", data=form).headers["location"])
    finally:
        del ws.ingest
    assert job["status"] == "failed"
    assert "cannot read reviews.csv" in job["message"] and str(small.state.ctx.uploads.root) not in job["message"]
    assert not small.state.ctx.uploads.pending()  # removed on failure


def test_unreadable_upload_error_shows_no_path_and_leaves_no_folder(small) -> None:
    client = login(TestClient(small, follow_redirects=False), "ann")
    csrf = csrf_of(client.get("/w/acme/upload").text)
    bad = client.post(
        "/w/acme/upload", data={"csrf_token": csrf}, files={"file": ("broken.xlsx", b"PK\x03\x04 not a workbook")}
    )
    assert bad.status_code == 400, bad.text[:300]
    assert str(small.state.ctx.uploads.root) not in unescape(bad.text)
    assert not small.state.ctx.uploads.pending()  # removed when inspecting fails


def test_path_redactor_keeps_only_file_names(tmp_path: Path) -> None:
    redact = PathRedactor([tmp_path / "up", "/srv/data"])
    text = f"cannot read '{tmp_path}/up/4f2a/reviews.csv' (row 3); see /srv/data/acme.empathic and /srvx/keep"
    assert redact(text) == "cannot read 'reviews.csv' (row 3); see acme.empathic and /srvx/keep"
    assert redact.deep({"where": [f"{tmp_path}/up/a b.csv"]}) == {"where": ["a b.csv"]}


def test_old_unconfirmed_uploads_are_swept(small) -> None:
    uploads = small.state.ctx.uploads
    old = uploads.root / uuid.uuid4().hex
    old.mkdir(parents=True)
    (old / "stale.csv").write_text("text\nhello\n")
    two_days_ago = time.time() - 2 * 86400
    os.utime(old, (two_days_ago, two_days_ago))
    client = login(TestClient(small, follow_redirects=False), "ann")
    upload_id, _ = _upload(client, "fresh.csv", REVIEWS)  # every upload sweeps
    assert not old.exists()
    assert [p.name for p in uploads.pending()] == [upload_id]  # the fresh one waits for confirmation
    uploads.remove(uploads.root / upload_id)


def test_server_start_sweeps_and_stop_removes_pending_uploads(tmp_path: Path) -> None:
    path = fake_workspace.build(tmp_path / "st.empathic", n=20)
    stale = tmp_path / "up" / uuid.uuid4().hex
    stale.mkdir(parents=True)
    os.utime(stale, (time.time() - 3 * 86400,) * 2)
    app = create_app(Settings(), [path], accounts=make_accounts(tmp_path / "u.sqlite"), upload_dir=tmp_path / "up")
    try:
        assert not stale.exists()  # swept at start
        with live_server(app) as url, httpx.Client(base_url=url, follow_redirects=False) as client:
            http_login(client, "ann")
            csrf = csrf_of(client.get("/w/st/upload").text)
            response = client.post("/w/st/upload", data={"csrf_token": csrf}, files={"file": ("a.csv", REVIEWS)})
            assert response.status_code == 200
            assert len(app.state.ctx.uploads.pending()) == 1  # waiting for confirmation while the server runs
        assert not app.state.ctx.uploads.pending()  # the server stopped: gone
    finally:
        app.state.ctx.workspaces["st"].close()
