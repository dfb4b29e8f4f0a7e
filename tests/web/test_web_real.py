"""Integration with the real stages: a tiny workspace ingested and analysed for real, then every page, API answer,
the report and the exports. Whatever the installed stages stored must render; nothing may answer 5xx.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import fake_workspace
import pytest
from fastapi.testclient import TestClient
from web_helpers import login, make_accounts

from empathic.config import Settings
from empathic.errors import StageError
from empathic.web import create_app
from empathic.web.pages import registered_pages
from empathic.workspace import Workspace

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def real_app(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("real")
    with Workspace.open(root / "real.empathic") as ws:
        ws.ingest(str(fake_workspace.reviews_csv(root / "reviews.csv")), text="review", score=["rating"], attr=["plan"])
        try:
            ws.analyze()
        except StageError as exc:  # another area's stage failing must not hide what the web app can show
            warnings.warn(f"analysis stopped early: {exc}", stacklevel=1)
    app = create_app(
        Settings(), [root / "real.empathic"], accounts=make_accounts(root / "u.sqlite"), upload_dir=root / "up"
    )
    yield app
    app.state.ctx.workspaces["real"].close()


def test_real_workspace_pages_and_api_never_fail(real_app, tmp_path: Path) -> None:
    ws = real_app.state.ctx.workspaces["real"]
    assert ws.store.count("feedback") == 48
    client = login(TestClient(real_app, follow_redirects=False), "vic")
    for page in registered_pages():
        response = client.get(f"/w/real/{page.slug}")
        assert response.status_code == 200, (page.slug, response.text[:500])
    theme_ids = ws.store.read_df("SELECT theme_id FROM themes ORDER BY theme_id")["theme_id"].tolist()
    for theme_id in theme_ids[:3]:
        assert client.get(f"/w/real/themes/{theme_id}").status_code == 200
        assert client.get(f"/api/v1/w/real/themes/{theme_id}").status_code == 200
    for endpoint in (
        "overview",
        "themes",
        "comments",
        "segments",
        "drivers",
        "trends",
        "alerts",
        "ideas",
        "personas",
        "usage",
        "customers",
    ):
        response = client.get(f"/api/v1/w/real/{endpoint}")
        assert response.status_code in (200, 409), (endpoint, response.text[:500])
    assert client.get("/w/real/report").status_code == 200
    assert ws.export("comments", tmp_path / "c.xlsx") == 48
