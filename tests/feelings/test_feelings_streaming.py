"""The feelings stage streams in bounded batches (fast mode, local engine) and writes what one batch would.

Real workspace files; the batch size is forced down to a few units so a comment's units straddle the reader's
batches. Compared: every row of the three feelings tables and the calibration record (its write stamp aside).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from feelings_rows import COMMENTS, insert_comments

from empathic import Workspace
from empathic.feelings import calibration
from empathic.feelings import stage as feelings_stage

#: The shared hand-written comments' texts with their 1–5 rating.
BASE = [(text, rating) for _, text, rating in COMMENTS]
#: 60 comments of 2–3 sentences made from them, ratings kept.
MIXED = [(f"m{i:03d}", f"{BASE[i % 12][0]} {BASE[(5 * i + 3) % 12][0]}", BASE[i % 12][1]) for i in range(60)]


TABLES = ("sentence_feelings", "feedback_feelings", "feedback_emotions")


def _snapshot(ws: Workspace) -> dict[str, list]:
    """Every row of the feelings tables, as JSON-ready records (NaN compares equal as text)."""
    out = {t: ws.sql(f"SELECT * FROM {t} ORDER BY ALL").to_dict("records") for t in TABLES}
    out["feelings_calibration"] = ws.sql(
        "SELECT * EXCLUDE (computed_at) FROM feelings_calibration ORDER BY ALL"
    ).to_dict("records")
    return json.loads(json.dumps(out, default=str))


def _analyse(path: Path, settings: dict | None = None) -> tuple[dict, object]:
    with Workspace.open(path, settings={"feelings": {"mode": "fast", **(settings or {})}}) as ws:
        insert_comments(ws, MIXED)
        result = ws.analyze(stages=["feelings"])[-1]
        assert ws.store.count("feedback_feelings") == len(MIXED)
        return _snapshot(ws), result


@pytest.mark.parametrize("overlap", [True, False])
def test_small_batches_give_the_tables_of_one_batch(tmp_path: Path, monkeypatch, overlap: bool) -> None:
    batches: list[int] = []
    reader = feelings_stage._unit_batches

    def counted(store, batch_units):
        for batch in reader(store, batch_units):
            ids = batch.column("feedback_id").to_pylist()
            batches.append(len(ids))
            yield batch

    monkeypatch.setattr(feelings_stage, "_unit_batches", counted)
    monkeypatch.setattr(feelings_stage, "BATCH_UNITS", 7)
    small, result = _analyse(tmp_path / "small.empathic", {"overlap_embedding": overlap})
    assert len(batches) > 10 and sum(batches) == result.counts["units"]
    monkeypatch.setattr(feelings_stage, "BATCH_UNITS", 1_000_000)
    batches.clear()
    whole, result_whole = _analyse(tmp_path / "one.empathic", {"overlap_embedding": overlap})
    assert len(batches) == 1
    assert small == whole
    assert result.counts == result_whole.counts


def test_no_comment_is_split_across_batches(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "w.empathic") as ws:
        insert_comments(ws, MIXED)
        ws.analyze(stages=["sentences"])
        seen: list[str] = []
        for batch in feelings_stage._unit_batches(ws.store, 4):
            ids = batch.column("feedback_id").to_pylist()
            assert not set(ids) & set(seen)  # a comment's units all come in one batch
            seen.extend(dict.fromkeys(ids))
        assert seen == sorted({fid for fid, _, _ in MIXED})


def _forced_calibration(features, shipped, sides, *, score, seed=42):
    """A calibration that applies: a real logistic model on the features, fitted to the ratings' sides."""
    ids = sorted(set(sides.index) & set(features.index))
    model = calibration._model(seed).fit(
        features.loc[ids, list(calibration.FEATURES)].to_numpy(np.float64), sides.loc[ids].to_numpy(object)
    )
    return calibration.Calibration(score=score, n=len(ids), applied=True, reason="forced by the test", model_=model)


@pytest.mark.parametrize("applies", [False, True])
def test_streaming_equals_the_whole_table_path(tmp_path: Path, monkeypatch, applies: bool) -> None:
    """The streamed tables equal the whole-table path's (which corrections and accurate mode still take), with and
    without a calibration that relabels the stored comments."""
    monkeypatch.setattr(feelings_stage, "BATCH_UNITS", 9)
    if applies:
        shipped, _ = _analyse(tmp_path / "shipped.empathic")
        monkeypatch.setattr(calibration, "fit", _forced_calibration)
    streamed, _ = _analyse(tmp_path / "streamed.empathic")
    if applies:  # the forced calibration relabels stored comments: the UPDATE path is exercised
        assert streamed["feedback_feelings"] != shipped["feedback_feelings"]

    def whole_path(store, settings, progress, n_units):
        import pandas as pd

        return feelings_stage._run_whole(store, settings, progress, "fast", pd.DataFrame())

    monkeypatch.setattr(feelings_stage, "_run_streaming", whole_path)
    whole, _ = _analyse(tmp_path / "whole.empathic")
    assert streamed == whole
    labels = {r["sentiment_label"] for r in streamed["feedback_feelings"]}
    assert len(labels) >= 2
    assert streamed["feelings_calibration"][0]["applied"] is applies


def test_a_batch_that_fails_leaves_the_previous_output(tmp_path: Path, monkeypatch) -> None:
    """The batches are appended inside the stage's one transaction: a failure in the third keeps the last run."""
    from empathic.errors import StageError

    monkeypatch.setattr(feelings_stage, "BATCH_UNITS", 9)
    with Workspace.open(tmp_path / "w.empathic", settings={"feelings": {"mode": "fast"}}) as ws:
        insert_comments(ws, MIXED)
        ws.analyze(stages=["feelings"])
        before = _snapshot(ws)
        calls = {"n": 0}
        real = feelings_stage.aggregate_comments

        def failing(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == 3:
                raise RuntimeError("disk full")
            return real(*args, **kwargs)

        monkeypatch.setattr(feelings_stage, "aggregate_comments", failing)
        with pytest.raises(StageError, match="disk full"):
            ws.analyze(stages=["feelings"])
        assert calls["n"] == 3
        assert _snapshot(ws) == before
