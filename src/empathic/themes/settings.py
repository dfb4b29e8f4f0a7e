"""Settings of the themes stage (a pydantic sub-model of :class:`empathic.config.Settings`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ThemesSettings(BaseModel):
    """Tunable parameters of the themes stage; every field has a sensible default."""

    model_config = ConfigDict(extra="forbid")
