"""Settings of the analytics stage (a pydantic sub-model of :class:`empathic.config.Settings`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class AnalyticsSettings(BaseModel):
    """Tunable parameters of the analytics stage; every field has a sensible default."""

    model_config = ConfigDict(extra="forbid")
