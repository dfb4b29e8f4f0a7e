"""Versioned schema: every component owns an append-only list of migrations.

A new workspace is created from the table declarations (``empathic.store.tables``); opening an older workspace
runs the migrations it lacks, in one transaction, to the same shape; a workspace made by a newer empathic is
refused with a clear error instead of being silently misread.
"""

from __future__ import annotations

from types import ModuleType

import duckdb

from empathic.errors import WorkspaceError
from empathic.store.migrations import analytics, core, feelings, personas, privacy, team, themes, usage, web
from empathic.store.tables import DECLARED, create_all

#: Components in the order their tables are created (later ones may reference earlier ones).
COMPONENTS: dict[str, ModuleType] = {
    "core": core,
    "themes": themes,
    "feelings": feelings,
    "analytics": analytics,
    "usage": usage,
    "personas": personas,
    "web": web,
    "privacy": privacy,
    "team": team,
}


def target_versions() -> dict[str, int]:
    """The schema version of each component that this code expects."""
    return {name: len(module.MIGRATIONS) for name, module in COMPONENTS.items()}


def current_versions(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """The schema versions recorded in a workspace (empty for a new file)."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_versions'"
    ).fetchone()
    if not exists or not exists[0]:
        return {}
    return {c: int(v) for c, v in con.execute("SELECT component, version FROM schema_versions").fetchall()}


def migrate(con: duckdb.DuckDBPyConnection, path: str, *, check_only: bool = False) -> None:
    """Bring every component up to date inside the caller's transaction (or only check, when read-only)."""
    have = current_versions(con)
    want = target_versions()
    for component, version in have.items():
        if component in want and version > want[component]:
            raise WorkspaceError(
                f"workspace {path} was written by a newer empathic ({component} schema v{version}, "
                f"this version knows v{want[component]})",
                hint="upgrade empathic: pip install -U empathic",
            )
    if check_only:
        return
    con.execute("CREATE TABLE IF NOT EXISTS schema_versions (component VARCHAR PRIMARY KEY, version INTEGER)")
    if not have:  # a new workspace: every declared table straight from its declaration, at the current version
        create_all(con)
        declared = {table.component for table in DECLARED}
        have = {c: v for c, v in want.items() if c in declared or not COMPONENTS[c].MIGRATIONS}
        for component, version in have.items():
            con.execute("INSERT INTO schema_versions (component, version) VALUES (?, ?)", [component, version])
    for component, module in COMPONENTS.items():
        start = have.get(component, 0)
        for statement in module.MIGRATIONS[start:]:
            con.execute(statement)
        if start < len(module.MIGRATIONS) or component not in have:
            con.execute(
                "INSERT OR REPLACE INTO schema_versions (component, version) VALUES (?, ?)",
                [component, len(module.MIGRATIONS)],
            )
