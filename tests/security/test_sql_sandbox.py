"""The DuckDB sandbox that parses untrusted files: it reads the named file and nothing else (issue 16).

Defence in depth behind ``store.ident``: the last tests put the old, broken quoting back into the reader and show
that the sandbox alone still stops both exploits (no file read, no file written), which do work without it.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from empathic.errors import InputError
from empathic.ingest import readers
from empathic.ingest.readers import read_source
from empathic.ingest.sandbox import allowed_path, run_one, sandboxed, single


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    allowed = tmp_path / "allowed.csv"
    allowed.write_text("a,b\n1,2\n")
    secret = tmp_path / "secret.txt"
    secret.write_text("TOKEN-7f3a")
    return {"allowed": allowed, "secret": secret, "canary": tmp_path / "canary.csv", "db": tmp_path / "x.duckdb"}


def test_reads_the_named_file(files: dict[str, Path]) -> None:
    con = sandboxed([files["allowed"]])
    assert run_one(con, "SELECT * FROM read_csv(?)", [allowed_path(files["allowed"])]).fetchall() == [(1, 2)]


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT content FROM read_text('{secret}')",
        "SELECT * FROM read_csv('{secret}')",
        "COPY (SELECT 1) TO '{canary}'",
        "ATTACH '{db}' AS other",
        "SET enable_external_access = true",
        "SET allowed_paths = ['{secret}']",
        "SET allowed_directories = ['/']",
        "SET lock_configuration = false",
        "INSTALL httpfs",
        "LOAD httpfs",
    ],
)
def test_refuses_everything_else(files: dict[str, Path], sql: str) -> None:
    con = sandboxed([files["allowed"]])
    with pytest.raises(duckdb.Error):
        con.execute(sql.format(**{k: str(v) for k, v in files.items()}))
    assert not files["canary"].exists() and not files["db"].exists()
    # and the allowed file is still the only one
    with pytest.raises(duckdb.Error):
        con.execute("SELECT content FROM read_text(?)", [str(files["secret"])])


def test_no_file_at_all_when_none_is_named(files: dict[str, Path]) -> None:
    con = sandboxed()
    with pytest.raises(duckdb.Error):
        con.execute("SELECT * FROM read_csv(?)", [str(files["allowed"])])
    con.execute("CREATE TEMP TABLE t AS SELECT 1 AS x")  # in-memory work is fine
    assert con.execute("SELECT x FROM t").fetchall() == [(1,)]


def test_single_refuses_several_statements() -> None:
    con = sandboxed()
    assert single(con, "SELECT 1") == "SELECT 1"
    with pytest.raises(InputError, match="single statement"):
        run_one(con, "SELECT 1; SELECT 2")


def _naive_ident(name: str) -> str:
    return '"' + name + '"'  # the quoting before the fix: a " in the name ends the identifier


@pytest.mark.parametrize("which", ["read_text", "copy_to"])
def test_the_sandbox_alone_stops_the_exploits(files: dict[str, Path], monkeypatch, which: str) -> None:
    """With the identifier helper broken on purpose, a hostile frame column fails cleanly and touches nothing.

    (A frame's columns are cast in a sandbox too; without it, both exploits below work: see the negative check.)
    """
    exploit = {
        "read_text": f"x\" AS VARCHAR) AS x, (SELECT content FROM read_text('{files['secret']}')) AS stolen "
        "FROM _frame_in --",
        "copy_to": f"x\" AS VARCHAR) AS x FROM _frame_in; COPY (SELECT 42) TO '{files['canary']}'; --",
    }[which]
    frame = pd.DataFrame({"x": ["v"], exploit: ["v"], "review": ["a long enough comment about the delivery"]})
    monkeypatch.setattr(readers, "ident", _naive_ident)
    con = duckdb.connect()
    try:
        with pytest.raises(InputError) as caught:
            read_source(con, frame)
        assert "TOKEN-7f3a" not in str(caught.value)
    finally:
        con.close()
    assert not files["canary"].exists()


def test_the_exploits_work_without_the_sandbox(files: dict[str, Path]) -> None:
    """The negative check: the same SQL, run in a plain connection, does read the secret (so the test above is
    about the sandbox, not about a typo in the exploit)."""
    frame = pd.DataFrame({"x": ["v"]})
    con = duckdb.connect()
    con.register("_frame_in", frame)
    name = f"x\" AS VARCHAR) AS x, (SELECT content FROM read_text('{files['secret']}')) AS stolen FROM _frame_in --"
    cast = f"CAST({_naive_ident(name)} AS VARCHAR) AS {_naive_ident(name)}"
    sql = f"SELECT row_number() OVER () AS __row, {cast} FROM _frame_in"
    assert con.execute(sql).fetchall() == [(1, "v", "TOKEN-7f3a")]


def test_the_lock_stays_in_the_sandbox(files: dict[str, Path]) -> None:
    """Each sandbox is its own in-memory database: other connections (the workspace's) keep their settings."""
    sandboxed([files["allowed"]])
    other = duckdb.connect()
    assert other.execute("SELECT content FROM read_text(?)", [str(files["secret"])]).fetchone() == ("TOKEN-7f3a",)
    assert other.execute("SELECT current_setting('lock_configuration')").fetchone() == (False,)
