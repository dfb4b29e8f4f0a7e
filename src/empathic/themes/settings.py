"""Settings of the themes stage (a pydantic sub-model of :class:`empathic.config.Settings`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ThemesSettings(BaseModel):
    """Tunable parameters of the themes stage; every field has a sensible default."""

    model_config = ConfigDict(extra="forbid")

    mode: Literal["auto", "accurate", "fast"] = Field(
        "auto",
        description="accurate: MiniLM for every unit; fast: MiniLM on a discovery sample, the static embedder "
        "(mapped into MiniLM space) for the rest; auto: fast above accurate_max_units unique units or "
        "accurate_max_chars characters.",
    )
    accurate_max_units: int = Field(20_000, ge=0, description="auto mode uses accurate up to this many units")
    accurate_max_chars: int = Field(
        200_000,
        ge=0,
        description="auto mode also needs the distinct units and the multi-unit comments (embedded whole) to total at "
        "most this many characters for accurate: "
        "MiniLM's cost follows the text's length, and fast mode embeds a 2,500-unit sample (≈235k characters of "
        "long-review sentences), so accurate is chosen only where it costs about what fast would (1,324 BA reviews, "
        "1.2M characters, took minutes in accurate mode)",
    )
    fast_discovery_sample: int = Field(
        2_500, ge=200, description="units embedded with MiniLM in fast mode (where discovery happens)"
    )
    refine_min_units: int = Field(
        1_500,
        ge=0,
        description="after assignment, a discovered subtheme with at least this many units is split when its members "
        "form crisp communities of their own (finer subthemes on big data); 0 turns it off",
    )
    max_discovery_units: int = Field(12_000, ge=200, description="units clustered (a deterministic sample)")
    context_weight: float = Field(
        1.0, ge=0, le=4, description="weight of the whole comment's vector mixed into each of its units' vectors"
    )
    knn: int = Field(10, ge=3, le=100, description="neighbours per unit in the similarity graph")
    resolutions: list[float] = Field(
        default_factory=lambda: [2.0, 4.0, 8.0, 16.0],
        description="Leiden resolutions tried for the subthemes: the finest whose communities are crisp (seed "
        "stability >= 0.8) wins, else the one nearest 4; give one value (e.g. [16]) to force finer subthemes",
    )
    stability_seeds: int = Field(3, ge=2, le=8, description="partitions per resolution to measure stability")
    min_theme_units: int = Field(5, ge=2, description="smaller clusters are dissolved into their neighbours")
    min_top_themes: int = Field(5, ge=1, description="fewest top-level themes (a scannable list: 5-20)")
    max_top_themes: int = Field(20, ge=1, description="most top-level themes")
    min_similarity: float = Field(0.25, ge=-1, le=1, description="below this a unit goes to 'other'")
    guided_similarity: float = Field(
        0.43,
        ge=-1,
        le=1,
        description="a guided theme tags a unit naming its keywords' head word whose similarity to the examples, "
        "minus half its similarity to the bare keyword words, reaches this (themes.guided; tuned on the BA set)",
    )
    emerging_min_comments: int = Field(20, ge=2, description="new units that fit nothing form an emerging theme")
    rediscover: bool = Field(False, description="rediscover themes from scratch (edits are replayed)")
    n_quotes: int = Field(5, ge=1, le=10)
    n_keywords: int = Field(8, ge=1, le=30)
