"""The activity log: ``empathic.activity.record`` (the one writer any area may call), who signs an entry, account
changes, and append-only through the app — no source line updates or deletes it, and no route does either."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from test_web_authz_matrix import route_table

from empathic.activity import acting_as, current_actor, record
from empathic.store import Store
from empathic.team import notes, saved_views, subscriptions
from empathic.team.activity import activity

SRC = Path(__file__).resolve().parents[2] / "src" / "empathic"
#: The only files that may name the table: its writer, its reader, its migration.
OWNERS_OF_THE_TABLE = {"activity.py", "team/activity.py", "store/migrations/team.py", "store/tables.py"}


def test_record_joins_the_callers_transaction_and_signs_with_the_current_actor(
    planted: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EMPATHIC_USER", "cli-user")
    with Store(planted) as store:
        first = record(store, action="correction.sentiment", object_kind="comment", object_id="f00001",
                       detail={"from": "negative", "to": "neutral"})  # fmt: skip
        with pytest.raises(RuntimeError), store.write():  # the change fails: its log entry goes with it
            record(store, "ann", "correction.intent", "comment", "f00002")
            raise RuntimeError("the correction failed")
        with acting_as("web-user"):
            assert current_actor() == "web-user"
            second = record(store, action="pii.view", object_kind="customer", object_id="cf00010")
        system = record(store, None, "digest.send", "subscription", "s-1")
        log = activity(store)
        assert (first, second, system) == (1, 2, 3)
        actors = [a if isinstance(a, str) else None for a in log.actor]
        assert list(zip(actors, log.action, strict=True)) == [
            (None, "digest.send"),
            ("web-user", "pii.view"),
            ("cli-user", "correction.sentiment"),
        ]
        assert '"to": "neutral"' in log.detail.iloc[-1]
        with pytest.raises(ValueError, match="needs an action"):
            record(store, "ann", "")


def _sql_strings(tree: ast.AST) -> list[str]:
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.append(node.value)
        elif isinstance(node, ast.JoinedStr):
            out.append("".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values))
    return out


def test_no_source_updates_or_deletes_the_log() -> None:
    """Only the writer, the reader and the migration name ``activity_log``; none of them changes a row."""
    naming = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        texts = _sql_strings(ast.parse(path.read_text(encoding="utf-8")))
        if any("activity_log" in t for t in texts):
            naming.append(rel)
        if rel in OWNERS_OF_THE_TABLE:
            for text in texts:
                assert not re.search(r"\b(UPDATE|DELETE|DROP|TRUNCATE|ALTER|REPLACE)\b", text, re.I) or (
                    "activity_log" not in text
                ), f"{rel} changes the log: {text!r}"
    assert set(naming) <= OWNERS_OF_THE_TABLE, f"other code names the activity log: {set(naming) - OWNERS_OF_THE_TABLE}"


def _snapshot(store: Store) -> list[tuple]:
    return [tuple(r) for r in store.read_df("SELECT * FROM activity_log ORDER BY seq").itertuples(index=False)]


def test_no_route_updates_or_deletes_the_log(app, client_as) -> None:
    """Every write route of the app (POST/PUT/PATCH/DELETE), called as an admin with real ids: the entries there
    before are all still there, unchanged, afterwards (jobs are recorded, not run)."""
    store = app.state.ctx.workspaces["planted"].store
    note = notes.add_note(store, "theme", "delivery", "@vic look", author="ada")
    view = saved_views.save_view(store, "Mine", "verbatims", author="ada", query="parcel", shared=True)
    sub = subscriptions.subscribe(store, "ada", "https://93.184.216.34/x")
    before = _snapshot(store)
    assert len(before) == 3
    ctx = app.state.ctx
    ctx.jobs.submit = lambda workspace, kind, username, fn: ctx.accounts.create_job(workspace, kind, username)
    job = ctx.accounts.create_job("planted", "analyze", "ada")
    values = {"ws": "planted", "theme_id": "delivery", "item_id": "delivery", "customer_id": "cf00010",
              "note_id": note["note_id"], "view_id": view["view_id"], "subscription_id": sub["subscription_id"],
              "job_id": job, "username": "al", "token_id": "nope"}  # fmt: skip
    bodies = {
        "/api/v1/w/{ws}/notes/{note_id}": {"json": {"body": "rewritten"}},
        "/api/v1/w/{ws}/views/{view_id}": {"json": {"pinned": True}},
        "/api/v1/w/{ws}/themes/{theme_id}/owner": {"json": {"team": "Logistics", "status": "fixed"}},
        "/api/v1/w/{ws}/notes": {"json": {"kind": "theme", "object_id": "delivery", "body": "another"}},
    }
    ada = client_as("ada")
    csrf = ada.headers["X-CSRF-Token"]
    called = 0
    writes = [(p, m) for p, methods, r in route_table(app) if isinstance(r, APIRoute)
              for m in sorted(methods - {"GET", "HEAD"})]  # fmt: skip
    for path, method in sorted(writes, key=lambda w: (w[0] == "/logout", w[1] == "DELETE", w[0])):
        url = re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), "x"), path)
        kwargs = bodies.get(path) if method in ("PATCH", "PUT") or path.endswith("/notes") else None
        response = ada.request(method, url, **(kwargs or {"data": {"csrf_token": csrf, "label": "x"}}))
        assert response.status_code < 500, (method, path, response.text[:300])
        called += 1
    after = _snapshot(store)
    assert called > 20 and after[: len(before)] == before, "an entry of the log was changed or removed"
    assert [r[0] for r in after] == list(range(1, len(after) + 1)) and len(after) > len(before)
    actions = {r[3] for r in after[len(before) :]}
    assert {"note.edit", "owner.set", "note.delete", "view.delete", "subscription.delete", "user.remove"} <= actions


def test_the_csv_export_cannot_run_as_a_spreadsheet_formula(app, client_as) -> None:
    record(app.state.ctx.workspaces["planted"].store, "@admin", "note.add", "customer", "=HYPERLINK(1)")
    response = client_as("ada").get("/api/v1/w/planted/activity", params={"format": "csv"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    lines = response.text.split("\r\n")
    assert lines[0].startswith("seq,logged_at,actor") and ",'@admin,note.add,customer,'=HYPERLINK(1)," in lines[1]


def test_users_and_grants_are_logged_from_the_admin_page_and_the_cli(
    app, client_as, planted: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from empathic.cli.main import main

    ada = client_as("ada")
    form = {"csrf_token": ada.headers["X-CSRF-Token"], "username": "newbie", "password": "long enough pw",
            "role": "viewer", "workspace": "planted"}  # fmt: skip
    assert ada.post("/admin/users", data=form).status_code == 303
    assert ada.post("/admin/users/newbie/remove", data={"csrf_token": form["csrf_token"]}).status_code == 303
    store = app.state.ctx.workspaces["planted"].store
    log = activity(store)
    assert list(zip(log.actor, log.action, log.object_id, strict=True)) == [
        ("ada", "user.remove", "newbie"),
        ("ada", "user.add", "newbie"),
    ]
    assert '"workspaces": ["planted"]' in log.detail.iloc[1] and '"role": "viewer"' in log.detail.iloc[1]
    for ws in app.state.ctx.workspaces.values():
        ws.close()  # the CLI opens the workspace itself
    monkeypatch.setenv("EMPATHIC_USER", "root-admin")
    auth = str(tmp_path / "cli-users.sqlite")
    assert main(["users", "add", str(planted), "carl", "--role", "analyst", "--password", "long enough pw",
                 "--auth", auth]) == 0  # fmt: skip
    assert main(["tokens", "create", str(planted), "carl", "--name", "ci", "--auth", auth]) == 0
    with Store(planted) as reopened:
        newest = activity(reopened, limit=2)
    assert list(zip(newest.actor, newest.action, newest.object_id, strict=True)) == [
        ("root-admin", "token.create", "carl"),
        ("root-admin", "user.add", "carl"),
    ]
    assert "emp_" not in " ".join(newest.detail)  # the token's secret is never logged


def test_the_see_pii_grant_is_given_and_taken_back_from_the_cli_and_the_admin_page_and_logged(
    app, client_as, planted: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from empathic.cli.main import main
    from empathic.web.accounts import Accounts

    ada = client_as("ada")
    token = ada.headers["X-CSRF-Token"]
    given = ada.post("/admin/users/ann/grant", data={"csrf_token": token, "grant": "see_pii", "on": "1"})
    assert given.status_code == 303
    assert app.state.ctx.accounts.get_user("ann").sees_pii()
    log = activity(app.state.ctx.workspaces["planted"].store, limit=1)
    assert (log.actor[0], log.action[0], log.object_id[0]) == ("ada", "user.grant", "ann")
    assert '"grant": "see_pii"' in log.detail[0] and '"on": true' in log.detail[0]
    for ws in app.state.ctx.workspaces.values():
        ws.close()  # the CLI opens the workspace itself
    monkeypatch.setenv("EMPATHIC_USER", "root-admin")
    auth = str(tmp_path / "cli-users.sqlite")
    for name, role in (("carl", "analyst"), ("vera", "viewer")):
        assert main(["users", "add", str(planted), name, "--role", role, "--password", "long enough pw",
                     "--auth", auth]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["users", "grant", str(planted), "carl", "see_pii", "--auth", auth]) == 0
    assert "gave see_pii to carl" in capsys.readouterr().out
    accounts = Accounts(auth)
    try:
        assert accounts.get_user("carl").sees_pii()
    finally:
        accounts.close()
    assert main(["users", "list", str(planted), "--auth", auth]) == 0
    assert re.search(r"carl\s.*analyst\s.*see_pii", capsys.readouterr().out)
    assert main(["users", "grant", str(planted), "carl", "--off", "--auth", auth]) == 0
    assert main(["users", "grant", str(planted), "vera", "see_pii", "--auth", auth]) == 2  # viewers never see PII
    assert "viewers always see masked text" in capsys.readouterr().err
    assert main(["users", "grant", str(planted), "carl", "see_everything", "--auth", auth]) == 2
    accounts = Accounts(auth)
    try:
        assert not accounts.get_user("carl").sees_pii() and not accounts.get_user("vera").grants
    finally:
        accounts.close()
    with Store(planted) as reopened:
        newest = activity(reopened, limit=2)
    assert list(zip(newest.actor, newest.action, newest.object_id, strict=True)) == [
        ("root-admin", "user.grant", "carl"),
        ("root-admin", "user.grant", "carl"),
    ]
    assert ['"on": false' in d for d in newest.detail] == [True, False]
