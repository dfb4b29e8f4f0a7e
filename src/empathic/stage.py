"""The stage contract: what every analysis stage declares and returns, and when its stored output is still fresh.

A stage module declares itself once, at its top, as ``STAGE = Stage(...)`` (spaCy's ``requires``/``assigns``):
its name, the stages and tables it **reads**, and the tables it **writes**. ``NAME`` and ``REQUIRES`` stay as
module constants taken from it. The pipeline orders and records runs by these declarations, freshness is computed
from them (:func:`stale_reason`), and ``tests/core/test_stage_contract.py`` checks every registered stage against
its declaration: the tables it really writes, one transaction, an idempotent re-run, ``skipped`` on an empty
workspace, and that the stages it says it reads are exactly the writers of the tables it says it reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from empathic.store import Store

#: What ``empathic ingest`` writes (and ``comment_attributes``, the view over comment and customer attributes).
INGESTED_TABLES = ("sources", "feedback", "feedback_scores", "feedback_attributes", "feedback_attribute_values",
                   "comment_attributes", "customers", "customer_attributes", "events")  # fmt: skip

#: Tables written outside any stage run, and how to find when they last changed. A stage reading one of them is
#: stale once it changed after the stage's last run started. Extend this when a front door gains a new writer.
EXTERNAL_INPUTS: dict[str, str] = {
    **dict.fromkeys(INGESTED_TABLES, "SELECT max(ingested_at) FROM sources"),
    "theme_edits": "SELECT max(created_at) FROM theme_edits",
    "feelings_corrections": "SELECT max(created_at) FROM feelings_corrections",
}


@dataclass(frozen=True)
class Stage:
    """What one stage is: its name, what it reads, what it writes, and which settings its output depends on.

    Attributes:
        name: the stage name recorded in ``runs`` and accepted by ``analyze --stages``.
        reads_stages: stages whose output tables it reads (in flow order). When one of them has a newer ``ok``
            run, this stage's stored output is stale. Must equal the writers of ``reads`` (checked by the contract
            test), so it cannot drift from the tables.
        reads: workspace tables it reads (its own previous output included when it keeps state, e.g. theme ids).
        writes: workspace tables it replaces or changes, all in one ``store.write()`` transaction.
        requires: the subset of ``reads_stages`` that must run first when this stage is asked for alone (the
            others are optional inputs: e.g. analytics works without themes, and says so).
        settings: sections of :class:`empathic.config.Settings` its output depends on (``"seed"`` for the seed).
        row_functions: dotted names of the per-row functions it runs through the engine
            (:func:`empathic.engine.current_engine`): Arrow batch in, Arrow table out, no I/O, the same rows batch
            by batch as on the whole table. The contract test checks both: that these are exactly the functions
            the stage hands the engine, and that batching never changes their output.
    """

    name: str
    reads_stages: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    settings: tuple[str, ...] = field(default=())
    row_functions: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        extra = set(self.requires) - set(self.reads_stages)
        if extra:
            raise ValueError(f"stage {self.name!r} requires {sorted(extra)} without declaring that it reads them")


@dataclass
class StageResult:
    """Outcome of one stage run: counts for the summary, or ``skipped`` with the reason."""

    stage: str
    skipped: bool = False
    message: str = ""
    counts: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def settings_sections(stage: Stage, settings_json: str | dict[str, Any]) -> dict[str, Any]:
    """The part of a settings tree (its JSON, as stored in ``runs.settings``) that ``stage``'s output depends on."""
    tree = json.loads(settings_json) if isinstance(settings_json, str) else settings_json
    return {section: tree.get(section) for section in stage.settings}


