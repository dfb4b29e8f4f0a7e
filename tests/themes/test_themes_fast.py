"""Fast mode's speed-ups keep their promises: word-cached static sums equal tokenising every text, sums add up,
background MiniLM is deterministic, comment grouping is right, and a fast re-run embeds nothing again."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from themes_corpus import corpus

import empathic
from empathic.text.embed import get_embedder
from empathic.text.embed.static import MAX_TOKENS
from empathic.themes import embedding
from empathic.themes.embedding import BackgroundEmbed
from empathic.themes.stage import _comment_of_unit

ODD = [
    "",
    "   ",
    "Café naïve résumé",
    "price $5.99 + tax",
    "a\x1cb c",  # Python splits at \x1c, BERT's normaliser deletes it
    "line\u2028break",
    "日本語のテキスト and English",
    "emoji 😀 ok",
    "zero\u200bwidth",
    "tab\tand\nnewline",
    "word " * (MAX_TOKENS + 40),  # over the token limit: truncated exactly like the tokenizer does
    "supercalifragilisticexpialidocious unbelievably",
]


def _reference(fast, texts: list[str]) -> np.ndarray:
    """Whole-text tokenisation (the straightforward way), L2-normalised."""
    sums = fast._token_sums(texts)
    return sums / np.clip(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12, None)


@pytest.mark.parametrize("name", ["fast", "fast-minilm"])
def test_word_cached_sums_equal_tokenising_every_text(name):
    fast = get_embedder(name)
    texts = ODD + corpus(n_single=40, n_double=10)["text"].tolist()
    got = fast.embed(texts)
    assert np.allclose(got, _reference(fast, texts), atol=1e-5)
    assert np.abs(got[-3]).sum() > 0 and np.linalg.norm(got[0]) == 0.0


@pytest.mark.parametrize("name", ["fast", "fast-minilm"])
def test_sums_add_up_over_a_comments_sentences(name):
    fast = get_embedder(name)
    parts = ["The parcel arrived two weeks late.", "Nobody answered my emails."]
    whole = fast.sums([" ".join(parts)])[0]
    assert np.allclose(fast.sums(parts).sum(axis=0), whole, atol=1e-4)
    assert not np.allclose(fast.sums(parts[:1])[0], whole, atol=1e-2)


@pytest.mark.parametrize("name", ["fast", "fast-minilm"])
def test_small_batches_give_the_same_vectors(name):
    fast = get_embedder(name)
    texts = ODD * 3
    old = fast.batch_size
    try:
        fast.batch_size = 5
        small = fast.embed(texts)
    finally:
        fast.batch_size = old
    assert np.array_equal(small, fast.embed(texts))


def test_background_minilm_is_deterministic_and_matches_the_model():
    texts = [f"my card payment number {i} was declined twice" for i in range(70)] + ["where is my refund"]
    first = BackgroundEmbed(texts, batch=16).result()
    second = BackgroundEmbed(texts, batch=16).result()
    assert first.shape == (len(texts), 384)
    assert np.array_equal(first, second)
    reference = get_embedder("accurate").embed(texts)
    assert np.min(np.sum(first * reference, axis=1)) > 0.99


def test_comment_of_unit_marks_multi_unit_comments():
    units = pa.table({"feedback_id": ["a", "a", "b", "c", "c", "c", "d"]})
    row, first = _comment_of_unit(units)
    assert row.tolist() == [0, 0, -1, 1, 1, 1, -1]
    assert first.tolist() == [0, 3]


def test_fast_rerun_embeds_nothing_with_minilm(tmp_path, monkeypatch):
    settings = {"themes": {"mode": "fast", "fast_discovery_sample": 200}}
    with empathic.Workspace.open(tmp_path / "fast.empathic", settings=settings) as ws:
        ws.ingest(corpus(n_single=80, n_double=20)[["id", "text"]], text="text", id="id")
        first = ws.analyze(stages=["themes"])[-1]
        assert first.counts["mode"] == "fast" and first.counts["themes"] >= 2
        calls = []
        original = embedding._embed_one_thread
        monkeypatch.setattr(embedding, "_embed_one_thread", lambda texts: calls.append(len(texts)) or original(texts))
        before = ws.sql("SELECT * FROM sentence_themes ORDER BY ALL")
        ws.analyze(stages=["themes"])
        after = ws.sql("SELECT * FROM sentence_themes ORDER BY ALL")
    assert calls == []
    cols = ["feedback_id", "sentence_idx", "theme_id"]
    assert before[cols].equals(after[cols])


def test_blockwise_in_place_mapping_equals_the_formula():
    rng = np.random.default_rng(0)
    fast = rng.normal(size=(20_000, 16)).astype(np.float32)
    weights = rng.normal(size=(17, 8)).astype(np.float32)
    expected = np.hstack([fast, np.ones((len(fast), 1), np.float32)]) @ weights
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    got = embedding.apply_mapping(fast, weights)
    assert got.dtype == np.float32 and got.shape == (20_000, 8)
    assert np.allclose(got, expected, atol=1e-5)
