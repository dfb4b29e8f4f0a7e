"""The workspace store: one DuckDB file, versioned schema, one writer."""

from empathic.store.store import Store

__all__ = ["Store"]
