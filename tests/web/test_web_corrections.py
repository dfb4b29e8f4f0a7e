"""The correction form on every verbatim and the corrections REST API (issue 18, item 5b).

Analysts see the form and their correction is stored with their name; viewers see no form and are refused; bad
values get a clear 404/422 in the one error envelope.
"""

from __future__ import annotations

import fake_workspace
import pytest
from fastapi.testclient import TestClient
from web_helpers import csrf_of, login, make_accounts

from empathic.config import Settings
from empathic.web import create_app


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("corrections")
    acme = fake_workspace.build(root / "acme.empathic", n=30)
    app = create_app(Settings(), [acme], accounts=make_accounts(root / "u.sqlite"), upload_dir=root / "up")
    yield app
    for ws in app.state.ctx.workspaces.values():
        ws.close()


def test_analyst_corrects_a_verbatim_from_the_page(app) -> None:
    client = login(TestClient(app, follow_redirects=False), "ann")
    page = client.get("/w/acme/verbatims")
    assert page.status_code == 200 and page.text.count('class="inline correction-form"') >= 10
    csrf = csrf_of(page.text)
    sent = client.post(
        "/w/acme/corrections",
        data={"csrf_token": csrf, "feedback_id": "f000003", "sentiment": "negative", "intent": "request",
              "next": "/w/acme/verbatims?page=2"},
    )  # fmt: skip
    assert sent.status_code == 303 and sent.headers["location"] == "/w/acme/verbatims?page=2"
    listed = client.get("/api/v1/w/acme/corrections", params={"feedback_id": "f000003"}).json()
    assert [(c["sentiment_label"], c["intent"], c["author"]) for c in listed] == [("negative", "request", "ann")]
    away = client.post("/w/acme/corrections", data={"csrf_token": csrf, "feedback_id": "f000003", "intent": "bug",
                                                    "next": "https://evil.example.com/"})  # fmt: skip
    assert away.headers["location"] == "/w/acme/verbatims"  # never an open redirect


def test_viewer_sees_no_form_and_is_refused(app) -> None:
    client = login(TestClient(app, follow_redirects=False), "vic")
    page = client.get("/w/acme/verbatims")
    assert page.status_code == 200 and "correction-form" not in page.text
    refused = client.post("/api/v1/w/acme/corrections", json={"feedback_id": "f000004", "sentiment": "positive"},
                          headers={"X-CSRF-Token": csrf_of(page.text)})  # fmt: skip
    assert refused.status_code == 403


def test_api_errors_are_clear(app) -> None:
    client = login(TestClient(app, follow_redirects=False), "ada")
    csrf = {"X-CSRF-Token": csrf_of(client.get("/login").text)}
    missing = client.post("/api/v1/w/acme/corrections", json={"feedback_id": "nope", "intent": "bug"}, headers=csrf)
    assert missing.status_code == 404 and "no comment 'nope'" in missing.json()["message"]
    bad = client.post("/api/v1/w/acme/corrections", json={"feedback_id": "f000001", "intent": "wish"}, headers=csrf)
    assert bad.status_code == 422 and "unknown intent wish" in bad.json()["message"]
    ok = client.post("/api/v1/w/acme/corrections", json={"feedback_id": "f000001", "sentiment": "mixed"}, headers=csrf)
    assert ok.status_code == 201 and ok.json()["author"] == "ada" and ok.json()["sentiment_label"] == "mixed"
