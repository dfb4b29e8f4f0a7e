"""Sessions, CSRF, role/workspace access rules and login rate limiting.

- Sessions are signed cookies (itsdangerous, timed) that are HttpOnly and SameSite=Lax; they carry the username,
  a server-side session id and a per-session CSRF token. A signed-in session is also a row in the accounts file:
  logout (or removing the user, or changing the password) deletes it, so a copied cookie stops working at once.
  Anonymous visitors get a (stateless) session too, so the login form has a CSRF token.
- Every state-changing request (POST/PUT/PATCH/DELETE) authenticated by cookie must echo the CSRF token in the
  ``X-CSRF-Token`` header or the ``csrf_token`` form field (looked for in the first bytes of the body only, see
  :mod:`empathic.web.gate`). Bearer API tokens are not sent automatically by a browser, so token-authenticated
  API calls need no CSRF token.
- Every route declares its rule with :class:`Access` (``Depends(Access("viewer"))``); the authorization-matrix
  test reads these from the route table, so a route without a rule fails it. The request gate runs the same rule
  before a request body is read.
- The login rate limit keys on the socket peer; ``X-Forwarded-For`` is believed only from a proxy named in
  ``web.trusted_proxies`` (default: none), so rotating that header gains an attacker nothing.
"""

from __future__ import annotations

import ipaddress
import secrets
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fastapi import HTTPException, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from empathic.web.accounts import ROLES, User

if TYPE_CHECKING:
    from empathic.web.context import AppContext

SESSION_COOKIE = "empathic_session"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Where the request gate (:mod:`empathic.web.gate`) keeps itself in the ASGI scope.
GATE_KEY = "empathic.gate"


class NotAuthenticated(HTTPException):
    """Raised by :class:`Access` when nobody is signed in; pages redirect to /login, the API answers 401.

    An ``HTTPException`` so that it passes unchanged through FastAPI's body reading (the gate raises it there).
    """

    def __init__(self) -> None:
        super().__init__(401, "sign in or send an API token")


class Sessions:
    """Signs and reads the session cookie payload ``{"u": username | None, "t": tag, "sid": id, "csrf": token}``."""

    def __init__(self, secret_key: str, max_age_s: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt="empathic.session")
        self.max_age_s = max_age_s

    def load(self, cookie: str | None) -> dict[str, Any] | None:
        """The payload of a valid, unexpired cookie, else None."""
        if not cookie:
            return None
        try:
            data = self._serializer.loads(cookie, max_age=self.max_age_s)
        except BadSignature:
            return None
        return data if isinstance(data, dict) and isinstance(data.get("csrf"), str) else None

    def sign(self, data: dict[str, Any]) -> str:
        """The cookie value for a payload."""
        return self._serializer.dumps(data)

    def cookie_header(self, value: str, web: Any) -> str:
        """A ``Set-Cookie`` header value: HttpOnly, SameSite=Lax, Secure when configured."""
        secure = "; Secure" if web.secure_cookies else ""
        return f"{SESSION_COOKIE}={value}; HttpOnly; Max-Age={web.session_max_age_s}; Path=/; SameSite=lax{secure}"

    def dump(self, username: str | None, tag: str = "", session_id: str = "") -> tuple[str, dict[str, Any]]:
        """A fresh cookie value (and its payload) with a new CSRF token; called at login/logout too.

        ``tag`` is the user's session tag (it changes with the password, which ends older sessions);
        ``session_id`` the server-side session row (:meth:`Accounts.start_session`) that logout deletes.
        """
        data = {"u": username, "t": tag, "sid": session_id, "csrf": secrets.token_urlsafe(24)}
        return self._serializer.dumps(data), data


def session_user(ctx: AppContext, session: dict[str, Any]) -> User | None:
    """The signed-in user of a session payload, or None (anonymous, logged out, removed, or password changed)."""
    username, session_id = session.get("u"), session.get("sid")
    if not username or not isinstance(session_id, str) or not session_id:
        return None
    user = ctx.accounts.get_user(username)
    if user is None or not secrets.compare_digest(str(session.get("t", "")), user.session_tag):
        return None
    return user if ctx.accounts.session_alive(session_id, username) else None


def client_address(peer: str | None, forwarded_for: str | None, trusted_proxies: Iterable[str]) -> str:
    """The address a login attempt is counted against.

    The socket peer, unless the peer is a trusted proxy: then the right-most ``X-Forwarded-For`` entry that is
    not itself a trusted proxy (the left part of that header is whatever the client chose to send).
    """
    networks = [ipaddress.ip_network(p, strict=False) for p in trusted_proxies]
    if not peer or not networks or not forwarded_for or not _in(peer, networks):
        return peer or "?"
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _in(hop, networks):
            return hop
    return hops[0] if hops else peer


