"""Reading a workspace that another process holds for writing, from a snapshot copy.

DuckDB lets one process write a file and refuses every other process — even a read-only open — while it does
(``Could not set lock on file … Conflicting lock is held``). So while ``empathic serve`` runs, ``empathic info`` or
``empathic export`` could not read the workspace at all, and the old hint to "open it read-only" was not true
(issue 16). A read-only command instead copies the file and its journal (``.wal``) to a private temporary folder and
opens the copy read-only: DuckDB replays the journal in memory, so the copy shows every committed change. The copy is
taken when neither file changes during it (else it is retried), and removed when the store closes.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from datetime import datetime
from pathlib import Path

from empathic.errors import WorkspaceError
from empathic.store.access import check_writable, denied_error, is_denied, is_lock_conflict, lock_holder, locked_error
from empathic.store.store import Store

#: Copy attempts before giving up on a workspace that is being written the whole time.
ATTEMPTS = 5
#: Snapshot folders are named ``empathic-snapshot-<pid>-…`` so one left by a killed command can be recognised.
PREFIX = "empathic-snapshot-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def remove_orphans(root: Path | None = None) -> int:
    """Delete snapshot folders whose process is gone (a command killed while it read); returns how many."""
    removed = 0
    for folder in Path(root or tempfile.gettempdir()).glob(f"{PREFIX}*"):
        pid = folder.name[len(PREFIX) :].split("-", 1)[0]
        if folder.is_dir() and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def _state(files: list[Path]) -> tuple:
    """Size and modification time of each file (None when absent): equal before and after = a consistent copy."""
    out = []
    for f in files:
        try:
            st = f.stat()
            out.append((st.st_size, st.st_mtime_ns))
        except FileNotFoundError:
            out.append(None)
    return tuple(out)


def copy_workspace(path: Path, folder: Path) -> Path:
    """Copy ``path`` and its ``.wal`` into ``folder`` while neither changes; returns the copy's path."""
    files = [path, path.with_name(path.name + ".wal")]
    target = folder / path.name
    for attempt in range(ATTEMPTS):
        before = _state(files)
        try:
            for source in files:
                destination = folder / source.name
                destination.unlink(missing_ok=True)
                if source.exists():
                    shutil.copyfile(source, destination)
        except OSError as exc:  # e.g. no space left in the temporary folder
            raise WorkspaceError(
                f"workspace {path} is in use by another program, and a snapshot to read could not be copied to "
                f"{folder.parent}: {exc.strerror or exc}",
                hint="free space there (or point TMPDIR at a roomier folder), or stop the other program",
            ) from None
        if _state(files) == before:
            return target
        time.sleep(0.2 * (attempt + 1))
    raise WorkspaceError(
        f"workspace {path} is in use by another program and kept changing while a snapshot was copied",
        hint="try again when it has finished writing (e.g. when the analysis in `empathic serve` is done)",
    )


class SnapshotStore(Store):
    """A read-only :class:`Store` over a private copy of a workspace another process holds.

    ``path`` stays the original workspace (what people see); ``taken_at`` says when the copy was made and
    ``holder`` which process holds the original (when DuckDB said).
    """

    is_snapshot = True

    def __init__(self, path: str | Path, *, holder: int | None = None) -> None:
        original = Path(path)
        self.holder = holder
        remove_orphans()
        self._folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
        try:
            copy = copy_workspace(original, self._folder)
            self.taken_at = datetime.now()
            super().__init__(copy, create=False, read_only=True)
        except BaseException:
            shutil.rmtree(self._folder, ignore_errors=True)
            raise
        self.path = str(path)

    def close(self) -> None:
        """Close the copy and delete it."""
        try:
            super().close()
        finally:
            shutil.rmtree(self._folder, ignore_errors=True)


def open_store(
    path: str | Path, *, create: bool = True, read_only: bool = False, snapshot_if_locked: bool = False
) -> Store:
    """Open a workspace's :class:`Store`, turning the OS's and DuckDB's refusals into errors that say what to do.

    Args:
        create: create the file when missing (not with ``read_only``).
        read_only: open without write access.
        snapshot_if_locked: with ``read_only``, read a :class:`SnapshotStore` when another process holds the file.

    Raises:
        WorkspaceError: the file or folder is read-only (for a writing open), another program holds the workspace
            (for a writing open, or without ``snapshot_if_locked``), or the OS refuses access.
    """
    if not read_only:
        check_writable(path)
    try:
        return Store(path, create=create, read_only=read_only)
    except WorkspaceError as exc:
        if is_lock_conflict(exc):
            if read_only and snapshot_if_locked:
                return SnapshotStore(path, holder=lock_holder(exc.message))
            raise locked_error(path, exc.message) from None
        if is_denied(exc):
            raise denied_error(path, exc) from None
        raise
