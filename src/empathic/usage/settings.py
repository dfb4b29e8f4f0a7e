"""Settings of the usage stage (a pydantic sub-model of :class:`empathic.config.Settings`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class UsageSettings(BaseModel):
    """Tunable parameters of the usage stage; every field has a sensible default.

    The defaults follow PostHog where it documents one (30-minute session gap); see docs/bench/usage.md for the
    places where our definitions differ.
    """

    model_config = ConfigDict(extra="forbid")

    session_gap_minutes: float = Field(30.0, gt=0, description="inactivity that ends a session")
    time_zone: str = Field(
        "customer",
        description="IANA zone for hour × weekday views and dayparts; 'customer' (default) uses each customer's "
        "'time_zone' attribute and UTC for customers without one",
    )
    at_risk_days: float = Field(14.0, gt=0, description="days without activity that flag a customer at risk")
    churn_days: float = Field(30.0, gt=0, description="days without activity that flag a customer churned")
    as_of: str | None = Field(None, description="reference date for inactivity (default: the last event)")
    cohort_by: str = Field("first_seen", pattern="^(first_seen|signup)$", description="what starts a cohort")
    max_periods: dict[str, int] = Field(
        default_factory=lambda: {"day": 30, "week": 26, "month": 24},
        description="retention periods kept per unit",
    )
    why_min_count: int = Field(5, ge=1, description="an item needs this many group mentions to be reported")
    why_alpha: float = Field(0.05, gt=0, lt=1, description="false-discovery rate for 'ask why'")
