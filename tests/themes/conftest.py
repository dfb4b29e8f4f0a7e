"""Shared fixtures of the themes tests: one analysed workspace per session, copied for tests that change it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from themes_corpus import corpus

import empathic


@pytest.fixture(scope="session")
def base_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with the synthetic corpus, analysed by the sentences + themes stages (closed file)."""
    path = tmp_path_factory.mktemp("themes") / "base.empathic"
    with empathic.Workspace.open(path) as ws:
        ws.ingest(corpus()[["id", "text"]], text="text", id="id")
        ws.analyze(stages=["themes"])
    return path


@pytest.fixture
def workspace_copy(base_workspace: Path, tmp_path: Path) -> Path:
    """A private copy of the analysed workspace that a test may edit."""
    path = tmp_path / "copy.empathic"
    shutil.copy(base_workspace, path)
    return path
