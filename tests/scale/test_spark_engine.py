"""The Spark engine gives the local engine's results: every stored table of a workspace analysed both ways.

A small seeded subscription company (comments with NPS, customers, events) is analysed by ``local`` and by
``spark`` (``empathic analyze --engine spark``, a real local[2] Spark); every workspace table must hold the same
rows: theme ids and subthemes, sentiment labels, intents, and every aggregate (floats within 1e-9). A task that
fails once is retried by Spark and the result does not change.
"""

from __future__ import annotations

import json
import shutil
import sys
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from empathic.cli.main import main
from empathic.engine import LOCAL
from empathic.sample.subscription import build_workspace
from empathic.workspace import Workspace

#: Columns that record when (or in which run) a row was written: the only ones allowed to differ.
STAMPS = {"computed_at", "created_at", "updated_at", "ingested_at", "started_at", "finished_at", "run_id"}
#: Written around the stages (run records, schema versions), not results.
NOT_RESULTS = {"runs", "schema_versions"}


@pytest.fixture(scope="module")
def analysed_both_ways(spark, tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("engines")
    base = folder / "base.empathic"
    build_workspace(base, n_customers=60).close()
    local, on_spark = folder / "local.empathic", folder / "spark.empathic"
    shutil.copy(base, local)
    shutil.copy(base, on_spark)
    assert main(["analyze", str(local), "--quiet"]) == 0
    assert main(["analyze", str(on_spark), "--quiet", "--engine", "spark", "--master", "local[2,2]"]) == 0
    return local, on_spark


def _tables(path: Path) -> dict[str, pd.DataFrame]:
    with Workspace.open(path, read_only=True) as ws:
        names = ws.sql("SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'").table_name
        out = {}
        for name in sorted(set(names) - NOT_RESULTS):
            frame = ws.table(name)
            frame = frame.drop(columns=[c for c in frame.columns if c in STAMPS])
            out[name] = frame.sort_values(list(frame.columns), ignore_index=True, key=_sortable)
        return out


def _sortable(column: pd.Series) -> pd.Series:
    return column.map(lambda v: repr(v) if isinstance(v, (bytes, list, np.ndarray, dict)) else v).astype(str)


def test_every_table_is_the_same_on_both_engines(analysed_both_ways) -> None:
    local, on_spark = (_tables(p) for p in analysed_both_ways)
    assert local.keys() == on_spark.keys()
    assert len(local["sentence_feelings"]) > 50 and local["themes"].shape[0] > 2  # a real analysis, not empty
    for name, frame in local.items():
        other = on_spark[name]
        assert list(frame.columns) == list(other.columns), name
        assert len(frame) == len(other), name
        for column in frame.columns:
            a, b = frame[column], other[column]
            if pd.api.types.is_float_dtype(a):
                assert np.allclose(a.to_numpy(float), b.to_numpy(float), rtol=0, atol=1e-9, equal_nan=True), (
                    f"{name}.{column}"
                )
            elif len(a) and all(map(_is_json, a)) and all(map(_is_json, b)):  # traits: floats summed in any order
                assert [_rounded(json.loads(v)) for v in a] == [_rounded(json.loads(v)) for v in b], f"{name}.{column}"
            else:
                assert a.map(repr).tolist() == b.map(repr).tolist(), f"{name}.{column}"


def _is_json(value) -> bool:
    return isinstance(value, str) and value[:1] in "[{" and value[-1:] in "]}"


def _rounded(value):
    """A parsed JSON value with its floats rounded to 9 decimals (the tolerance of the float columns)."""
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def test_exports_are_the_same_on_both_engines(analysed_both_ways) -> None:
    local, on_spark = analysed_both_ways
    with Workspace.open(local, read_only=True) as a, Workspace.open(on_spark, read_only=True) as b:
        left, right = a.comments(), b.comments()
    assert {"primary_theme_id", "sentiment_label", "intent"} <= set(left.columns)
    assert left["sentiment_label"].notna().sum() > 30
    pd.testing.assert_frame_equal(left, right, check_exact=False, rtol=0, atol=1e-9)


def test_the_spark_run_is_recorded_like_a_local_one(analysed_both_ways) -> None:
    _, on_spark = analysed_both_ways
    with Workspace.open(on_spark, read_only=True) as ws:
        runs = ws.sql("SELECT stage, status FROM runs ORDER BY started_at")
    assert "failed" not in set(runs.status)
    assert {"sentences", "themes", "feelings"} <= set(runs.stage[runs.status == "ok"])


class FailOnce:
    """A per-row function that raises on its first call in any worker (a marker file remembers), then works."""

    def __init__(self, fn, marker: Path) -> None:
        self.fn, self.marker = fn, marker

    def __call__(self, batch):
        try:
            self.marker.open("x").close()
        except FileExistsError:
            return self.fn(batch)
        raise RuntimeError("injected task failure")


def test_a_task_that_fails_once_is_retried_with_the_same_result(spark, tmp_path) -> None:
    from pyspark import cloudpickle

    from empathic.feelings.rows import UNIT_FEELINGS_SCHEMA, annotate_batch
    from empathic.feelings.settings import FeelingsSettings
    from empathic.scale.spark import SparkEngine

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers cannot import the tests: ship by value
    texts = ["The app crashes every time I open it.", "Support was quick and kind, thanks!", "Cancel my plan."]
    units = pa.table(
        {
            "feedback_id": [f"c{i:03d}" for i in range(300)],
            "sentence_idx": pa.array([0] * 300, pa.int32()),
            "text": [texts[i % 3] + f" Order {i}." for i in range(300)],
        }
    )
    fn = partial(annotate_batch, mode="fast", settings=FeelingsSettings().model_dump())
    marker = tmp_path / "failed-once"
    retried = SparkEngine(spark).map(FailOnce(fn, marker), units, UNIT_FEELINGS_SCHEMA, batch_rows=100)
    assert marker.exists()  # the failure really happened
    assert retried.equals(LOCAL.map(fn, units, UNIT_FEELINGS_SCHEMA))
