"""Placeholder until the loader lands (same session)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class IngestSummary:
    """What one ingest did."""

    source_id: str
    kind: str


def ingest(store: Any, data: Any, **kwargs: Any) -> IngestSummary:
    raise NotImplementedError
