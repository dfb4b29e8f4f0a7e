"""The stage contract, checked over every registered stage (scikit-learn's ``test_common``).

Declarations: each stage says what it reads and writes, and the stages it says it reads are exactly the writers of
the tables it says it reads, all listed before it. Behaviour (on a tiny real workspace): an empty workspace gives
``skipped``; a stage writes only the tables it declares, in one transaction; a re-run gives the same tables; the
per-row functions it hands the engine are the ones it declares, and give the same rows batch by batch as on the
whole table.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pytest

from empathic import pipeline
from empathic.engine import LOCAL, RowFn, use_engine
from empathic.errors import StageError
from empathic.stage import EXTERNAL_INPUTS, Stage
from empathic.store.tables import TABLES

#: Cache tables: reading one never changes a result (a vector is a function of its text), so it makes no stage
#: depend on the cache's writer.
CACHES = {"embedding_cache"}

DECLARED = pipeline.declarations()
NAMES = list(DECLARED)


def _writers(table: str) -> set[str]:
    return {name for name, stage in DECLARED.items() if table in stage.writes}


def test_every_registered_module_declares_itself() -> None:
    assert len(NAMES) == len(pipeline.STAGE_MODULES)
    for name, module in pipeline.available_stages().items():
        assert module.NAME == name == module.STAGE.name
        assert module.STAGE.requires == module.REQUIRES


@pytest.mark.parametrize("name", NAMES)
def test_reads_stages_are_the_writers_of_the_tables_it_reads(name: str) -> None:
    stage = DECLARED[name]
    writers = set().union(*(_writers(t) for t in stage.reads if t not in CACHES)) - {name}
    assert set(stage.reads_stages) == writers
    earlier = NAMES[: NAMES.index(name)]
    assert all(up in earlier for up in stage.reads_stages), "a stage reads only stages listed before it"


@pytest.mark.parametrize("name", NAMES)
def test_every_table_read_has_a_writer(name: str) -> None:
    orphans = [t for t in DECLARED[name].reads if not _writers(t) and t not in EXTERNAL_INPUTS]
    assert orphans == []


@pytest.mark.parametrize("name", NAMES)
def test_every_table_a_stage_writes_is_declared(name: str) -> None:
    assert [t for t in DECLARED[name].writes if t not in TABLES] == []


def test_a_requirement_must_be_a_declared_read() -> None:
    with pytest.raises(ValueError, match="requires"):
        Stage("x", reads_stages=(), requires=("sentences",))


def test_a_registered_stage_that_cannot_be_imported_is_an_error(monkeypatch) -> None:
    monkeypatch.setattr(pipeline, "STAGE_MODULES", (*pipeline.STAGE_MODULES, "empathic.nowhere.stage"))
    with pytest.raises(StageError, match=r"empathic\.nowhere\.stage.*cannot be imported"):
        pipeline.available_stages()


def test_a_stage_module_without_a_declaration_is_an_error(monkeypatch) -> None:
    monkeypatch.setattr(pipeline, "STAGE_MODULES", ("empathic.progress",))
    with pytest.raises(StageError, match="no STAGE declaration"):
        pipeline.available_stages()


# -- behaviour, on one tiny real workspace run through the whole flow ---------------------------------------------
#: Columns that record when a row was written; a re-run may move them and nothing else.
WRITE_STAMPS = {"computed_at", "created_at", "updated_at"}
#: Written by the pipeline itself around every stage, not by the stage.
PIPELINE_TABLES = {"runs", "schema_versions"}


class InjectedFailure(Exception):
    """Raised by the watching connection right after the stage's chosen write statement."""


MUTATING = ("INSERT", "UPDATE", "DELETE", "DROP", "CREATE", "ALTER", "COPY")


class _Watched:
    """A write connection that counts the stage's mutating statements and can fail right after the n-th one."""

    def __init__(self, con, state: dict) -> None:
        self._con, self._state = con, state

    def _run(self, method: str, sql, *args, **kwargs):
        out = getattr(self._con, method)(sql, *args, **kwargs)
        if isinstance(sql, str) and sql.lstrip().upper().startswith(MUTATING):
            self._state["statements"] += 1
            if self._state["statements"] == self._state["fail_at"]:
                raise InjectedFailure(sql[:60])
        return out

    def execute(self, sql, *args, **kwargs):
        return self._run("execute", sql, *args, **kwargs)

    def executemany(self, sql, *args, **kwargs):
        return self._run("executemany", sql, *args, **kwargs)

    def sql(self, sql, *args, **kwargs):
        return self._run("sql", sql, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._con, name)