def stale_reason(store: Store, stage: Stage, current: dict[str, Any]) -> str | None:
    """Why the stored output of ``stage`` no longer answers for the workspace, or ``None`` when it is fresh.

    Args:
        store: the workspace.
        stage: the stage's declaration.
        current: the current settings sections it depends on (see :func:`settings_sections`).

    Stale when its last run did not succeed, used other settings, or started before an ``ok`` run of a stage it
    reads finished, or before a table it reads changed outside the stages (an ingest, a theme edit).
    """
    last = store.read_df(
        "SELECT status, settings, started_at FROM runs WHERE stage = ? ORDER BY started_at DESC LIMIT 1", [stage.name]
    )
    if last.empty:
        return f"{stage.name} has not run"
    if last.status.iloc[0] != "ok":
        return f"the last {stage.name} run is {last.status.iloc[0]}"
    try:
        used = settings_sections(stage, last.settings.iloc[0])
    except (TypeError, ValueError):
        return f"the last {stage.name} run has no readable settings"
    if used != current:
        changed = sorted(k for k in current if used.get(k) != current.get(k))
        return f"settings changed since the last {stage.name} run: {', '.join(changed)}"
    since = last.started_at.iloc[0]
    if stage.reads_stages:
        newer = store.read_df(
            "SELECT DISTINCT stage FROM runs WHERE status = 'ok' AND stage IN (SELECT unnest(?::VARCHAR[])) "
            "AND coalesce(finished_at, started_at) > ? ORDER BY stage",
            [list(stage.reads_stages), since],
        )
        if not newer.empty:
            return f"{', '.join(newer.stage)} ran after the last {stage.name} run"
    for sql in dict.fromkeys(EXTERNAL_INPUTS[t] for t in stage.reads if t in EXTERNAL_INPUTS):
        table = sql.rsplit(" ", 1)[-1]
        if store.has_table(table):
            changed_at = store.scalar(sql)
            if changed_at is not None and changed_at > since:
                return f"{table} changed after the last {stage.name} run"
    return None


def run_provenance(store: Store, stage: Stage) -> dict[str, Any] | None:
    """What a stage's stored results came from: its last ``ok`` run and, for each stage it reads, that stage's last
    ``ok`` run finished before it started; with the theme edits (count, newest id) recorded before that themes run,
    i.e. the edits its themes carry. ``None`` before any ``ok`` run of the stage.

    Derived from the ``runs`` and ``theme_edits`` records (both append-only), so it is exact for any stored result.
    """
    last = store.read_df(
        "SELECT run_id, started_at FROM runs WHERE stage = ? AND status = 'ok' ORDER BY started_at DESC LIMIT 1",
        [stage.name],
    )
    if last.empty:
        return None
    run_id, started = str(last.run_id.iloc[0]), last.started_at.iloc[0]
    inputs = {}
    for name in stage.reads_stages:
        found = store.read_df(
            "SELECT run_id, started_at, coalesce(finished_at, started_at) AS finished_at FROM runs WHERE stage = ? "
            "AND status = 'ok' AND coalesce(finished_at, started_at) <= ? ORDER BY started_at DESC LIMIT 1",
            [name, started],
        )
        if not found.empty:
            inputs[name] = {"run_id": str(found.run_id.iloc[0]), "finished_at": found.finished_at.iloc[0]}
    edits = {"n": 0, "last_edit_id": None}
    if "themes" in inputs and store.has_table("theme_edits"):
        themes_started = store.scalar("SELECT started_at FROM runs WHERE run_id = ?", [inputs["themes"]["run_id"]])
        found = store.read_df(
            "SELECT count(*) AS n, arg_max(edit_id, seq) AS last_edit_id FROM theme_edits WHERE created_at <= ?",
            [themes_started],
        )
        edits = {"n": int(found.n.iloc[0]), "last_edit_id": found.last_edit_id.iloc[0]}
    return {"stage": stage.name, "run_id": run_id, "started_at": started, "inputs": inputs, "theme_edits": edits}


def provenance_line(found: dict[str, Any] | None) -> str | None:
    """One line for people: "personas run 3f2a… (2026-12-04 10:02) on themes run 9b1c… with 3 theme edits"."""
    if found is None:
        return None
    parts = [f"{found['stage']} run {found['run_id'][:8]} ({str(found['started_at'])[:16]})"]
    on = [f"{name} run {info['run_id'][:8]}" for name, info in found["inputs"].items()]
    if on:
        parts.append("on " + ", ".join(on))
    if "themes" in found["inputs"]:
        n = found["theme_edits"]["n"]
        parts.append(f"with {n} theme edit{'s' if n != 1 else ''}")
    return " ".join(parts)
