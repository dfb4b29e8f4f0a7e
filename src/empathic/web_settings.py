"""Settings of the web app (a pydantic sub-model of :class:`empathic.config.Settings`).

Kept outside the ``web`` package so that ``config.py``, which every stage imports, never imports a front door
(``tests/core/test_import_direction.py``).
"""

from __future__ import annotations

import ipaddress
import re

from pydantic import BaseModel, ConfigDict, Field, field_validator


class WebSettings(BaseModel):
    """Tunable parameters of the web app; every field has a sensible default.

    ``auth_db`` is the server-side accounts file (users, roles, API tokens, workspace access, sessions, jobs).
    When unset, ``empathic-users.sqlite`` beside the (first) workspace is used.

    Request bodies: an upload may be ``max_upload_mb``, any other body (JSON, form) ``max_body_kb``; both are
    checked while the body streams. ``trusted_proxies`` lists the reverse proxies (addresses or CIDR networks)
    whose ``X-Forwarded-For`` header is believed for the login rate limit; none by default. Unconfirmed uploads
    wait in ``upload_dir`` (default: a fresh temporary folder removed when the server stops) and are deleted after
    ``upload_max_age_s``.

    Digests the server sends (subscriptions): webhook and SMTP targets whose host is or resolves to an internal
    address (loopback, private, link-local …) are refused unless ``delivery_allow`` lists the host, its address or
    a network holding it (``empathic.team.target_guard``); ``digest_folder`` is the one folder the server writes
    digests into (none by default: the "folder" delivery is then off in the web app).
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
    max_body_kb: int = Field(1024, ge=1)
    trusted_proxies: list[str] = Field(default_factory=list)
    upload_dir: str | None = None
    upload_max_age_s: int = Field(24 * 3600, ge=60)
    secure_cookies: bool = False
    delivery_allow: list[str] = Field(default_factory=list)
    digest_folder: str | None = None

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for item in value:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"{item!r} is not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/24)") from None
        return value

    @field_validator("delivery_allow")
    @classmethod
    def _allow_entries(cls, value: list[str]) -> list[str]:
        for item in value:
            try:
                ipaddress.ip_network(item.strip(), strict=False)
            except ValueError:
                if not re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9.-]{0,252})", item.strip()):
                    raise ValueError(
                        f"{item!r} is not an address, network (10.0.0.0/8) or host name (mail.internal)"
                    ) from None
        return [item.strip() for item in value]
