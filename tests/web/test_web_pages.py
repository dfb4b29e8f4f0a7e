"""Pages and API answers against the fake workspace: content, filters, highlights, escaping, not-ready states."""

from __future__ import annotations

import html
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_helpers import csrf_of, make_accounts

from empathic.config import Settings
from empathic.web import create_app
from empathic.web.pages import registered_pages
from empathic.workspace import Workspace


def test_overview_shows_volume_scores_themes_and_alerts(client_as) -> None:
    page = client_as("vic").get("/w/acme/overview")
    assert page.status_code == 200
    assert 'id="kpi-comments">300<' in page.text
    assert "rating (mean)" in page.text
    assert "Fit and sizing" in page.text and "is rising" in page.text
    assert 'id="chart-themes-data"' in page.text  # a chart with its numbers table
    assert '<details class="numbers">' in page.text


def test_every_registered_page_renders(client_as) -> None:
    client = client_as("vic")
    slugs = [p.slug for p in registered_pages()]
    assert {"overview", "themes", "verbatims", "segments", "drivers", "trends", "customers"} <= set(slugs)
    for slug in slugs:
        response = client.get(f"/w/acme/{slug}")
        assert response.status_code == 200, slug
        assert f"/w/acme/{slug}" in response.text  # the nav links to it


def test_themes_page_lists_hierarchy_with_sparklines(client_as) -> None:
    text = client_as("vic").get("/w/acme/themes").text
    assert text.count('class="level1"') == 5
    assert text.count('class="level2"') == 15
    assert 'class="spark" data-values="[' in text


def test_theme_page_highlights_the_mention_and_filters(client_as) -> None:
    client = client_as("vic")
    page = client.get("/w/acme/themes/fit")
    assert page.status_code == 200
    assert "<mark>" in page.text
    total_all = int(page.text.split('id="verbatim-total">')[1].split("<")[0].replace(",", ""))
    positive = client.get("/w/acme/themes/fit?sentiment=positive").text
    total_pos = int(positive.split('id="verbatim-total">')[1].split("<")[0].replace(",", ""))
    negative = client.get("/w/acme/themes/fit?sentiment=negative").text
    total_neg = int(negative.split('id="verbatim-total">')[1].split("<")[0].replace(",", ""))
    assert total_all == 60  # every 5th of 300 comments, by construction (plus random 1/7 reassignments)
    assert total_pos == 0 and 0 < total_neg <= total_all  # fit phrases are all negative in the fixture


def test_verbatims_search_highlights_words_and_paginates(client_as) -> None:
    client = client_as("vic")
    small = client.get("/w/acme/verbatims?q=SMALL&sentiment=negative")
    assert "<mark>small</mark>" in small.text
    first = client.get("/w/acme/verbatims?q=DRESS&sentiment=negative")
    assert "<mark>dress</mark>" in first.text
    assert "q=DRESS&amp;sentiment=negative&amp;page=2" in first.text  # pagination keeps the filters
    api = client.get("/api/v1/w/acme/comments", params={"q": "small", "page_size": 5}).json()
    assert api["page_size"] == 5 and len(api["items"]) == 5
    assert all("small" in i["text"].lower() for i in api["items"])
    marked = [s["text"].lower() for i in api["items"] for s in i["segments"] if s["mark"]]
    assert marked and set(marked) == {"small"}


def test_hostile_text_is_escaped_everywhere(client_as) -> None:
    client = client_as("vic")
    for url in (
        "/w/acme/overview",
        "/w/acme/themes",
        "/w/acme/verbatims",
        "/w/acme/themes/price",
        "/w/acme/segments",
        "/w/acme/customers",
        "/w/acme/report",
    ):
        text = client.get(url).text
        assert "<script>window.__xss" not in text, url
        assert "<img src=x onerror" not in text, url
        assert "<svg onload" not in text, url
    report = client.get("/w/acme/report").text
    assert html.escape("<script>window.__xss=1</script>") in report
    template = client.get("/w/acme/verbatims", params={"q": "7*7"}).text
    assert "{{ 7*7 }}{% raw %}" in template  # customer text is data, never template code


