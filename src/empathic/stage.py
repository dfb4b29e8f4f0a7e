"""What every analysis stage returns, and how it is described to the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class StageResult:
    """Outcome of one stage run: counts for the summary, or ``skipped`` with the reason."""

    stage: str
    skipped: bool = False
    message: str = ""
    counts: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
