"""Digest subscriptions: when they are due, sending them (webhook, SMTP) through the server's scheduler thread,
and the API (analysts subscribe themselves; no web request may point a digest at a server folder)."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import pytest
from team_servers import smtp_server, webhook_receiver

from empathic.errors import InputError
from empathic.store import Store
from empathic.team import subscriptions
from empathic.team.activity import activity
from empathic.web.digest_scheduler import DigestScheduler, Guard

MONDAY_9 = datetime(2026, 11, 30, 9, 0)  # a Monday


@pytest.mark.parametrize(
    ("sub", "now", "due"),
    [
        ({"hour": 8, "weekday": 0, "last_sent_at": None}, MONDAY_9, True),
        ({"hour": 10, "weekday": 0, "last_sent_at": None}, MONDAY_9, False),  # not yet
        ({"hour": 8, "weekday": 1, "last_sent_at": None}, MONDAY_9, False),  # Tuesdays only
        ({"hour": 8, "weekday": None, "last_sent_at": "2026-11-30T08:00:05"}, MONDAY_9, False),  # sent already
        ({"hour": 8, "weekday": None, "last_sent_at": "2026-11-29T08:00:05"}, MONDAY_9, True),  # yesterday's
    ],
)
def test_when_a_subscription_is_due(sub: dict, now: datetime, due: bool) -> None:
    assert subscriptions.is_due(sub, now) is due


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({"target": "ftp://x"}, "cannot deliver to"),
        ({"target": "folder:relative/dir"}, "cannot deliver to"),
        ({"target": "smtp://mail.example.com/no-address"}, "cannot deliver to"),
        ({"target": "https://h.example.com", "since": "week"}, "not a span"),
        ({"target": "https://h.example.com", "hour": 24}, "hour is 0-23"),
    ],
)
def test_bad_subscriptions_are_refused(planted: Path, kwargs: dict, text: str) -> None:
    with Store(planted) as store, pytest.raises(InputError, match=text):
        subscriptions.subscribe(store, "vic", **kwargs)


def test_due_subscriptions_are_sent_once_by_webhook_and_smtp_and_logged(planted: Path) -> None:
    with Store(planted) as store, webhook_receiver() as (url, posts), smtp_server() as (port, mails):
        subscriptions.subscribe(store, "vic", url, hour=8, weekday=0)
        subscriptions.subscribe(store, "ann", f"smtp://127.0.0.1:{port}/ann@example.com", hour=8, weekday=None)
        subscriptions.subscribe(store, "ada", url, hour=20, weekday=None)  # not due at 9:00
        sent = subscriptions.send_due(store, MONDAY_9)
        assert [outcome for _, outcome in sent] == ["webhook answered 200", "mailed ann@example.com"]
        assert subscriptions.send_due(store, MONDAY_9.replace(minute=30)) == []  # nothing twice
        assert len(posts) == 1 and "App crashes" in posts[0]["body"]["text"]
        assert len(mails) == 1 and b"App crashes" in mails[0]["data"]
        log = activity(store)
        assert list(log[log.action == "digest.send"].object_id) == [s for s, _ in reversed(sent)]


def test_a_failed_delivery_is_logged_and_retried_later(planted: Path) -> None:
    with webhook_receiver(status=500) as (url, _), Store(planted) as store:
        sub = subscriptions.subscribe(store, "vic", url, hour=8, weekday=None)
        ((sub_id, outcome),) = subscriptions.send_due(store, MONDAY_9)
        assert sub_id == sub["subscription_id"] and outcome == "failed: the webhook answered 500 Internal Server Error"
        assert subscriptions.subscriptions(store)[0]["last_sent_at"] is None  # due again at the next check


def test_the_server_scheduler_thread_sends_and_stops(planted: Path) -> None:
    with Store(planted) as store, webhook_receiver() as (url, posts):
        subscriptions.subscribe(store, "vic", url, hour=0, weekday=None)  # due as soon as the day has begun
        scheduler = DigestScheduler({"planted": type("W", (), {"store": store})()}, interval_s=0.1,
                                    guard=Guard(allow=("127.0.0.1",)))  # fmt: skip
        scheduler.start()
        deadline = time.monotonic() + 20
        while not posts and time.monotonic() < deadline:
            time.sleep(0.05)
        scheduler.stop()
        assert len(posts) == 1 and not scheduler._thread.is_alive()


def test_subscriptions_api(client_as) -> None:
    ann, vic, ada = client_as("ann"), client_as("vic"), client_as("ada")
    body = {"target": "https://93.184.216.34/T1", "since": "7d", "hour": 7, "weekday": 4}
    created = ann.post("/api/v1/w/planted/subscriptions", json=body)
    assert created.status_code == 201 and created.json()["username"] == "ann"
    folder = ann.post("/api/v1/w/planted/subscriptions", json={**body, "target": "folder:/tmp"})
    assert folder.status_code == 400 and "writes no digest files" in folder.json()["message"]
    named = ann.post("/api/v1/w/planted/subscriptions", json={**body, "target": "folder"})
    assert named.status_code == 400 and "no digest folder" in named.json()["message"]
    assert vic.get("/api/v1/w/planted/subscriptions").json() == []  # only one's own
    assert len(ada.get("/api/v1/w/planted/subscriptions").json()) == 1  # an admin sees all
    sub_id = created.json()["subscription_id"]
    assert client_as("al").delete(f"/api/v1/w/planted/subscriptions/{sub_id}").status_code == 404
    assert ann.delete(f"/api/v1/w/planted/subscriptions/{sub_id}").status_code == 204
