"""Shared fixtures for the feelings tests: a real workspace file with real comments, analysed once per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from feelings_rows import COMMENTS, insert_comments

from empathic import Workspace


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """A workspace with COMMENTS, split into sentences and run through the feelings stage (accurate mode)."""
    path = tmp_path_factory.mktemp("feelings") / "clear.empathic"
    ws = Workspace.open(path)
    insert_comments(ws, COMMENTS)
    ws.analyze(stages=["feelings"])
    yield ws
    ws.close()