def _watched_run(store, module, settings, fail_at: int | None = None, fail_at_commit: int | None = None) -> dict:
    """Run the stage with its ``store.write()`` watched: how many transactions and write statements it made, and
    whether the failure injected after write statement ``fail_at`` (or just before transaction number
    ``fail_at_commit`` commits) fired; the injected error is swallowed."""
    from contextlib import contextmanager

    from empathic.progress import silent

    state = {"statements": 0, "transactions": 0, "fail_at": fail_at, "fired": False}
    if fail_at_commit is not None and fail_at_commit < 1:
        return state
    real_write = store.write

    @contextmanager
    def watched_write():
        state["transactions"] += 1
        with real_write() as con:
            yield _Watched(con, state)
            if state["transactions"] == fail_at_commit:
                raise InjectedFailure("before commit")

    store.write = watched_write
    try:
        module.run(store, settings, silent)
    except InjectedFailure:
        state["fired"] = True
    finally:
        del store.write
    return state


@dataclass(frozen=True)
class RowCall:
    """One per-row function call a stage made through the engine: the function, its input and output schema."""

    fn: RowFn
    table: pa.Table
    schema: pa.Schema


class RecordingEngine:
    """An engine that runs like the local one and remembers every call (``name`` is not ``local``, so a stage
    takes the path it takes on a cluster: the whole per-row work through the engine)."""

    name = "recording"

    def __init__(self) -> None:
        self.calls: list[RowCall] = []

    def map(self, fn: RowFn, table: pa.Table, schema: pa.Schema, *, batch_rows: int = 20_000) -> pa.Table:
        self.calls.append(RowCall(fn, table, schema))
        return LOCAL.map(fn, table, schema, batch_rows=batch_rows)


def function_name(fn) -> str:
    """The dotted name of a per-row function (through ``functools.partial``)."""
    inner = getattr(fn, "func", fn)
    return f"{inner.__module__}.{inner.__qualname__}"


def batch_sizes_that_change(call: RowCall, sizes: tuple[int, ...] = (1, 7)) -> list[int]:
    """The batch sizes for which running ``call.fn`` batch by batch does not give the whole table's rows."""
    whole = call.fn(call.table)
    whole = whole.cast(call.schema) if whole.schema != call.schema else whole
    return [n for n in sizes if not LOCAL.map(call.fn, call.table, call.schema, batch_rows=n).equals(whole)]


def _normal(value):
    if isinstance(value, float):
        return float(f"{value:.9g}")  # float sums may differ in the last bit between runs
    if isinstance(value, list | tuple):
        return tuple(_normal(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _normal(v)) for k, v in value.items()))
    return value


