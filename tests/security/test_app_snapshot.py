"""Snapshot copies (read-only commands beside ``empathic serve``): leftovers of killed commands are removed, and a
copy that cannot be made is a clear error. The end-to-end path with a real server is in test_app_serve_lock.py."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from empathic.errors import WorkspaceError
from empathic.store import snapshot


def test_orphaned_snapshot_folders_are_removed_live_ones_kept(tmp_path: Path) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(gone.stdout)
    orphan = tmp_path / f"{snapshot.PREFIX}{dead_pid}-abc"
    live = tmp_path / f"{snapshot.PREFIX}{os.getpid()}-def"
    unrelated = tmp_path / "empathic-uploads-xyz"
    for folder in (orphan, live, unrelated):
        folder.mkdir()
        (folder / "ws.empathic").write_bytes(b"copy")
    assert snapshot.remove_orphans(tmp_path) == 1
    assert not orphan.exists() and live.exists() and unrelated.exists()


def test_a_copy_that_cannot_be_made_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "ws.empathic"
    source.write_bytes(b"x" * 1024)
    target = tmp_path / "snap"
    target.mkdir()

    def no_space(src, dst, *args, **kwargs):  # the OS error a full temporary folder gives
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))

    monkeypatch.setattr(shutil, "copyfile", no_space)
    with pytest.raises(WorkspaceError, match="could not be copied.*No space left") as caught:
        snapshot.copy_workspace(source, target)
    assert "TMPDIR" in caught.value.hint
