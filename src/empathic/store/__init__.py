"""The workspace store: one DuckDB file, versioned schema, one writer."""

from empathic.store.store import Store, empty_table, ident

__all__ = ["Store", "empty_table", "ident"]
