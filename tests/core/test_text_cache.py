"""The embedding cache is the text stage's (``empathic.text.cache``): one text hash, one lookup and one mode rule
shared by the themes and feelings stages, so a vector one stage computed is found by the other, and reading it
instead of embedding again changes no result."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from empathic.text import cache

SRC = Path(__file__).resolve().parents[2] / "src" / "empathic"
#: Where SQL may name the cache table: its lookup, its one writer (the themes stage's transaction), ``forget``
#: (which empties it with the texts it removes), and the table declarations and migrations.
CACHE_SQL_OWNERS = {
    "text/cache.py", "themes/stage.py", "privacy/forget.py", "store/tables.py", "store/migrations/themes.py"
}  # fmt: skip


def test_themes_and_feelings_share_one_hash_and_one_mode_rule() -> None:
    from empathic.feelings import vectors
    from empathic.themes import embedding, model

    assert model.text_hash is cache.text_hash
    assert embedding.choose_mode is vectors.choose_mode is cache.choose_mode
    assert embedding.cache_rows is cache.cache_rows


def test_no_other_module_reads_the_cache_table_itself() -> None:
    naming = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            text = node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""
            if "embedding_cache" in text and any(w in text.upper() for w in ("SELECT", "INSERT", "DELETE", "JOIN")):
                naming.add(path.relative_to(SRC).as_posix())
    assert naming <= CACHE_SQL_OWNERS, naming - CACHE_SQL_OWNERS


def test_the_mode_rule() -> None:
    assert cache.choose_mode("auto", 10, 10, 5, 5) == "accurate"
    assert cache.choose_mode("auto", 11, 10) == "fast"
    assert cache.choose_mode("auto", 10, 10, 6, 5) == "fast"
    assert cache.choose_mode("fast", 1, 10) == "fast"
    assert cache.choose_mode("accurate", 10**9, 10, 10**9, 10) == "accurate"


def test_a_lookup_in_a_workspace_without_the_cache_finds_nothing() -> None:
    from empathic.store import Store

    with Store(":memory:") as store:
        with store.write() as con:
            con.execute("DROP TABLE embedding_cache")
        vectors, found = cache.cache_lookup(store, "m", 4, ["a", "b"])
    assert vectors.shape == (2, 4) and not found.any() and not vectors.any()


@pytest.fixture(scope="module")
def themed(tmp_path_factory):
    """A small subscription workspace split and themed (accurate mode: the themes stage fills the cache)."""
    from empathic.sample.subscription import build_workspace

    ws = build_workspace(tmp_path_factory.mktemp("cache") / "c.empathic", n_customers=40)
    ws.analyze(stages=["sentences", "themes"])
    yield ws
    ws.close()


def test_feelings_find_the_vectors_the_themes_stage_cached(themed) -> None:
    """The feelings stage's lookup (its cleaned unit texts, the accurate embedder) hits the rows the themes stage
    wrote, and a hit is the text's own vector. Not every unit hits: themes embed the aspect text (entities and
    judgements stripped), so a unit whose aspect text differs is embedded by each stage (about half of them)."""
    from empathic.feelings.heads import embedder_name
    from empathic.feelings.textnorm import clean_texts
    from empathic.text.embed import get_embedder

    raw = [t for (t,) in themed.store.cursor().execute("SELECT DISTINCT text FROM sentences ORDER BY 1").fetchall()]
    texts = list(clean_texts(raw))
    embedder = get_embedder(embedder_name("accurate"))
    vectors, found = cache.cache_lookup(themed.store, embedder.name, embedder.dim, [cache.text_hash(t) for t in texts])
    assert found.sum() >= 5, f"{found.sum()} of {len(texts)} units found"
    hits = [texts[i] for i in found.nonzero()[0][:5]]
    assert vectors[found][:5] == pytest.approx(embedder.embed(hits), abs=1e-5)


def test_reading_the_cache_changes_no_feelings_result(themed) -> None:
    from empathic import pipeline

    def run_feelings() -> dict[str, list]:
        pipeline.run_stage(themed.store, pipeline.available_stages()["feelings"], themed.settings)
        return {
            t: themed.store.read(f"SELECT * FROM {t} ORDER BY ALL").to_pylist()
            for t in ("sentence_feelings", "feedback_feelings", "feedback_emotions")
        }

    warm = run_feelings()
    with themed.store.write() as con:
        con.execute("DELETE FROM embedding_cache")
    cold = run_feelings()
    assert warm == cold and warm["sentence_feelings"]
