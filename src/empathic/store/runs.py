"""Analysis runs that outlived their process: a ``running`` row whose stage nobody is executing any more.

A stage records ``running`` in its own committed transaction before it works, so a ``kill -9`` (or a crash, or a
power cut) mid-stage leaves that row behind forever (issue 16). DuckDB lets only one process open a workspace for
writing, so whoever opens it read-write knows that no *other* process is running a stage; the stages of *this*
process are in :data:`ACTIVE_RUNS`. Every other ``running`` row is stale and is marked ``failed`` with a message
that says what happened and what to do.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from empathic.store.store import Store

#: Run ids of the stages this process is executing right now (any thread, any open Store).
ACTIVE_RUNS: set[str] = set()
_ACTIVE_LOCK = threading.Lock()

#: SQL condition (one parameter: the active run ids) for a ``runs`` row no stage of this process is executing.
STALE_RUNNING = "status = 'running' AND NOT list_contains(?::VARCHAR[], run_id)"

INTERRUPTED_MESSAGE = (
    "interrupted: the process running this stage ended before it finished (killed, crashed or the machine stopped); "
    "nothing it was writing was kept. Noticed when the workspace was opened at {now} UTC. "
    "Run `empathic analyze WORKSPACE` again."
)


@contextmanager
def active_run(run_id: str) -> Iterator[None]:
    """Mark ``run_id`` as executing in this process for the duration of the block."""
    with _ACTIVE_LOCK:
        ACTIVE_RUNS.add(run_id)
    try:
        yield
    finally:
        with _ACTIVE_LOCK:
            ACTIVE_RUNS.discard(run_id)


def active_run_ids() -> list[str]:
    """A copy of :data:`ACTIVE_RUNS` (safe to pass as a query parameter)."""
    with _ACTIVE_LOCK:
        return sorted(ACTIVE_RUNS)


def fail_interrupted_runs(store: Store) -> int:
    """Mark every ``running`` row that no stage of this process executes as ``failed``; returns how many.

    Call only on a store opened read-write (then no other process can be writing the workspace). Workspaces from
    before the ``runs`` table (or a read-only store) are left alone.
    """
    if store.read_only or not store.has_table("runs"):
        return 0
    stale = STALE_RUNNING
    active = active_run_ids()
    if not store.scalar(f"SELECT count(*) FROM runs WHERE {stale}", [active]):
        return 0  # the usual case: no write transaction on open
    now = datetime.now(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S")
    with store.write() as con:
        n = con.execute(f"SELECT count(*) FROM runs WHERE {stale}", [active]).fetchone()[0]
        con.execute(
            f"UPDATE runs SET status = 'failed', message = ? WHERE {stale}",
            [INTERRUPTED_MESSAGE.format(now=now), active],
        )
    return int(n)
