"""Digests the server sends: the SSRF guard on webhook/SMTP targets, the web form to subscribe, and the served app
sending each user's subscriptions on schedule (a fake clock, a real SMTP server and webhook receiver on 127.0.0.1).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from team_servers import smtp_server, webhook_receiver
from web_helpers import csrf_of, login

from empathic.config import Settings
from empathic.errors import InputError
from empathic.store import Store
from empathic.team import subscriptions, target_guard
from empathic.team.activity import activity
from empathic.team.notes import add_note
from empathic.web import create_app
from empathic.web.accounts import Accounts
from empathic.web.digest_scheduler import Guard

MONDAY = datetime(2026, 11, 30)


def fake_dns(table: dict[str, list[str]]):
    return lambda host, port: table.get(host, [])


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",  # resolves to loopback
        "https://10.1.2.3/x",
        "https://192.168.0.10/x",
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://[::1]:9000/",
        "http://[::ffff:127.0.0.1]/",  # IPv4-mapped loopback
        "http://[fe80::1]/",
        "http://100.64.0.1/",  # carrier-grade NAT
        "http://0.0.0.0/",
        "smtp://127.0.0.1:25/ann@example.com",
        "https://intranet.example.com/hook",  # a name that resolves to a private address
        "https://split.example.com/hook",  # one public and one private address: refused
    ],
)
def test_internal_targets_are_refused_by_default(target: str) -> None:
    dns = fake_dns({"localhost": ["127.0.0.1"], "intranet.example.com": ["10.9.9.9"],
                    "split.example.com": ["93.184.216.34", "192.168.1.1"]})  # fmt: skip
    with pytest.raises(InputError, match="internal address"):
        target_guard.check_target(target, [], resolver=dns)


def test_public_targets_and_allowed_internal_ones_pass() -> None:
    dns = fake_dns({"hooks.example.com": ["93.184.216.34"], "mail.internal": ["10.0.0.25"]})
    assert target_guard.check_target("https://hooks.example.com/T", [], resolver=dns) == ["93.184.216.34"]
    assert target_guard.check_target("http://127.0.0.1:9/h", ["127.0.0.1"], resolver=dns) == ["127.0.0.1"]
    assert target_guard.check_target("smtp://mail.internal:25/a@b.c", ["10.0.0.0/8"], resolver=dns)
    assert target_guard.check_target("smtp://mail.internal:25/a@b.c", ["mail.internal"], resolver=dns)
    with pytest.raises(InputError, match="internal address"):  # allowing one address does not allow its network
        target_guard.check_target("http://127.0.0.2/h", ["127.0.0.1"], resolver=dns)
    with pytest.raises(InputError, match="cannot resolve"):  # before sending, a name must resolve
        target_guard.check_target("https://nowhere.example/h", [], resolver=dns)
    assert target_guard.check_target("https://nowhere.example/h", [], resolver=dns, must_resolve=False) == []


def test_the_allow_list_setting_is_validated() -> None:
    assert Settings(web={"delivery_allow": ["127.0.0.1", "fd00::/8", "mail.internal"]}).web.delivery_allow
    with pytest.raises(ValueError, match="not an address"):
        Settings(web={"delivery_allow": ["http://x/"]})


def test_a_target_allowed_when_saved_is_checked_again_when_sent(planted: Path) -> None:
    with Store(planted) as store, webhook_receiver() as (url, posts):
        subscriptions.subscribe(store, "vic", url, hour=8, weekday=None, guard=Guard(allow=("127.0.0.1",)))
        ((_, outcome),) = subscriptions.send_due(store, MONDAY.replace(hour=9), Guard())  # the admin removed it
        assert outcome.startswith("failed: refusing to deliver to 127.0.0.1") and posts == []
        assert "refusing" in activity(store).query("action == 'digest.send'").detail.iloc[0]


@pytest.fixture()
def served(planted: Path, tmp_path: Path, accounts_master: Path):
    """The app as `empathic serve` builds it, allowed to deliver to 127.0.0.1 and into a digest folder."""
    copy = tmp_path / "users.sqlite"
    with sqlite3.connect(accounts_master) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    folder = tmp_path / "digests"
    folder.mkdir()
    settings = Settings(web={"delivery_allow": ["127.0.0.1"], "digest_folder": str(folder)})
    app = create_app(settings, [planted], accounts=Accounts(copy), upload_dir=tmp_path / "up")
    yield app, folder
    for ws in app.state.ctx.workspaces.values():
        ws.close()


def _client(app, username: str) -> tuple[TestClient, str]:
    client = TestClient(app, follow_redirects=False)
    login(client, username)
    return client, csrf_of(client.get("/w/planted/digests").text)


def test_users_subscribe_with_the_form_and_the_server_sends_on_schedule(served, planted: Path) -> None:
    app, folder = served
    with Store(planted) as store:
        add_note(store, "theme", "crash", "@vic the crash reports started this week", author="ann")
    clock = {"now": MONDAY.replace(hour=7, minute=59)}
    app.state.digests.clock = lambda: clock["now"]
    with webhook_receiver() as (url, posts), smtp_server() as (port, mails):
        vic, vic_csrf = _client(app, "vic")  # a viewer subscribes to get the notes that mention them
        form = {"csrf_token": vic_csrf, "delivery": "webhook", "url": url, "cadence": "weekly", "weekday": "0",
                "hour": "8", "format": "md"}  # fmt: skip
        assert vic.post("/w/planted/digests", data=form).status_code == 303
        ann, ann_csrf = _client(app, "ann")
        mail = {"csrf_token": ann_csrf, "delivery": "smtp", "smtp_server": f"127.0.0.1:{port}",
                "mail_to": "ann@example.com", "cadence": "daily", "hour": "8"}  # fmt: skip
        assert ann.post("/w/planted/digests", data=mail).status_code == 303
        ada, ada_csrf = _client(app, "ada")
        to_folder = {"csrf_token": ada_csrf, "delivery": "folder", "cadence": "weekly", "weekday": "0", "hour": "8"}
        assert ada.post("/w/planted/digests", data=to_folder).status_code == 303
        page = vic.get("/w/planted/digests").text
        assert "Mondays at 08:00" in page and url in page and "ann@example.com" not in page  # only one's own

        assert app.state.digests.check() == []  # 07:59: nothing is due yet
        clock["now"] = MONDAY.replace(hour=8)
        sent = app.state.digests.check()
        assert sorted(outcome.split(" ")[0] for _, outcome in sent) == ["mailed", "webhook", "wrote"]
        assert app.state.digests.check() == []  # nothing twice
        assert len(posts) == 1 and len(mails) == 1
        assert "App crashes" in posts[0]["body"]["text"]  # the planted emerging theme
        blocks = " ".join(b["text"]["text"] for b in posts[0]["body"]["blocks"])
        assert "Note* from ann: @vic the crash reports started this week" in blocks  # vic's mention reached vic
        mailed = mails[0]["data"]  # ann's daily digest: the last day, without vic's notes
        assert b"(13 comments)" in mailed and b"mentioning @ann" in mailed and b"crash reports started" not in mailed
        (written,) = folder.iterdir()
        assert written.name.startswith("digest-ada-") and "App crashes" in written.read_text()

        clock["now"] = datetime(2026, 12, 1, 9)
        sent = app.state.digests.check()  # Tuesday: only the daily one
        assert [outcome for _, outcome in sent] == ["mailed ann@example.com"] and len(posts) == 1


def test_the_form_refuses_internal_targets_the_admin_did_not_allow(client_as) -> None:
    vic = client_as("vic")
    csrf = vic.headers["X-CSRF-Token"]
    refused = vic.post("/w/planted/digests", data={"csrf_token": csrf, "delivery": "webhook",
                                                   "url": "http://169.254.169.254/latest"})  # fmt: skip
    assert refused.status_code == 400 and "internal address" in refused.text
    api = vic.post("/api/v1/w/planted/subscriptions", json={"target": "smtp://10.0.0.1:25/vic@example.com"})
    assert api.status_code == 400 and "web.delivery_allow" in api.json()["hint"]
    assert vic.get("/api/v1/w/planted/subscriptions").json() == []


def test_a_webhook_that_redirects_is_not_followed(planted: Path) -> None:
    """The guard checked the webhook's host; a redirect (to an internal address, say) is an error, not a hop."""
    allow = Guard(allow=("127.0.0.1",))
    with (
        webhook_receiver() as (inner, reached),
        webhook_receiver(302, location=inner) as (outer, posts),
        Store(planted) as store,
    ):
        subscriptions.subscribe(store, "vic", outer, hour=8, weekday=None, guard=allow)
        ((_, outcome),) = subscriptions.send_due(store, MONDAY.replace(hour=9), allow)
    assert outcome.startswith("failed: the webhook answered 302") and len(posts) == 1 and reached == []
