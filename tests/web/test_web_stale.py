"""Never stale, in the web app (issue 19 item 3): after a theme edit the drivers, trends and overview pages show a
"results are stale" banner with a refresh button for analysts; the refresh (POST, CSRF, analyst) re-runs the
analytics stage as a job, and the banner is gone afterwards.

A real workspace analysed by the real stages, a real app with real sessions, jobs run on the real job runner.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_helpers import csrf_of, login, make_accounts

from empathic.config import Settings
from empathic.web import create_app
from empathic.workspace import Workspace

sys.path.insert(0, str(Path(__file__).parents[1] / "analytics"))

from test_analytics_stale import STAGES, stale_frame

pytestmark = pytest.mark.slow
PAGES = ("drivers", "trends", "overview")


@pytest.fixture(scope="module")
def stale_app(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("stale-web")
    with Workspace.open(root / "shop.empathic") as ws:
        ws.ingest(stale_frame(), text="text", id="id", score="nps", date="date", attr=["plan"])
        ws.analyze(stages=STAGES)
    app = create_app(
        Settings(), [root / "shop.empathic"], accounts=make_accounts(root / "u.sqlite"), upload_dir=root / "up"
    )
    yield app
    app.state.ctx.jobs.wait_idle()
    app.state.ctx.workspaces["shop"].close()


def _get(client: TestClient, slug: str) -> str:
    response = client.get(f"/w/shop/{slug}")
    assert response.status_code == 200, (slug, response.text[:300])
    return response.text


def test_banner_after_an_edit_and_gone_after_refresh(stale_app, monkeypatch) -> None:
    # a workspace too large for the at-once refresh after an edit (small ones re-run analytics at once)
    monkeypatch.setattr("empathic.api.analytics.REFRESH_AFTER_EDIT_MAX_COMMENTS", 0)
    ann = login(TestClient(stale_app, follow_redirects=False), "ann")  # analyst
    vic = login(TestClient(stale_app, follow_redirects=False), "vic")  # viewer
    for slug in PAGES:
        assert 'id="stale-banner"' not in _get(ann, slug), slug

    ws = stale_app.state.ctx.workspaces["shop"]
    tree = ws.themes()
    theme_id = tree[(tree.level == 1) & ~tree.is_other].theme_id.iloc[0]
    page = _get(ann, f"themes/{theme_id}")
    renamed = ann.post(f"/w/shop/themes/{theme_id}/rename", data={"label": "Renamed", "csrf_token": csrf_of(page)})
    assert renamed.status_code == 303

    for slug in PAGES:
        html = _get(ann, slug)
        assert 'id="stale-banner"' in html and "themes ran after the last analytics run" in html, slug
        assert 'action="/w/shop/refresh"' in html, slug  # the one action, for analysts
        viewer = _get(vic, slug)
        assert 'id="stale-banner"' in viewer and 'action="/w/shop/refresh"' not in viewer, slug

    csrf = csrf_of(_get(ann, "drivers"))
    assert ann.post("/w/shop/refresh").status_code == 403  # no CSRF token
    assert vic.post("/w/shop/refresh", data={"csrf_token": csrf_of(_get(vic, "drivers"))}).status_code == 403
    response = ann.post("/w/shop/refresh", data={"csrf_token": csrf})
    assert response.status_code == 303 and response.headers["location"].startswith("/w/shop/jobs/")
    stale_app.state.ctx.jobs.wait_idle()
    job = stale_app.state.ctx.accounts.get_job(response.headers["location"].rsplit("/", 1)[1])
    assert job["status"] == "done", job
    assert "analytics" in job["message"]

    for slug in PAGES:
        assert 'id="stale-banner"' not in _get(ann, slug), slug
    assert "Renamed" in _get(ann, "drivers") or "Renamed" in _get(ann, "trends")


def test_an_edit_on_a_small_workspace_leaves_no_stale_page(stale_app) -> None:
    ann = login(TestClient(stale_app, follow_redirects=False), "ann")
    ws = stale_app.state.ctx.workspaces["shop"]
    tree = ws.themes()
    theme_id = tree[(tree.level == 1) & ~tree.is_other].theme_id.iloc[-1]
    page = _get(ann, f"themes/{theme_id}")
    form = {"label": "Renamed at once", "csrf_token": csrf_of(page)}
    renamed = ann.post(f"/w/shop/themes/{theme_id}/rename", data=form)
    assert renamed.status_code == 303
    for slug in PAGES:
        assert 'id="stale-banner"' not in _get(ann, slug), slug  # recomputed at once
    assert "Renamed at once" in _get(ann, "drivers")
