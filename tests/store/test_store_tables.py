"""Each table declared once (``empathic.store.tables``): the DDL of a new workspace comes from the declarations, an
older workspace migrates to exactly the same shape (columns, types, NULL-ability, defaults, keys), Arrow read-backs
match the declared Arrow schemas, and no insert depends on column position."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from empathic.store import Store
from empathic.store.migrations import COMPONENTS, target_versions
from empathic.store.tables import DECLARED, TABLES, VIEWS

SRC = Path(__file__).resolve().parents[2] / "src"


def shape(con: duckdb.DuckDBPyConnection) -> dict[str, tuple]:
    """Every table's columns (name, type, nullable, default) and primary key, and every view's columns."""
    out = {}
    query = "SELECT table_name FROM duckdb_tables() WHERE table_name <> 'schema_versions'"
    for (table,) in con.execute(query).fetchall():
        cols = con.execute(
            "SELECT column_name, data_type, is_nullable, column_default FROM duckdb_columns() "
            "WHERE table_name = ? ORDER BY column_index",
            [table],
        ).fetchall()
        key = con.execute(
            "SELECT constraint_column_names FROM duckdb_constraints() "
            "WHERE table_name = ? AND constraint_type = 'PRIMARY KEY'",
            [table],
        ).fetchall()
        out[table] = (tuple(cols), tuple(tuple(k[0]) for k in key))
    for (view,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall():
        cols = con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index", [view]
        ).fetchall()
        out["view " + view] = (tuple(cols), ())
    return out


def replay_history(con: duckdb.DuckDBPyConnection, upto: dict[str, int] | None = None) -> None:
    """What every earlier release did to a new file: each component's migrations in order (up to ``upto``), with
    the schema_versions rows it recorded."""
    con.execute("CREATE TABLE schema_versions (component VARCHAR PRIMARY KEY, version INTEGER)")
    for component, module in COMPONENTS.items():
        n = len(module.MIGRATIONS) if upto is None else upto.get(component, len(module.MIGRATIONS))
        for statement in module.MIGRATIONS[:n]:
            con.execute(statement)
        con.execute("INSERT INTO schema_versions VALUES (?, ?)", [component, n])


def test_a_new_workspace_is_created_from_the_declarations() -> None:
    with Store(":memory:") as store:
        con = store.cursor()
        tables = {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        assert tables == {*TABLES, "schema_versions"}
        assert dict(con.execute("SELECT component, version FROM schema_versions").fetchall()) == target_versions()


def test_the_migration_history_ends_at_the_declarations() -> None:
    """Both roads, migrating from scratch (every earlier release) and creating from the declarations, give the same
    tables column for column; a declaration changed without a migration (or the reverse) fails here."""
    migrated = duckdb.connect()
    replay_history(migrated)
    declared = Store(":memory:")
    try:
        assert shape(migrated) == shape(declared.cursor())
    finally:
        declared.close()
        migrated.close()


@pytest.mark.parametrize("table", [t.name for t in DECLARED])
def test_arrow_read_back_equals_the_declared_arrow_schema(table: str) -> None:
    with Store(":memory:") as store:
        read = store.read(f"SELECT * FROM {table}").schema
        assert read.remove_metadata() == TABLES[table].arrow_schema()


def test_every_table_belongs_to_a_component_and_every_view_is_created() -> None:
    assert {t.component for t in DECLARED} <= set(COMPONENTS)
    with Store(":memory:") as store:
        for view in VIEWS:
            assert store.has_table(view)


# -- a workspace made by an earlier release opens and migrates ----------------------------------------------------
#: Versions of a workspace written before themes' prototypes (v7), analytics' score labels (v3) and intervals (v4),
#: feelings' calibration (v5), multi-valued attributes (core v2) and team's saved views and digests (v5, v6).
OLD_VERSIONS = {"core": 1, "themes": 6, "feelings": 4, "analytics": 2, "team": 4}


def _old_workspace(path: Path) -> None:
    con = duckdb.connect(str(path))
    try:
        replay_history(con, OLD_VERSIONS)
        for component in ("privacy", "personas", "usage"):  # components that did not exist yet
            con.execute("DELETE FROM schema_versions WHERE component = ?", [component])
        for table in ("pii_redactions", "forget_log", "personas", "customer_personas", "usage_sessions",
                      "usage_customers", "usage_features", "usage_retention", "usage_stickiness", "usage_lifecycle",
                      "usage_time_of_day", "usage_why"):  # fmt: skip
            con.execute(f"DROP TABLE {table}")
        con.execute("INSERT INTO feedback VALUES ('c1', 's1', NULL, 'an old comment kept', NULL, 'h', NULL)")
        con.execute("INSERT INTO theme_centroids VALUES ('t1', 1, 'm', 2, NULL, 'auto')")
        con.execute("INSERT INTO segment_differences (attribute, segment, lift) VALUES ('plan', 'pro', 1.5)")
        con.execute("INSERT INTO theme_edits VALUES ('e1', 1, 'rename', '{}', NULL)")
    finally:
        con.close()


def test_a_workspace_of_an_earlier_release_opens_and_migrates(tmp_path: Path) -> None:
    path = tmp_path / "old.empathic"
    _old_workspace(path)
    with Store(path) as store:
        assert shape(store.cursor()) == shape(Store(":memory:").cursor())
        assert store.scalar("SELECT text FROM feedback") == "an old comment kept"
        assert store.read("SELECT theme_id, prototypes, radius FROM theme_centroids").to_pylist() == [
            {"theme_id": "t1", "prototypes": None, "radius": None}
        ]
        assert store.scalar("SELECT ci_low FROM segment_differences WHERE segment = 'pro'") is None
        assert store.scalar("SELECT applied FROM theme_edits") is False  # the v10 default
        versions = dict(store.cursor().execute("SELECT component, version FROM schema_versions").fetchall())
    assert versions == target_versions()


def test_an_earlier_release_workspace_analyses_after_migrating(tmp_path: Path) -> None:
    """The migrated file is not only the right shape: the pipeline writes into it."""
    import pandas as pd

    from empathic import Workspace

    path = tmp_path / "old.empathic"
    _old_workspace(path)
    with Workspace.open(path) as ws:
        frame = pd.DataFrame({"id": ["a", "b"], "comment": ["Delivery was late again.", "Great support team!"]})
        ws.ingest(frame, text="comment", id="id")
        ws.analyze(stages=["sentences"])
        assert ws.store.count("sentences") >= 2


# -- inserts go by name -------------------------------------------------------------------------------------------
#: ``INSERT [OR REPLACE] INTO <table>`` followed directly by VALUES or SELECT: the values land by column position.
#: Checked for every declared workspace table and every table name built at run time.
POSITIONAL = re.compile(r"INSERT\s+(?:OR\s+\w+\s+)?INTO\s+([\w{}()\[\]'\".]+)\s+(VALUES|SELECT)\b", re.IGNORECASE)


def positional_inserts(root: Path = SRC) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for m in POSITIONAL.finditer(text):
            if m.group(1) not in TABLES and "{" not in m.group(1):
                continue  # a one-column scratch table, or the accounts file (SQLite, not a workspace table)
            line = text.count("\n", 0, m.start()) + 1
            found.append(f"{path.relative_to(root)}:{line}: {m.group(0)}")
    return found


def test_no_insert_depends_on_column_position() -> None:
    assert positional_inserts() == []


def test_the_insert_lint_catches_a_positional_insert(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(
        'con.execute("INSERT INTO notes VALUES (?, ?)")\ncon.execute(f"INSERT INTO {table} SELECT * FROM x")\n'
        'con.execute("INSERT INTO _scratch VALUES (1)")\n'
        'con.execute("INSERT INTO notes BY NAME SELECT 1 AS a")\ncon.execute("INSERT INTO notes (a) VALUES (1)")\n'
    )
    assert [f.split(": ", 1)[1] for f in positional_inserts(tmp_path)] == [
        "INSERT INTO notes VALUES",
        "INSERT INTO {table} SELECT",
    ]


# -- a file written by the previous release's own code ------------------------------------------------------------
PREVIOUS_RELEASE = "5a73c95"  # main before tables were declared (workspaces created by running the migrations)


def test_a_workspace_written_by_the_previous_release_opens_here(tmp_path: Path) -> None:
    """The previous release's code (from git history) ingests into a new file; this code opens it, finds the
    declared shape and the rows, and analyses on."""
    import io
    import subprocess
    import sys
    import tarfile

    import pandas as pd

    from empathic import Workspace

    root = Path(__file__).resolve().parents[2]
    try:
        archive = subprocess.run(
            ["git", "archive", PREVIOUS_RELEASE, "src"], cwd=root, capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip(f"git history with {PREVIOUS_RELEASE} is not available")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(tmp_path / "old", filter="data")
    assert not (tmp_path / "old" / "src" / "empathic" / "store" / "tables.py").exists()  # really the old code
    path = tmp_path / "old.empathic"
    script = (
        "import sys, pandas as pd\n"
        "from empathic import Workspace\n"
        "with Workspace.open(sys.argv[1]) as ws:\n"
        "    ws.ingest(pd.DataFrame({'id': ['a', 'b'], 'comment': ['Delivery was late again.', 'Great support!']}),"
        " text='comment', id='id')\n"
    )
    env = {"PYTHONPATH": str(tmp_path / "old" / "src"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script, str(path)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    probe = "import empathic; print(empathic.__file__)"
    used = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True).stdout
    assert used.startswith(str(tmp_path / "old")), used  # the subprocess imported the old release, not this tree
    with Workspace.open(path) as ws:
        assert shape(ws.store.cursor()) == shape(Store(":memory:").cursor())
        assert ws.store.count("feedback") == 2
        ws.ingest(pd.DataFrame({"id": ["c"], "comment": ["The app crashes on login."]}), text="comment", id="id")
        ws.analyze(stages=["sentences"])
        assert ws.store.count("sentences") >= 3
