"""The web app (``empathic serve``): FastAPI, server-rendered templates, vendored JS/CSS, users and roles."""

from __future__ import annotations

from typing import Any


def create_app(settings: Any, workspaces: Any, **kwargs: Any) -> Any:
    """Build the FastAPI app; see :func:`empathic.web.app.create_app` (imported lazily: settings import us)."""
    from empathic.web.app import create_app as _create_app

    return _create_app(settings, workspaces, **kwargs)


__all__ = ["create_app"]
