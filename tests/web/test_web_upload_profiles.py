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


@pytest.fixture(scope="module")
def live_upload(tmp_path_factory: pytest.TempPathFactory):
    """A real uvicorn server (as ``empathic serve``) over a new workspace analysed in fast mode."""
    from web_helpers import live_server

    root = tmp_path_factory.mktemp("live-upload")
    Workspace.open(root / "live.empathic").close()
    settings = Settings(themes={"mode": "fast"}, feelings={"mode": "fast"})
    app = create_app(settings, [root / "live.empathic"], accounts=make_accounts(root / "u.sqlite"),
                     upload_dir=root / "up")  # fmt: skip
    with live_server(app) as url:
        yield app, url, write_fixtures(root / "exports")
    app.state.ctx.workspaces["live"].close()


def _http(url: str):
    import httpx
    from web_helpers import http_login

    return http_login(httpx.Client(base_url=url, follow_redirects=False, timeout=60), "ann")


def test_live_upload_preview_score_kinds_and_unset_roles(live_upload) -> None:
    """Upload → mapping page with profile, a score-kind selector and a preview of the rows as stored; confirm with
    the customer unset and a score kind changed; the workspace holds exactly that (issue 20, item 4)."""
    app, url, exports = live_upload
    client = _http(url)
    csrf = csrf_of(client.get("/w/live/upload").text)
    path = exports["zendesk"]
    page = client.post("/w/live/upload", files={"file": (path.name, path.read_bytes(), "application/json")},
                       data={"csrf_token": csrf})  # fmt: skip
    assert page.status_code == 200, page.text
    text = html.unescape(page.text)
    assert "Read as a <strong>zendesk</strong> export" in text
    kind_select = text.split('name="kind:satisfaction_rating.score"')[1].split("</select>")[0]
    assert '<option value="recommend" selected>' in kind_select
    preview = text.split('id="preview-table"')[1].split("</table>")[0]
    assert "Question 0. The new dashboard is fast" in preview  # title joined to the body, as stored
    assert "Billing charged me twice...." not in preview  # a title that is the body's start is not joined
    assert "2024-02-01" in preview and "updated_at" not in preview
    assert str(path.parent) not in text and "--" not in text.split("<main")[1]  # no server path, no CLI flag
    upload_id = text.split('name="upload_id" value="')[1].split('"')[0]
    form = {"csrf_token": csrf, "upload_id": upload_id, "role:description": "text", "role:subject": "title",
            "role:id": "id", "role:created_at": "date", "role:requester_id": "ignore", "role:tags": "attr",
            "role:satisfaction_rating.score": "score", "kind:satisfaction_rating.score": "recommend",
            "role:status": "attr", "kind:status": "number"}  # fmt: skip
    confirm = client.post("/w/live/ingest", data=form)
    assert confirm.status_code == 303, confirm.text
    job_id = confirm.headers["location"].rsplit("/", 1)[1]
    for _ in range(1500):
        job = client.get(f"/api/v1/w/live/jobs/{job_id}").json()
        if job["status"] in ("done", "failed"):
            break
        time.sleep(0.2)
    client.close()
    assert job["status"] == "done", job["message"]
    ws = app.state.ctx.workspaces["live"]
    assert ws.sql("SELECT count(*) AS n FROM feedback WHERE customer_id IS NOT NULL")["n"][0] == 0  # unset
    scores = ws.sql("SELECT name, kind, count(*) AS n FROM feedback_scores GROUP BY ALL ORDER BY name")
    assert scores.set_index("name")["kind"].to_dict() == {"satisfaction_rating.score": "recommend"}
    assert scores["n"].tolist() == [6]  # the kind given on the page still reads good/bad; "offered" is no answer
    assert set(ws.sql("SELECT DISTINCT name FROM feedback_attribute_values")["name"]) == {"tags"}


def test_upload_skip_rows_and_web_wording(app_and_exports) -> None:
    """A preamble above the header is skipped with the Skip rows field; a problem is told in the page's words."""
    app, _ = app_and_exports
    client = login(TestClient(app, follow_redirects=False), "ann")
    csrf = csrf_of(client.get("/w/new/upload").text)
    body = "Survey export\nGenerated 2024-05-01\nid,comment\n" + "".join(
        f"{i},The export number {i} works well for our whole team\n" for i in range(6)
    )
    page = client.post("/w/new/upload", files={"file": ("pre.csv", body.encode(), "text/csv")},
                       data={"csrf_token": csrf, "skip_rows": "2"})  # fmt: skip
    text = html.unescape(page.text)
    assert page.status_code == 200 and 'name="role:comment"' in text
    assert '<input type="hidden" name="skip_rows" value="2">' in text
    assert "The export number 0 works well" in text.split('id="preview-table"')[1]
    numbers = "a,b\n1,2\n3,4\n"
    page = client.post("/w/new/upload", files={"file": ("n.csv", numbers.encode(), "text/csv")},
                       data={"csrf_token": csrf})  # fmt: skip
    main = html.unescape(page.text).split("<main")[1]
    assert "no free-text column" in main and "--text" not in main and "--kind" not in main


@pytest.mark.parametrize(
    ("cli", "web"),
    [
        ("name the text column with --text COLUMN", "name the text column with the role 'text'"),
        ("the value column must hold numbers; or pass --lenient to store such values as empty",
         "the value column must hold numbers; or correct those values in the file"),
        ("not analysed yet: run `empathic analyze WORKSPACE`", "not analysed yet: run Re-analyse (Upload page)"),
        ("lines above a header: use --skip-rows N", "lines above a header: use the Skip rows field"),
        ("a 0-10 column: --score 'Q7:nps'", "a 0-10 column: the role 'score' with its kind"),
    ],
)  # fmt: skip
def test_cli_hints_are_reworded_for_the_web(cli: str, web: str) -> None:
    from empathic.web.wording import web_wording

    assert web_wording(cli) == web
