"""The embedder interface and the registry that picks one by name (configuration, never ``type()`` sniffing)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of shape ``(n_texts, dim)``."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


_REGISTRY: dict[str, Callable[[], Embedder]] = {}
_CACHE: dict[str, Embedder] = {}


def register_embedder(name: str, factory: Callable[[], Embedder]) -> None:
    """Make an embedder available to ``get_embedder(name)`` (factories run lazily, once per process)."""
    _REGISTRY[name] = factory


def get_embedder(name: str = "accurate") -> Embedder:
    """The embedder registered under ``name`` (loaded once per process and reused)."""
    from empathic.errors import InputError

    if name not in _CACHE:
        if name not in _REGISTRY:
            raise InputError(f"unknown embedder {name!r}", hint=f"choose from {', '.join(sorted(_REGISTRY))}")
        _CACHE[name] = _REGISTRY[name]()
    return _CACHE[name]
