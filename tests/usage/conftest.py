"""A shared analysed workspace of the seeded subscription company (planted topics stored as themes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from empathic import Workspace
from empathic.sample.subscription import build_workspace, generate

N_CUSTOMERS = 600


@pytest.fixture(scope="session")
def sub_truth() -> dict:
    return generate(n_customers=N_CUSTOMERS)


@pytest.fixture(scope="session")
def sub_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("usage_sub") / "sub.empathic"
    ws = build_workspace(path, n_customers=N_CUSTOMERS, true_themes=True)
    ws.analyze(stages=["usage", "personas"])
    ws.close()
    return path


@pytest.fixture(scope="module")
def sub_ws(sub_path) -> Workspace:
    ws = Workspace.open(sub_path, read_only=True)
    yield ws
    ws.close()