def _snapshot(store, *, drop_stamps: bool = False) -> dict[str, list]:
    """Every table's rows (sorted, floats to 9 digits), the pipeline's own tables left out."""
    tables = [t for (t,) in store.cursor().execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
    out = {}
    for table in tables:
        if table in PIPELINE_TABLES:
            continue
        rows = store.read(f'SELECT * FROM "{table}"').to_pylist()
        if drop_stamps:
            rows = [{k: v for k, v in row.items() if k not in WRITE_STAMPS} for row in rows]
        out[table] = sorted((_normal(row) for row in rows), key=repr)
    return out


def _written_shape(store, table: str) -> dict:
    """What the stage left in ``table``: its Arrow schema as read back, and how many rows share a declared key."""
    declared = TABLES[table]
    key = ", ".join(declared.key)
    duplicates = 0
    if declared.key:
        duplicates = store.scalar(f"SELECT count(*) - count(DISTINCT ({key})) FROM {table}")
    return {"schema": store.read(f"SELECT * FROM {table} LIMIT 0").schema.remove_metadata(), "duplicates": duplicates}


def _changed(before: dict, after: dict) -> set[str]:
    return {t for t in before.keys() | after.keys() if before.get(t) != after.get(t)}


@pytest.fixture(scope="module")
def flow(tmp_path_factory) -> dict[str, dict]:
    """Each stage in flow order on a small subscription workspace (60 customers, 58 comments, 13k events): a first
    run that fails after its first write, a counted run, a re-run failing after its last write and a recorded
    re-run, with a snapshot of every table around each."""
    from empathic.sample.subscription import build_workspace

    ws = build_workspace(tmp_path_factory.mktemp("contract") / "c.empathic", n_customers=60)
    modules = pipeline.available_stages()
    record: dict[str, dict] = {}
    try:
        for name, module in modules.items():
            store = ws.store
            rec: dict = {"before": _snapshot(store)}
            # a first run that fails right after its first write statement: nothing may be left behind. Its
            # per-row work goes through a recording engine (rolled back with the rest)
            recorder = RecordingEngine()
            with use_engine(recorder):
                rec["failed_first"] = _watched_run(store, module, ws.settings, fail_at=1)
            rec["row_calls"] = recorder.calls
            rec["after_failed_first"] = _snapshot(store)
            # the real run, counted: how many transactions and write statements
            rec["counted"] = _watched_run(store, module, ws.settings, fail_at=None)
            rec["after_first"] = _snapshot(store)
            rec["schemas"] = {t: _written_shape(store, t) for t in DECLARED[name].writes}
            rec["stable_first"] = _snapshot(store, drop_stamps=True)
            # a re-run failing after its last write, just before it commits: the first run's output must be intact
            rec["failed_rerun"] = _watched_run(
                store, module, ws.settings, fail_at_commit=rec["counted"]["transactions"]
            )
            rec["after_failed_rerun"] = _snapshot(store)
            # a recorded re-run through the pipeline: the same contents
            rec["result_rerun"] = pipeline.run_stage(store, module, ws.settings)
            rec["after_rerun"] = _snapshot(store)
            rec["stable_rerun"] = _snapshot(store, drop_stamps=True)
            record[name] = rec
    finally:
        ws.close()
    return record


@pytest.mark.parametrize("name", NAMES)
def test_an_empty_workspace_gives_skipped(name: str, tmp_path) -> None:
    from empathic import Workspace

    with Workspace.open(tmp_path / "empty.empathic") as ws:
        result = pipeline.run_stage(ws.store, pipeline.available_stages()[name], ws.settings)
        assert result.skipped, result.message
        assert result.message
        assert ws.sql("SELECT status FROM runs").status.tolist() == ["skipped"]


@pytest.mark.parametrize("name", NAMES)
def test_a_stage_writes_only_the_tables_it_declares(flow, name: str) -> None:
    rec = flow[name]
    assert rec["counted"]["statements"] > 0, "the stage had work and wrote nothing"
    changed = _changed(rec["before"], rec["after_first"]) | _changed(rec["after_first"], rec["after_rerun"])
    assert changed <= set(DECLARED[name].writes)


@pytest.mark.parametrize("name", NAMES)
def test_outputs_land_in_the_declared_tables(flow, name: str) -> None:
    after = flow[name]["after_first"]
    missing = [t for t in DECLARED[name].writes if t not in after]
    assert missing == [], "declared tables that the workspace does not have"
    assert any(after[t] for t in DECLARED[name].writes), "a stage that ran wrote nothing"


@pytest.mark.parametrize("name", NAMES)
def test_outputs_match_the_declared_schemas(flow, name: str) -> None:
    """Each table the stage wrote has exactly its declared columns and Arrow types, and its key is unique (also
    where the key is not enforced by the database, as in the search index)."""
    for table, found in flow[name]["schemas"].items():
        assert found["schema"] == TABLES[table].arrow_schema(), table
        assert found["duplicates"] == 0, f"{table}: rows sharing a key {TABLES[table].key}"


@pytest.mark.parametrize("name", NAMES)
def test_a_stage_writes_in_one_transaction(flow, name: str) -> None:
    rec = flow[name]
    assert rec["counted"]["transactions"] == 1
    assert rec["failed_first"]["fired"]
    assert rec["after_failed_first"] == rec["before"]  # failed after its first write: nothing left behind
    if rec["failed_rerun"]["statements"]:  # the sentences stage has nothing new to write on a re-run
        assert rec["failed_rerun"]["fired"]
        assert rec["after_failed_rerun"] == rec["after_first"]  # failed after its last write: old output intact


@pytest.mark.parametrize("name", NAMES)
def test_a_rerun_is_idempotent(flow, name: str) -> None:
    rec = flow[name]
    assert not rec["result_rerun"].skipped
    for table in DECLARED[name].writes:
        assert rec["stable_rerun"][table] == rec["stable_first"][table], table


@pytest.mark.parametrize("name", NAMES)
def test_a_stage_hands_the_engine_exactly_its_declared_row_functions(flow, name: str) -> None:
    used = sorted({function_name(call.fn) for call in flow[name]["row_calls"]})
    assert used == sorted(DECLARED[name].row_functions)


#: Known exceptions to "the same rows batch by batch", each with its reason (keep it short).
NOT_YET_BATCH_INVARIANT = {
    "feelings": "accurate mode's emotions encoder gives vectors that move by ~1e-7 with the batch around a unit "
    "(the ONNX shapes follow the batch's padding); at batch size 1 one 3-decimal emotion score of 76 units flips. "
    "Sentiment, labels and intents are unchanged. Feelings area: a fixed-shape encoder call would fix it.",
}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=NOT_YET_BATCH_INVARIANT[n]))
        if n in NOT_YET_BATCH_INVARIANT
        else n
        for n in NAMES
        if DECLARED[n].row_functions
    ],
)
def test_row_functions_give_the_same_rows_batch_by_batch_as_on_the_whole_table(flow, name: str) -> None:
    calls = flow[name]["row_calls"]
    assert calls and all(call.table.num_rows > 7 for call in calls), "a real input, bigger than a batch"
    for call in calls:
        assert batch_sizes_that_change(call) == [], function_name(call.fn)


def _rank_in_batch(batch: pa.Table | pa.RecordBatch) -> pa.Table:
    """Not a per-row function: each row's position in its batch."""
    return pa.table({"rank": pa.array(range(batch.num_rows), pa.int64())})


def test_the_batch_check_sees_a_function_that_depends_on_its_batch() -> None:
    call = RowCall(_rank_in_batch, pa.table({"x": list(range(20))}), pa.schema([("rank", pa.int64())]))
    assert batch_sizes_that_change(call) == [1, 7]
