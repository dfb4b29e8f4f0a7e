"""A stage killed with SIGKILL does not stay ``running`` forever, and ``empathic info`` never prints nan/NaT/None.

Issue 16. Same approach as ``tests/foundation/test_foundation_sigkill.py``: a real subprocess, killed with SIGKILL
while it works. Here it runs the real pipeline (``pipeline.run_stage``) with a stage that signals it has started
and then waits, so the kill always lands mid-stage, whatever the machine's speed.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import textwrap
import time
import types
from pathlib import Path

import pandas as pd
import pytest

from empathic import pipeline
from empathic.cli.main import main
from empathic.stage import StageResult
from empathic.workspace import Workspace

HUMAN_UNFRIENDLY = re.compile(r"\b(nan|NaN|NaT|None|<NA>)\b")

CHILD = textwrap.dedent(
    """
    import sys, time, types
    from pathlib import Path
    from empathic import pipeline
    from empathic.stage import StageResult
    from empathic.workspace import Workspace

    workspace, marker = sys.argv[1], Path(sys.argv[2])

    def run(store, settings, progress):
        marker.write_text("started")
        time.sleep(120)  # killed long before this ends
        return StageResult(stage="slow")

    ws = Workspace.open(workspace)
    ws.analyze(stages=["sentences"])
    pipeline.run_stage(ws.store, types.SimpleNamespace(NAME="slow", REQUIRES=(), run=run), ws.settings)
    """
)


@pytest.fixture
def killed_workspace(tmp_path: Path) -> Path:
    """A workspace whose 'slow' stage was SIGKILLed mid-run (its 'sentences' stage finished first)."""
    path = tmp_path / "killed.empathic"
    frame = pd.DataFrame({"id": ["1", "2"], "comment": ["Lovely fabric. Runs small.", "Slow shipping."]})
    with Workspace.open(path) as ws:
        ws.ingest(frame, text="comment")
    marker = tmp_path / "started"
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), str(marker)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the child never started its stage"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    return path


def _statuses(path: Path, *, read_only: bool) -> dict[str, str]:
    with Workspace.open(path, read_only=read_only) as ws:
        runs = ws.info()["runs"]
    return dict(zip(runs.stage, runs.status, strict=True))


def test_killed_stage_is_marked_failed_on_next_open(killed_workspace: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")
    # read-only (nothing may be written): shown as interrupted, the file still says running
    assert _statuses(killed_workspace, read_only=True) == {"sentences": "ok", "slow": "interrupted"}
    assert main(["info", str(killed_workspace)]) == 0
    out = capsys.readouterr().out
    assert "interrupted" in out and not HUMAN_UNFRIENDLY.search(out), out

    # the next read-write open marks it failed, with a message that says what happened and what to do
    with Workspace.open(killed_workspace) as ws:
        row = ws.sql("SELECT status, finished_at, message FROM runs WHERE stage = 'slow'").iloc[0]
    assert row.status == "failed" and pd.isna(row.finished_at)
    assert row.message.startswith("interrupted:") and "empathic analyze" in row.message
    assert _statuses(killed_workspace, read_only=True) == {"sentences": "ok", "slow": "failed"}

    assert main(["info", str(killed_workspace)]) == 0
    out = capsys.readouterr().out
    assert "failed" in out and "interrupted:" in out and not HUMAN_UNFRIENDLY.search(out), out


def test_next_analyze_marks_it_too(killed_workspace: Path) -> None:
    with Workspace.open(killed_workspace, read_only=True) as ws:  # read-only open: the row stays as it was
        assert ws.sql("SELECT status FROM runs WHERE stage = 'slow'").status.tolist() == ["running"]
    from empathic.config import Settings
    from empathic.store import Store

    with Store(killed_workspace) as store:  # the pipeline on a bare Store (no Workspace.open) sweeps as well
        pipeline.analyze(store, Settings(), stages=["sentences"])
        assert store.read_df("SELECT status FROM runs WHERE stage = 'slow'").status.tolist() == ["failed"]


def test_a_stage_running_in_this_process_is_left_running(tmp_path: Path) -> None:
    path = tmp_path / "live.empathic"
    seen: list[str] = []

    def run(store, settings, progress) -> StageResult:
        with Workspace.open(path) as second:  # another read-write open while the stage works
            seen.extend(second.sql("SELECT status FROM runs WHERE stage = 'live'").status)
        return StageResult(stage="live")

    with Workspace.open(path) as ws:
        pipeline.run_stage(ws.store, types.SimpleNamespace(NAME="live", REQUIRES=(), run=run), ws.settings)
        final = ws.sql("SELECT status FROM runs WHERE stage = 'live'").status.tolist()
    assert seen == ["running"] and final == ["ok"]
