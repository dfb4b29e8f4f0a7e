"""Full-text search without DuckDB's ``fts`` extension (it downloads at run time): a BM25 index built in SQL.

The index is two tables (see the analytics migration): ``search_postings(term, feedback_id, tf)`` and
``search_docs(feedback_id, doc_len)``, built by one ``INSERT … SELECT`` over ``feedback`` (the same statement runs
as Spark SQL with ``split``/``explode``). Terms are lower-cased letter/digit runs with a light plural stemmer
(``refunds`` → ``refund``) and a short stop-word list; :func:`normalise_terms` is the same rule in Python, for
query words, and :func:`fold` is the index's lower-casing in Python, for every query value compared with a SQL
``lower(...)``. Python's ``str.lower`` is not that: it maps "İ" to "i" + a combining dot (which then splits
"İstanbul" into "stanbul") and a word-final "Σ" to "ς", where DuckDB maps each code point on its own ("istanbul",
"σ"). Tests compare both on every code point Python's Unicode tables know. Index terms also fold the final
sigma "ς" to "σ", so "ΟΔΟΣ" (lower-cased "οδοσ") and the typed "οδος" are one term.
"""

from __future__ import annotations

import re
from functools import lru_cache

from empathic.store import Store, empty_table

_STOPWORD_TEXT = (
    "a an and are as at be but by for from has have i in is it its of on or so that the their this to was were "
    "with my me we our you your they them he she his her"
)
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
K1, B = 1.2, 0.75

_STEM_SQL = "CASE WHEN length(t) > 3 AND t LIKE '%s' AND t NOT LIKE '%ss' THEN left(t, -1) ELSE t END"
_STOP_SQL = ", ".join(f"'{w}'" for w in sorted(STOPWORDS))  # fixed module constants, not user input


def _terms_sql(source: str) -> str:
    """SELECT feedback_id, term over ``source(feedback_id, text)``."""
    return (
        f"SELECT feedback_id, {_STEM_SQL} AS term FROM (SELECT feedback_id, "
        r"unnest(regexp_split_to_array(replace(lower(text), 'ς', 'σ'), '[^\p{L}\p{N}]+')) AS t FROM " + source + ") "
        f"WHERE length(t) >= 2 AND t NOT IN ({_STOP_SQL})"
    )


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """One code point lower-cased on its own (the simple case mapping): "İ" → "i", "Σ" → "σ" in any position."""
    lowered = char.lower()
    return lowered if len(lowered) == 1 else lowered[0]  # only "İ" has a longer full mapping: "i" + U+0307


def fold(text: str) -> str:
    """``text`` lower-cased exactly as DuckDB's ``lower()`` builds the index and the SQL filters compare."""
    return text.lower() if text.isascii() else "".join(map(_fold_char, text))


def normalise_terms(text: str) -> list[str]:
    """Index terms of a text, in order, exactly as the SQL index builds them (letters and digits: ``[\\W_]`` is
    ``[^\\p{L}\\p{N}]`` on every assigned code point)."""
    out = []
    for t in re.split(r"[\W_]+", fold(text).replace("ς", "σ")):
        if len(t) < 2 or t in STOPWORDS:
            continue
        out.append(t[:-1] if len(t) > 3 and t.endswith("s") and not t.endswith("ss") else t)
    return out


def rebuild_index(con) -> int:
    """Replace the index with one over every comment (inside the caller's write transaction); returns #terms."""
    empty_table(con, "search_postings")
    empty_table(con, "search_docs")
    con.execute(
        "INSERT INTO search_postings BY NAME SELECT term, feedback_id, count(*) AS tf "
        f"FROM ({_terms_sql('feedback')}) GROUP BY ALL ORDER BY term, feedback_id"  # sorted: zone maps skip by term
    )
    con.execute(
        "INSERT INTO search_docs BY NAME SELECT f.feedback_id, coalesce(sum(p.tf), 0) AS doc_len FROM feedback f "
        "LEFT JOIN search_postings p USING (feedback_id) GROUP BY f.feedback_id"
    )
    row = con.execute("SELECT count(DISTINCT term) FROM search_postings").fetchone()
    return int(row[0]) if row else 0


def index_is_fresh(store: Store) -> bool:
    """True when the index was built after the last ingest and covers as many comments as there are (cheap)."""
    n = store.count("feedback")
    if n == 0 or store.count("search_docs") != n:
        return False
    built = store.scalar("SELECT max(started_at) FROM runs WHERE stage = 'analytics' AND status = 'ok'")
    ingested = store.scalar("SELECT max(ingested_at) FROM sources")
    return built is None or ingested is None or ingested <= built


def bm25_sql(candidates_sql: str) -> str:
    """BM25 score of every candidate comment for the query terms (a VARCHAR list bound after the filters' params).

    ``candidates_sql`` selects ``feedback_id`` of the comments allowed by the filters; comments with no query
    term get score 0 (they still match when the filters alone select them).
    """
    return f"""
    WITH cand AS ({candidates_sql}),
    q AS (SELECT DISTINCT unnest(?::VARCHAR[]) AS term),
    st AS (SELECT count(*) AS n_docs, avg(doc_len) AS avgdl FROM search_docs),
    df AS (SELECT term, count(*) AS df FROM search_postings WHERE term IN (SELECT term FROM q) GROUP BY term),
    scored AS (
        SELECT p.feedback_id, sum(ln(1 + (st.n_docs - df.df + 0.5) / (df.df + 0.5))
               * p.tf * ({K1} + 1) / (p.tf + {K1} * (1 - {B} + {B} * d.doc_len / st.avgdl))) AS score
        FROM search_postings p JOIN df USING (term) JOIN search_docs d USING (feedback_id) CROSS JOIN st
        WHERE p.feedback_id IN (SELECT feedback_id FROM cand)
        GROUP BY p.feedback_id
    )
    SELECT c.feedback_id, coalesce(s.score, 0.0) AS score FROM cand c LEFT JOIN scored s USING (feedback_id)
    """
