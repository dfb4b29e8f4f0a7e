"""Settings of the personas stage (a pydantic sub-model of :class:`empathic.config.Settings`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class PersonasSettings(BaseModel):
    """Tunable parameters of the personas stage; every field has a sensible default."""

    model_config = ConfigDict(extra="forbid")

    min_personas: int = Field(3, ge=2, description="fewest personas tried")
    max_personas: int = Field(8, ge=2, description="most personas tried")
    min_customers: int = Field(30, ge=4, description="below this many customers no personas are made")
    min_gain: float = Field(
        0.05, ge=0, description="silhouette the data must beat a shuffled control by to report personas"
    )
    weight_attributes: float = Field(1.0, ge=0, description="weight of who customers are")
    weight_behaviour: float = Field(1.0, ge=0, description="weight of what they do")
    weight_words: float = Field(1.0, ge=0, description="weight of what they say")
