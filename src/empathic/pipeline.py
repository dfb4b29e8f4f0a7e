"""The analysis pipeline: the registered stages, in flow order, each recorded in the ``runs`` table.

A stage module declares ``STAGE = Stage(...)`` (:class:`empathic.stage.Stage`: name, what it reads, what it writes),
``NAME`` and ``REQUIRES`` taken from it, and ``run(store, settings, progress) -> StageResult``. The registry is
strict: a registered stage that cannot be imported, or has no declaration, is an error, never skipped.
"""

from __future__ import annotations

import importlib
import json
import os
import traceback
import uuid
from datetime import UTC, datetime
from importlib import metadata
from types import ModuleType

from empathic.config import Settings
from empathic.errors import EmpathicError, StageError
from empathic.progress import Progress, silent
from empathic.stage import Stage, StageResult
from empathic.store import Store
from empathic.store.runs import active_run, fail_interrupted_runs

#: Stage modules in flow order (every stage reads only stages listed before it: ``tests/core/test_stage_contract.py``).
STAGE_MODULES: tuple[str, ...] = (
    "empathic.text.stage",
    "empathic.themes.stage",
    "empathic.feelings.stage",
    "empathic.usage.stage",
    "empathic.analytics.stage",
    "empathic.personas.stage",
)


def _load(module_name: str) -> ModuleType:
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise StageError(
            f"registered stage module {module_name!r} cannot be imported: {exc}",
            hint="reinstall empathic (pip install --force-reinstall empathic); if it persists, please report it",
        ) from exc
    declared = getattr(module, "STAGE", None)
    if not isinstance(declared, Stage) or getattr(module, "NAME", None) != declared.name:
        raise StageError(
            f"stage module {module_name!r} has no STAGE declaration matching its NAME",
            hint="declare STAGE = Stage(name=..., reads=..., writes=...) and NAME = STAGE.name",
        )
    return module


def available_stages() -> dict[str, ModuleType]:
    """Name → module of every registered stage, in flow order (an error if one cannot be imported)."""
    modules = [_load(name) for name in STAGE_MODULES]
    return {module.NAME: module for module in modules}


def declarations() -> dict[str, Stage]:
    """Name → declaration of every registered stage, in flow order."""
    return {name: module.STAGE for name, module in available_stages().items()}


def _versions() -> dict[str, str]:
    out = {}
    for pkg in ("empathic", "duckdb", "pyarrow", "numpy", "scikit-learn", "onnxruntime"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "n/a"
    return out


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def run_stage(store: Store, module: ModuleType, settings: Settings, progress: Progress = silent) -> StageResult:
    """Run one stage and record it in ``runs`` (status, settings, versions, timings, message).

    While it works the row says ``running`` (with the process id, for people); if the process dies, the next
    read-write open marks it failed (:func:`empathic.store.runs.fail_interrupted_runs`).
    """
    run_id = uuid.uuid4().hex[:16]
    with active_run(run_id):
        return _run_recorded(store, module, settings, progress, run_id)


def _run_recorded(store: Store, module: ModuleType, settings: Settings, progress: Progress, run_id: str) -> StageResult:
    started = _now()
    with store.write() as con:
        con.execute(
            "INSERT INTO runs (run_id, stage, status, settings, versions, started_at, finished_at, "
            "message) VALUES (?, ?, 'running', ?, ?, ?, NULL, ?)",
            [run_id, module.NAME, settings.model_dump_json(), json.dumps(_versions()), started,
             f"running in process {os.getpid()}"],
        )  # fmt: skip
    try:
        result: StageResult = module.run(store, settings, progress)
    except EmpathicError as exc:
        _finish(store, run_id, "failed", str(exc))
        raise
    except Exception as exc:  # a bug: keep the trace in the run record, show a clean error
        _finish(store, run_id, "failed", traceback.format_exc()[-4000:])
        raise StageError(
            f"stage {module.NAME!r} failed: {type(exc).__name__}: {exc}",
            hint="the full trace is stored in the runs table; please report it",
        ) from exc
    _finish(store, run_id, "skipped" if result.skipped else "ok", result.message)
    return result


def _finish(store: Store, run_id: str, status: str, message: str) -> None:
    with store.write() as con:
        con.execute(
            "UPDATE runs SET status = ?, finished_at = ?, message = ? WHERE run_id = ?",
            [status, _now(), message, run_id],
        )


def analyze(
    store: Store,
    settings: Settings,
    *,
    stages: list[str] | None = None,
    progress: Progress = silent,
) -> list[StageResult]:
    """Run the requested stages (default: all available), in flow order, with their requirements first."""
    known = available_stages()
    if stages:
        unknown = [s for s in stages if s not in known]
        if unknown:
            raise StageError(f"unknown stage(s): {', '.join(unknown)}", hint=f"choose from {', '.join(known)}")
        wanted = set(stages)
        changed = True
        while changed:  # add requirements transitively
            changed = False
            for name in list(wanted):
                for req in known[name].REQUIRES:
                    if req not in wanted:
                        wanted.add(req)
                        changed = True
    else:
        wanted = set(known)
    fail_interrupted_runs(store)  # a stage killed last time shows as failed, not as running forever
    return [run_stage(store, module, settings, progress) for name, module in known.items() if name in wanted]
