"""Theme assignment as a per-row function (``themes/assign_rows.py``): the whole-table answer, batch by batch, and
the same on Spark executors (guided tags included)."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest

from empathic.engine import LOCAL, use_engine
from empathic.themes import assign as whole_table
from empathic.themes import assign_rows
from empathic.themes.model import Theme


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v, axis=-1, keepdims=True)).astype(np.float32)


def _themes(rng: np.random.Generator, dim: int = 48) -> list[Theme]:
    """Two parents with subthemes (several prototypes each), a leaf top-level theme, a guided one, a deleted one."""

    def theme(tid, parent, level, k, **kw):
        protos = _unit(rng.normal(size=(k, dim))) if k else np.zeros((0, dim), np.float32)
        return Theme(tid, parent, level, tid, _unit(rng.normal(size=dim)), protos, radius=0.2, **kw)

    return [
        theme("a", None, 1, 0), theme("a1", "a", 2, 3), theme("a2", "a", 2, 1),
        theme("b", None, 1, 2), theme("c", None, 1, 0), theme("c1", "c", 2, 4),
        theme("g", None, 1, 2, origin="guided"), theme("d", None, 1, 2, status="deleted"),
    ]  # fmt: skip


def _vectors(rng: np.random.Generator, n: int, dim: int = 48) -> np.ndarray:
    return _unit(rng.normal(size=(n, dim)))


def _same(a, b) -> None:
    assert a.leaf_ids == b.leaf_ids
    np.testing.assert_array_equal(a.leaf, b.leaf)
    np.testing.assert_array_equal(a.score, b.score)
    np.testing.assert_array_equal(a.fits, b.fits)
    assert a.extra == b.extra


def test_it_gives_the_whole_table_assignment_guided_tags_in_the_same_order() -> None:
    rng = np.random.default_rng(1)
    themes, vectors = _themes(rng), _vectors(rng, 9_000)  # more than one tag block of 8,192 units
    ours = assign_rows.assign(vectors, themes, min_similarity=0.1, guided_similarity=0.15)
    _same(ours, whole_table.assign(vectors, themes, min_similarity=0.1, guided_similarity=0.15))
    assert len(ours.extra) > 100 and (ours.leaf == -1).any() and len(set(ours.leaf.tolist())) > 4  # real cases


def test_the_row_function_gives_the_same_rows_in_any_batch() -> None:
    rng = np.random.default_rng(2)
    themes, vectors = _themes(rng), _vectors(rng, 300)
    fn = partial(
        assign_rows.assign_batch,
        leaves=assign_rows.LeafPrototypes.of([t for t in themes if t.alive and len(t.prototypes)]),
    )
    table = assign_rows.vectors_table(vectors)
    whole = fn(table)
    assert whole.num_rows == 300 and len(whole.column("guided_scores")[0]) == 1
    for rows in (1, 7, 64):
        assert LOCAL.map(fn, table, assign_rows.ASSIGN_SCHEMA, batch_rows=rows).equals(whole)


class Counting:
    """The local engine, counting the calls it gets."""

    name = "counting"

    def __init__(self) -> None:
        self.calls = 0

    def map(self, fn, table, schema, *, batch_rows=20_000):
        self.calls += 1
        return LOCAL.map(fn, table, schema, batch_rows=batch_rows)


def test_it_runs_on_the_current_engine_and_handles_no_units_and_no_themes() -> None:
    rng = np.random.default_rng(3)
    themes, vectors = _themes(rng), _vectors(rng, 50)
    counting = Counting()
    with use_engine(counting):
        assign_rows.assign(vectors, themes, min_similarity=0.1, guided_similarity=0.15)
        empty = assign_rows.assign(vectors[:0], themes, min_similarity=0.1, guided_similarity=0.15)
        none = assign_rows.assign(vectors, [], min_similarity=0.1, guided_similarity=0.15)
    assert counting.calls == 1
    assert len(empty.leaf) == 0 and none.leaf_ids == [] and (none.leaf == -1).all()


def test_spark_executors_give_the_local_assignment(spark) -> None:
    from empathic.scale.spark import SparkEngine

    rng = np.random.default_rng(4)
    themes, vectors = _themes(rng), _vectors(rng, 2_500)
    local = assign_rows.assign(vectors, themes, min_similarity=0.1, guided_similarity=0.15)
    with use_engine(SparkEngine(spark)):
        on_spark = assign_rows.assign(vectors, themes, min_similarity=0.1, guided_similarity=0.15)
    _same(on_spark, local)
    assert local.extra


@pytest.mark.parametrize("n", [3, 50])
def test_a_few_units_get_the_same_scores_as_in_a_big_table(n: int) -> None:
    """A handful of rows alone gives the bits they get among thousands (a plain product would not: OpenBLAS takes
    another kernel for small matrices)."""
    rng = np.random.default_rng(5)
    themes, vectors = _themes(rng), _vectors(rng, 4_000)
    big = assign_rows.assign(vectors, themes, min_similarity=0.1, guided_similarity=0.15)
    few = assign_rows.assign(vectors[:n], themes, min_similarity=0.1, guided_similarity=0.15)
    np.testing.assert_array_equal(few.score, big.score[:n])
    np.testing.assert_array_equal(few.leaf, big.leaf[:n])
