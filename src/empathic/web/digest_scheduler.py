"""Sends the digest subscriptions that are due, once a minute, while ``empathic serve`` runs.

One daemon thread for the server, started and stopped with the app (its lifespan). Each check goes through
:func:`empathic.team.subscriptions.send_due`, which records every send (and every failure) in the workspace's
activity log. Without a running server, cron does the same job: ``empathic digest … --smtp/--webhook``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from empathic.team.activity import now_utc
from empathic.team.subscriptions import Guard, send_due

__all__ = ["DigestScheduler", "Guard"]
_log = logging.getLogger("empathic.web")


class DigestScheduler:
    """Checks every ``interval_s`` seconds; :meth:`stop` ends the thread within one check.

    ``guard`` says what the server may deliver to (``web.delivery_allow``, ``web.digest_folder``); ``clock`` tells
    the time (UTC; tests pass a fake one and call :meth:`check`).
    """

    def __init__(
        self,
        workspaces: Mapping[str, Any],
        interval_s: float = 60.0,
        *,
        guard: Guard | None = None,
        clock: Callable[[], datetime] = now_utc,
    ) -> None:
        self.workspaces = workspaces
        self.interval_s = interval_s
        self.guard = guard if guard is not None else Guard()
        self.clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def check(self) -> list[tuple[str, str]]:
        """Send what is due in every writable workspace now; returns ``(subscription_id, outcome)``."""
        sent = []
        now = self.clock()
        for name, ws in self.workspaces.items():
            if getattr(ws.store, "read_only", False):
                continue
            try:
                sent += send_due(ws.store, now, self.guard)
            except Exception:  # a broken workspace must not stop the others' digests
                _log.exception("digest check failed for workspace %s", name)
        return sent

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="empathic-digests", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.check()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
