"""What every request handler shares: settings, accounts, open workspaces, sessions, limiter, jobs, templates."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from empathic.errors import InputError
from empathic.web.accounts import Accounts
from empathic.web.cache import ReadCache
from empathic.web.security import LoginLimiter, Sessions

if TYPE_CHECKING:
    from fastapi.templating import Jinja2Templates

    from empathic.config import Settings
    from empathic.web.jobs import JobRunner
    from empathic.web.redact import PathRedactor
    from empathic.web.uploads import Uploads
    from empathic.workspace import Workspace


def workspace_names(paths: list[str | Path]) -> dict[str, Path]:
    """URL-safe, unique names for workspace files: the file stem, de-duplicated with ``-2``, ``-3``…"""
    out: dict[str, Path] = {}
    for path in paths:
        base = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(path).stem).strip("-") or "workspace"
        name, k = base, 2
        while name in out:
            name, k = f"{base}-{k}", k + 1
        out[name] = Path(path)
    if not out:
        raise InputError("no workspace given", hint="pass at least one workspace file")
    return out


@dataclass
class AppContext:
    """Shared state of one running app (``request.app.state.ctx``)."""

    settings: Settings
    accounts: Accounts
    workspaces: dict[str, Workspace]
    sessions: Sessions
    limiter: LoginLimiter
    templates: Jinja2Templates
    jobs: JobRunner
    uploads: Uploads
    redact: PathRedactor
    cache: ReadCache = field(default_factory=ReadCache)
