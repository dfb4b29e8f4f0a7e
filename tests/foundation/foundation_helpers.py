"""Helpers shared by the foundation tests (a uniquely named module: several areas have a ``conftest``)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from empathic import Workspace
from empathic.workspace import CORE_TABLES

DATA_DIR = Path("/work/shared/data")

#: The tables an ingest writes (``sentences`` belongs to a later stage but must not change either; ``runs`` may).
INGEST_TABLES = tuple(t for t in CORE_TABLES if t != "runs")


def table_counts(where: Path | Workspace) -> dict[str, int] | None:
    """Row count of every ingest table: of an open workspace, or of a file read from disk (None if absent/empty)."""
    if isinstance(where, Workspace):
        return {t: where.store.count(t) for t in INGEST_TABLES}
    if not where.exists() or where.stat().st_size == 0:
        return None
    con = duckdb.connect(str(where), read_only=True)
    try:
        have = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] if t in have else 0 for t in INGEST_TABLES}
    finally:
        con.close()


def require_data(*parts: str) -> Path:
    """The path of a real dataset file, or skip the test when /work/shared/data is not there (users' machines)."""
    path = DATA_DIR.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"dataset not available: {path}")
    return path


def is_empty_workspace(path: Path) -> bool:
    """True when the workspace file is absent, 0 bytes, or holds no ingested rows."""
    counts = table_counts(path)
    return counts is None or not any(counts.values())
