"""Masking by role and forgetting on the server (issue 21): every GET route of a workspace that keeps raw PII,
called as each identity of the authorization matrix plus an analyst with the ``see_pii`` grant.

Viewers, analysts and admins without the grant must never receive a planted phone, e-mail or name, on any page,
API answer, the report or the CSV export; the granted analyst receives the raw text and the workspace's activity
log records it. Forget: admins only, through REST and the web page; the bytes are gone afterwards.
"""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import quote

import fake_workspace
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from test_web_authz_matrix import _fill, route_table
from web_helpers import PASSWORD, USERS, csrf_of, login, make_accounts

from empathic.config import Settings
from empathic.web import create_app

N = 30
GRANTED = "pia"


@pytest.fixture(scope="module")
def pii_app(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("pii")
    acme = fake_workspace.build(root / "acme.empathic", n=N, pii=True)
    accounts = make_accounts(root / "u.sqlite")
    accounts.add_user(GRANTED, PASSWORD, "analyst", None)
    accounts.set_grant(GRANTED, "see_pii")
    app = create_app(Settings(), [acme], accounts=accounts, upload_dir=root / "up")
    yield app
    for ws in app.state.ctx.workspaces.values():
        ws.close()


def _planted() -> list[str]:
    """Each planted value, also as it appears percent-encoded in a link (customer ids are e-mail addresses)."""
    values = {v for i in range(N) for v in fake_workspace.pii_of(i)} | {"Priya"}
    return sorted(values | {quote(v, safe="") for v in values})


def _get_routes(app) -> list[str]:
    paths = []
    for path, methods, route in route_table(app):
        if isinstance(route, APIRoute) and "GET" in methods and "{ws}" in path and not path.endswith("/activity"):
            paths.append(path)
    return sorted(paths)


@pytest.mark.parametrize("identity", [*USERS])
def test_no_raw_pii_reaches_an_identity_without_the_grant(pii_app, identity: str) -> None:
    client = TestClient(pii_app, follow_redirects=False)
    login(client, identity)
    routes = _get_routes(pii_app)
    assert {"/w/{ws}/verbatims", "/w/{ws}/report", "/api/v1/w/{ws}/export/comments.csv"} <= set(routes)
    leaks, served = [], 0
    for path in routes:
        response = client.get(_fill(path, "acme", "none"))
        if response.status_code != 200:
            continue
        served += 1
        body = response.text
        leaks += [f"{path}: {value!r}" for value in _planted() if value in body]
    client.close()
    may_open = USERS[identity][1] is None or "acme" in USERS[identity][1]
    assert served > 10 if may_open else served == 0
    assert not leaks, "\n".join(leaks[:20])


def test_masked_pages_still_show_placeholders_and_work(pii_app) -> None:
    client = TestClient(pii_app, follow_redirects=False)
    login(client, "vic")
    page = client.get("/w/acme/verbatims")
    csv = client.get("/api/v1/w/acme/export/comments.csv")
    api = client.get("/api/v1/w/acme/search", params={"q": "dress"})
    client.close()
    assert page.status_code == 200 and "[PHONE]" in page.text and "[EMAIL]" in page.text and "[NAME]" in page.text
    assert 'name="csrf_token"' in page.text  # tags are left alone: forms keep their tokens
    assert csv.status_code == 200 and csv.text.count("[PHONE]") == N
    assert int(csv.headers["content-length"]) == len(csv.content)
    assert api.status_code == 200 and "[EMAIL]" in api.text


def test_the_see_pii_grant_shows_raw_text_and_is_logged(pii_app) -> None:
    client = TestClient(pii_app, follow_redirects=False)
    login(client, GRANTED)
    page = client.get("/w/acme/verbatims")
    client.get("/w/acme/verbatims")  # a second view within the interval is not logged again
    client.close()
    emails = [fake_workspace.pii_of(i)[1] for i in range(N)]
    assert page.status_code == 200 and any(e in page.text for e in emails) and "[EMAIL]" not in page.text
    store = pii_app.state.ctx.workspaces["acme"].store
    log = store.read_df("SELECT actor, action, object_id FROM activity_log WHERE action = 'pii.view'")
    assert log.to_dict("records").count({"actor": GRANTED, "action": "pii.view", "object_id": "/w/acme/verbatims"}) == 1
    assert set(log.actor) == {GRANTED}  # masked views are not logged as raw views


def test_viewers_cannot_be_granted_see_pii(pii_app) -> None:
    from empathic.errors import InputError

    with pytest.raises(InputError, match="viewer"):
        pii_app.state.ctx.accounts.set_grant("vic", "see_pii")


def test_forget_through_rest_is_admin_only_and_removes_the_bytes(pii_app) -> None:
    ws = pii_app.state.ctx.workspaces["acme"]
    customer = ws.sql("SELECT customer_id FROM feedback ORDER BY feedback_id LIMIT 1")["customer_id"][0]
    texts = ws.sql("SELECT text FROM feedback WHERE customer_id = ?", [customer])["text"].tolist()
    assert texts and texts[0].encode() in Path(ws.path).read_bytes()  # positive control
    analyst = TestClient(pii_app, follow_redirects=False)
    login(analyst, "ann")
    csrf = csrf_of(analyst.get("/login").text)
    denied = analyst.post("/api/v1/w/acme/forget", json={"customer_id": customer}, headers={"X-CSRF-Token": csrf})
    analyst.close()
    assert denied.status_code == 403
    admin = TestClient(pii_app, follow_redirects=False)
    login(admin, "ada")
    csrf = csrf_of(admin.get("/login").text)
    started = admin.post(
        "/api/v1/w/acme/forget", json={"customer_id": customer, "recompute": False}, headers={"X-CSRF-Token": csrf}
    )
    assert started.status_code == 202, started.text
    job = {}
    for _ in range(300):
        job = admin.get(started.json()["url"]).json()
        if job["status"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert job["status"] == "done", job
    assert customer not in job["message"] and "forgotten" in job["message"]
    page = admin.get("/w/acme/privacy")
    admin.close()
    assert page.status_code == 200 and "forget-log" in page.text and customer not in page.text
    data = Path(ws.path).read_bytes()
    assert all(t.encode() not in data for t in texts)
    assert not ws.store.scalar("SELECT count(*) FROM feedback WHERE customer_id = ?", [customer])
