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

Cost (docs/bench/masking.md): a JSON answer or a page holds thousands of short strings, most of them repeated
(labels, dates, sentiment words) or unable to hold PII (a lower-case word without digits). So each string is masked
once per distinct value (a bounded memo shared by all responses: the result depends on the text alone), strings
that no detector can match are skipped by one regular expression (:data:`MAY_HOLD_PII`, kept in step with the
detectors by tests/web/test_web_masking_cost.py), plain numbers and ISO dates are left alone (:data:`PLAIN_VALUE`),
a CSV download is masked cell by cell, and a whole response body seen before is answered from a bounded cache of
masked bodies (the app's read cache serves identical bytes again and again).
"""

from __future__ import annotations

import hashlib
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
#: Workspace routes that show a user their own delivery settings and no customer data: their webhook address
#: (``http://10.0.0.5/hook`` reads as an IP address) and mail address must reach them as they typed them.
OWN_SETTINGS = re.compile(r"^/(?:api/v1/)?w/[^/]+/(?:digests|subscriptions)/?$")
#: A CSV body as cells and separators: a quoted cell ("" inside it is a quote), a run of other characters, a
#: separator, or a stray quote; together they cover every character, so joining them gives the body back.
_CSV_PART = re.compile(r'"(?:[^"]|"")*"|[^,\r\n"]+|[,\r\n]|"')
_CSV_SEPARATORS = frozenset(",\r\n")
#: A string no detector of :data:`MASK_MODE` can match has none of these: structured PII needs a digit, an "@" or
#: "http"/"www."; a name needs a capital letter (the name detector's own gate) or the word "name" ("my name is
#: priya"). Only valid while the masking redactor has no custom patterns.
MAY_HOLD_PII = re.compile(r"[\d@A-ZÀ-Þ]|(?i:name|http|www\.)")
#: A whole value that is a plain number (at most 6 digits before an optional decimal part) or an ISO date/time:
#: never PII, and common in JSON answers and CSV cells. The detectors find nothing in such values, except that a
#: long decimal such as ``0.153202615`` reads as a phone number to them: a score, not a phone, so it is kept.
PLAIN_VALUE = re.compile(
    r"-?\d{1,6}(?:\.\d+)?(?:[eE][-+]?\d{1,3})?"
    r"|\d{4}-\d\d-\d\d(?:[ T]\d\d:\d\d(?::\d\d(?:\.\d{1,9})?)?)?(?:Z|[+-]\d\d:?\d\d)?"
)
#: Bounds of the memos: distinct strings remembered (each at most :data:`MEMO_MAX_CHARS` long), and bytes of masked
#: bodies kept. A memo that is full is emptied and starts again (simple, and the hot entries come straight back).
MEMO_MAX_STRINGS = 200_000
MEMO_MAX_CHARS = 20_000
BODY_CACHE_MAX_BYTES = 64 * 1024 * 1024


class PiiMasking:
    """Pure ASGI middleware (inside the session middleware, which puts ``state``)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._redactor = Redactor(mode=MASK_MODE)
        self._memo: dict[str, str] = {}
        self._bodies: dict[tuple[str, bytes], bytes] = {}
        self._body_bytes = 0
        self._logged: dict[tuple[str, str, str], float] = {}
        self._lock = threading.Lock()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/") or OWN_SETTINGS.match(scope["path"]):
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
        """``body`` of content type ``ctype`` with PII replaced (undecodable bodies are returned as they are); a body
        masked before is answered from the cache of masked bodies."""
        key = (ctype, hashlib.blake2b(body, digest_size=16).digest())
        cached = self._bodies.get(key)
        if cached is not None:
            return cached
        masked = self._mask(body, ctype)
        with self._lock:
            if self._body_bytes + len(masked) > BODY_CACHE_MAX_BYTES:
                self._bodies.clear()
                self._body_bytes = 0
            if len(masked) <= BODY_CACHE_MAX_BYTES:
                self._bodies[key] = masked
                self._body_bytes += len(masked)
        return masked

    def _mask(self, body: bytes, ctype: str) -> bytes:
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
        if ctype.startswith("text/csv"):
            return self.csv(text).encode()
        return self.text(text).encode()

    def csv(self, table: str) -> str:
        """Each cell masked on its own (ids, dates, labels repeat from row to row: masked once each); quotes,
        commas and line ends are kept byte for byte, and no finding spans two cells."""
        return "".join(part if part in _CSV_SEPARATORS else self.text(part) for part in _CSV_PART.findall(table))

    def text(self, text: str) -> str:
        """``text`` masked: left alone when no detector can match it or it is a plain number or date, else masked
        once per distinct value."""
        if not text or not MAY_HOLD_PII.search(text) or PLAIN_VALUE.fullmatch(text):
            return text
        if len(text) > MEMO_MAX_CHARS:
            return self._redactor.redact(text)
        done = self._memo.get(text)
        if done is None:
            done = self._redactor.redact(text)
            if len(self._memo) >= MEMO_MAX_STRINGS:
                self._memo.clear()
            self._memo[text] = done
        return done

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
