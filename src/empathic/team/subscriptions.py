"""Digest subscriptions, and sending the ones that are due (``empathic serve`` checks every minute).

A subscription is a user's digest (``since`` span, format) sent to a target at an hour of the day (UTC), every
day or on one weekday (0 = Monday). Targets:

- ``https://…`` / ``http://…``: a Slack-compatible webhook;
- ``smtp://HOST:PORT/ADDRESS`` (``?from=ADDRESS&starttls=1``): a mail through that server;
- ``folder:/path/to/dir``: a file in a folder on the server.

A subscription is due when its hour has come today (and it is its weekday) and it was not sent since then. A
failed delivery is logged in the activity log and retried at the next check.

Sent by the server, every delivery goes through :class:`Guard`: webhook and SMTP hosts must not be internal
addresses unless the admin allows them (``web.delivery_allow``, :mod:`empathic.team.target_guard`), and files are
written only into the server's digest folder (``web.digest_folder``).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pandas as pd

from empathic.errors import EmpathicError, InputError
from empathic.store import Store
from empathic.team import delivery, digest_render, target_guard
from empathic.team.activity import now_utc, record
from empathic.team.digest import build_digest, parse_span
from empathic.team.owners import UnknownItem, plain

SUB_COLUMNS = ["subscription_id", "username", "since", "format", "target", "weekday", "hour", "last_sent_at",
               "created_at"]  # fmt: skip


@dataclass(frozen=True)
class Guard:
    """What the server may deliver to: internal hosts only when ``allow`` lists them (see
    :func:`empathic.team.target_guard.check_target`), files only inside ``folder`` (none: no file at all)."""

    allow: Sequence[str] = field(default_factory=tuple)
    folder: str | None = None

    def check(self, target: str, *, must_resolve: bool) -> None:
        if target.startswith("folder:"):
            root = Path(self.folder).resolve() if self.folder else None
            path = Path(target[7:]).resolve()
            if root is None:
                raise InputError("this server writes no digest files (no web.digest_folder is set)",
                                 hint="use a webhook or SMTP, or `empathic digest --to-folder` with cron")  # fmt: skip
            if not (path == root or root in path.parents):
                raise InputError(f"the server writes digests only inside {root}, not into {path}",
                                 hint="choose the server's digest folder, or use a webhook or SMTP")  # fmt: skip
            return
        target_guard.check_target(target, self.allow, must_resolve=must_resolve)


def _check_target(target: str) -> str:
    target = target.strip()
    scheme = urlsplit(target).scheme
    if scheme in ("http", "https") and urlsplit(target).netloc:
        return target
    if scheme == "smtp":
        parts = urlsplit(target)
        if parts.hostname and parts.port and "@" in parts.path:
            return target
    if target.startswith("folder:") and Path(target[7:]).is_absolute():
        return target
    raise InputError(f"cannot deliver to {target!r}",
                     hint="use https://webhook…, smtp://HOST:PORT/ADDRESS or folder:/absolute/path")  # fmt: skip


def subscribe(
    store: Store,
    username: str,
    target: str,
    *,
    since: str = "7d",
    fmt: str = "html",
    hour: int = 8,
    weekday: int | None = 0,
    guard: Guard | None = None,
) -> dict[str, Any]:
    """Add a subscription for ``username``; returns it. With a ``guard`` (the web app passes the server's), a
    target the server may not deliver to is refused now rather than at the first send."""
    parse_span(since)
    if fmt not in digest_render.FORMATS:
        raise InputError(f"unknown format {fmt!r}", hint=f"use one of: {', '.join(digest_render.FORMATS)}")
    if not 0 <= hour <= 23 or (weekday is not None and not 0 <= weekday <= 6):
        raise InputError("hour is 0-23 and weekday 0-6 (Monday = 0) or none for every day", hint="e.g. hour=8")
    target = _check_target(target)
    if guard is not None:
        guard.check(target, must_resolve=False)
    sub_id = "s-" + secrets.token_hex(6)
    with store.write() as con:
        con.execute("INSERT INTO digest_subscriptions (subscription_id, username, since, format, target, "
            "weekday, hour, last_sent_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)",
                    [sub_id, username, since, fmt, target, weekday, hour, now_utc()])  # fmt: skip
        record(con, username, "subscription.add", "subscription", sub_id, {"since": since, "hour": hour})
    return subscriptions(store, username=username, subscription_id=sub_id)[0]


def subscriptions(store: Store, *, username: str | None = None, subscription_id: str | None = None) -> list[dict]:
    """Subscriptions (one user's, or all), oldest first."""
    if not store.has_table("digest_subscriptions"):
        return []
    df = store.read_df(
        "SELECT * FROM digest_subscriptions WHERE (? IS NULL OR username = ?) AND (? IS NULL OR subscription_id = ?) "
        "ORDER BY created_at, subscription_id",
        [username, username, subscription_id, subscription_id],
    )
    return [{k: plain(v) for k, v in r.items()} for r in df.to_dict("records")]


def unsubscribe(store: Store, subscription_id: str, *, username: str, moderator: bool = False) -> None:
    """Remove a subscription: its owner's (or any, for a moderator)."""
    found = subscriptions(store, subscription_id=subscription_id)
    if not found or (found[0]["username"] != username and not moderator):
        raise UnknownItem(f"no subscription {subscription_id!r}", hint="list yours with GET …/subscriptions")
    with store.write() as con:
        con.execute("DELETE FROM digest_subscriptions WHERE subscription_id = ?", [subscription_id])
        record(con, username, "subscription.delete", "subscription", subscription_id, {})


def is_due(sub: dict[str, Any], now: datetime) -> bool:
    """Has the subscription's hour come today (on its weekday), with nothing sent since?"""
    slot = now.replace(hour=int(sub["hour"]), minute=0, second=0, microsecond=0)
    if now < slot or (sub["weekday"] is not None and now.weekday() != int(sub["weekday"])):
        return False
    last = sub["last_sent_at"]
    return last is None or pd.Timestamp(last).to_pydatetime() < slot


def deliver(store: Store, sub: dict[str, Any]) -> str:
    """Build the subscriber's digest and send it to the target; returns what was done."""
    data = build_digest(store, since=sub["since"], recipient=sub["username"])
    text = digest_render.render(data, sub["format"])
    target = sub["target"]
    if target.startswith("folder:"):
        name = f"digest-{sub['username']}-{data['window']['end'][:10]}.{sub['format']}"
        return f"wrote {delivery.to_folder(Path(target[7:]), name, text)}"
    if target.startswith("smtp:"):
        parts = urlsplit(target)
        query = parse_qs(parts.query)
        sender = query.get("from", ["empathic@localhost"])[0]
        delivery.by_smtp(str(parts.hostname), int(parts.port or 25), sender=sender, recipients=[parts.path.lstrip("/")],
                         subject=digest_render.title(data), text=digest_render.render(data, "md"),
                         html=digest_render.render(data, "html"), starttls=query.get("starttls") == ["1"])  # fmt: skip
        return f"mailed {parts.path.lstrip('/')}"
    return f"webhook answered {delivery.to_webhook(target, digest_render.slack_payload(data))}"


def send_due(store: Store, now: datetime | None = None, guard: Guard | None = None) -> list[tuple[str, str]]:
    """Send every due subscription; returns ``(subscription_id, outcome)``. Failures are logged, not raised.

    ``guard``: what the sender may reach (the server passes its settings); ``None`` trusts every target (a library
    caller or cron job running with the workspace owner's rights)."""
    now = now or now_utc()
    done = []
    for sub in subscriptions(store):
        if not is_due(sub, now):
            continue
        try:
            if guard is not None:
                guard.check(sub["target"], must_resolve=True)
            outcome = deliver(store, sub)
        except EmpathicError as exc:
            outcome = f"failed: {exc.message}"
        with store.write() as con:
            if not outcome.startswith("failed"):
                con.execute("UPDATE digest_subscriptions SET last_sent_at = ? WHERE subscription_id = ?",
                            [now, sub["subscription_id"]])  # fmt: skip
            record(con, None, "digest.send", "subscription", sub["subscription_id"], {"outcome": outcome})
        done.append((sub["subscription_id"], outcome))
    return done
