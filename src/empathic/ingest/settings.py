"""Settings of the ingest stage (a pydantic sub-model of :class:`empathic.config.Settings`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class IngestSettings(BaseModel):
    """Tunable parameters of the ingest stage; every field has a sensible default."""

    model_config = ConfigDict(extra="forbid")
