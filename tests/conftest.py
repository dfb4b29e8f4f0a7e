"""Fixtures shared across test areas."""

from __future__ import annotations

from pathlib import Path

import pytest

from empathic.sample.subscription import build_workspace, generate

SUBSCRIPTION_CUSTOMERS = 600


@pytest.fixture(scope="session")
def subscription_truth() -> dict:
    """The seeded subscription company's generated data and its planted truth."""
    return generate(n_customers=SUBSCRIPTION_CUSTOMERS)


@pytest.fixture(scope="session")
def subscription_path(tmp_path_factory) -> Path:
    """One analysed workspace of that company (usage + personas, planted topics stored as themes), built once per
    session for the usage and personas tests; they open it read-only or copy it."""
    path = tmp_path_factory.mktemp("subscription") / "sub.empathic"
    ws = build_workspace(path, n_customers=SUBSCRIPTION_CUSTOMERS, true_themes=True)
    ws.analyze(stages=["usage", "personas"])
    ws.close()
    return path
