"""Settings of the feelings stage (a pydantic sub-model of :class:`empathic.config.Settings`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class FeelingsSettings(BaseModel):
    """Tunable parameters of the feelings stage; every field has a sensible default."""

    model_config = ConfigDict(extra="forbid")
