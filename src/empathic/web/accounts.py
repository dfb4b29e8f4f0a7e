"""Server-side accounts: users, roles, per-workspace access, API tokens and background jobs.

Why a separate SQLite file rather than tables inside a workspace: one server may serve several workspaces, and a
user (with one password and one role) must exist once, not once per workspace; and ``empathic users add`` must
work while ``empathic serve`` holds the DuckDB workspace open (DuckDB allows one writing process, SQLite in WAL
mode lets the CLI and the server share the file). Passwords are hashed with argon2id; API tokens are stored only
as SHA-256 digests (they are long random strings, so a fast hash is enough).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from empathic.errors import InputError

#: Roles from least to most powerful; a role may do everything the roles before it may.
ROLES: tuple[str, ...] = ("viewer", "analyst", "admin")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY, password_hash TEXT NOT NULL, role TEXT NOT NULL, all_workspaces INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS workspace_access (username TEXT, workspace TEXT, PRIMARY KEY (username, workspace));
CREATE TABLE IF NOT EXISTS api_tokens (
    token_id TEXT PRIMARY KEY, token_sha256 TEXT UNIQUE NOT NULL, username TEXT NOT NULL, name TEXT,
    created_at TEXT NOT NULL, last_used_at TEXT
);
CREATE TABLE IF NOT EXISTS jobs (
    job_id TEXT PRIMARY KEY, workspace TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL, progress TEXT,
    message TEXT, username TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS user_grants (username TEXT, grant_name TEXT, PRIMARY KEY (username, grant_name));
CREATE TABLE IF NOT EXISTS server_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    session_id TEXT PRIMARY KEY, username TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT NOT NULL
);
"""

#: Grants beyond a role. ``see_pii``: an analyst or admin sees raw comment text where others see it masked (every
#: page, API answer, report and export of the server; each such view is written to the workspace's activity log).
GRANTS: tuple[str, ...] = ("see_pii",)

_USERNAME_OK = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@")


def _now() -> str:
    return datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def default_auth_path(workspace: str | Path) -> Path:
    """Where the accounts file lives when no ``--auth`` / ``web.auth_db`` is given: beside the workspace."""
    return Path(workspace).with_name("empathic-users.sqlite")


@dataclass(frozen=True)
class User:
    """A signed-in person (or the owner of an API token)."""

    username: str
    role: str
    all_workspaces: bool
    workspaces: frozenset[str]
    session_tag: str = ""  # changes with the password: sessions signed before a change stop working
    grants: frozenset[str] = frozenset()  # see GRANTS

    def sees_pii(self) -> bool:
        """Whether this user sees raw comment text: an explicit ``see_pii`` grant, and never as a viewer."""
        return "see_pii" in self.grants and self.role != "viewer"

    def can(self, role: str) -> bool:
        """True if this user's role is at least ``role``."""
        return ROLES.index(self.role) >= ROLES.index(role)

    def may_open(self, workspace: str) -> bool:
        """True if this user may see ``workspace`` (admins and all-workspace users see every one)."""
        return self.role == "admin" or self.all_workspaces or workspace in self.workspaces


