"""The pipeline records every run, runs requirements first, and turns stage bugs into clean errors."""

from __future__ import annotations

import json
import types

import pandas as pd
import pytest

import empathic
from empathic import pipeline
from empathic.errors import StageError
from empathic.stage import StageResult


@pytest.fixture()
def ws(tmp_path):
    frame = pd.DataFrame(
        {
            "id": ["1", "2", "3"],
            "comment": ["The fabric is lovely but it runs small.", "Shipping was slow. Support was kind.", ""],
            "nps": ["9", "3", "7"],
        }
    )
    with empathic.Workspace.open(tmp_path / "p.empathic") as w:
        w.ingest(frame, text="comment", id="id", score=["nps:nps"])
        yield w


def test_sentences_stage_runs_and_is_recorded(ws) -> None:
    results = ws.analyze(stages=["sentences"])
    assert [r.stage for r in results] == ["sentences"]
    assert ws.store.count("sentences") == 4
    runs = ws.sql("SELECT stage, status, settings, versions FROM runs")
    assert runs.stage.tolist() == ["sentences"]
    assert runs.status.tolist() == ["ok"]
    assert json.loads(runs.settings[0])["seed"] == 42
    assert "duckdb" in json.loads(runs.versions[0])


def test_sentences_stage_is_incremental(ws) -> None:
    ws.analyze(stages=["sentences"])
    again = ws.analyze(stages=["sentences"])
    assert again[0].message == "no new comments"
    assert ws.store.count("sentences") == 4


def test_unknown_stage_is_a_clean_error(ws) -> None:
    with pytest.raises(StageError, match="unknown stage"):
        ws.analyze(stages=["nope"])


def test_a_crashing_stage_is_recorded_as_failed(ws) -> None:
    def boom(store, settings, progress) -> StageResult:
        raise ZeroDivisionError("bad maths")

    fake = types.SimpleNamespace(NAME="fake", REQUIRES=(), run=boom)
    with pytest.raises(StageError, match="fake.*ZeroDivisionError"):
        pipeline.run_stage(ws.store, fake, ws.settings)
    row = ws.sql("SELECT status, message FROM runs WHERE stage = 'fake'").iloc[0]
    assert row.status == "failed"
    assert "ZeroDivisionError" in row.message


def test_comments_frame_has_scores_and_ids(ws) -> None:
    frame = ws.comments()
    assert frame.id.tolist() == ["1", "2", "3"]
    assert frame.nps.tolist() == [9.0, 3.0, 7.0]
