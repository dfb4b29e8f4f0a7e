"""Fixtures of the privacy tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from privacy_data import write_pii_csv


@pytest.fixture
def pii_csv(tmp_path: Path) -> Path:
    """60 real comments with PII planted in 19 of them (see privacy_data.PLANTED)."""
    return write_pii_csv(tmp_path)
