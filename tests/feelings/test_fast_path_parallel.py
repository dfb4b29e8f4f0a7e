"""``annotate_units`` gives the same bytes whatever the number of worker threads, the batch size and repeated texts."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from empathic.config import Settings
from empathic.feelings import annotate
from empathic.feelings.annotate import SENTENCE_FEELINGS_SCHEMA, _annotate_texts, annotate_units
from empathic.feelings.heads import FAST_EMBEDDER
from empathic.feelings.textnorm import clean_texts
from empathic.text.embed import get_embedder

EVAL = Path(__file__).parent / "data" / "empathy_eval.csv"
EXTRA = ["Love it!", "GOOD", "", "   ", "!!!", "Not bad at all", "The dress😍was perfect", "line one\nline two"]


def eval_texts() -> list[str]:
    with EVAL.open(encoding="utf-8", newline="") as fh:
        return [row["text"] for row in csv.DictReader(fh)]


@pytest.fixture(scope="module")
def batch() -> tuple[pa.Table, np.ndarray]:
    """Real sentences with repeats (short units recur), an empty text and a null, and their fast embeddings."""
    base = eval_texts() + EXTRA
    texts: list[str | None] = base + base[::7] + ["Love it!"] * 5 + ["", None]
    texts = [texts[(i * 37) % len(texts)] for i in range(len(texts))]  # repeats scattered, not adjacent
    assert len(set(texts)) < len(texts)
    units = pa.table(
        {
            "feedback_id": pa.array([f"c{i // 3:04d}" for i in range(len(texts))], pa.string()),
            "sentence_idx": pa.array([i % 3 for i in range(len(texts))], pa.int64()),
            "text": pa.array(texts, pa.string()),
        }
    )
    return units, get_embedder(FAST_EMBEDDER).embed(clean_texts(texts))


def _run(units: pa.Table, vectors: np.ndarray, *, workers: int, batch_size: int) -> tuple[pa.Table, np.ndarray]:
    fs = Settings().feelings
    parts = [
        annotate_units(units.slice(s, batch_size), vectors[s : s + batch_size], fs, embedder="fast", workers=workers)
        for s in range(0, units.num_rows, batch_size)
    ]
    return pa.concat_tables([p[0] for p in parts]), np.vstack([p[1] for p in parts])


def test_output_is_the_same_with_1_and_2_workers_and_any_batch_size(batch, monkeypatch) -> None:
    units, vectors = batch
    monkeypatch.setattr(annotate, "MIN_UNITS_PER_WORKER", 40)  # small enough that the test batch is really split
    ref_table, ref_emotions = _run(units, vectors, workers=1, batch_size=units.num_rows)
    assert ref_table.num_rows == units.num_rows and ref_table.schema == SENTENCE_FEELINGS_SCHEMA
    for workers, batch_size in ((2, units.num_rows), (2, 101), (3, 257), (1, 64)):
        table, emotions = _run(units, vectors, workers=workers, batch_size=batch_size)
        assert table.equals(ref_table), (workers, batch_size)
        assert emotions.tobytes() == ref_emotions.tobytes(), (workers, batch_size)


def test_repeated_texts_are_read_once_with_the_same_answer(batch) -> None:
    """The dedupe is invisible: each row equals reading every unit on its own row, repeats included."""
    units, vectors = batch
    fs = Settings().feelings
    table, emotions = annotate_units(units, vectors, fs, embedder="fast", workers=1)
    columns, direct = _annotate_texts(units.column("text").to_pylist(), vectors, fs, "fast")
    assert emotions.tobytes() == direct.tobytes()
    for name, column in zip(SENTENCE_FEELINGS_SCHEMA.names[2:], columns, strict=True):
        assert table.column(name).combine_chunks().equals(column), name
    texts = units.column("text").to_pylist()
    love = [i for i, t in enumerate(texts) if t == "Love it!"]
    assert len(set(table.column("emotion_scores").take(love).to_pylist())) == 1
    assert table.column("feedback_id").to_pylist() == units.column("feedback_id").to_pylist()


def test_workers_setting_is_validated() -> None:
    assert Settings().feelings.workers >= 1
    with pytest.raises(Exception, match="workers"):
        Settings.model_validate({"feelings": {"workers": 0}})


@pytest.mark.parametrize("name", ["sentiment-fast", "emotions-fast"])
def test_head_rows_do_not_depend_on_the_batch_around_them(name: str) -> None:
    """OpenBLAS picks kernels by shape; the heads multiply in fixed-shape blocks so a row's bits never change."""
    from empathic.feelings.heads import ROW_BLOCK, load_head

    head = load_head(name)
    rng = np.random.default_rng(7)
    features = (rng.normal(size=(2 * ROW_BLOCK + 300, head.n_features)) * head.scale + head.mean).astype(np.float32)
    full = head.predict_proba(features)
    for start, stop in ((0, 1), (5, 6), (ROW_BLOCK - 3, ROW_BLOCK + 9), (1000, 1211), (17, 2 * ROW_BLOCK + 300)):
        assert head.predict_proba(features[start:stop]).tobytes() == full[start:stop].tobytes(), (start, stop)


def test_named_emotions_fast_path_matches_the_match_by_match_scan() -> None:
    """Texts without a negator take per-emotion batch searches; they must agree with the reference scan."""
    import pandas as pd

    from empathic.feelings.emotions import EMOTIONS, _scan_named, named_emotions

    sample = Path(__file__).parents[2] / "src" / "empathic" / "data" / "womens_clothing_reviews.csv.gz"
    reviews = pd.read_csv(sample, nrows=4000)["Review Text"].dropna().tolist()
    tricky = [
        "I was not disappointed, I was thrilled", "Not happy. So sad and ANGRY", "so frustrated and fed up, thanks",
        "I'm sick of it but I love it", "never loved it", "no  thanks", "mad at them, not mad at you",
        "Unexpectedly wow!!", "hardly surprised", "I don't understand, confused", "let down\nnot upset", None, "",
    ]  # fmt: skip
    texts = eval_texts() + reviews + tricky
    fast = named_emotions(texts)
    ref = np.zeros((len(texts), len(EMOTIONS)), dtype=bool)
    _scan_named(texts, np.arange(len(texts)), ref)
    assert fast.sum() > 500  # the sample really names emotions
    bad = np.flatnonzero((fast != ref).any(axis=1))
    assert bad.size == 0, [(texts[i], fast[i], ref[i]) for i in bad[:5]]


def test_precomputed_cleaned_texts_give_the_same_output(batch) -> None:
    """The stage hands ``annotate_units`` the texts it already cleaned for the embedder: nothing may change."""
    units, vectors = batch
    fs = Settings().feelings
    ref_table, ref_emotions = annotate_units(units, vectors, fs, embedder="fast")
    cleaned = clean_texts(units.column("text").to_pylist())
    table, emotions = annotate_units(units, vectors, fs, embedder="fast", cleaned=cleaned)
    assert table.equals(ref_table)
    assert emotions.tobytes() == ref_emotions.tobytes()


def test_batch_utf8_check_flags_lone_surrogates_even_when_two_meet_at_a_join() -> None:
    from empathic.feelings.lexicon import _all_utf8

    assert _all_utf8(["plain", "café 😍", ""])
    assert not _all_utf8(["ok", "bad \ud83d"])
    assert not _all_utf8(["ends high \ud83d", "\ude00 starts low"])  # a valid pair only if Python merged them
