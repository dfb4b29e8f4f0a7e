"""Shared fixtures for the foundation tests: real workspace files in tmp_path."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from empathic import Workspace


@pytest.fixture
def ws_path(tmp_path: Path) -> Path:
    """The path of a not-yet-created workspace file."""
    return tmp_path / "test.empathic"


@pytest.fixture
def ws(ws_path: Path) -> Iterator[Workspace]:
    """A fresh workspace on disk, closed after the test."""
    workspace = Workspace.open(ws_path)
    yield workspace
    workspace.close()


@pytest.fixture
def write_text(tmp_path: Path) -> Callable[..., Path]:
    """Write a file under tmp_path: ``write_text("a.csv", "x,y\\n1,2\\n", encoding="utf-8")``."""

    def write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode(encoding))
        return path

    return write
