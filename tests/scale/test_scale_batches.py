"""The batch contract: a stage function gives the same result whole or batch by batch (as Spark would run it)."""

from __future__ import annotations

import pyarrow as pa
import pytest

from empathic.errors import NotInstalledError
from empathic.scale import map_batches
from empathic.scale.spark import run_in_spark, spark_schema
from empathic.text.sentences import SENTENCES_SCHEMA, split_sentences


def _comments(n: int) -> pa.Table:
    texts = [f"Comment {i} loves the fabric but it runs small. Delivery took {i % 9} days!" for i in range(n)]
    return pa.table({"feedback_id": [f"f{i:05d}" for i in range(n)], "text": texts})


def test_split_sentences_batched_equals_whole() -> None:
    table = _comments(1234)
    whole = split_sentences(table)
    batched = map_batches(split_sentences, table, batch_rows=100)
    assert batched.schema == SENTENCES_SCHEMA
    assert batched.equals(whole)
    assert whole.num_rows == 3 * 1234  # each comment: two contrast clauses + one sentence


def test_empty_table_keeps_schema() -> None:
    empty = _comments(0)
    assert map_batches(split_sentences, empty).schema == SENTENCES_SCHEMA


def test_spark_schema_ddl() -> None:
    assert spark_schema(SENTENCES_SCHEMA) == (
        "`feedback_id` string, `sentence_idx` int, `text` string, `char_start` int, `char_end` int"
    )


def test_spark_runner_without_pyspark_says_how_to_install() -> None:
    pytest.importorskip("pyarrow")
    try:
        import pyspark  # noqa: F401

        pytest.skip("pyspark is installed")
    except ModuleNotFoundError:
        pass
    with pytest.raises(NotInstalledError, match="pyspark") as info:
        run_in_spark(object(), split_sentences, SENTENCES_SCHEMA)
    assert "empathic[spark]" in (info.value.hint or "")


def test_spark_schema_quotes_backticks_in_names() -> None:
    schema = pa.schema([("a`b", pa.string()), ("scores", pa.list_(pa.float32(), 3)), ("n", pa.int64())])
    assert spark_schema(schema) == "`a``b` string, `scores` array<float>, `n` bigint"


def _reviews(n: int) -> pa.Table:
    parts = ["The zipper broke after a week.", "Support answered fast and kindly!", "Please add a dark mode.",
             "Delivery was late but the fabric is lovely.", "I want to cancel my plan."]  # fmt: skip
    texts = [" ".join(parts[(i + k) % 5] for k in range(1 + i % 3)) for i in range(n)]
    return pa.table({"feedback_id": [f"r{i:04d}" for i in range(n)], "text": texts})


def test_feelings_row_function_is_the_same_batch_by_batch() -> None:
    from functools import partial

    from empathic.engine import LOCAL
    from empathic.feelings.rows import UNIT_FEELINGS_SCHEMA, annotate_batch
    from empathic.feelings.settings import FeelingsSettings

    units = split_sentences(_reviews(120)).select(["feedback_id", "sentence_idx", "text"])
    fn = partial(annotate_batch, mode="fast", settings=FeelingsSettings().model_dump())
    whole = fn(units)
    assert whole.schema == UNIT_FEELINGS_SCHEMA and whole.num_rows == units.num_rows
    assert LOCAL.map(fn, units, UNIT_FEELINGS_SCHEMA, batch_rows=7).equals(whole)
    assert set(whole.column("sentiment_label").to_pylist()) >= {"negative", "positive"}


def test_lakehouse_row_function_is_the_same_batch_by_batch() -> None:
    """Comment batches of any size give the same units, themes and roll-ups (a comment never spans batches)."""
    from functools import partial

    import numpy as np

    from empathic.engine import LOCAL
    from empathic.feelings.settings import FeelingsSettings
    from empathic.spark.model import ThemeModel
    from empathic.spark.rows import ANNOTATED_UNITS_SCHEMA, annotate_comments
    from empathic.text.embed import get_embedder
    from empathic.themes.model import Theme

    rng = np.random.default_rng(0)
    dim = get_embedder("fast-minilm").sums(["x"]).shape[1]

    def unit(v):
        return (v / np.linalg.norm(v, axis=-1, keepdims=True)).astype(np.float32)

    themes = [Theme(f"t{k}", None, 1, f"theme {k}", unit(rng.normal(size=384)), unit(rng.normal(size=(2, 384))))
              for k in range(3)]  # fmt: skip
    model = ThemeModel(themes, rng.normal(size=(dim + 1, 384)).astype(np.float32), [], [], 0.0, 0.9, 0.3)
    fn = partial(annotate_comments, model=model, mode="fast", feelings=FeelingsSettings().model_dump())
    comments = _reviews(60)
    whole = fn(comments)
    assert whole.schema == ANNOTATED_UNITS_SCHEMA and whole.num_rows == split_sentences(comments).num_rows
    assert len(set(whole.column("theme_id").to_pylist())) > 1
    assert LOCAL.map(fn, comments, ANNOTATED_UNITS_SCHEMA, batch_rows=7).equals(whole)


def test_an_unknown_engine_is_a_clean_error(tmp_path, capsys) -> None:
    from empathic.cli.main import main

    assert main(["analyze", str(tmp_path / "w.empathic"), "--engine", "dask"]) == 2
    assert "unknown engine" in capsys.readouterr().err
