"""The request gate: no body byte reaches a route before its access rule admits the caller, none past its limit.

Why: FastAPI reads a form or JSON body (and spools an upload to disk) *before* it runs a route's dependencies,
so without this gate an anonymous client could make the server write a 200 MB upload only to be told "sign in",
and a body without a ``Content-Length`` would be read whole before its size was known. The gate wraps the ASGI
``receive`` channel of every request:

- On the first read of the body (the route is matched by then) it runs the route's
  :class:`~empathic.web.security.Access` rule — authentication, role, workspace from the headers alone, then the
  CSRF token — and refuses before handing over a single byte.
- The CSRF token comes from the ``X-CSRF-Token`` header or, for HTML forms, from the ``csrf_token`` field looked
  for in the first :data:`CSRF_SCAN_BYTES` of the body only (every form of ours puts it first).
- A declared ``Content-Length`` above the route's limit is refused before reading; the bytes are also counted
  as they stream, so a chunked or lying body stops at the limit with a 413 that names the setting to raise.
  Routes marked :func:`accepts_upload` get ``web.max_upload_mb``, every other body ``web.max_body_kb``.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

from fastapi import HTTPException, Request

from empathic.web.security import GATE_KEY, access_rule

Message = dict[str, Any]
#: How much of a form body may be read while looking for its ``csrf_token`` field.
CSRF_SCAN_BYTES = 64 * 1024
_UPLOAD_MARK = "__empathic_accepts_upload__"


def accepts_upload(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a route as a file upload: its body may be up to ``web.max_upload_mb`` instead of ``web.max_body_kb``."""
    setattr(endpoint, _UPLOAD_MARK, True)
    return endpoint


class BodyTooLarge(HTTPException):
    """413: the request body is (or declares itself) larger than the route's limit."""

    def __init__(self, limit: int, upload: bool) -> None:
        setting = "web.max_upload_mb" if upload else "web.max_body_kb"
        size = f"{limit // (1024 * 1024)} MB" if upload else f"{limit // 1024} KB"
        super().__init__(413, f"request body larger than {size}; send a smaller file or raise {setting}")


def guard(scope: dict[str, Any], receive: Callable[[], Awaitable[Message]]) -> Callable[[], Awaitable[Message]]:
    """Give an HTTP request a :class:`Gate`: returns the ``receive`` the app must be called with instead."""
    gate = Gate(scope, receive)
    scope[GATE_KEY] = gate
    return gate.receive


class Gate:
    """One request's guarded body channel (see the module docstring)."""

    def __init__(self, scope: dict[str, Any], receive: Callable[[], Awaitable[Message]]) -> None:
        self.scope = scope
        self._raw = receive
        self._buffer: list[Message] = []  # read ahead while looking for the CSRF token, replayed to the route
        self._read = 0
        self._complete = False
        self._admitted = False
        self._scanned = False
        self._token: str | None = None

    # -- limits --------------------------------------------------------------------------------------------------
    @property
    def is_upload(self) -> bool:
        endpoint = getattr(self.scope.get("route"), "endpoint", None)
        return bool(getattr(endpoint, _UPLOAD_MARK, False))

    @property
    def limit(self) -> int:
        web = self.scope["app"].state.ctx.settings.web
        return web.max_upload_mb * 1024 * 1024 if self.is_upload else web.max_body_kb * 1024

    def _declared_length(self) -> int | None:
        for name, value in self.scope.get("headers", []):
            if name == b"content-length":
                try:
                    return int(value)
                except ValueError:
                    raise HTTPException(400, "invalid Content-Length header") from None
        return None

    # -- the channel ---------------------------------------------------------------------------------------------
    async def receive(self) -> Message:
        """What the route reads: nothing until admitted, then the read-ahead, then the counted stream."""
        if not self._admitted:
            await self._admit()
        if self._buffer:
            return self._buffer.pop(0)
        return await self._read_raw()

    async def _read_raw(self) -> Message:
        message = await self._raw()
        if message["type"] == "http.request":
            self._read += len(message.get("body", b""))
            if self._read > self.limit:
                raise BodyTooLarge(self.limit, self.is_upload)
            if not message.get("more_body", False):
                self._complete = True
        return message

    async def _admit(self) -> None:
        """Run the route's access rule and the declared-size check before the first body byte is handed over."""
        self._admitted = True  # first: the rule's CSRF scan reads through _read_raw, never back through receive
        rule = access_rule(self.scope.get("route"))
        if rule is not None:
            await rule(Request(self.scope, self.receive))
        declared = self._declared_length()
        if declared is not None and declared > self.limit:
            raise BodyTooLarge(self.limit, self.is_upload)

    async def form_token(self) -> str | None:
        """The ``csrf_token`` field of a form body, read from its first :data:`CSRF_SCAN_BYTES` at most."""
        if self._scanned:
            return self._token
        self._scanned = True
        content_type = dict(self.scope.get("headers", [])).get(b"content-type", b"").decode("latin-1")
        if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            return None
        declared = self._declared_length()
        if declared is not None and declared > self.limit:
            raise BodyTooLarge(self.limit, self.is_upload)
        size = 0
        while not self._complete and size < CSRF_SCAN_BYTES:
            message = await self._read_raw()
            self._buffer.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
        head = b"".join(m.get("body", b"") for m in self._buffer if m["type"] == "http.request")
        whole = self._complete and len(head) <= CSRF_SCAN_BYTES
        self._token = find_csrf_token(head[:CSRF_SCAN_BYTES], content_type, whole=whole)
        return self._token


def find_csrf_token(head: bytes, content_type: str, *, whole: bool) -> str | None:
    """The ``csrf_token`` value in the beginning ``head`` of a form body (``whole``: head is the entire body)."""
    if content_type.startswith("application/x-www-form-urlencoded"):
        text = head.decode("latin-1")
        if not whole:  # the last field may be cut short
            text = text.rsplit("&", 1)[0] if "&" in text else ""
        for key, value in parse_qsl(text, keep_blank_values=True):
            if key == "csrf_token":
                return value
        return None
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if not match:
        return None
    boundary = re.escape(match.group(1).encode("latin-1"))
    field = re.search(
        rb'content-disposition:[ \t]*form-data;[ \t]*name="csrf_token"\r\n(?:[^\r\n]+\r\n)*\r\n([^\r\n]*)\r\n--'
        + boundary,
        head,
        flags=re.IGNORECASE,
    )
    return field.group(1).decode("latin-1") if field else None
