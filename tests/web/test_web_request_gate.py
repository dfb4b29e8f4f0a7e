"""Request bodies (issue 16): who may send one is decided before a byte of it is read, and its size while it
streams. In-process checks count the bytes the app pulled from the ASGI channel; real-server checks show the
answer arrives while the client is still sending (a server that reads first would never answer: the client
has not finished).
"""

from __future__ import annotations

import contextlib
import socket
import threading
from urllib.parse import urlsplit

import fake_workspace
import httpx
import pytest
from fastapi.testclient import TestClient
from web_helpers import counting, csrf_of, http_login, live_server, login, make_accounts

from empathic.config import Settings
from empathic.web import create_app
from empathic.web.gate import CSRF_SCAN_BYTES, find_csrf_token
from empathic.web.security import SESSION_COOKIE

GIB = 1 << 30


@pytest.fixture(scope="module")
def gate_app(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("gate")
    ws = fake_workspace.build(root / "acme.empathic", n=30)
    settings = Settings()
    settings.web.max_upload_mb = 1
    settings.web.max_body_kb = 64
    accounts = make_accounts(root / "u.sqlite")
    app = create_app(settings, [ws], accounts=accounts, upload_dir=root / "up")
    app.state.ctx.jobs.submit = lambda ws, kind, user, fn: accounts.create_job(ws, kind, user)
    yield app
    app.state.ctx.workspaces["acme"].close()


BIG_UPLOAD = {"file": ("big.csv", b"text\n" + b"x" * (3 * 1024 * 1024))}


def test_anonymous_upload_is_refused_without_reading_the_body(gate_app) -> None:
    wrapped, counter = counting(gate_app)
    with TestClient(wrapped, follow_redirects=False) as client:
        page = client.post("/w/acme/upload", files=BIG_UPLOAD)
        api = client.post("/api/v1/w/acme/themes/fit/rename", json={"label": "x" * 50_000})
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    assert api.status_code == 401
    assert counter["bytes"] == 0
    assert not gate_app.state.ctx.uploads.pending()


def test_wrong_role_and_missing_csrf_are_refused_before_the_body(gate_app) -> None:
    wrapped, counter = counting(gate_app)
    with TestClient(wrapped, follow_redirects=False) as client:
        login(client, "vic")  # a viewer may not upload
        csrf = csrf_of(client.get("/login").text)
        counter["bytes"] = 0
        viewer = client.post("/w/acme/upload", files=BIG_UPLOAD, headers={"X-CSRF-Token": csrf})
        assert viewer.status_code == 403 and "needs analyst" in viewer.text
        assert counter["bytes"] == 0
    with TestClient(wrapped, follow_redirects=False) as client:
        login(client, "ann")
        counter["bytes"] = 0
        no_token = client.post("/api/v1/w/acme/themes/fit/rename", json={"label": "Fit"})
        assert no_token.status_code == 403 and "CSRF" in no_token.text
        assert counter["bytes"] == 0  # a JSON body carries no form field: never read


def test_declared_oversize_body_is_413_before_reading(gate_app) -> None:
    wrapped, counter = counting(gate_app)
    with TestClient(wrapped, follow_redirects=False) as client:
        login(client, "ann")
        csrf = csrf_of(client.get("/login").text)
        counter["bytes"] = 0
        upload = client.post("/w/acme/upload", files=BIG_UPLOAD, headers={"X-CSRF-Token": csrf})
        assert upload.status_code == 413 and "web.max_upload_mb" in upload.text
        body = client.post(
            "/api/v1/w/acme/themes/fit/rename", json={"label": "x" * 100_000}, headers={"X-CSRF-Token": csrf}
        )
        assert body.status_code == 413 and "web.max_body_kb" in body.json()["detail"]
        assert counter["bytes"] == 0
    assert not gate_app.state.ctx.uploads.pending()


def test_form_field_token_still_works_and_is_read_from_the_head_only(gate_app) -> None:
    with TestClient(gate_app, follow_redirects=False) as client:
        login(client, "ann")
        csrf = csrf_of(client.get("/w/acme/upload").text)
        ok = client.post(
            "/w/acme/upload", data={"csrf_token": csrf}, files={"file": ("a.csv", b"text\nhello there friend\n")}
        )
        assert ok.status_code == 200 and 'name="upload_id"' in ok.text
    head = b'--b\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\nTOKEN\r\n--b\r\n'
    assert find_csrf_token(head, "multipart/form-data; boundary=b", whole=False) == "TOKEN"
    assert find_csrf_token(b"a=1&csrf_token=T&b=2", "application/x-www-form-urlencoded", whole=True) == "T"
    assert find_csrf_token(b"a=1&csrf_token=TRUNC", "application/x-www-form-urlencoded", whole=False) is None
    late = b"a=" + b"x" * CSRF_SCAN_BYTES + b"&csrf_token=T"
    assert find_csrf_token(late[:CSRF_SCAN_BYTES], "application/x-www-form-urlencoded", whole=False) is None


# -- a real server: the refusal arrives while the client is still sending -----------------------------------------
def _answer_while_streaming(url: str, head: bytes, prefix: bytes) -> bytes:
    """Send ``head`` + ``prefix`` of a much longer declared body, then read the status line and headers.

    A server that reads the body before deciding would wait for the rest and never answer (the recv times out).
    """
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:

        def push() -> None:
            with contextlib.suppress(OSError):  # the server may answer and close first
                sock.sendall(head + prefix)

        sender = threading.Thread(target=push, daemon=True)
        sender.start()
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        sender.join(timeout=5)
    return data


def _upload_head(url: str, cookie: str | None = None, csrf: str | None = None, *, chunked: bool = False) -> bytes:
    lines = [
        "POST /w/acme/upload HTTP/1.1",
        f"Host: {urlsplit(url).netloc}",
        "Content-Type: multipart/form-data; boundary=zz",
        "Transfer-Encoding: chunked" if chunked else f"Content-Length: {GIB}",
    ]
    if cookie:
        lines.append(f"Cookie: {SESSION_COOKIE}={cookie}")
    if csrf:
        lines.append(f"X-CSRF-Token: {csrf}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_real_server_answers_before_the_body_is_sent(gate_app) -> None:
    big = gate_app.state.ctx.settings.web.max_upload_mb
    gate_app.state.ctx.settings.web.max_upload_mb = 2048  # the declared 1 GiB is within the limit: auth decides
    try:
        with live_server(gate_app) as url:
            anonymous = _answer_while_streaming(url, _upload_head(url), b"--zz\r\n" + b"a" * 32_000)
            assert anonymous.startswith(b"HTTP/1.1 303") and b"location: /login" in anonymous.lower()
            with httpx.Client(base_url=url, follow_redirects=False) as client:
                http_login(client, "ann")
                cookie = client.cookies.get(SESSION_COOKIE)
            filler = b"--zz\r\n" + b"a" * (CSRF_SCAN_BYTES + 32_000)
            no_csrf = _answer_while_streaming(url, _upload_head(url, cookie), filler)
            assert no_csrf.startswith(b"HTTP/1.1 403")
    finally:
        gate_app.state.ctx.settings.web.max_upload_mb = big
    assert not gate_app.state.ctx.uploads.pending()


def test_real_server_stops_an_undeclared_body_at_the_limit(gate_app) -> None:
    """Chunked (no Content-Length): counted as it streams, 413 once past web.max_upload_mb, before the end."""
    with live_server(gate_app) as url:
        with httpx.Client(base_url=url, follow_redirects=False) as client:
            http_login(client, "ann")
            cookie = client.cookies.get(SESSION_COOKIE)
            csrf = csrf_of(client.get("/w/acme/upload").text)
        part = b'--zz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n'
        chunks = [part] + [b"y" * 65536] * 24  # 1.5 MB of file, and no terminating chunk
        body = b"".join(b"%x\r\n" % len(c) + c + b"\r\n" for c in chunks)
        answer = _answer_while_streaming(url, _upload_head(url, cookie, csrf, chunked=True), body)
        assert answer.startswith(b"HTTP/1.1 413")
    assert not gate_app.state.ctx.uploads.pending()