def test_api_errors_are_clean(client_as) -> None:
    client = client_as("vic")
    assert client.get("/api/v1/w/acme/themes/nope").status_code == 404
    assert client.get("/api/v1/w/acme/comments?sentiment=angry").status_code == 422
    assert client.get("/api/v1/w/acme/comments?page_size=100000").status_code == 422
    missing = client.get("/api/v1/w/acme/personas")
    assert missing.status_code == 409 and "not analysed yet" in missing.json()["detail"]
    assert client.get("/api/v1/w/nope/themes").status_code == 404
    page = client.get("/w/acme/themes/nope")
    assert page.status_code == 404 and "no theme" in page.text and "Traceback" not in page.text


def test_openapi_schema_covers_the_api(client_as) -> None:
    schema = client_as(None).get("/api/v1/openapi.json").json()
    paths = set(schema["paths"])
    assert {
        "/api/v1/w/{ws}/themes",
        "/api/v1/w/{ws}/comments",
        "/api/v1/w/{ws}/drivers",
        "/api/v1/w/{ws}/overview",
        "/api/v1/w/{ws}/analyze",
    } <= paths
    assert all(p.startswith("/api/v1/") for p in paths)  # HTML pages stay out of the API schema


@pytest.fixture(scope="module")
def fresh_app(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("fresh")
    Workspace.open(root / "new.empathic").close()
    app = create_app(
        Settings(), [root / "new.empathic"], accounts=make_accounts(root / "u.sqlite"), upload_dir=root / "up"
    )
    yield app
    app.state.ctx.workspaces["new"].close()


def test_empty_workspace_pages_say_not_analysed(fresh_app) -> None:
    client = TestClient(fresh_app, follow_redirects=False)
    from web_helpers import login

    login(client, "vic")
    for slug in ("themes", "drivers", "trends", "personas", "usage"):
        text = client.get(f"/w/new/{slug}").text
        assert "Not analysed yet" in text, slug
    assert client.get("/api/v1/w/new/themes").status_code == 409


def test_upload_inspect_confirm_and_job_progress(fresh_app, tmp_path: Path) -> None:
    from web_helpers import login

    client = login(TestClient(fresh_app, follow_redirects=False), "ann")
    csrf = csrf_of(client.get("/w/new/upload").text)
    csv = (
        b"id,review,rating,plan\n1,The dress runs small so order a size up next time,2,basic\n"
        b"2,Lovely colour and the fabric feels really soft,5,pro\n3,Arrived late and the parcel was damaged,1,basic\n"
    )
    name = '"><img src=x onerror=alert(1)>.csv'
    mapping = client.post("/w/new/upload", files={"file": (name, csv, "text/csv")}, data={"csrf_token": csrf})
    assert mapping.status_code == 200, mapping.text
    assert "<img src=x" not in mapping.text and "&lt;img src=x" in mapping.text  # the hostile file name is escaped
    assert '<option value="text" selected>' in mapping.text  # the review column was recognised as text
    upload_id = mapping.text.split('name="upload_id" value="')[1].split('"')[0]
    form = {
        "csrf_token": csrf,
        "upload_id": upload_id,
        "role:id": "id",
        "role:review": "text",
        "role:rating": "score",
        "role:plan": "attr",
    }
    confirm = client.post("/w/new/ingest", data=form)
    assert confirm.status_code == 303
    job_url = confirm.headers["location"]
    job_id = job_url.rsplit("/", 1)[1]
    assert client.get(job_url).status_code == 200  # the job page survives a reload
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        job = client.get(f"/api/v1/w/new/jobs/{job_id}").json()
        if job["status"] in ("done", "failed"):
            break
        time.sleep(0.2)
    assert job["status"] in ("done", "failed")
    assert any(task.startswith("ingest") for task in job["progress"])  # progress was stored as it ran
    if job["status"] == "done":
        assert "themes:" in job["message"]  # one line per stage outcome
    assert "Traceback" not in (job["message"] or "") or job["status"] == "failed"
    ws = fresh_app.state.ctx.workspaces["new"]
    assert ws.store.count("feedback") == 3
    assert ws.store.scalar("SELECT count(*) FROM feedback_attributes WHERE name = 'plan'") == 3


def test_ingest_without_text_column_is_a_clear_error(fresh_app) -> None:
    from web_helpers import login

    client = login(TestClient(fresh_app, follow_redirects=False), "ann")
    csrf = csrf_of(client.get("/w/new/upload").text)
    mapping = client.post(
        "/w/new/upload",
        files={"file": ("a.csv", b"id,review\n1,hello there my dress is too small for me\n")},
        data={"csrf_token": csrf},
    )
    upload_id = mapping.text.split('name="upload_id" value="')[1].split('"')[0]
    response = client.post("/w/new/ingest", data={"csrf_token": csrf, "upload_id": upload_id, "role:review": "attr"})
    assert response.status_code == 400 and "no text column" in response.text
    bad = client.post("/w/new/ingest", data={"csrf_token": csrf, "upload_id": "../../etc"})
    assert bad.status_code == 400 and "invalid upload id" in bad.text


def test_search_page_uses_the_query_language(client_as) -> None:
    client = client_as("vic")
    page = client.get("/w/acme/search", params={"q": "theme:fit AND small"})
    assert page.status_code == 200
    assert "<mark>small</mark>" in page.text
    api = client.get("/api/v1/w/acme/search", params={"q": "theme:fit AND small", "limit": 5}).json()
    assert api["available"] and 0 < len(api["items"]) <= 5
    assert all("small" in i["text"].lower() for i in api["items"])
    bad = client.get("/w/acme/search", params={"q": 'theme:"unterminated'})
    assert bad.status_code == 200 and 'id="search-error"' in bad.text and "close every quote" in bad.text
    assert client.get("/api/v1/w/acme/search", params={"q": 'theme:"x'}).status_code == 400


def test_theme_edits_run_as_jobs_with_clear_errors(client_as, app) -> None:
    client = client_as("ann")
    page = client.get("/w/acme/themes/fit")
    csrf = csrf_of(page.text)
    assert 'id="merge-form"' in page.text and 'id="split-form"' in page.text
    calls: list[tuple] = []
    ws = app.state.ctx.workspaces["acme"]
    original = ws.__dict__.get("merge_themes")
    ws.merge_themes = lambda themes, into=None: calls.append((tuple(themes), into))
    try:
        done = client.post("/w/acme/themes/fit/merge", data={"csrf_token": csrf, "into": "price"})
        assert done.status_code == 303 and "/jobs/" in done.headers["location"]
        app.state.ctx.jobs.wait_idle(30)
        assert calls == [(("price", "fit"), "price")]
        job = client.get("/api/v1/w/acme/jobs/" + done.headers["location"].rsplit("/", 1)[1]).json()
        assert job["status"] == "done" and job["kind"] == "merge themes"
    finally:
        if original is None:
            del ws.merge_themes
    same = client.post("/w/acme/themes/fit/merge", data={"csrf_token": csrf, "into": "fit"})
    assert same.status_code == 400 and "into itself" in same.text
    empty = client.post("/w/acme/themes/create", data={"csrf_token": csrf, "label": "Refunds"})
    assert empty.status_code == 400 and "keywords or example" in empty.text
    viewer = client_as("vic")
    assert (
        viewer.post("/w/acme/themes/fit/delete", data={"csrf_token": csrf_of(viewer.get("/login").text)}).status_code
        == 403
    )
