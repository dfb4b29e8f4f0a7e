"""The seeded subscription company's analysed workspace (``subscription_path`` in tests/conftest.py), opened
read-only once per module."""

from __future__ import annotations

import pytest

from empathic import Workspace


@pytest.fixture(scope="module")
def sub_ws(subscription_path) -> Workspace:
    ws = Workspace.open(subscription_path, read_only=True)
    yield ws
    ws.close()
