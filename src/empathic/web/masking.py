"""Masking by role: where a workspace keeps raw text, who may not see PII sees it replaced by typed placeholders.

A workspace ingested with ``--redact-pii none`` (or ``structured``, which keeps names) still holds PII in its
comments, quotes and customer ids. On the server, every response to a workspace route passes through
:class:`PiiMasking`: unless the caller holds the ``see_pii`` grant (never a viewer), the PII detectors of
:mod:`empathic.text.pii` run over the response — the text of HTML pages (tags and their attributes are left alone,
so links, forms and CSRF tokens keep working), every string of a JSON answer, and CSV downloads — and replace what
they find by ``[EMAIL]``, ``[PHONE]``, ``[NAME]`` … One choke point covers pages, the API, the report and exports,
including routes added later.

A caller who does see raw text has it recorded in the workspace's activity log (``pii.view`` with the path), at
most once per user, workspace and path every :data:`LOG_EVERY_S` seconds.
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
from typing import Any
from urllib.parse import quote, unquote

from starlette.datastructures import MutableHeaders

from empathic.text.pii import Redactor

#: Detectors used for masking: structured PII and person names.
MASK_MODE = "all"
#: Least time between two ``pii.view`` log entries of one user, workspace and path.
LOG_EVERY_S = 600.0
_TAG = re.compile(r"(<[^>]*>)")
_HREF = re.compile(r'(\bhref=")([^"]*)(")')
_MASKED_TYPES = ("text/html", "application/json", "text/csv", "text/plain")
#: A user's own digest subscriptions hold no customer text: their webhook address is theirs to read, not a leak.
_OWN_SETTINGS = re.compile(r"^(?:/w/[^/]+/digests|/api/v1/w/[^/]+/subscriptions)(?:/|$)")


class PiiMasking:
    """Pure ASGI middleware (inside the session middleware, which puts ``state``)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._redactor = Redactor(mode=MASK_MODE)
        self._logged: dict[tuple[str, str, str], float] = {}
        self._lock = threading.Lock()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/") or _OWN_SETTINGS.match(scope["path"]):
            await self.app(scope, receive, send)
            return
        held: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def masking_send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                principal = scope.get("state", {}).get("principal")
                ctype = MutableHeaders(scope=message).get("content-type", "")
                if _workspace_of(principal) and ctype.startswith(_MASKED_TYPES):
                    if principal.user is not None and principal.user.sees_pii():
                        self._log_view(scope, principal)
                    else:
                        held["start"], held["ctype"] = message, ctype
                        return
                await send(message)
                return
            if message["type"] == "http.response.body" and "start" in held:
                chunks.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                body = self.mask(b"".join(chunks), held["ctype"])
                start = held.pop("start")
                headers = MutableHeaders(scope=start)
                headers["content-length"] = str(len(body))
                await send(start)
                await send({"type": "http.response.body", "body": body, "more_body": False})
                return
            await send(message)

        await self.app(scope, receive, masking_send)

    # -- the masking itself ------------------------------------------------------------------------------------------
    def mask(self, body: bytes, ctype: str) -> bytes:
        """``body`` of content type ``ctype`` with PII replaced (undecodable bodies are returned as they are)."""
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return body
        if ctype.startswith("application/json"):
            try:
                return json.dumps(self._deep(json.loads(text)), ensure_ascii=False, separators=(",", ":")).encode()
            except ValueError:
                return self.text(text).encode()
        if ctype.startswith("text/html"):
            return self.html(text).encode()
        return self.text(text).encode()

    def text(self, text: str) -> str:
        return self._redactor.redact(text) if text else text

    def html(self, page: str) -> str:
        """The text between tags masked (script and style contents included: chart data carry quotes), and link
        addresses that carry PII once decoded (a customer page's e-mail id)."""
        parts = _TAG.split(page)
        return "".join(self._tag(part) if i % 2 else self.text(part) for i, part in enumerate(parts))

    def _tag(self, tag: str) -> str:
        if "href=" not in tag:
            return tag
        return _HREF.sub(lambda m: m.group(1) + self._address(m.group(2)) + m.group(3), tag)

    def _address(self, href: str) -> str:
        decoded = unquote(html.unescape(href))
        masked = self.text(decoded)
        return href if masked == decoded else html.escape(quote(masked, safe="/?=&#:"))

    def _deep(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self._deep(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._deep(v) for v in value]
        return value

    # -- the log of raw views ----------------------------------------------------------------------------------------
    def _log_view(self, scope: dict[str, Any], principal: Any) -> None:
        key = (principal.user.username, principal.workspace, scope["path"])
        now = time.monotonic()
        with self._lock:
            if now - self._logged.get(key, -LOG_EVERY_S) < LOG_EVERY_S:
                return
            self._logged[key] = now
        ws = scope["app"].state.ctx.workspaces.get(principal.workspace)
        if ws is None or ws.store.read_only:
            return
        from empathic.team.activity import record

        with ws.store.write() as con:
            record(con, principal.user.username, "pii.view", "page", scope["path"], {"via": principal.via})


def _workspace_of(principal: Any) -> str | None:
    return getattr(principal, "workspace", None)
