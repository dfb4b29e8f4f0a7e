"""The web app (``empathic serve``): FastAPI, server-rendered templates, vendored JS/CSS, users and roles.

Layout:

- ``pages/``: the page registry. A section is a module exposing ``PAGE = Page(slug, title, order, needs, template,
  load, detail…)``; list it in ``pages.PAGE_MODULES`` and it gets ``/w/{ws}/{slug}``, a nav entry and a
  "not analysed yet" state when its ``needs`` tables are empty. Read models live in :mod:`empathic.report` so the
  report and the REST API show the same numbers.
- ``routers/``: ``auth`` (login/logout), ``pages`` (the registry), ``workflow`` (upload → mapping → ingest +
  analyse job, rename, report), ``edits`` (merge/split/delete/create themes as jobs), ``admin`` (accounts,
  tokens), ``api`` (``/api/v1``, OpenAPI at ``/api/v1/openapi.json``).
- ``accounts.py``: the server-side accounts file (SQLite beside the workspace): users (argon2id), roles,
  per-workspace grants, API tokens (SHA-256 digests), sessions, jobs.
- ``security.py``: signed HttpOnly SameSite session cookies backed by a server-side session row (logout ends it),
  CSRF on every state-changing request, the ``Access`` rule every route declares (checked by the
  authorization-matrix test), login rate limiting (``X-Forwarded-For`` only from ``web.trusted_proxies``).
- ``gate.py``: the request gate: a route's access rule runs before any of its body is read, and bodies are
  capped while they stream (``web.max_upload_mb`` / ``web.max_body_kb``).
- ``errors.py``: one error envelope (JSON for ``/api``, an HTML page otherwise) and each error class's status.
- ``uploads.py``: unconfirmed uploads, one folder each, removed on success, failure, server stop and by age.
- ``redact.py``: server paths cut to file names in everything shown (job and error messages).
- ``links.py``: links to items whose ids are data (customer ids), fully percent-encoded.
- ``server.py``: binds 127.0.0.1 by default and refuses a non-loopback address until accounts exist.

Customer text is hostile: Jinja2 autoescaping everywhere (no ``|safe``), highlights built as escaped segments,
charts fed through ``<script type="application/json">`` blocks with every label escaped for Plotly's own
pseudo-HTML (``charts.plotly_text``), and a strict CSP (no inline script, scripts only
from this server; Plotly's JS is served from the installed ``plotly`` package).
"""

from __future__ import annotations

from typing import Any


def create_app(settings: Any, workspaces: Any, **kwargs: Any) -> Any:
    """Build the FastAPI app; see :func:`empathic.web.app.create_app` (imported lazily: settings import us)."""
    from empathic.web.app import create_app as _create_app

    return _create_app(settings, workspaces, **kwargs)


__all__ = ["create_app"]
