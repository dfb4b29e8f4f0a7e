"""The analysis pipeline: the registered stages, in flow order, each recorded in the ``runs`` table.

A stage module exposes ``NAME``, ``REQUIRES`` and ``run(store, settings, progress) -> StageResult``.
"""

from __future__ import annotations

import json
import os
import traceback
import uuid
from datetime import UTC, datetime
from importlib import metadata
from types import ModuleType

from empathic.config import Settings
from empathic.errors import EmpathicError, StageError
from empathic.plugins import present_modules
from empathic.progress import Progress, silent
from empathic.stage import StageResult
from empathic.store import Store
from empathic.store.runs import active_run, fail_interrupted_runs

#: Stage modules in flow order. A module that does not exist yet is skipped (stages land one issue at a time).
STAGE_MODULES: tuple[str, ...] = (
    "empathic.text.stage",
    "empathic.themes.stage",
    "empathic.feelings.stage",
    "empathic.usage.stage",
    "empathic.analytics.stage",
    "empathic.personas.stage",
)


def available_stages() -> dict[str, ModuleType]:
    """Name → module of every stage that this installation has, in flow order."""
    return {module.NAME: module for module in present_modules(STAGE_MODULES)}


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
            "INSERT INTO runs VALUES (?, ?, 'running', ?, ?, ?, NULL, ?)",
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
