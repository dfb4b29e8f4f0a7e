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
