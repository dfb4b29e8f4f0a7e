"""One error envelope (issue 22, web part): every /api route answers every kind of error in the same JSON shape,
with the status in the body matching the HTTP status, and each error class has its own status.
"""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from test_web_authz_matrix import route_table
from web_helpers import csrf_of

from empathic.errors import EmpathicError, InputError, NotInstalledError, StageError, WorkspaceError
from empathic.web.errors import error_name, status_of
from empathic.web.security import access_rule

KEYS = {"error", "status", "message", "hint", "where", "detail"}


def assert_envelope(response, status: int, error: str | None = None) -> dict:
    assert response.status_code == status, (response.request.url, response.text[:300])
    body = response.json()
    assert set(body) == KEYS, body
    assert body["status"] == status and isinstance(body["message"], str) and body["message"]
    if error is not None:
        assert body["error"] == error, body
    return body


def _api_routes(app) -> list[tuple[str, str, object]]:
    out = []
    for path, methods, route in route_table(app):
        if isinstance(route, APIRoute) and path.startswith("/api/v1/") and path != "/api/v1/openapi.json":
            out += [(m, path, access_rule(route)) for m in sorted(methods - {"HEAD"})]
    return out


def _url(path: str, ws: str) -> str:
    return re.sub(r"\{(\w+)(?::path)?\}", lambda m: ws if m.group(1) == "ws" else "x", path)


def test_every_api_route_answers_401_403_404_in_the_envelope(app, client_as) -> None:
    routes = _api_routes(app)
    assert len(routes) >= 20
    anonymous, viewer, admin = client_as(None), client_as("vic"), client_as("ada")
    csrf = {"X-CSRF-Token": csrf_of(viewer.get("/login").text)}
    admin_csrf = {"X-CSRF-Token": csrf_of(admin.get("/login").text)}
    for method, path, rule in routes:
        assert_envelope(anonymous.request(method, _url(path, "acme")), 401, "Unauthorized")
        if rule.workspace:
            assert_envelope(admin.request(method, _url(path, "nope"), headers=admin_csrf), 404, "NotFound")
        if rule.role in ("analyst", "admin"):
            assert_envelope(viewer.request(method, _url(path, "acme"), headers=csrf), 403, "Forbidden")


def test_validation_stage_and_input_errors_share_the_envelope(client_as) -> None:
    client = client_as("vic")
    body = assert_envelope(client.get("/api/v1/w/acme/comments?page=0"), 422, "ValidationError")
    assert isinstance(body["detail"], list) and body["detail"][0]["loc"][-1] == "page"
    assert_envelope(client.get("/api/v1/w/acme/personas"), 409, "Conflict")  # not analysed yet
    assert_envelope(client.get("/api/v1/w/acme/themes/nope"), 404, "NotFound")
    bad = assert_envelope(client.get("/api/v1/w/acme/search", params={"q": 'theme:"x'}), 400)
    assert bad["error"].endswith("Error") and bad["hint"]
    analyst = client_as("ann")
    token = {"X-CSRF-Token": csrf_of(analyst.get("/login").text)}
    same = analyst.post("/api/v1/w/acme/themes/fit/merge", json={"into": "fit"}, headers=token)
    assert assert_envelope(same, 400, "InputError")["hint"] == "choose another theme"


def test_each_error_class_has_its_status() -> None:
    assert status_of(InputError("x")) == 400
    assert status_of(StageError("x")) == 409
    assert status_of(WorkspaceError("x")) == 409
    assert status_of(NotInstalledError("x")) == 400
    assert status_of(EmpathicError("x")) == 400
    assert [error_name(s) for s in (401, 403, 404, 409, 422)] == [
        "Unauthorized",
        "Forbidden",
        "NotFound",
        "Conflict",
        "UnprocessableEntity",
    ]


@pytest.mark.parametrize("url", ["/w/acme/themes/nope", "/w/nope/overview"])
def test_pages_show_the_same_errors_as_html(client_as, url: str) -> None:
    page = client_as("vic").get(url)
    assert page.status_code == 404 and "text/html" in page.headers["content-type"] and "Traceback" not in page.text


def test_each_error_class_carries_its_status() -> None:
    """The status lives on the class (``http_status``), so a new error class says its own and the web app uses it."""
    from empathic.errors import ForbiddenError, NotFoundError
    from empathic.feelings.corrections import UnknownComment
    from empathic.team.notes import NotAllowed
    from empathic.team.owners import UnknownItem

    classes = {InputError: 400, NotFoundError: 404, ForbiddenError: 403, StageError: 409, WorkspaceError: 409,
               NotInstalledError: 400, UnknownItem: 404, UnknownComment: 404, NotAllowed: 403}  # fmt: skip
    for cls, status in classes.items():
        assert cls.http_status == status, cls
        assert status_of(cls("x")) == status, cls

    class Teapot(EmpathicError):
        http_status = 418

    assert status_of(Teapot("short and stout")) == 418


def _page_routes(app) -> list[tuple[str, str, object]]:
    out = []
    for path, methods, route in route_table(app):
        rule = access_rule(route)
        if isinstance(route, APIRoute) and not path.startswith("/api/") and rule is not None and rule.role:
            out += [(m, path, rule) for m in sorted(methods - {"HEAD"})]
    return out


def test_page_routes_called_as_an_api_answer_the_envelope(app, client_as) -> None:
    """Every HTML route, called with ``Accept: application/json`` (fetch, scripts), answers errors in the same
    envelope as /api/v1: anonymous 401 (not a redirect to the login page), unknown workspace 404, too low a role
    403; a browser (Accept: text/html) still gets the HTML error page."""
    routes = _page_routes(app)
    assert len(routes) >= 20
    as_json = {"Accept": "application/json"}
    anonymous, viewer, admin = client_as(None), client_as("vic"), client_as("ada")
    csrf = {**as_json, "X-CSRF-Token": csrf_of(viewer.get("/login").text)}
    admin_csrf = {**as_json, "X-CSRF-Token": csrf_of(admin.get("/login").text)}
    for method, path, rule in routes:
        assert_envelope(anonymous.request(method, _url(path, "acme"), headers=as_json), 401, "Unauthorized")
        if rule.workspace:
            assert_envelope(admin.request(method, _url(path, "nope"), headers=admin_csrf), 404, "NotFound")
        if rule.role in ("analyst", "admin"):
            assert_envelope(viewer.request(method, _url(path, "acme"), headers=csrf), 403, "Forbidden")
    page = viewer.get("/w/nope/overview", headers={"Accept": "text/html,application/json;q=0.9"})
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert anonymous.get("/w/acme/overview").status_code == 303  # a browser is sent to the login page
