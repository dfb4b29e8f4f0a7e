"""Keyed pseudonyms: the same customer id always maps to the same token under one workspace key.

HMAC-SHA256 (not a bare hash) so that nobody without the key can confirm a guess ("is alice@example.com in
here?") by hashing candidates. The key lives beside the workspace (``WORKSPACE.pseudonym-key``, mode 0600) and not
inside it, so a copied workspace file does not carry the means to re-identify; ``EMPATHIC_PSEUDONYM_KEY`` overrides
it (for several workspaces that must join on the same pseudonyms).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from empathic.errors import InputError, WorkspaceError

ENV_KEY = "EMPATHIC_PSEUDONYM_KEY"
PREFIX = "pid_"


def key_path(workspace: str | Path) -> Path:
    """Where the key of ``workspace`` is kept."""
    p = Path(workspace)
    return p.with_name(p.name + ".pseudonym-key")


def load_key(workspace: str | Path, *, create: bool = False) -> bytes | None:
    """The workspace's pseudonym key (environment first, then the key file); made on first use when ``create``."""
    env = os.environ.get(ENV_KEY)
    if env:
        return env.encode("utf-8")
    if str(workspace) == ":memory:":
        if create:
            raise InputError(
                "pseudonyms need a key, and an in-memory workspace has no place to keep one",
                hint=f"set {ENV_KEY} or use a workspace file",
            )
        return None
    path = key_path(workspace)
    if path.exists():
        return path.read_bytes().strip()
    if not create:
        return None
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_bytes().strip()
    except OSError as exc:
        raise WorkspaceError(
            f"cannot write the pseudonym key {path}: {exc.strerror}", hint="check permissions"
        ) from None
    with os.fdopen(fd, "wb") as fh:
        fh.write(secrets.token_hex(32).encode("ascii"))
    return path.read_bytes().strip()


def normalise(value: str) -> str:
    """The form that is hashed: trimmed, and lower-cased when it is an e-mail (Alice@X.com = alice@x.com)."""
    value = value.strip()
    return value.lower() if "@" in value else value


def pseudonym(value: str, key: bytes) -> str:
    """``pid_`` + the first 16 hex digits (64 bits) of HMAC-SHA256(key, normalised value)."""
    digest = hmac.new(key, normalise(value).encode("utf-8"), hashlib.sha256).hexdigest()
    return PREFIX + digest[:16]


def is_pseudonym(value: str) -> bool:
    """Whether ``value`` already is a pseudonym (re-ingesting pseudonymised data must not hash twice)."""
    return value.startswith(PREFIX) and len(value) == len(PREFIX) + 16