def _in(address: str, networks: list[Any]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return False
    return any(ip in net for net in networks)


class LoginLimiter:
    """At most ``max_failures`` failed logins per (client, username) and per client within ``window_s`` seconds."""

    def __init__(self, max_failures: int, window_s: int) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        q = self._failures.setdefault(key, deque())
        while q and now - q[0] > self.window_s:
            q.popleft()
        return q

    def blocked(self, client: str, username: str) -> bool:
        """True while this client (for this username, or overall at 4x the limit) has too many recent failures."""
        now = time.monotonic()
        with self._lock:
            per_user = len(self._recent((client, username), now))
            per_client = len(self._recent((client, ""), now))
        return per_user >= self.max_failures or per_client >= 4 * self.max_failures

    def failed(self, client: str, username: str) -> None:
        """Record one failed attempt."""
        now = time.monotonic()
        with self._lock:
            self._recent((client, username), now).append(now)
            self._recent((client, ""), now).append(now)

    def succeeded(self, client: str, username: str) -> None:
        """Forget the failures of this client for this username."""
        with self._lock:
            self._failures.pop((client, username), None)


@dataclass(frozen=True)
class Principal:
    """Who is calling, how, and for which workspace (None for server-level routes)."""

    user: User | None
    via: str  # "session" | "token" | "anonymous"
    workspace: str | None
    csrf: str | None


class Access:
    """A route's access rule, used as ``Depends(Access(...))``.

    Args:
        role: the least role allowed (``"viewer"``, ``"analyst"``, ``"admin"``), or None for a public route.
        workspace: the route has a ``{ws}`` path parameter and the user needs access to that workspace.
    """

    def __init__(self, role: str | None, *, workspace: bool = False) -> None:
        if role is not None and role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        self.role = role
        self.workspace = workspace

    def __repr__(self) -> str:
        return f"Access({self.role!r}, workspace={self.workspace})"

    async def __call__(self, request: Request) -> Principal:
        ctx: AppContext = request.app.state.ctx
        session = getattr(request.state, "session", None) or {}
        user, via = self._identify(request, ctx, session)
        ws_name = request.path_params.get("ws") if self.workspace else None
        if self.role is not None:  # who may call, decided from headers alone, before any body byte is read
            if user is None:
                raise NotAuthenticated()
            if not user.can(self.role):
                raise HTTPException(403, f"your role ({user.role}) may not do this; it needs {self.role}")
            if self.workspace:
                if ws_name not in ctx.workspaces:
                    raise HTTPException(404, f"no workspace {ws_name!r}")
                if not user.may_open(ws_name):
                    raise HTTPException(403, f"you have no access to workspace {ws_name!r}")
        if request.method in UNSAFE_METHODS and via != "token":
            await _check_csrf(request, session)
        principal = Principal(user, via, ws_name, session.get("csrf"))
        request.state.principal = principal  # read by the PII masking of the response (empathic.web.masking)
        return principal

    @staticmethod
    def _identify(request: Request, ctx: AppContext, session: dict[str, Any]) -> tuple[User | None, str]:
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            user = ctx.accounts.user_for_token(header[7:].strip())
            if user is None:
                raise HTTPException(401, "invalid or revoked API token", headers={"WWW-Authenticate": "Bearer"})
            return user, "token"
        user = session_user(ctx, session)
        return (user, "session") if user is not None else (None, "anonymous")


async def _check_csrf(request: Request, session: dict[str, Any]) -> None:
    expected = session.get("csrf")
    sent = request.headers.get("x-csrf-token")
    gate = request.scope.get(GATE_KEY)
    if not sent and gate is not None:  # an HTML form: the field, from the first bytes of the body only
        sent = await gate.form_token()
    if not expected or not sent or not secrets.compare_digest(str(expected), str(sent)):
        raise HTTPException(403, "missing or invalid CSRF token; reload the page and try again")


def access_rule(route: Any) -> Access | None:
    """The :class:`Access` rule a route declares (searched through its dependencies), or None."""
    dependant = getattr(route, "dependant", None)
    stack = list(dependant.dependencies) if dependant is not None else []
    while stack:
        dep = stack.pop()
        if isinstance(dep.call, Access):
            return dep.call
        stack.extend(dep.dependencies)
    return None
