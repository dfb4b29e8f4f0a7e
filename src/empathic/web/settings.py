"""Settings of the web stage (a pydantic sub-model of :class:`empathic.config.Settings`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class WebSettings(BaseModel):
    """Tunable parameters of the web stage; every field has a sensible default."""

    model_config = ConfigDict(extra="forbid")
