"""A failed FIRST ingest leaves no workspace file behind; a failed later ingest leaves the workspace as it was."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from empathic import Workspace
from empathic.errors import InputError

GOOD = "id,review\n1,The parcel arrived two days late and the box was crushed\n2,Lovely fabric and it fits well\n"
BAD = "id,review\n1,only a header and a row\n2,this row, has, too many, fields\n"  # ragged rows


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "good.csv").write_text(GOOD)
    (tmp_path / "bad.csv").write_text(BAD)
    return {"good": tmp_path / "good.csv", "bad": tmp_path / "bad.csv", "ws": tmp_path / "new.empathic"}


def _leftovers(ws: Path) -> list[Path]:
    return sorted(ws.parent.glob(ws.name + "*"))


def test_cli_first_ingest_that_fails_leaves_no_file(files: dict[str, Path]) -> None:
    exe = Path(sys.executable).with_name("empathic")
    proc = subprocess.run(
        [str(exe), "ingest", str(files["ws"]), str(files["bad"]), "-q"],
        capture_output=True,
        text=True,
        env=os.environ,
        timeout=300,
        check=False,
    )
    assert proc.returncode != 0
    assert "error" in proc.stderr.lower() and "Traceback" not in proc.stderr
    assert _leftovers(files["ws"]) == []  # neither new.empathic nor new.empathic.wal


def test_api_first_ingest_that_fails_leaves_no_file_and_the_workspace_still_works(files: dict[str, Path]) -> None:
    ws = Workspace.open(files["ws"])
    try:
        with pytest.raises(InputError):
            ws.ingest(files["bad"])
        assert _leftovers(files["ws"]) == []
        summary = ws.ingest(files["good"])  # the same object keeps working: the file comes back on first use
        assert summary.n_inserted == 2
    finally:
        ws.close()
    assert files["ws"].exists()
    with Workspace.open(files["ws"], read_only=True) as again:
        assert again.store.count("feedback") == 2


def test_a_later_failure_keeps_the_workspace(files: dict[str, Path]) -> None:
    with Workspace.open(files["ws"]) as ws:
        ws.ingest(files["good"])
        with pytest.raises(InputError):
            ws.ingest(files["bad"])
        assert ws.store.count("feedback") == 2
    assert files["ws"].exists()


def test_an_existing_empty_workspace_is_not_deleted(files: dict[str, Path]) -> None:
    """Only a file this process just created is removed: an empty workspace someone made earlier stays."""
    Workspace.open(files["ws"]).close()
    with Workspace.open(files["ws"]) as ws, pytest.raises(InputError):
        ws.ingest(files["bad"])
    assert files["ws"].exists()
