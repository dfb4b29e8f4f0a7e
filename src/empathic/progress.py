"""Progress reporting shared by every stage.

A ``Progress`` is any callable ``progress(task, done, total)``. Stages call it as they go; the CLI renders it
with Rich, the web app stores it in its jobs table, tests pass :func:`silent`.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Receives ``(task, done, total)``; ``total`` is ``None`` when unknown."""

    def __call__(self, task: str, done: int, total: int | None) -> None: ...


def silent(task: str, done: int, total: int | None) -> None:
    """A progress sink that ignores everything (tests, library use)."""
