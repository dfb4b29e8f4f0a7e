"""A shared analysed workspace of the seeded subscription company for persona tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from empathic.sample.subscription import build_workspace, generate

N_CUSTOMERS = 600


@pytest.fixture(scope="session")
def persona_truth() -> dict:
    return generate(n_customers=N_CUSTOMERS)


@pytest.fixture(scope="session")
def persona_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("personas_sub") / "sub.empathic"
    ws = build_workspace(path, n_customers=N_CUSTOMERS, true_themes=True)
    ws.analyze(stages=["usage", "personas"])
    ws.close()
    return path
