"""A per-workspace cache of read models, invalidated exactly when the server writes.

While ``empathic serve`` runs, it holds the DuckDB workspace open for writing, so every change to the data goes
through this process: a background job (ingest/analyse) or a theme edit. Each of those bumps the workspace's
generation, which is part of every cache key, so a reader never sees stale results after a write has finished.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class ReadCache:
    """LRU cache of computed page contexts / API answers, keyed by (workspace, generation, key).

    Args:
        max_entries: how many results to keep (the least recently used are dropped first).
    """

    def __init__(self, max_entries: int = 512) -> None:
        self.max_entries = max_entries
        self._items: OrderedDict[tuple[Hashable, ...], Any] = OrderedDict()
        self._generation: dict[str, int] = {}
        self._lock = threading.Lock()

    def generation(self, workspace: str) -> int:
        """The current generation of a workspace (starts at 0)."""
        with self._lock:
            return self._generation.get(workspace, 0)

    def invalidate(self, workspace: str) -> None:
        """Forget everything cached for ``workspace`` (call after any write to it)."""
        with self._lock:
            self._generation[workspace] = self._generation.get(workspace, 0) + 1
            for key in [k for k in self._items if k[0] == workspace]:
                del self._items[key]

    def get(self, workspace: str, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The cached value for ``key`` or ``compute()`` (stored unless the workspace changed meanwhile)."""
        generation = self.generation(workspace)
        full = (workspace, generation, key)
        with self._lock:
            if full in self._items:
                self._items.move_to_end(full)
                return self._items[full]
        value = compute()
        with self._lock:
            if self._generation.get(workspace, 0) == generation:
                self._items[full] = value
                while len(self._items) > self.max_entries:
                    self._items.popitem(last=False)
        return value
