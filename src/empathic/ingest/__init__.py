"""Ingest: read files and frames, infer column roles, validate, and load into the workspace atomically."""

from empathic.ingest.inspect import Inspection, inspect
from empathic.ingest.load import IngestSummary, ingest
from empathic.ingest.mapping import Mapping, ScoreColumn

__all__ = ["IngestSummary", "Inspection", "Mapping", "ScoreColumn", "ingest", "inspect"]