class Accounts:
    """The accounts file. Thread-safe: one SQLite connection guarded by a lock.

    Args:
        path: the SQLite file (created with its folder's permission checks; ``":memory:"`` for tests).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:" and not Path(self.path).parent.exists():
            raise InputError(f"folder {Path(self.path).parent} does not exist", hint="give a valid --auth path")
        self._con = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=10)
        self._lock = threading.Lock()
        with self._lock:
            if self.path != ":memory:":
                self._con.execute("PRAGMA journal_mode=WAL")
            self._con.executescript(_SCHEMA)
        self._hasher = PasswordHasher()
        self._token_seen: dict[str, float] = {}

    def _exec(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._con.execute(sql, params).fetchall()

    # -- users -------------------------------------------------------------------------------------------------
    def add_user(self, username: str, password: str, role: str = "viewer", workspaces: list[str] | None = None) -> None:
        """Create a user; ``workspaces=None`` means every workspace the server serves."""
        if not username or set(username) - _USERNAME_OK or len(username) > 64:
            raise InputError(f"invalid username {username!r}", hint="use 1-64 letters, digits, '.', '_', '-', '@'")
        self._check_role(role)
        self._check_password(password)
        if self.get_user(username):
            raise InputError(f"user {username!r} already exists", hint="use `empathic users passwd` or remove it")
        with self._lock:
            self._con.execute("BEGIN")
            self._con.execute(
                "INSERT INTO users VALUES (?, ?, ?, ?, ?)",
                (username, self._hasher.hash(password), role, int(workspaces is None), _now()),
            )
            for ws in workspaces or []:
                self._con.execute("INSERT OR IGNORE INTO workspace_access VALUES (?, ?)", (username, ws))
            self._con.execute("COMMIT")

    def remove_user(self, username: str) -> None:
        """Delete a user with their tokens and workspace grants."""
        if not self.get_user(username):
            raise InputError(f"no user {username!r}", hint="see `empathic users list`")
        with self._lock:
            self._con.execute("BEGIN")
            for table in ("users", "workspace_access", "api_tokens", "sessions", "user_grants"):
                self._con.execute(f"DELETE FROM {table} WHERE username = ?", (username,))
            self._con.execute("COMMIT")

    def set_password(self, username: str, password: str) -> None:
        """Replace a user's password; sessions signed in with the old one stop working."""
        if not self.get_user(username):
            raise InputError(f"no user {username!r}", hint="see `empathic users list`")
        self._check_password(password)
        with self._lock:
            self._con.execute("BEGIN")
            self._con.execute(
                "UPDATE users SET password_hash = ? WHERE username = ?", (self._hasher.hash(password), username)
            )
            self._con.execute("DELETE FROM sessions WHERE username = ?", (username,))
            self._con.execute("COMMIT")

    def list_users(self) -> list[User]:
        """Every user, sorted by name."""
        names = [r[0] for r in self._exec("SELECT username FROM users ORDER BY username")]
        return [u for u in (self.get_user(n) for n in names) if u is not None]

    def has_users(self) -> bool:
        """True once at least one account exists (auth is then 'configured')."""
        return bool(self._exec("SELECT count(*) FROM users")[0][0])

    def get_user(self, username: str) -> User | None:
        """The user called ``username``, or None."""
        rows = self._exec(
            "SELECT username, role, all_workspaces, password_hash FROM users WHERE username = ?", (username,)
        )
        if not rows:
            return None
        grants = self._exec("SELECT workspace FROM workspace_access WHERE username = ?", (username,))
        extra = self._exec("SELECT grant_name FROM user_grants WHERE username = ?", (username,))
        name, role, all_ws, pw_hash = rows[0]
        tag = hashlib.sha256(pw_hash.encode()).hexdigest()[:16]
        return User(name, role, bool(all_ws), frozenset(g[0] for g in grants), tag, frozenset(g[0] for g in extra))

    def set_grant(self, username: str, grant: str, on: bool = True) -> None:
        """Give (``on``) or take back one of :data:`GRANTS` (``see_pii``) from a user."""
        if grant not in GRANTS:
            raise InputError(f"unknown grant {grant!r}", hint=f"grants: {', '.join(GRANTS)}")
        user = self.get_user(username)
        if user is None:
            raise InputError(f"no user {username!r}", hint="see `empathic users list`")
        if on and user.role == "viewer":
            raise InputError(f"{username!r} is a viewer: viewers always see masked text", hint="make them an analyst")
        if on:
            self._exec("INSERT OR IGNORE INTO user_grants VALUES (?, ?)", (username, grant))
        else:
            self._exec("DELETE FROM user_grants WHERE username = ? AND grant_name = ?", (username, grant))

    def authenticate(self, username: str, password: str) -> User | None:
        """The user if the password matches; None otherwise (same cost whether or not the user exists)."""
        rows = self._exec("SELECT password_hash FROM users WHERE username = ?", (username,))
        stored = rows[0][0] if rows else self._dummy_hash()
        try:
            self._hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        return self.get_user(username) if rows else None

    def _dummy_hash(self) -> str:
        if not hasattr(self, "_dummy"):
            self._dummy = self._hasher.hash(secrets.token_hex(16))
        return self._dummy

    @staticmethod
    def _check_role(role: str) -> None:
        if role not in ROLES:
            raise InputError(f"unknown role {role!r}", hint=f"choose one of: {', '.join(ROLES)}")

    @staticmethod
    def _check_password(password: str) -> None:
        if len(password) < 8:
            raise InputError("password too short", hint="use at least 8 characters")

    # -- API tokens --------------------------------------------------------------------------------------------
    def create_token(self, username: str, name: str = "") -> tuple[str, str]:
        """Create an API token; returns ``(token_id, secret)`` — the secret is shown once and never stored."""
        if not self.get_user(username):
            raise InputError(f"no user {username!r}", hint="see `empathic users list`")
        secret = "emp_" + secrets.token_urlsafe(32)
        token_id = uuid.uuid4().hex[:12]
        digest = hashlib.sha256(secret.encode()).hexdigest()
        self._exec("INSERT INTO api_tokens VALUES (?, ?, ?, ?, ?, NULL)", (token_id, digest, username, name, _now()))
        return token_id, secret

    def user_for_token(self, secret: str) -> User | None:
        """The owner of an API token, or None for an unknown/revoked one."""
        digest = hashlib.sha256(secret.encode()).hexdigest()
        rows = self._exec("SELECT token_id, username FROM api_tokens WHERE token_sha256 = ?", (digest,))
        if not rows:
            return None
        token_id, now = rows[0][0], time.monotonic()
        if now - self._token_seen.get(token_id, -1e9) > 60:  # record use at most once a minute (no write per call)
            self._token_seen[token_id] = now
            self._exec("UPDATE api_tokens SET last_used_at = ? WHERE token_id = ?", (_now(), token_id))
        return self.get_user(rows[0][1])

    def list_tokens(self) -> list[dict[str, Any]]:
        """Token ids, owners, names and dates (never the secrets)."""
        rows = self._exec(
            "SELECT token_id, username, name, created_at, last_used_at FROM api_tokens ORDER BY created_at, token_id"
        )
        keys = ("token_id", "username", "name", "created_at", "last_used_at")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def revoke_token(self, token_id: str) -> None:
        """Delete a token by id."""
        if not self._exec("SELECT 1 FROM api_tokens WHERE token_id = ?", (token_id,)):
            raise InputError(f"no token {token_id!r}", hint="see `empathic tokens list`")
        self._exec("DELETE FROM api_tokens WHERE token_id = ?", (token_id,))

    # -- sessions ----------------------------------------------------------------------------------------------
    def start_session(self, username: str, max_age_s: int) -> str:
        """Record a signed-in session and return its id (the cookie carries it; logout deletes the row).

        Expired rows are purged here, so the table holds only live sessions.
        """
        session_id = secrets.token_urlsafe(24)
        now = datetime.now(UTC).replace(tzinfo=None)
        expires = (now + timedelta(seconds=max_age_s)).isoformat(timespec="seconds")
        with self._lock:
            self._con.execute("BEGIN")
            self._con.execute("DELETE FROM sessions WHERE expires_at <= ?", (_now(),))
            self._con.execute("INSERT INTO sessions VALUES (?, ?, ?, ?)", (session_id, username, _now(), expires))
            self._con.execute("COMMIT")
        return session_id

    def session_alive(self, session_id: str, username: str) -> bool:
        """True while the session exists (not logged out, user not removed, password not changed) and is unexpired."""
        rows = self._exec(
            "SELECT 1 FROM sessions WHERE session_id = ? AND username = ? AND expires_at > ?",
            (session_id, username, _now()),
        )
        return bool(rows)

    def end_session(self, session_id: str) -> None:
        """Forget a session (logout): its cookie is refused from now on, even if someone kept a copy."""
        self._exec("DELETE FROM sessions WHERE session_id = ?", (session_id,))

    # -- server secret -----------------------------------------------------------------------------------------
    def secret_key(self) -> str:
        """The key that signs session cookies, created once and kept in the accounts file."""
        rows = self._exec("SELECT value FROM server_secrets WHERE name = 'session_key'")
        if rows:
            return str(rows[0][0])
        key = secrets.token_urlsafe(48)
        self._exec("INSERT OR IGNORE INTO server_secrets VALUES ('session_key', ?)", (key,))
        return str(self._exec("SELECT value FROM server_secrets WHERE name = 'session_key'")[0][0])

    # -- jobs --------------------------------------------------------------------------------------------------
    def create_job(self, workspace: str, kind: str, username: str | None) -> str:
        """Record a queued background job and return its id."""
        job_id = uuid.uuid4().hex[:16]
        now = _now()
        self._exec(
            "INSERT INTO jobs VALUES (?, ?, ?, 'queued', '{}', NULL, ?, ?, ?)",
            (job_id, workspace, kind, username, now, now),
        )
        return job_id

    def update_job(
        self,
        job_id: str,
        *,
        status: str | None = None,
        progress: dict[str, Any] | None = None,
        message: str | None = None,
    ) -> None:
        """Update a job's status, progress (``{task: {done, total}}``) and/or message."""
        sets, params = ["updated_at = ?"], [_now()]
        if status is not None:
            sets.append("status = ?")
            params.append(status)
        if progress is not None:
            sets.append("progress = ?")
            params.append(json.dumps(progress))
        if message is not None:
            sets.append("message = ?")
            params.append(message)
        self._exec(f"UPDATE jobs SET {', '.join(sets)} WHERE job_id = ?", (*params, job_id))

    def fail_interrupted_jobs(self) -> int:
        """Mark jobs left queued/running by a server that stopped as failed (called when a server starts)."""
        with self._lock:
            cur = self._con.execute(
                "UPDATE jobs SET status = 'failed', message = 'interrupted: the server stopped before it finished', "
                "updated_at = ? WHERE status IN ('queued', 'running')",
                (_now(),),
            )
            return cur.rowcount

    def get_job(self, job_id: str) -> dict[str, Any] | None:
        """One job as a dict (progress decoded), or None."""
        rows = self._exec("SELECT * FROM jobs WHERE job_id = ?", (job_id,))
        return self._job_dict(rows[0]) if rows else None

    def list_jobs(self, workspace: str, limit: int = 20) -> list[dict[str, Any]]:
        """The latest jobs of a workspace, newest first."""
        rows = self._exec(
            "SELECT * FROM jobs WHERE workspace = ? ORDER BY created_at DESC, job_id LIMIT ?", (workspace, limit)
        )
        return [self._job_dict(r) for r in rows]

    @staticmethod
    def _job_dict(row: tuple[Any, ...]) -> dict[str, Any]:
        keys = ("job_id", "workspace", "kind", "status", "progress", "message", "username", "created_at", "updated_at")
        job = dict(zip(keys, row, strict=True))
        job["progress"] = json.loads(job["progress"] or "{}")
        return job

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._con.close()
