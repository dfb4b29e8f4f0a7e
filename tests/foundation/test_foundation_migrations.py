"""Schema migrations: older workspaces are upgraded in place (data kept), newer ones are refused clearly."""

from __future__ import annotations

import types
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from empathic import Workspace, WorkspaceError
from empathic.cli.main import main
from empathic.store import migrations
from empathic.store.migrations import COMPONENTS, target_versions

SEED = pd.DataFrame(
    {"id": ["a", "b"], "comment": ["An older workspace with real rows in it", "that must survive every upgrade"]}
)


def versions_on_disk(path: Path) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return dict(con.execute("SELECT component, version FROM schema_versions").fetchall())
    finally:
        con.close()


def tables_made_by(component: str) -> list[str]:
    """The tables a component's migrations create, found by applying them (after the earlier ones) in memory."""
    con = duckdb.connect()
    for name, module in COMPONENTS.items():
        if name == component:
            before = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
            for statement in module.MIGRATIONS:
                con.execute(statement)
            after = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
            return sorted(after - before)
        for statement in module.MIGRATIONS:
            con.execute(statement)
    raise KeyError(component)


def make_older(path: Path, component: str) -> list[str]:
    """Turn a current workspace into one made before ``component`` existed: drop its tables and version row."""
    dropped = tables_made_by(component)
    con = duckdb.connect(str(path))
    try:
        for table in dropped:
            con.execute(f'DROP TABLE "{table}"')
        con.execute("DELETE FROM schema_versions WHERE component = ?", [component])
    finally:
        con.close()
    return dropped


@pytest.fixture
def seeded(ws_path: Path) -> Path:
    with Workspace.open(ws_path) as ws:
        ws.ingest(SEED)
    return ws_path


def test_new_workspace_records_every_component_version(seeded: Path) -> None:
    assert versions_on_disk(seeded) == target_versions()


@pytest.mark.parametrize("component", [c for c in COMPONENTS if c != "core"])
def test_workspace_from_before_a_component_is_upgraded(seeded: Path, component: str) -> None:
    dropped = make_older(seeded, component)
    assert component not in versions_on_disk(seeded)
    with Workspace.open(seeded) as ws:
        assert all(ws.store.has_table(t) for t in dropped)
        assert ws.store.count("feedback") == 2
    assert versions_on_disk(seeded) == target_versions()


def test_opening_twice_changes_nothing(seeded: Path) -> None:
    with Workspace.open(seeded):
        pass
    assert versions_on_disk(seeded) == target_versions()


def fake_component(monkeypatch: pytest.MonkeyPatch, statements: list[str]) -> None:
    module = types.ModuleType("fake_component")
    module.MIGRATIONS = statements
    monkeypatch.setitem(migrations.COMPONENTS, "zz_fake", module)


def test_a_second_migration_is_applied_on_open(seeded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_component(monkeypatch, ["CREATE TABLE zz_notes (id VARCHAR PRIMARY KEY, note VARCHAR)"])
    with Workspace.open(seeded) as ws, ws.store.write() as con:
        con.execute("INSERT INTO zz_notes VALUES ('n1', 'kept across the upgrade')")
    assert versions_on_disk(seeded)["zz_fake"] == 1
    fake_component(
        monkeypatch,
        [
            "CREATE TABLE zz_notes (id VARCHAR PRIMARY KEY, note VARCHAR)",
            "ALTER TABLE zz_notes ADD COLUMN pinned BOOLEAN DEFAULT false",
        ],
    )
    with Workspace.open(seeded) as ws:
        row = ws.sql("SELECT note, pinned FROM zz_notes").iloc[0]
        assert (row["note"], row["pinned"]) == ("kept across the upgrade", False)
    assert versions_on_disk(seeded)["zz_fake"] == 2


def test_a_failing_migration_leaves_the_workspace_as_it_was(seeded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_component(monkeypatch, ["CREATE TABLE zz_a (x INTEGER)"])
    Workspace.open(seeded).close()
    fake_component(monkeypatch, ["CREATE TABLE zz_a (x INTEGER)", "CREATE TABLE zz_b (y INTEGER)", "SELEC oops"])
    with pytest.raises(Exception):  # noqa: B017 - a broken migration is a developer bug; only atomicity matters here
        Workspace.open(seeded)
    monkeypatch.delitem(migrations.COMPONENTS, "zz_fake")
    con = duckdb.connect(str(seeded), read_only=True)
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        assert ("zz_a" in tables, "zz_b" in tables) == (True, False)
        assert con.execute("SELECT version FROM schema_versions WHERE component = 'zz_fake'").fetchone() == (1,)
    finally:
        con.close()


def set_version(path: Path, component: str, version: int) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute("UPDATE schema_versions SET version = ? WHERE component = ?", [version, component])
    finally:
        con.close()


@pytest.mark.parametrize("read_only", [False, True])
def test_newer_workspace_is_refused(seeded: Path, read_only: bool) -> None:
    set_version(seeded, "core", 99)
    with pytest.raises(WorkspaceError) as info:
        Workspace.open(seeded, read_only=read_only)
    assert "newer empathic" in info.value.message and "v99" in info.value.message
    assert "upgrade" in info.value.hint
    assert versions_on_disk(seeded)["core"] == 99  # untouched


@pytest.mark.parametrize("command", [["info"], ["ingest"]])
def test_newer_workspace_exits_2_from_the_cli(seeded: Path, write_text, command: list[str], capsys) -> None:
    set_version(seeded, "themes", 42)
    extra = [str(write_text("more.csv", "comment\nanother comment that will not be written\n")), "-q"]
    args = [*command, str(seeded), *(extra if command == ["ingest"] else [])]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "error:" in err and "newer empathic" in err and "hint:" in err and "Traceback" not in err
    con = duckdb.connect(str(seeded), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM feedback").fetchone() == (2,)
    finally:
        con.close()


TABLES_SQL = (
    "SELECT table_name, sql FROM duckdb_tables() WHERE schema_name = 'main' AND database_name = current_database()"
)


def test_empty_table_keeps_every_table_exactly_as_migrated(tmp_path: Path) -> None:
    """Stages replace their output with ``empty_table`` (drop + create from the table's own DDL): every workspace
    table must come back with the same DDL, keys still enforced, and a rolled-back replacement must keep the rows."""
    from empathic.store import empty_table

    with Workspace.open(tmp_path / "w.empathic") as ws:
        ws.ingest(SEED, text="comment", id="id")
        tables = ws.sql(TABLES_SQL)
        assert len(tables) > 20
        with ws.store.write() as con:
            for name in tables.table_name:
                empty_table(con, name)
        after = ws.sql(TABLES_SQL)
        assert dict(zip(after.table_name, after.sql, strict=True)) == dict(
            zip(tables.table_name, tables.sql, strict=True)
        )
        assert ws.store.count("feedback") == 0
        with pytest.raises(duckdb.ConstraintException), ws.store.write() as con:  # keys survive the re-creation
            con.execute("INSERT INTO sentence_feelings (feedback_id, sentence_idx) VALUES ('a', 0), ('a', 0)")
    with Workspace.open(tmp_path / "w2.empathic") as ws:
        ws.ingest(SEED, text="comment", id="id")
        with pytest.raises(RuntimeError), ws.store.write() as con:
            empty_table(con, "feedback")
            raise RuntimeError("a stage failed half-way")
        assert ws.store.count("feedback") == 2  # the transaction rolled the drop back
