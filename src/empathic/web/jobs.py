"""Background jobs (ingest + analyse) whose progress lives in the accounts file, so a page reload sees it.

One worker thread per server runs jobs one at a time (the machine is small and a workspace has one writer).
Progress updates are throttled to a few per second per job.
"""

from __future__ import annotations

import queue
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from empathic.errors import EmpathicError
from empathic.web.accounts import Accounts

JobFn = Callable[[Callable[[str, int, int | None], None]], str]
Listener = Callable[[str], None]


class JobRunner:
    """Queues jobs and runs them on one daemon thread.

    Args:
        accounts: where job rows (status, progress, message) are stored.
        min_interval_s: least time between two stored progress updates of one task (the last one always lands).
        on_finish: called with the workspace name after each job (cache invalidation).
        redact: applied to every stored message (jobs are shown to viewers: no server paths).
    """

    def __init__(
        self,
        accounts: Accounts,
        min_interval_s: float = 0.3,
        on_finish: Listener | None = None,
        redact: Callable[[str], str | None] | None = None,
    ) -> None:
        self.accounts = accounts
        self.on_finish = on_finish
        self.redact = redact or (lambda text: text)
        self.min_interval_s = min_interval_s
        self._queue: queue.Queue[tuple[str, str, JobFn] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._work, name="empathic-jobs", daemon=True)
        self._thread.start()

    def submit(self, workspace: str, kind: str, username: str | None, fn: JobFn) -> str:
        """Queue ``fn(progress) -> message`` and return the job id at once."""
        job_id = self.accounts.create_job(workspace, kind, username)
        self._queue.put((job_id, workspace, fn))
        return job_id

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is None:
                    return
                self._run(*item)
            finally:
                self._queue.task_done()

    def _run(self, job_id: str, workspace: str, fn: JobFn) -> None:
        try:
            self._run_job(job_id, fn)
        finally:
            if self.on_finish is not None:
                self.on_finish(workspace)

    def _run_job(self, job_id: str, fn: JobFn) -> None:
        state: dict[str, Any] = {}
        last = [0.0]

        def progress(task: str, done: int, total: int | None) -> None:
            state[task] = {"done": int(done), "total": None if total is None else int(total)}
            now = time.monotonic()
            finished = total is not None and done >= total
            if finished or now - last[0] >= self.min_interval_s:
                last[0] = now
                self.accounts.update_job(job_id, progress=state)

        self.accounts.update_job(job_id, status="running")
        try:
            message = fn(progress)
        except EmpathicError as exc:
            self.accounts.update_job(job_id, status="failed", progress=state, message=self.redact(str(exc)))
        except Exception as exc:  # a bug: keep a short trace in the job for the report
            tail = traceback.format_exc()[-1500:]
            text = self.redact(f"{type(exc).__name__}: {exc}\n{tail}")
            self.accounts.update_job(job_id, status="failed", progress=state, message=text)
        else:
            self.accounts.update_job(job_id, status="done", progress=state, message=self.redact(message))

    def wait_idle(self, timeout_s: float = 60.0) -> None:
        """Block until the queue is empty and the current job finished (tests, shutdown)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._queue.unfinished_tasks == 0:
                return
            time.sleep(0.05)

    def stop(self) -> None:
        """Ask the worker to finish after the current job."""
        self._queue.put(None)
