"""Report/export tests reuse the web tests' fake workspace builder."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "web"))

import fake_workspace

from empathic.workspace import Workspace


@pytest.fixture(scope="module")
def hostile_ws(tmp_path_factory: pytest.TempPathFactory):
    path = fake_workspace.build(tmp_path_factory.mktemp("rep") / "acme.empathic", n=120, hostile=True)
    ws = Workspace.open(path, read_only=True)
    yield ws
    ws.close()
