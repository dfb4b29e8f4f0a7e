"""The full-text search index (``search_postings``, ``search_docs``) as Spark SQL.

The DuckDB definition is :mod:`empathic.analytics.fulltext`; the dialects differ (``regexp_split_to_array`` +
``unnest`` and ``left(t, -1)`` there, ``split`` + ``explode`` and ``substring`` here), so each engine keeps its own
text and ``tests/scale/test_spark_sql_agreement.py`` checks that both give the same rows on the same comments.
The stop words and the stemming rule are the DuckDB module's constants, so the two cannot choose different words.
"""

from __future__ import annotations

from typing import Any

from empathic.analytics.fulltext import STOPWORDS

_STOP_SQL = ", ".join(f"'{w}'" for w in sorted(STOPWORDS))  # fixed module constants, not user input
_STEM_SQL = (
    "CASE WHEN length(t) > 3 AND t LIKE '%s' AND t NOT LIKE '%ss' THEN substring(t, 1, length(t) - 1) ELSE t END"
)


#: ``lower(text)`` as DuckDB computes it. Java's lower case is the full Unicode mapping: "İ" becomes "i" plus a
#: combining dot (which then splits "İstanbul" into "i" and "stanbul") and a word-final "Σ" becomes "ς"; DuckDB
#: maps both one to one ("i", "σ"). Mapping those two first makes Spark's result DuckDB's (found by the agreement
#: test).
_LOWER_SQL = "lower(translate(text, 'İΣς', 'Iσσ'))"  # and "ς" → "σ", as the index terms fold it


def terms_sql(view: str) -> str:
    """Spark SQL: ``feedback_id, term`` of every index term of the comments in the temporary view ``view``
    (columns ``feedback_id, text``); ``view`` is a name chosen by the code, never user text."""
    return (
        f"SELECT feedback_id, {_STEM_SQL} AS term FROM (SELECT feedback_id, "
        f"explode(split({_LOWER_SQL}, '[^\\\\p{{L}}\\\\p{{N}}]+')) AS t FROM " + view + ") "
        f"WHERE length(t) >= 2 AND t NOT IN ({_STOP_SQL})"
    )


def build_index(spark: Any, comments: Any) -> tuple[Any, Any]:
    """``(postings, docs)`` DataFrames of the index over ``comments`` (a DataFrame with ``feedback_id, text``):
    ``postings(term, feedback_id, tf)`` and ``docs(feedback_id, doc_len)``, as the workspace tables hold them."""
    comments.select("feedback_id", "text").createOrReplaceTempView("empathic_index_comments")
    postings = spark.sql(
        "SELECT term, feedback_id, CAST(count(*) AS INT) AS tf "
        f"FROM ({terms_sql('empathic_index_comments')}) GROUP BY term, feedback_id"
    )
    postings.createOrReplaceTempView("empathic_index_postings")
    docs = spark.sql(
        "SELECT c.feedback_id, CAST(coalesce(sum(p.tf), 0) AS INT) AS doc_len FROM empathic_index_comments c "
        "LEFT JOIN empathic_index_postings p ON p.feedback_id = c.feedback_id GROUP BY c.feedback_id"
    )
    return postings, docs
