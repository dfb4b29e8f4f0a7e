"""Fixtures of the team tests: a planted-fix workspace, copied per test that writes to it."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import team_planted


@pytest.fixture(scope="session")
def planted_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return team_planted.build(tmp_path_factory.mktemp("team") / "planted.empathic")


@pytest.fixture()
def planted(planted_master: Path, tmp_path: Path) -> Path:
    """A private copy of the planted workspace (tests write owners and notes into it)."""
    path = tmp_path / "planted.empathic"
    shutil.copy(planted_master, path)
    return path
