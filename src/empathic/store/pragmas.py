"""DuckDB settings of a workspace connection: a memory budget for DuckDB's own share of the process.

DuckDB's buffer manager may hold up to 80 % of the machine's RAM by default: cached blocks of the file, a stage's
uncommitted rows (the feelings stage appends 2M unit rows inside one transaction at a million comments: ≈ 1 GB of
``IN_MEMORY_TABLE`` before the commit) and sort or hash state. A workspace caps it at a quarter of the RAM (at least
1 GiB), so DuckDB evicts cached blocks and spills uncommitted or intermediate data to ``<workspace>.tmp`` beside the
file (DuckDB's default spill folder for a file) instead of growing with the corpus. ``EMPATHIC_DUCKDB_MEMORY_LIMIT``
(e.g. ``2GB``) sets another budget. Primary-key indexes must still fit in memory while they are built.

``preserve_insertion_order`` stays on: reads without ORDER BY (and inserts that keep a stage's row order) rely on it.
"""

from __future__ import annotations

import os

import duckdb

from empathic.errors import WorkspaceError

MEMORY_ENV = "EMPATHIC_DUCKDB_MEMORY_LIMIT"
#: DuckDB's share when nothing is set: this fraction of the physical RAM, and never less than MIN_MEMORY_MB.
MEMORY_SHARE = 0.25
MIN_MEMORY_MB = 1024


def memory_limit() -> str:
    """The DuckDB ``memory_limit`` for workspace connections (``$EMPATHIC_DUCKDB_MEMORY_LIMIT`` or the default)."""
    given = os.environ.get(MEMORY_ENV, "").strip()
    if given:
        return given
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, OSError, ValueError):  # no sysconf (Windows): DuckDB's own default
        return ""
    return f"{max(MIN_MEMORY_MB, int(total * MEMORY_SHARE) // 2**20)}MB"


def apply_pragmas(con: duckdb.DuckDBPyConnection) -> None:
    """Set the workspace's DuckDB settings on a fresh connection (an invalid budget is a clear error)."""
    limit = memory_limit()
    if not limit:
        return
    try:
        con.execute("SET memory_limit = ?", [limit])
    except duckdb.Error as exc:
        raise WorkspaceError(
            f"invalid DuckDB memory budget {limit!r} in ${MEMORY_ENV}: {str(exc).splitlines()[0]}",
            hint=f"give a size such as 2GB or 512MB, or unset {MEMORY_ENV}",
        ) from None
