"""Unconfirmed uploads: one folder per upload, removed on success, on failure, at server stop and after an age.

An uploaded file waits on the server between "upload and inspect" and "ingest" (the analyst confirms the
column roles in between). Each upload gets its own folder named by a random id (the only handle a browser ever
sees), so nothing a client sends becomes a path. The folder goes away when the ingest job ends (done or failed),
when inspecting the file fails, when the server stops, and — for uploads nobody confirmed — once it is older than
``web.upload_max_age_s`` (swept when the app starts and at every upload).
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
import uuid
from pathlib import Path

from empathic.errors import InputError

_UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")


class Uploads:
    """The folder of pending uploads.

    Args:
        root: where upload folders are made; None = a fresh temporary folder, itself removed by :meth:`close`.
        max_age_s: an upload folder older than this is deleted by :meth:`sweep`.
    """

    def __init__(self, root: str | Path | None, max_age_s: int) -> None:
        self.owned = root is None
        self.root = Path(tempfile.mkdtemp(prefix="empathic-uploads-")) if root is None else Path(root)
        self.max_age_s = max_age_s

    def new(self) -> tuple[str, Path]:
        """A fresh, empty upload folder and its id (old folders are swept first)."""
        self.sweep()
        upload_id = uuid.uuid4().hex
        folder = self.root / upload_id
        folder.mkdir(parents=True)
        return upload_id, folder

    def file(self, upload_id: str) -> Path:
        """The uploaded file of ``upload_id``; a clear error for a malformed, expired or finished one."""
        if not _UPLOAD_ID.match(upload_id):
            raise InputError("invalid upload id", hint="upload the file again")
        folder = self.root / upload_id
        files = sorted(folder.glob("*")) if folder.is_dir() else []
        if not files:
            raise InputError("the uploaded file is gone", hint="upload the file again")
        return files[0]

    def remove(self, folder: Path) -> None:
        """Delete one upload folder (only ever a direct child of the root)."""
        if folder.parent == self.root and _UPLOAD_ID.match(folder.name):
            shutil.rmtree(folder, ignore_errors=True)

    def sweep(self, now: float | None = None) -> int:
        """Delete upload folders older than ``max_age_s``; returns how many went."""
        if not self.root.is_dir():
            return 0
        cutoff = (time.time() if now is None else now) - self.max_age_s
        old = [f for f in self.pending() if f.stat().st_mtime < cutoff]
        for folder in old:
            self.remove(folder)
        return len(old)

    def pending(self) -> list[Path]:
        """Every upload folder still on disk."""
        if not self.root.is_dir():
            return []
        return sorted(f for f in self.root.iterdir() if f.is_dir() and _UPLOAD_ID.match(f.name))

    def close(self) -> None:
        """Server stop: delete every pending upload (and the root when this object made it)."""
        for folder in self.pending():
            self.remove(folder)
        if self.owned:
            shutil.rmtree(self.root, ignore_errors=True)
