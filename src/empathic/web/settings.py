"""Settings of the web stage (a pydantic sub-model of :class:`empathic.config.Settings`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class WebSettings(BaseModel):
    """Tunable parameters of the web app; every field has a sensible default.

    ``auth_db`` is the server-side accounts file (users, roles, API tokens, workspace access, jobs). When unset,
    ``empathic-users.sqlite`` beside the (first) workspace is used.
    """

    model_config = ConfigDict(extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    auth_db: str | None = None
    session_max_age_s: int = Field(8 * 3600, ge=60)
    login_max_failures: int = Field(5, ge=1)
    login_window_s: int = Field(900, ge=1)
    page_size: int = Field(25, ge=1, le=500)
    max_upload_mb: int = Field(200, ge=1)
    secure_cookies: bool = False
