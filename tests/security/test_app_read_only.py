"""A read-only workspace file or folder: every command says so and what to do — never a traceback (issue 16).

Tests run as root, where permission bits do not stop writes. A *truly* read-only file is made with the immutable
attribute (``chattr +i``: even root cannot write, create or delete), which the kernel reports exactly as a
read-only file (EPERM, ``os.access(..., W_OK)`` false). As another user, ``chmod`` is used instead. If neither works
(no chattr, a filesystem without attributes) the tests skip rather than pretend.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
from app_cli import cli_fixture  # noqa: F401 - the shared `cli` fixture

from empathic.errors import WorkspaceError
from empathic.workspace import Workspace

FRAME = pd.DataFrame(
    {
        "id": ["1", "2", "3"],
        "comment": ["Lovely fabric. Runs small.", "Shipping was slow.", "Great support team."],
        "nps": [9, 3, 10],
    }
)


@pytest.fixture
def read_only() -> Iterator[Callable[[Path], None]]:
    """``read_only(path)`` makes a file or folder read-only for this process until the test ends."""
    done: list[tuple[Path, int]] = []

    def make(path: Path) -> None:
        if os.geteuid() == 0:
            if shutil.which("chattr") is None:
                pytest.skip("running as root without chattr: cannot make a read-only file")
            result = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
            if result.returncode != 0:
                pytest.skip(f"chattr +i is not possible here: {result.stderr.strip()}")
            done.append((path, -1))
        else:
            mode = path.stat().st_mode
            path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
            done.append((path, mode))
        assert not os.access(path, os.W_OK), f"{path} is still writable"

    yield make
    for path, mode in reversed(done):
        if mode == -1:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        else:
            path.chmod(mode)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    folder = tmp_path / "shared"
    folder.mkdir()
    path = folder / "shop.empathic"
    with Workspace.open(path) as ws:
        ws.ingest(FRAME, text="comment", score=["nps:nps"])
    (folder / "more.csv").write_text("id,comment\n9,Another comment about sizes\n", encoding="utf-8")
    return path


def test_read_only_workspace_file(workspace: Path, read_only, cli, tmp_path: Path) -> None:
    read_only(workspace)
    for command in (
        ["ingest", workspace, workspace.parent / "more.csv", "-q"],
        ["analyze", workspace, "--stage", "sentences", "-q"],
        ["themes", "edit", "create", workspace, "sizing", "-k", "small"],
        ["serve", workspace, "--port", "9"],  # refused before anything binds
    ):
        code, _, err = cli(*command)
        assert code == 2, command
        assert f"workspace {workspace} is read-only" in err and "chmod u+w" in err, (command, err)
        assert "commands that only read it still work" in err
    code, out, _ = cli("info", workspace)
    assert code == 0 and "feedback" in out
    code, out, _ = cli("export", workspace, "comments", "-o", tmp_path / "out.csv")
    assert code == 0 and len(pd.read_csv(tmp_path / "out.csv")) == 3


def test_read_only_folder(workspace: Path, read_only, cli) -> None:
    folder = workspace.parent
    read_only(folder)
    code, _, err = cli("ingest", folder / "new.empathic", folder / "more.csv", "-q")
    assert code == 2 and f"the folder {folder} is read-only" in err and "cannot create" in err
    assert not (folder / "new.empathic").exists()
    for command in (
        ["ingest", workspace, folder / "more.csv", "-q"],
        ["analyze", workspace, "--stage", "sentences", "-q"],
        ["serve", workspace, "--port", "9"],
    ):
        code, _, err = cli(*command)
        assert code == 2 and f"the folder {folder} is read-only" in err and "cannot change" in err, (command, err)
    code, _, err = cli("users", "add", workspace, "bob", "--password", "correct horse battery")
    assert code == 2 and "accounts file" in err and "read-only" in err and "--auth PATH" in err
    code, _, err = cli("export", workspace, "comments", "-o", folder / "out.csv")
    assert code == 2 and f"cannot write {folder / 'out.csv'}" in err and "-o PATH" in err
    code, _, err = cli("report", workspace, "-o", folder / "report.html")
    assert code == 2 and "report.html" in err and "read-only" in err
    code, out, _ = cli("info", workspace)
    assert code == 0 and "feedback" in out
    assert sorted(p.name for p in folder.iterdir()) == ["more.csv", "shop.empathic"]  # nothing was written


def test_folder_turning_read_only_mid_session_is_a_clear_error(workspace: Path, read_only) -> None:
    with Workspace.open(workspace) as ws:
        assert not Path(f"{workspace}.wal").exists()  # the journal must be created by the next commit
        read_only(workspace.parent)
        with pytest.raises(WorkspaceError, match="became read-only.*nothing of this change was kept"):
            ws.ingest(pd.DataFrame({"id": ["z"], "comment": ["one more comment"]}), text="comment")
    with Workspace.open(workspace, read_only=True) as ws:
        assert ws.store.count("feedback") == 3
