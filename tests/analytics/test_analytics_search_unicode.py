"""The query side normalises words exactly as the index does. Python's ``str.lower`` turned "İstanbul" into "i" +
a combining dot + "stanbul", so the query looked for "stanbul" and missed; a word-final "Σ" became "ς" where the
index holds "σ". The index and the query share one rule (``fulltext.fold`` / ``normalise_terms``), checked here
against DuckDB on every code point and end to end through the Python API and ``empathic search``."""

from __future__ import annotations

import re
import unicodedata

import duckdb
import pyarrow as pa
import pytest
from analytics_tiny import tiny_store

from empathic.analytics.fulltext import fold, normalise_terms, rebuild_index
from empathic.analytics.search import search_comments
from empathic.cli.main import main

TEXTS = {
    "c1": "Flight to İSTANBUL was late",
    "c2": "ΟΔΟΣ ΚΛΕΙΣΤΗ και ο δρόμος",  # capital final sigma, and a typed lower-case final sigma
    "c3": "Straße in München, ǅemal said",
    "c4": "nothing to see here",
    "c5": "ＦＵＬＬＷＩＤＴＨ letters and 😀 emoji",
}


def test_fold_and_term_split_equal_duckdb_on_every_assigned_code_point():
    chars = [chr(i) for i in range(1, 0x110000) if unicodedata.category(chr(i)) not in ("Cn", "Cs")]
    code_points = pa.table({"c": chars})  # noqa: F841  (read by DuckDB below, by name)
    sql = r"SELECT c, lower(c), regexp_matches(c, '[\p{L}\p{N}]') FROM code_points"
    got = duckdb.connect().execute(sql).fetchall()
    lower_diffs = [hex(ord(c)) for c, low, _ in got if fold(c) != low]
    letter_diffs = [hex(ord(c)) for c, _, letter in got if letter != bool(re.fullmatch(r"[^\W_]", c))]
    assert lower_diffs == [] and letter_diffs == []
    assert "İ".lower() != "i" and fold("İSTANBUL") == "istanbul"  # why fold exists: Python's own lower differs
    assert fold("ΟΔΟΣ") == "οδοσ" and "ΟΔΟΣ".lower() == "οδος"


def test_index_and_query_terms_are_the_same_for_hostile_text(tmp_path):
    store = tiny_store(tmp_path / "u.empathic", [{"id": k, "text": v} for k, v in TEXTS.items()])
    with store.write() as con:
        rebuild_index(con)
    for fid, text in TEXTS.items():
        stored = store.read_df("SELECT term FROM search_postings WHERE feedback_id = ?", [fid]).term
        assert sorted(stored) == sorted(set(normalise_terms(text))), fid
    store.close()


@pytest.fixture()
def indexed(tmp_path):
    path = tmp_path / "u.empathic"
    store = tiny_store(path, [{"id": k, "text": v} for k, v in TEXTS.items()])
    with store.write() as con:
        rebuild_index(con)
    yield path, store
    store.close()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("İstanbul", ["c1"]),
        ("İSTANBUL", ["c1"]),
        ("istanbul", ["c1"]),
        ('"to İstanbul"', ["c1"]),  # a phrase: the substring path folds the same way
        ("ΟΔΟΣ", ["c2"]),
        ("οδος", ["c2"]),  # the final sigma as typed
        ("οδοσ", ["c2"]),
        ("ΔΡΌΜΟΣ", ["c2"]),  # capitals with an accent, final sigma folded in the text's "δρόμος"
        ("münchen", ["c3"]),
        ("ǅEMAL", ["c3"]),
        ("ｆｕｌｌｗｉｄｔｈ", ["c5"]),
        ("😀", ["c5"]),  # no letters, so no index term: the substring path finds it
        ("stanbul", []),  # the old broken query term must not be what matches
    ],
)
def test_python_api_finds_unicode_words(indexed, query, expected):
    _, store = indexed
    assert sorted(search_comments(store, query, limit=50).feedback_id) == expected


def test_cli_search_finds_istanbul(indexed, capsys, monkeypatch):
    path, store = indexed
    store.close()
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["search", str(path), "İstanbul"]) == 0
    out = capsys.readouterr().out
    assert "İSTANBUL" in out and "1 of 1" in out
    for hostile in ["İ", "Σ", "ς", "\u0307", "\u200f\u202e", "((İ", 'İ"']:
        code = main(["search", str(path), hostile])
        captured = capsys.readouterr()
        assert "Traceback" not in captured.out + captured.err, hostile
        assert code in (0, 2), (hostile, code, captured.err)
