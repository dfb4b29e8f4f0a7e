"""Deliver a digest: to a folder, by SMTP, or to a webhook (Slack-compatible JSON). Standard library only.

Every delivery has a timeout and names what failed (host, port, HTTP status) in an :class:`InputError`; nothing
is retried silently.
"""

from __future__ import annotations

import json
import smtplib
import urllib.error
import urllib.request
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from empathic.errors import InputError

TIMEOUT_S = 30.0


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A webhook that answers with a redirect is an error, never followed: the target was checked against the
    server's allow-list (:mod:`empathic.team.target_guard`), and a redirect could point anywhere (an internal
    address, the cloud metadata service)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None  # urllib then raises HTTPError(code) for the 3xx answer


_NO_REDIRECTS = urllib.request.build_opener(_RefuseRedirects)


def to_folder(folder: Path, name: str, text: str) -> Path:
    """Write ``text`` as ``folder/name`` (the folder must exist); returns the file written."""
    if not folder.is_dir():
        raise InputError(f"folder {folder} does not exist", hint="create it first, or choose another --to-folder")
    target = folder / Path(name).name  # a bare file name: nothing is written outside the folder
    tmp = target.with_suffix(target.suffix + ".part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)
    return target


def by_smtp(
    host: str,
    port: int,
    *,
    sender: str,
    recipients: list[str],
    subject: str,
    text: str,
    html: str | None = None,
    starttls: bool = False,
    username: str | None = None,
    password: str | None = None,
    timeout: float = TIMEOUT_S,
) -> None:
    """Send one message (plain text, with an HTML alternative when given) to ``recipients``."""
    if not recipients:
        raise InputError("no recipient for the digest", hint="give --mail-to ADDRESS")
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = subject, sender, ", ".join(recipients)
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    try:
        with smtplib.SMTP(host, port, timeout=timeout) as smtp:
            if starttls:
                smtp.starttls()
            if username:
                smtp.login(username, password or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        hint = "check --smtp HOST:PORT, and that the server accepts the sender and recipients"
        raise InputError(f"could not send the digest through {host}:{port}: {exc}", hint=hint) from None


def to_webhook(url: str, payload: dict[str, Any], *, timeout: float = TIMEOUT_S) -> int:
    """POST ``payload`` as JSON to ``url`` (http or https only); returns the HTTP status."""
    if not url.startswith(("http://", "https://")):
        raise InputError(f"webhook {url!r} is not an http(s) URL", hint="e.g. https://hooks.slack.com/services/…")
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})  # fmt: skip
    try:
        with _NO_REDIRECTS.open(request, timeout=timeout) as response:  # the scheme is checked above
            return int(response.status)
    except urllib.error.HTTPError as exc:
        raise InputError(f"the webhook answered {exc.code} {exc.reason}", hint="check the webhook URL") from None
    except (OSError, urllib.error.URLError) as exc:
        raise InputError(f"could not reach the webhook: {exc}", hint="check the URL and the network") from None
