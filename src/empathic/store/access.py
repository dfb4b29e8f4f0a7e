"""Why a workspace cannot be opened or written, said plainly: read-only files and folders, and locks held elsewhere.

DuckDB reports these as raw I/O errors ("Cannot open file …: Operation not permitted", "Could not set lock on file …
Conflicting lock is held in … (PID 123)"), and a read-only *folder* only fails at the first commit, when DuckDB
creates its journal (``WORKSPACE.wal``) beside the file — as a traceback. Issue 16 asks for a message that says the
workspace is read-only, or in use, and what to do. These helpers keep that knowledge in one place; the
:class:`~empathic.store.store.Store` and :meth:`empathic.workspace.Workspace.open` call them.
"""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

from empathic.errors import WorkspaceError

#: Commands that only read a workspace: they work on a read-only file, and on a snapshot while another program
#: (such as ``empathic serve``) holds the workspace. tests/security/test_read_only_commands.py keeps it in step
#: with the commands that open their workspace read-only.
READ_ONLY_COMMANDS = (
    "info, themes, feelings, scores, drivers, segments, trends, alerts, compare, search, export, report, ideas, "
    "empathy-map, usage, why, personas, customers, customer, owners list, owners history, notes list, activity, "
    "digest, brief"
)

#: Words in an OS or DuckDB error that mean "not allowed to write here".
_DENIED = ("permission denied", "operation not permitted", "read-only file system", "readonly database")
_DENIED_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS}
_LOCK_PID = re.compile(r"\(PID (\d+)\)")


def check_writable(path: str | Path) -> None:
    """Refuse, before DuckDB is asked, to open for writing a workspace whose file or folder cannot be written.

    A workspace that does not exist yet only needs its folder. Root bypasses permission bits, so for root only
    immutable (``chattr +i``) files and read-only mounts count, exactly as the kernel decides.
    """
    target = Path(path)
    if str(path) == ":memory:" or not target.parent.exists():
        return  # the Store gives its own clear error for a missing folder
    if target.exists() and not target.is_dir() and not os.access(target, os.W_OK):
        raise WorkspaceError(
            f"workspace {target} is read-only: this user cannot write the file",
            hint=f"make it writable (check its owner and permissions, e.g. `chmod u+w {target}`) or copy it to a "
            f"writable folder; commands that only read it still work ({READ_ONLY_COMMANDS})",
        )
    if not os.access(target.parent, os.W_OK):
        doing = "change" if target.exists() else "create"
        raise WorkspaceError(
            f"the folder {target.parent} is read-only: empathic cannot {doing} the workspace {target.name} there "
            f"(a workspace that changes needs its folder for the journal file {target.name}.wal)",
            hint="make the folder writable or use a workspace in a writable folder; commands that only read an "
            f"existing workspace still work ({READ_ONLY_COMMANDS})",
        )


def is_denied(exc: BaseException) -> bool:
    """True if ``exc`` (an OSError, DuckDB or sqlite error) means the OS refused a write or an open."""
    if isinstance(exc, OSError) and exc.errno in _DENIED_ERRNOS:
        return True
    text = str(exc).lower()
    return any(word in text for word in _DENIED)


def denied_os_error(exc: OSError) -> WorkspaceError:
    """A refused file operation (``PermissionError``, read-only file system) as an error naming the file."""
    where = exc.filename or "a file"
    return WorkspaceError(
        f"cannot use {where}: {exc.strerror or exc} (this user may not read or write it: a read-only file or folder?)",
        hint="check the permissions of the file and its folder, or choose a file in a writable folder (e.g. -o PATH)",
    )


def write_error(exc: BaseException, path: str) -> BaseException:
    """The error to raise when committing to workspace ``path`` failed: a clear one if writing was refused."""
    if not is_denied(exc):
        return exc
    return WorkspaceError(
        f"cannot write workspace {path}: the file or its folder became read-only "
        f"({str(exc).splitlines()[0]}); nothing of this change was kept",
        hint="make the workspace file and its folder writable, then run the command again",
    )


def lock_holder(message: str) -> int | None:
    """The process id DuckDB names in a lock conflict (``… Conflicting lock is held in … (PID 123)``), if any."""
    match = _LOCK_PID.search(message)
    return int(match.group(1)) if match else None


def is_lock_conflict(exc: BaseException) -> bool:
    """True if opening failed because another process holds the workspace (DuckDB's wording, not a path's)."""
    text = str(exc).lower()
    return "could not set lock" in text or "conflicting lock" in text


def denied_error(path: str | Path, exc: BaseException) -> WorkspaceError:
    """The error for a workspace the OS will not let this user open at all."""
    reason = str(exc).splitlines()[0].rsplit(":", 1)[-1].strip() or "permission denied"
    return WorkspaceError(
        f"cannot open workspace {path}: {reason}",
        hint="check the file's owner and permissions: reading needs read access to the file; commands that change "
        "it also need write access to the file and its folder",
    )


def locked_error(path: str | Path, message: str) -> WorkspaceError:
    """The error for a command that must write a workspace another process holds (e.g. ``empathic serve``)."""
    pid = lock_holder(message)
    who = f"another program (process {pid})" if pid else "another program"
    return WorkspaceError(
        f"workspace {path} is in use by {who}, for example `empathic serve`; only one program can change it at a time",
        hint="stop that program first, or make this change in the web app it serves; commands that only read the "
        f"workspace ({READ_ONLY_COMMANDS}) still work while it runs, on a snapshot",
    )
