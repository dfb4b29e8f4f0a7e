"""The embedders (accurate MiniLM, fast static) and the workspace embedding cache."""

from __future__ import annotations

import numpy as np
import pytest

import empathic
from empathic.text.embed import get_embedder
from empathic.themes import embedding
from empathic.themes.embedding import apply_mapping, fit_mapping

TEXTS = [
    "The parcel arrived two weeks late.",
    "Delivery was very slow.",
    "The dress runs small.",
    "",
    "Customer service never answered.",
]


@pytest.mark.parametrize("name", ["fast", "fast-minilm"])
def test_fast_embedder_contract(name):
    fast = get_embedder(name)
    vecs = fast.embed(TEXTS)
    assert vecs.dtype == np.float32 and vecs.shape == (len(TEXTS), fast.dim)
    norms = np.linalg.norm(vecs, axis=1)
    assert np.allclose(norms[[0, 1, 2, 4]], 1.0, atol=1e-5) and norms[3] == 0.0
    assert np.array_equal(vecs, fast.embed(TEXTS))  # deterministic
    assert np.array_equal(fast.embed(TEXTS[:2]), vecs[:2])  # independent of batch composition
    sims = vecs @ vecs.T
    assert sims[0, 1] > sims[0, 2]  # two delivery complaints are closer than delivery vs sizing


def test_fast_embedder_tracks_the_accurate_one():
    from themes_corpus import TOPICS

    texts = [t for ts in TOPICS.values() for t in ts]
    fast = get_embedder("fast").embed(texts)
    acc = get_embedder("accurate").embed(texts)
    iu = np.triu_indices(len(texts), 1)
    corr = np.corrcoef((fast @ fast.T)[iu], (acc @ acc.T)[iu])[0, 1]
    assert corr > 0.5
    mapped = apply_mapping(fast, fit_mapping(fast, acc))
    assert mapped.shape == acc.shape
    assert np.mean(np.sum(mapped * acc, axis=1)) > np.mean(np.sum(acc[::-1] * acc, axis=1))


def test_learned_static_vectors_live_in_minilm_space_and_track_it_closer():
    """v2 (regressed on MiniLM sentence vectors) is comparable to MiniLM without any mapping, and its similarities
    follow MiniLM's more closely than v1's on texts it was never fitted on (the themes test corpus)."""
    from themes_corpus import TOPICS

    texts = [t for ts in TOPICS.values() for t in ts]
    acc = get_embedder("accurate").embed(texts)
    v1, v2 = get_embedder("fast").embed(texts), get_embedder("fast-minilm").embed(texts)
    assert v2.shape == acc.shape
    assert np.mean(np.sum(v2 * acc, axis=1)) > 0.6  # same space: raw cosine to the teacher
    iu = np.triu_indices(len(texts), 1)
    target = (acc @ acc.T)[iu]
    corr_v1 = np.corrcoef((v1 @ v1.T)[iu], target)[0, 1]
    corr_v2 = np.corrcoef((v2 @ v2.T)[iu], target)[0, 1]
    assert corr_v2 > corr_v1


def test_cache_means_nothing_is_embedded_twice(workspace_copy, monkeypatch):
    with empathic.Workspace.open(workspace_copy) as ws:
        n_cached = ws.sql("SELECT count(*) AS n FROM embedding_cache").n[0]
        # what the stage embeds: the distinct aspect texts of the distinct units (judgements and places masked,
        # so variants collapse: fewer than the distinct sentences)
        from empathic.themes.aspect import entity_words, vector_and_label_texts
        from empathic.themes.model import theme_texts

        units = sorted({" ".join((t or "").split()) for t in ws.sql("SELECT text FROM sentences").text})
        names, places = entity_words(units)
        meaning, _ = vector_and_label_texts(theme_texts(units), places, names)
        assert n_cached >= len(set(meaning))
        calls = []
        acc = get_embedder("accurate")
        original = acc.embed
        monkeypatch.setattr(acc, "embed", lambda texts: calls.append(len(texts)) or original(texts))
        one_thread = embedding._embed_one_thread  # the stage embeds in two one-thread sessions
        monkeypatch.setattr(embedding, "_embed_one_thread", lambda texts: calls.append(len(texts)) or one_thread(texts))
        ws.analyze(stages=["themes"])
        assert sum(calls) == 0
        assert ws.sql("SELECT count(*) AS n FROM embedding_cache").n[0] == n_cached
