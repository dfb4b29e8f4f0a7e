"""DuckDB connections for untrusted input: they can read the named files and nothing else.

Defence in depth behind :func:`empathic.store.ident`: even if some SQL text built from a hostile file slipped
through, a sandboxed connection cannot read another file (``read_text('/etc/passwd')``), write one
(``COPY ... TO``), attach a database, or install or load an extension, and it cannot switch any of that back on
(``lock_configuration``). Files are parsed in such a connection and only their rows (an Arrow stream) reach the
workspace's own connection.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from empathic.errors import InputError


def sandboxed(files: Sequence[Path] = ()) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory connection allowed to read exactly ``files`` (resolved paths), locked after setup.

    Callers must name the files with the same resolved paths (see :func:`allowed_path`).
    """
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")  # DuckDB's own bar would garble the CLI output
        con.execute("SET autoinstall_known_extensions = false")
        con.execute("SET autoload_known_extensions = false")
        if files:
            con.execute("SET allowed_paths = ?", [[allowed_path(f) for f in files]])
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con


def allowed_path(path: Path | str) -> str:
    """The spelling of ``path`` that :func:`sandboxed` allows (absolute, symlinks resolved)."""
    return str(Path(path).resolve())


def single(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """Return ``sql`` after checking that it is exactly one statement (DuckDB would run every ``;``-part)."""
    if len(con.extract_statements(sql)) != 1:
        raise InputError(
            "refused to run SQL built from the input: it is not a single statement",
            hint="this is a bug or a hostile file; report it with the file's header",
        )
    return sql


def run_one(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> duckdb.DuckDBPyConnection:
    """Execute one built statement with bound ``params`` (see :func:`single`)."""
    return con.execute(single(con, sql), list(params))
