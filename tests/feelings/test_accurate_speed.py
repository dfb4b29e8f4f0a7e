"""Accurate mode's execution changes keep its outputs: MiniLM only for the units the prototypes read (lazy vectors),
and the encoders' batches run on threads. Speed itself is measured in bench/feelings_speed.py --reviews."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from feelings_rows import plant_cached_vector

from empathic.feelings.annotate import annotate_units
from empathic.feelings.encoder import BATCH, FeelingsEncoder
from empathic.feelings.settings import FeelingsSettings
from empathic.feelings.textnorm import clean_texts
from empathic.feelings.vectors import LazyVectors, distinct_vectors, lazy_unit_vectors
from empathic.store import Store
from empathic.text.embed import get_embedder

UNITS = [
    "I love this dress, the fabric is wonderful!",
    "The zipper broke after one wear and support never answered.",
    "What time does the store open on Sunday?",
    "The seat was fine.",
    "We landed in Madrid at noon.",
    "Crew were friendly and the food was hot.",
    "I ordered a medium.",
    "The seat was fine.",
    "My bag arrived two days late.",
    "Boarding was a scrum at the gate.",
    "They really should add more legroom.",
    "Flew London to Cape Town last May.",
]


def test_lazy_vectors_embed_only_what_is_read_and_match_eager_vectors() -> None:
    embedder = get_embedder("fast")
    calls: list[list[str]] = []

    def embed(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        return embedder.embed(texts)

    texts = clean_texts(UNITS)
    lazy = LazyVectors(texts, embed, embedder.dim)
    view = lazy[np.array([0, 7, 3, 1])][1:]  # a view of a view: rows 7, 3, 1; nothing embedded yet
    assert calls == [] and view.shape == (3, embedder.dim)
    got = np.asarray(view)
    assert calls == [sorted({texts[3], texts[1]})]  # rows 7 and 3 share a text: embedded once
    eager = distinct_vectors(texts, "fast")
    np.testing.assert_allclose(got, eager[[7, 3, 1]], atol=1e-6)
    np.asarray(lazy[2:5])  # rows 2 and 4 are new, row 3 is reused
    assert calls[-1] == sorted({texts[2], texts[4]}) and lazy.embedded == 5
    np.testing.assert_allclose(np.asarray(lazy), eager, atol=1e-6)


def test_lazy_unit_vectors_read_the_themes_cache() -> None:
    store = Store(":memory:")
    embedder = get_embedder("accurate")
    planted = (np.ones(embedder.dim) / np.sqrt(embedder.dim)).astype(np.float32)
    plant_cached_vector(store, embedder.name, "hello there", planted)
    vectors, counts = lazy_unit_vectors(store, ["hello there", "other text", "hello there"], "accurate")
    assert counts["cached"] == 0
    got = np.asarray(vectors)
    from empathic.feelings.encoder import get_encoder

    if get_encoder().meta.vector_dim:  # v4: the encoder's own vectors, MiniLM's cache is another model
        assert counts["cached"] == 0 and vectors.embedded == 3 and not np.allclose(got[0], planted)
        np.testing.assert_allclose(got[0], got[2], atol=1e-6)
    else:
        assert counts["cached"] == 1 and vectors.embedded == 3
        assert np.allclose(got[0], planted) and np.allclose(got[2], planted) and not np.allclose(got[1], planted)
    store.close()


def test_accurate_read_with_lazy_vectors_equals_the_read_with_every_vector() -> None:
    """The prototypes see the same vectors either way, so every column is the same; fewer texts are embedded."""
    units = pa.table(
        {
            "feedback_id": [f"c{i // 3}" for i in range(len(UNITS))],
            "sentence_idx": [i % 3 for i in range(len(UNITS))],
            "text": UNITS,
        }
    )
    cleaned = clean_texts(UNITS)
    embedder = get_embedder("accurate")
    eager = distinct_vectors(cleaned, "accurate")
    lazy = LazyVectors(cleaned, embedder.embed, embedder.dim)
    settings = FeelingsSettings()
    table_eager, emotions_eager = annotate_units(units, eager, settings, embedder="accurate")
    table_lazy, emotions_lazy = annotate_units(units, lazy, settings, embedder="accurate")
    assert table_lazy.equals(table_eager)
    np.testing.assert_array_equal(emotions_lazy, emotions_eager)
    assert 0 < lazy.embedded < len(set(cleaned))  # some units were decided by rules alone


def test_encoder_batches_on_threads_give_the_same_numbers() -> None:
    texts = clean_texts([f"{UNITS[i % len(UNITS)]} ({i} times)" for i in range(2 * BATCH + 5)])  # three batches
    one = FeelingsEncoder(threads=1).predict_all(texts)
    two = FeelingsEncoder(threads=2).predict_all(texts)
    for field in ("sentiment", "score", "intent", "emotions"):
        np.testing.assert_array_equal(getattr(one, field), getattr(two, field))
