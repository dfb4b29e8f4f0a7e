"""Authorization matrix generated from the app's route table: every endpoint × identity × workspace.

Each route must declare an ``Access`` rule; a route without one fails ``test_every_route_declares_a_rule``. For
each route and each identity (anonymous, viewer, analyst, admin, and an analyst who may only open "other") the
test derives the expected outcome from the rule and the user's role/grants, calls the endpoint for real, and
checks allow/deny — and that a denied request had not one byte of its body read. Jobs are recorded instead of
run so the matrix stays fast and side-effect free.
"""

from __future__ import annotations

import re

import fake_workspace
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount
from web_helpers import USERS, counting, csrf_of, login, make_accounts

from empathic.config import Settings
from empathic.web import create_app
from empathic.web.accounts import ROLES
from empathic.web.security import SESSION_COOKIE, Access, access_rule

IDENTITIES = (None, *USERS)
PUBLIC_MOUNTS = {"/static"}  # packaged CSS/JS only


def route_table(app) -> list[tuple[str, set[str], object]]:
    """(path, methods, route) of every route, with included routers flattened (FastAPI ≥ 0.16x keeps them nested)."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI: app.routes is already flat
        return [(r.path, set(getattr(r, "methods", None) or ()), r) for r in app.routes]
    return [(rc.path, set(rc.methods or ()), rc.original_route) for rc in iter_route_contexts(app.routes)]


@pytest.fixture(scope="module")
def matrix_app(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("matrix")
    acme = fake_workspace.build(root / "acme.empathic", n=40)
    other = fake_workspace.build(root / "other.empathic", n=20, seed=2)
    app = create_app(Settings(), [acme, other], accounts=make_accounts(root / "u.sqlite"), upload_dir=root / "up")
    submitted: list[str] = []

    def record(workspace, kind, username, fn):
        submitted.append(kind)
        return app.state.ctx.accounts.create_job(workspace, kind, username)

    app.state.ctx.jobs.submit = record
    app.state.ctx.workspaces["acme"].rename_theme = lambda theme_id, label: None  # access is under test, not edits
    yield app
    for ws in app.state.ctx.workspaces.values():
        ws.close()


def test_every_route_declares_a_rule(matrix_app) -> None:
    missing = []
    table = route_table(matrix_app)
    assert len(table) > 30
    for path, methods, route in table:
        if isinstance(route, Mount):
            assert path in PUBLIC_MOUNTS, f"unexpected mount {path}"
        elif isinstance(route, APIRoute):
            if access_rule(route) is None:
                missing.append(f"{sorted(methods)} {path}")
        else:
            missing.append(f"non-API route {path or route}")
    assert not missing, f"routes without an Access rule: {missing}"


def expected_allowed(rule: Access, identity: str | None, workspace: str) -> bool:
    if rule.role is None:
        return True
    if identity is None:
        return False
    role, grants = USERS[identity]
    if ROLES.index(role) < ROLES.index(rule.role):
        return False
    return not rule.workspace or role == "admin" or grants is None or workspace in grants


def _cases(app) -> list[tuple[str, str, Access]]:
    out = []
    for path, methods, route in route_table(app):
        if isinstance(route, APIRoute):
            for method in sorted(methods - {"HEAD"}):
                out.append((method, path, access_rule(route)))
    return out


def _fill(path: str, ws: str, job_id: str) -> str:
    values = {"ws": ws, "theme_id": "fit", "item_id": "fit", "customer_id": "c00001", "job_id": job_id}
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: values.get(m.group(1), "x"), path)


#: Request bodies of routes whose allowed call should succeed (not only pass the rule), by (method, route path).
BODIES: dict[tuple[str, str], dict] = {
    ("PUT", "/api/v1/w/{ws}/themes/{theme_id}/owner"): {"json": {"team": "Sizing team", "status": "acknowledged"}},
    ("POST", "/w/{ws}/themes/{theme_id}/owner"): {"data": {"team": "Sizing team", "status": "in_progress"}},
    ("POST", "/api/v1/w/{ws}/notes"): {"json": {"kind": "theme", "object_id": "fit", "body": "@vic look"}},
    ("POST", "/w/{ws}/notes"): {"data": {"kind": "theme", "object_id": "fit", "body": "@vic look"}},
    ("PATCH", "/api/v1/w/{ws}/notes/{note_id}"): {"json": {"body": "rewritten"}},
    ("POST", "/api/v1/w/{ws}/views"): {"json": {"name": "Fit", "page": "verbatims", "query": "fit", "shared": True}},
    ("POST", "/w/{ws}/views"): {"data": {"name": "Fit", "page": "verbatims", "query": "fit", "shared": "true"}},
    ("PATCH", "/api/v1/w/{ws}/views/{view_id}"): {"json": {"pinned": True}},
    ("POST", "/api/v1/w/{ws}/subscriptions"): {"json": {"target": "https://93.184.216.34/x", "hour": 8}},
    ("POST", "/w/{ws}/digests"): {"data": {"delivery": "webhook", "url": "https://93.184.216.34/x"}},
    ("POST", "/api/v1/w/{ws}/corrections"): {
        "json": {"feedback_id": "f000001", "sentiment": "negative", "intent": "request"}
    },
    ("POST", "/w/{ws}/corrections"): {"data": {"feedback_id": "f000002", "intent": "bug", "next": "/w/acme/verbatims"}},
}


def _call(client: TestClient, method: str, url: str, csrf: str, path: str = ""):
    headers = {"X-CSRF-Token": csrf}
    if (method, path) in BODIES:
        return client.request(method, url, headers=headers, **BODIES[(method, path)])
    if method == "GET":
        return client.get(url)
    if method != "POST":
        return client.request(method, url, headers=headers)
    if url.endswith("/rename") and url.startswith("/api/"):
        return client.post(url, json={"label": "Fit"}, headers=headers)
    if url.endswith("/upload"):
        return client.post(url, files={"file": ("a.csv", b"text\nhello there\n")}, headers=headers)
    if url == "/login":
        return client.post(url, data={"username": "nobody", "password": "x" * 8, "csrf_token": csrf})
    return client.post(url, data={"label": "Fit", "upload_id": "0" * 32}, headers=headers)


@pytest.mark.parametrize("identity", IDENTITIES, ids=lambda i: i or "anonymous")
@pytest.mark.parametrize("workspace", ["acme", "other"])
def test_authorization_matrix(matrix_app, identity: str | None, workspace: str) -> None:
    job_id = matrix_app.state.ctx.accounts.create_job(workspace, "analyze", "ada")
    failures = []
    counted_app, counter = counting(matrix_app)
    client = TestClient(counted_app, follow_redirects=False)
    if identity:
        login(client, identity)
    csrf = csrf_of(client.get("/login").text)
    cookie = client.cookies.get(SESSION_COOKIE)  # one signed session, reused for every call
    # logout ends the session server-side, so it comes last
    for method, path, rule in sorted(_cases(matrix_app), key=lambda case: case[1] == "/logout"):
        client.cookies.clear()
        client.cookies.set(SESSION_COOKIE, cookie)
        url = _fill(path, workspace, job_id)
        counter["bytes"] = 0
        response = _call(client, method, url, csrf, path)
        allowed = expected_allowed(rule, identity, workspace)
        status = response.status_code
        to_login = status in (302, 303) and response.headers.get("location", "").startswith("/login")
        if allowed:
            ok = status not in (401, 403) and not to_login and status < 500
            if rule.role is None:  # public: a failed login answers 401 by design
                ok = status < 500 and status != 403
            if path == "/logout":  # signing out lands on the login page by design
                ok = status == 303 and to_login
        elif identity is None:
            ok = status == 401 if path.startswith("/api/") else to_login
        else:
            ok = status == 403
        if not ok:
            failures.append(f"{method} {url} as {identity}: expected {'allow' if allowed else 'deny'}, got {status}")
        elif not allowed and counter["bytes"]:
            failures.append(f"{method} {url} as {identity}: denied, but {counter['bytes']} body bytes were read")
    client.close()
    assert not failures, "\n".join(failures)


def test_matrix_covers_state_changing_routes(matrix_app) -> None:
    """The matrix exercises the analyst-only POST routes (guards against an empty route table)."""
    posts = {p for m, p, r in _cases(matrix_app) if m == "POST" and r.role == "analyst"}
    assert {"/w/{ws}/upload", "/w/{ws}/ingest", "/w/{ws}/analyze", "/api/v1/w/{ws}/analyze", "/w/{ws}/refresh"} <= posts


def test_matrix_covers_the_team_routes(matrix_app) -> None:
    """Owners, notes and the activity log: every method is in the matrix with the role it needs."""
    rules = {(m, p): (r.role, r.workspace) for m, p, r in _cases(matrix_app)}
    expected = {
        ("GET", "/api/v1/w/{ws}/owners"): "viewer",
        ("GET", "/api/v1/w/{ws}/themes/{theme_id}/owner"): "viewer",
        ("PUT", "/api/v1/w/{ws}/themes/{theme_id}/owner"): "analyst",
        ("POST", "/w/{ws}/themes/{theme_id}/owner"): "analyst",
        ("GET", "/api/v1/w/{ws}/notes"): "viewer",
        ("GET", "/w/{ws}/notes"): "viewer",
        ("POST", "/api/v1/w/{ws}/notes"): "analyst",
        ("POST", "/w/{ws}/notes"): "analyst",
        ("PATCH", "/api/v1/w/{ws}/notes/{note_id}"): "analyst",
        ("DELETE", "/api/v1/w/{ws}/notes/{note_id}"): "analyst",
        ("POST", "/w/{ws}/notes/{note_id}/delete"): "analyst",
        ("GET", "/api/v1/w/{ws}/activity"): "admin",
        ("GET", "/w/{ws}/activity"): "admin",
        ("GET", "/api/v1/w/{ws}/views"): "viewer",
        ("GET", "/w/{ws}/views"): "viewer",
        ("GET", "/w/{ws}/views/{view_id}"): "viewer",
        ("POST", "/api/v1/w/{ws}/views"): "analyst",
        ("POST", "/w/{ws}/views"): "analyst",
        ("PATCH", "/api/v1/w/{ws}/views/{view_id}"): "analyst",
        ("DELETE", "/api/v1/w/{ws}/views/{view_id}"): "analyst",
        ("POST", "/w/{ws}/views/{view_id}/delete"): "analyst",
        ("GET", "/api/v1/w/{ws}/digest"): "viewer",
        ("GET", "/api/v1/w/{ws}/brief"): "viewer",
        ("GET", "/w/{ws}/brief"): "viewer",
        ("GET", "/api/v1/w/{ws}/subscriptions"): "viewer",
        ("POST", "/api/v1/w/{ws}/subscriptions"): "viewer",  # anyone subscribes themselves (to their mentions)
        ("DELETE", "/api/v1/w/{ws}/subscriptions/{subscription_id}"): "viewer",
        ("GET", "/w/{ws}/digests"): "viewer",
        ("POST", "/w/{ws}/digests"): "viewer",
        ("POST", "/w/{ws}/digests/{subscription_id}/delete"): "viewer",
    }
    assert {k: rules.get(k) for k in expected} == {k: (role, True) for k, role in expected.items()}
    for key in BODIES:
        assert key in rules, f"a body is given for a route that does not exist: {key}"


def test_matrix_covers_the_correction_routes(matrix_app) -> None:
    """Analyst corrections of sentiment/intent: viewers list them, analysts and admins make them."""
    rules = {(m, p): (r.role, r.workspace) for m, p, r in _cases(matrix_app)}
    expected = {
        ("GET", "/api/v1/w/{ws}/corrections"): "viewer",
        ("POST", "/api/v1/w/{ws}/corrections"): "analyst",
        ("POST", "/w/{ws}/corrections"): "analyst",
    }
    assert {k: rules.get(k) for k in expected} == {k: (role, True) for k, role in expected.items()}


def test_allowed_corrections_in_the_matrix_really_wrote(matrix_app) -> None:
    """Only analysts and admins corrected (viewers were denied), each with their name, in the activity log too."""
    ws = matrix_app.state.ctx.workspaces["acme"]
    if ws.corrections().empty:
        pytest.skip("checks what the matrix wrote: run it with test_authorization_matrix")
    made = ws.corrections()
    allowed = {u for u, (role, grants) in USERS.items() if role in ("analyst", "admin") and grants is None}
    assert allowed == {"ada", "ann"}
    assert set(made.author) == allowed
    assert set(made.feedback_id) == {"f000001", "f000002"}
    logged = ws.store.read_df("SELECT actor FROM activity_log WHERE action = 'feelings.correct'")
    assert set(logged.actor) == allowed


def test_allowed_team_writes_in_the_matrix_really_wrote(matrix_app) -> None:
    """The matrix's allowed calls succeeded (not just passed the rule): owner, notes and views exist in "acme".

    ("other" is left out: the matrix renames its themes for real, which re-derives the fake workspace's themes.)
    """
    from empathic.team import notes, owners, saved_views, subscriptions

    store = matrix_app.state.ctx.workspaces["acme"].store
    if not store.count("activity_log"):
        pytest.skip("checks what the matrix wrote: run it with test_authorization_matrix")
    assert (owners.owner(store, "fit") or {}).get("team") == "Sizing team"
    assert set(notes.notes(store, kind="theme", object_id="fit", mentioning="vic").author) == {"ada", "ann"}
    assert set(saved_views.views(store, viewer="vic").author) == {"ada", "ann"}  # shared, so vic sees them
    assert {s["username"] for s in subscriptions.subscriptions(store)} == {"ada", "ann", "vic"}  # viewers too
