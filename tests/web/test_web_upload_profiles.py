"""The web upload reads tool exports like the CLI does: profile named, header rows merged (issue 20, item 4)."""

from __future__ import annotations

import html
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_helpers import csrf_of, login, make_accounts

from empathic.config import Settings
from empathic.web import create_app
from empathic.workspace import Workspace

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ingest"))
from export_fixtures import write_fixtures


@pytest.fixture(scope="module")
def app_and_exports(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("profiles")
    Workspace.open(root / "new.empathic").close()
    app = create_app(
        Settings(), [root / "new.empathic"], accounts=make_accounts(root / "u.sqlite"), upload_dir=root / "up"
    )
    yield app, write_fixtures(root / "exports")
    app.state.ctx.workspaces["new"].close()


@pytest.mark.parametrize(
    ("source", "column"),
    [("surveymonkey", "Please rate the following: — Price"), ("zendesk", "satisfaction_rating.score")],
)
def test_upload_names_the_profile_and_shows_flattened_columns(app_and_exports, source: str, column: str) -> None:
    app, exports = app_and_exports
    client = login(TestClient(app, follow_redirects=False), "ann")
    csrf = csrf_of(client.get("/w/new/upload").text)
    path = exports[source]
    page = client.post(
        "/w/new/upload", files={"file": (path.name, path.read_bytes(), "application/octet-stream")},
        data={"csrf_token": csrf},
    )  # fmt: skip
    assert page.status_code == 200, page.text
    text = html.unescape(page.text)
    assert f"Read as a <strong>{source}</strong> export" in text
    assert f'name="role:{column}"' in text
    assert str(path.parent) not in text  # no server path in the page


def test_upload_with_header_rows_and_source_carries_them_to_the_ingest(app_and_exports, tmp_path: Path) -> None:
    app, _ = app_and_exports
    client = login(TestClient(app, follow_redirects=False), "ann")
    csrf = csrf_of(client.get("/w/new/upload").text)
    body = "Ticket,How did we do?\nid,Comment\n" + "".join(
        f'{i},"{c}"\n' for i, c in enumerate(["The export works well now", "Search is slow on big notebooks",
                                              "Support answered within the hour"])
    )  # fmt: skip
    form = {"csrf_token": csrf, "header_rows": "2", "source": "none"}
    page = client.post("/w/new/upload", files={"file": ("two.csv", body.encode(), "text/csv")}, data=form)
    assert page.status_code == 200, page.text
    text = html.unescape(page.text)
    assert 'name="role:How did we do? — Comment"' in text
    assert '<input type="hidden" name="header_rows" value="2">' in text
    upload_id = text.split('name="upload_id" value="')[1].split('"')[0]
    confirm = client.post(
        "/w/new/ingest",
        data={"csrf_token": csrf, "upload_id": upload_id, "header_rows": "2", "source": "none",
              "role:Ticket — id": "id", "role:How did we do? — Comment": "text"},
    )  # fmt: skip
    assert confirm.status_code == 303
    job_id = confirm.headers["location"].rsplit("/", 1)[1]
    for _ in range(3000):
        job = client.get(f"/api/v1/w/new/jobs/{job_id}").json()
        if job["status"] in ("done", "failed"):
            break
        time.sleep(0.2)
    ws = app.state.ctx.workspaces["new"]
    texts = set(ws.sql("SELECT text FROM feedback")["text"])
    assert "Search is slow on big notebooks" in texts and "Comment" not in texts


def test_upload_with_bad_header_rows_is_a_clear_error(app_and_exports) -> None:
    app, _ = app_and_exports
    client = login(TestClient(app, follow_redirects=False), "ann")
    csrf = csrf_of(client.get("/w/new/upload").text)
    form = {"csrf_token": csrf, "header_rows": "x"}
    page = client.post("/w/new/upload", files={"file": ("a.csv", b"id,c\n1,some words here to read\n", "text/csv")},
                       data=form)  # fmt: skip
    assert page.status_code in (400, 422)
    assert "Traceback" not in page.text and "not a number" in html.unescape(page.text)
