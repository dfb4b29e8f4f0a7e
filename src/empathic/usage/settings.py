"""Settings of the usage stage (a pydantic sub-model of :class:`empathic.config.Settings`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class UsageSettings(BaseModel):
    """Tunable parameters of the usage stage; every field has a sensible default."""

    model_config = ConfigDict(extra="forbid")
