"""Settings of the personas stage (a pydantic sub-model of :class:`empathic.config.Settings`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class PersonasSettings(BaseModel):
    """Tunable parameters of the personas stage; every field has a sensible default."""

    model_config = ConfigDict(extra="forbid")
