"""The web upload reads tool exports like the CLI does: profile named, header rows merged (issue 20, item 4)."""

from __future__ import annotations

import html
import sys
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
