"""The sentences stage reads, splits and appends in bounded batches: small batches store what one batch does."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from empathic import Workspace
from empathic.text import stage as sentences_stage

TEXTS = [
    "The app crashed twice. Support never answered, but the refund came fast.",
    "Love it!",
    "Checkout is slow; the page froze at payment. Please fix it.",
    "Delivery was late however the courier was kind and apologised.",
    "",
    "Prices went up again. I am thinking about cancelling.",
]


def _frame(n: int = 40) -> pd.DataFrame:
    return pd.DataFrame(
        {"id": [f"r{i:03d}" for i in range(n)], "comment": [f"{TEXTS[i % 6]} Ticket {i}." for i in range(n)]}
    )


def _sentences(path: Path, frame: pd.DataFrame) -> tuple[list[dict], dict]:
    with Workspace.open(path) as ws:
        ws.ingest(frame, text="comment", id="id")
        result = ws.analyze(stages=["sentences"])[-1]
        rows = ws.sql("SELECT * FROM sentences ORDER BY feedback_id, sentence_idx").to_dict("records")
        return rows, result.counts


def test_small_batches_store_the_units_of_one_batch(tmp_path: Path, monkeypatch) -> None:
    frame = _frame()
    monkeypatch.setattr(sentences_stage, "BATCH_ROWS", 3)
    small, counts = _sentences(tmp_path / "small.empathic", frame)
    monkeypatch.setattr(sentences_stage, "BATCH_ROWS", 100_000)
    whole, counts_whole = _sentences(tmp_path / "whole.empathic", frame)
    assert small == whole and counts == counts_whole
    assert counts["comments"] == 40 and len(small) > 80


def test_a_rerun_splits_only_new_comments_in_batches(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(sentences_stage, "BATCH_ROWS", 4)
    with Workspace.open(tmp_path / "w.empathic") as ws:
        ws.ingest(_frame(20), text="comment", id="id")
        ws.analyze(stages=["sentences"])
        first = ws.store.count("sentences")
        ws.ingest(_frame(30), text="comment", id="id")
        result = ws.analyze(stages=["sentences"])[-1]
        assert result.counts["comments"] == 10
        assert ws.store.count("sentences") > first
        dupes = ws.sql("SELECT feedback_id, sentence_idx FROM sentences GROUP BY ALL HAVING count(*) > 1")
        assert dupes.empty
