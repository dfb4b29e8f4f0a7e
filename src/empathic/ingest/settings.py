"""Settings of the ingest stage (a pydantic sub-model of :class:`empathic.config.Settings`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class IngestSettings(BaseModel):
    """How strictly ingest treats imperfect files."""

    model_config = ConfigDict(extra="forbid")

    on_bad_value: Literal["error", "null"] = Field(
        "error",
        description="Unparseable dates or out-of-range scores: stop with an error naming the row, or store NULL "
        "and warn (``--lenient``).",
    )
    max_text_chars: int = Field(20_000, ge=100, description="Longer comments are truncated (with a warning).")
    batch_rows: int = Field(250_000, ge=1000, description="Rows written per step (progress granularity).")
