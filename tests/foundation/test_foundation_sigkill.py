"""Atomicity: ``kill -9`` in the middle of a large ingest leaves the workspace exactly as it was before.

A real subprocess (the installed CLI) ingests a generated 300k-row CSV and is killed with SIGKILL while it works.
We wait until it has the CSV open before starting the kill window, and retry with another delay if the ingest
finished first, so the test asserts only what must hold and does not depend on machine speed.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest
from foundation_data import expected_aggregates, write_survey_csv
from foundation_helpers import table_counts

from empathic import Workspace

BIG_ROWS = 300_000
#: Seconds to let the ingest run after it opened the CSV; later attempts try other phases (read, validate, write).
KILL_DELAYS = (1.0, 0.3, 2.5, 0.05, 4.0, 0.0)

SMALL = pd.DataFrame(
    {
        "id": ["S1", "S2", "S3"],
        "customer": ["old-1", "old-2", "old-1"],
        "date": ["2022-05-01 10:00:00", "2022-05-02 11:00:00", "2022-05-03 12:00:00"],
        "nps": [3, 8, 10],
        "plan": ["free", "pro", "pro"],
        "region": ["EU", "US", "EU"],
        "comment": [
            "Older feedback that must survive an interrupted ingest",
            "Another earlier comment about the reporting screens",
            "The third and last comment of the previous import",
        ],
    }
)


def _wait_until_reading(proc: subprocess.Popen, csv_path: Path, timeout: float = 60.0) -> bool:
    """Poll until ``proc`` has ``csv_path`` open (True) or has exited (False)."""
    ps = psutil.Process(proc.pid)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            if any(Path(f.path) == csv_path for f in ps.open_files()):
                return True
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            return False
        time.sleep(0.01)
    raise AssertionError("the ingest subprocess never opened the CSV")


@pytest.mark.slow
def test_sigkill_mid_ingest_leaves_previous_state_and_rerun_completes(tmp_path: Path) -> None:
    big = write_survey_csv(tmp_path / "big.csv", BIG_ROWS)
    truth = expected_aggregates(big)
    template = tmp_path / "template.empathic"
    with Workspace.open(template) as ws:
        ws.ingest(SMALL)
    before = table_counts(template)

    killed_at: float | None = None
    target = tmp_path / "killed.empathic"
    for delay in KILL_DELAYS:
        for leftover in (target, target.with_name(target.name + ".wal")):
            leftover.unlink(missing_ok=True)
        shutil.copy(template, target)
        proc = subprocess.Popen(
            [sys.executable, "-m", "empathic.cli.main", "ingest", str(target), str(big), "-q"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            if _wait_until_reading(proc, big):
                time.sleep(delay)
                if proc.poll() is None:
                    proc.send_signal(signal.SIGKILL)
                    killed_at = delay
        finally:
            _, err = proc.communicate(timeout=120)
        if killed_at is not None:
            assert proc.returncode == -signal.SIGKILL
            break
        assert proc.returncode == 0, err.decode()  # finished before the kill: try a shorter window
    else:
        pytest.fail("every ingest finished before it could be killed; lower KILL_DELAYS")

    # The workspace opens (WAL replayed, uncommitted work discarded) and shows exactly the previous state.
    with Workspace.open(target) as ws:
        assert table_counts(ws) == before, f"killed after {killed_at}s"
        assert ws.sql("SELECT feedback_id FROM feedback ORDER BY 1")["feedback_id"].tolist() == ["S1", "S2", "S3"]
        assert ws.store.scalar("SELECT count(*) FROM sources WHERE path = ?", [str(big)]) == 0

        # Re-running completes the ingest: counts equal a clean ingest of both files.
        summary = ws.ingest(big)
        assert (summary.n_inserted, summary.n_updated) == (BIG_ROWS, 0)
        after = table_counts(ws)
    assert after == {
        **before,
        "sources": before["sources"] + 1,
        "feedback": before["feedback"] + BIG_ROWS,
        "feedback_scores": before["feedback_scores"] + BIG_ROWS,
        "feedback_attributes": before["feedback_attributes"] + 2 * BIG_ROWS,  # plan and region
        "comment_attributes": before["comment_attributes"] + 2 * BIG_ROWS,  # the view: no customer attributes here
        "customers": before["customers"] + truth["customers"],
    }
