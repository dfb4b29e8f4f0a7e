"""DuckDB and Spark SQL agree where an aggregation has one definition per engine (issue 22): the full-text search
index (``analytics/fulltext.py`` in DuckDB, ``spark/search_index.py`` in Spark SQL) gives the same postings and
document lengths on the same comments — hand-written hard cases, and real reviews from ../shared when present."""

from __future__ import annotations

from pathlib import Path

import pytest

from empathic.analytics import fulltext
from empathic.store import Store

#: Written for this test: case, accents, digits, plurals and "ss", stop words, punctuation runs, emoji, CJK,
#: German sharp s, Turkish dotted I, Greek final sigma, empty and whitespace-only text.
HARD = [
    "The refunds were late; REFUNDS are always late!!",
    "Café au lait, naïve ÉCOLE — crème brûlée…",
    "Order #12345 arrived 2x late (3 days) — bus glass class pass boss",
    "Straße STRASSE straße; İstanbul IŞIK ışık; ΟΔΟΣ ΟΔΟΣ. οδός Σ",
    "配送が遅い。 返金してください 😡😡 app-crash app_crash",
    "a an the is it to of",
    "",
    "   ",
    "emails: me@example.com http://x.io/a?b=c — 100% ok's",
]


def _real_reviews(limit: int = 300) -> list[str]:
    path = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "ba_airline_reviews" / "ba_reviews.csv"
    if not path.exists():
        return []
    import pandas as pd

    return pd.read_csv(path, dtype=str, keep_default_na=False)["content"].head(limit).tolist()


def _duckdb_index(rows: list[tuple[str, str]]) -> tuple[list, list]:
    with Store(":memory:") as store:
        with store.write() as con:
            con.executemany("INSERT INTO feedback (feedback_id, text) VALUES (?, ?)", rows)
            fulltext.rebuild_index(con)
        postings = store.read("SELECT term, feedback_id, tf FROM search_postings ORDER BY ALL").to_pylist()
        docs = store.read("SELECT feedback_id, doc_len FROM search_docs ORDER BY ALL").to_pylist()
    return postings, docs


def _spark_index(spark, rows: list[tuple[str, str]]) -> tuple[list, list]:
    from empathic.spark.search_index import build_index

    comments = spark.createDataFrame(rows, "feedback_id STRING, text STRING").repartition(3)
    postings, docs = build_index(spark, comments)
    as_dicts = [r.asDict() for r in postings.collect()]
    return (
        sorted(as_dicts, key=lambda r: (r["term"], r["feedback_id"], r["tf"])),
        sorted((r.asDict() for r in docs.collect()), key=lambda r: (r["feedback_id"], r["doc_len"])),
    )


@pytest.mark.parametrize("source", ["hard cases", "real reviews"])
def test_duckdb_and_spark_build_the_same_search_index(spark, source: str) -> None:
    texts = HARD if source == "hard cases" else _real_reviews()
    if not texts:
        pytest.skip("../shared/data/ba_airline_reviews is not here")
    rows = [(f"c{i:04d}", t) for i, t in enumerate(texts)]
    duck_postings, duck_docs = _duckdb_index(rows)
    spark_postings, spark_docs = _spark_index(spark, rows)
    assert len(duck_postings) > len(rows) // 2
    assert spark_docs == duck_docs
    assert spark_postings == duck_postings


def test_the_check_sees_a_difference(spark) -> None:
    """An index over other text differs (the comparison is not vacuous)."""
    rows = [(f"c{i:04d}", t) for i, t in enumerate(HARD)]
    other = [(fid, text.upper().replace("REFUNDS", "REFUND")) for fid, text in rows]
    assert _spark_index(spark, other)[0] != _duckdb_index(rows)[0]
