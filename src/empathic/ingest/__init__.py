"""Ingest: read files and frames, infer column roles, validate, and load into the workspace atomically."""

from empathic.ingest.load import IngestSummary, ingest

__all__ = ["IngestSummary", "ingest"]
