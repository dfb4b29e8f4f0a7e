"""A workspace connection caps DuckDB's memory (a share of the RAM, or $EMPATHIC_DUCKDB_MEMORY_LIMIT)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from empathic.errors import WorkspaceError
from empathic.store import Store
from empathic.store.pragmas import MEMORY_ENV, MIN_MEMORY_MB, memory_limit


def _limit_mib(store: Store) -> float:
    """DuckDB's memory_limit in MiB (it reports e.g. '488.2 MiB' or '5.6 GiB')."""
    value, unit = store.scalar("SELECT current_setting('memory_limit')").split()
    return float(value) * {"KiB": 1 / 1024, "MiB": 1.0, "GiB": 1024.0, "TiB": 1024.0**2}[unit]


def test_default_budget_is_a_share_of_the_ram_not_duckdbs_eighty_percent(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(MEMORY_ENV, raising=False)
    with Store(tmp_path / "w.empathic") as store:
        mib = _limit_mib(store)
    ram_mib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20
    assert mib >= MIN_MEMORY_MB * 1e6 / 2**20 * 0.99  # DuckDB reads "MB" as 10^6 bytes
    assert mib < 0.5 * ram_mib or ram_mib < 4 * MIN_MEMORY_MB


def test_the_environment_sets_another_budget_and_a_bad_one_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(MEMORY_ENV, "512MB")
    assert memory_limit() == "512MB"
    with Store(tmp_path / "w.empathic") as store:
        assert abs(_limit_mib(store) - 512e6 / 2**20) < 1
        with store.write() as con:  # the workspace still works under the budget
            con.execute("CREATE TABLE t AS SELECT range AS i FROM range(100000)")
        assert store.count("t") == 100000
    monkeypatch.setenv(MEMORY_ENV, "plenty")
    with pytest.raises(WorkspaceError, match=MEMORY_ENV):
        Store(tmp_path / "other.empathic")
