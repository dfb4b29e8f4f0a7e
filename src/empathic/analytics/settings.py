"""Settings of the analytics stage (a pydantic sub-model of :class:`empathic.config.Settings`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class AnalyticsSettings(BaseModel):
    """Tunable parameters of the analytics stage; every field has a sensible default."""

    model_config = ConfigDict(extra="forbid")

    confidence: float = Field(0.95, gt=0.5, lt=1.0, description="two-sided confidence level of every interval")
    alpha: float = Field(0.05, gt=0.0, lt=0.5, description="false-discovery rate for Benjamini–Hochberg")
    min_segment_size: int = Field(30, ge=1, description="segments with fewer comments are not tested")
    min_theme_count: int = Field(5, ge=1, description="a theme × segment cell needs this many mentions in total")
    min_lift: float = Field(1.2, ge=1.0, description="a segment theme share must differ by this ratio to headline")
    max_segment_values: int = Field(50, ge=2, description="attributes with more distinct values are skipped")
    driver_ridge: float = Field(1.0, ge=0.0, description="ridge penalty (on standardised features) of the driver model")
    grain: Literal["auto", "day", "week", "month"] = "auto"
    alert_min_count: int = Field(10, ge=1, description="a theme needs this many mentions in the latest period to alert")
    alert_min_lift: float = Field(1.5, ge=1.0, description="latest share / historical share needed to call a rise")
    search_limit: int = Field(50, ge=1, le=10000)
    # evidence rules (analytics/evidence.py): what a number needs before it is shown, tested or alerted on
    min_period_n: int = Field(30, ge=1, description="a period needs this many comments to be charted or alerted")
    min_theme_n: int = Field(10, ge=2, description="a theme needs this many comments with the score to get an impact")
    min_cell_n: int = Field(10, ge=1, description="a period × theme or segment × theme cell needs this many comments")
    min_score_effect: float = Field(
        0.025, ge=0.0, lt=1.0, description="smallest score move that alerts, as a fraction of the scale (NPS: 5 points)"
    )
    alert_min_share_change: float = Field(
        0.02, ge=0.0, lt=1.0, description="a theme's share must move by this much (absolute) to alert"
    )
    prior_strength: float = Field(
        10.0, ge=0.0, description="pseudo-comments pulling small groups' variance toward the overall one"
    )
    exclude_partial_periods: bool = Field(True, description="never alert on the unfinished newest period")
    alert_baseline_periods: int = Field(6, ge=1, description="alerts compare the latest period with this many before")
    segment_top_values: int = Field(
        20, ge=2, description="attributes with more values than max_segment_values keep this many, the rest 'other'"
    )
