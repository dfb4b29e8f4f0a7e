"""``store.write()`` inside ``store.write()`` is one transaction: a nested write never outlives the outer rollback."""

from __future__ import annotations

import pytest

from empathic.errors import WorkspaceError
from empathic.store import Store


@pytest.fixture()
def store(tmp_path):
    with Store(tmp_path / "w.empathic") as s:
        with s.write() as con:
            con.execute("CREATE TABLE nested_probe (k VARCHAR)")
        yield s


def _keys(store: Store) -> list[str]:
    return [r["k"] for r in store.read("SELECT k FROM nested_probe ORDER BY k").to_pylist()]


def test_an_outer_rollback_undoes_the_nested_write(store) -> None:
    with pytest.raises(RuntimeError, match="outer fails"), store.write() as outer:
        outer.execute("INSERT INTO nested_probe VALUES ('outer')")
        with store.write() as inner:
            inner.execute("INSERT INTO nested_probe VALUES ('inner')")
        raise RuntimeError("outer fails")
    assert _keys(store) == []


def test_a_nested_write_commits_with_the_outer_one_not_before(store) -> None:
    with store.write() as outer:
        with store.write() as inner:
            assert inner is outer  # the same connection: the same transaction
            inner.execute("INSERT INTO nested_probe VALUES ('inner')")
        assert _keys(store) == []  # another cursor sees nothing yet: the nested block did not commit
        outer.execute("INSERT INTO nested_probe VALUES ('outer')")
    assert _keys(store) == ["inner", "outer"]


def test_a_swallowed_nested_failure_rolls_the_whole_change_back(store) -> None:
    with pytest.raises(WorkspaceError, match="nested write failed"), store.write() as outer:
        outer.execute("INSERT INTO nested_probe VALUES ('outer')")
        try:
            with store.write() as inner:
                inner.execute("INSERT INTO nested_probe VALUES ('inner')")
                raise ValueError("nested fails")
        except ValueError:
            pass
    assert _keys(store) == []
    with store.write() as con:  # the store is usable again afterwards
        con.execute("INSERT INTO nested_probe VALUES ('after')")
    assert _keys(store) == ["after"]
