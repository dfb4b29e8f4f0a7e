"""Settings of the feelings stage (a pydantic sub-model of :class:`empathic.config.Settings`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class FeelingsSettings(BaseModel):
    """Tunable parameters of the feelings stage; every field has a sensible default."""

    model_config = ConfigDict(extra="forbid")

    mode: Literal["auto", "accurate", "fast"] = Field(
        "auto",
        description="accurate: the fine-tuned feelings encoder (ONNX) reads every unit; fast: heads on the static "
        "embedder (thousands of comments/s); auto: accurate up to accurate_max_comments comments (and "
        "accurate_max_units units), fast above. The mode used is recorded in the run message.",
    )
    accurate_max_comments: int = Field(20_000, ge=0, description="auto mode uses accurate up to this many comments")
    accurate_max_units: int = Field(
        100_000, ge=0, description="... and up to this many sentence units (long comments have many)"
    )
    neutral_band: float = Field(
        0.2, ge=0, le=1, description="|sentiment| below this is 'neutral' (sentiment = P(positive) − P(negative))"
    )
    mixed_share: float = Field(
        0.4,
        ge=0,
        le=1,
        description="a comment is 'mixed' when at least this share of its opinionated units goes each way ...",
    )
    mixed_margin: float = Field(
        0.1,
        ge=0,
        le=1,
        description="... and the mean of its opinionated units is within this of 0 (they nearly cancel); a comment's "
        "label follows the mean of its opinionated units, its score stays the mean of all its units",
    )
    emotion_threshold: float = Field(
        0.5,
        ge=0,
        le=1,
        description="emotion scores are calibrated so that 0.5 is each emotion's tuned decision threshold",
    )
    pain_below: float = Field(-0.2, ge=-1, le=0, description="a unit at or below this sentiment is a pain")
    gain_above: float = Field(0.2, ge=0, le=1, description="a unit at or above this sentiment is a gain")
    ideas_min_group: int = Field(2, ge=1, description="ideas groups smaller than this are merged into 'other ideas'")
    workers: int = Field(
        1,
        ge=1,
        le=64,
        description="threads that read a batch of sentence units at once (the output does not depend on it; 2 was "
        "slower than 1 under load, see docs/bench/feelings-speed.md)",
    )
    overlap_embedding: bool = Field(
        True,
        description="fast mode: embed the next batch of units on a helper thread while the current one is "
        "annotated (same output; off = embed everything first, one thread)",
    )
    calibrate: bool = Field(
        True,
        description="fit comment sentiment to the workspace's NPS/CSAT/rating scores, cross-validated, and apply it "
        "only when it agrees better with the scores on held-out folds (see `empathic feelings WS --calibration`)",
    )
    n_quotes: int = Field(3, ge=1, le=10, description="representative quotes per empathy-map cell or idea group")
