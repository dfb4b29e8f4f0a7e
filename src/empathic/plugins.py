"""Registries of modules that may or may not exist yet (stages, CLI command modules, web pages).

A module that is absent is skipped; a module that exists but fails to import is a bug and raises.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from types import ModuleType


def present_modules(names: Iterable[str]) -> Iterator[ModuleType]:
    """Import each named module in order, skipping those that are not installed."""
    for name in names:
        try:
            yield importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
