"""Verbatims read like the source: scores next to the words, no empty cards, line breaks kept."""

from __future__ import annotations

from analytics_tiny import tiny_store

from empathic import Workspace
from empathic.analytics.scores import rename_score
from empathic.report.verbatims import verbatims


def test_verbatims_show_scores_hide_empty_texts_and_keep_line_breaks(tmp_path):
    rows = [
        {"id": "a", "text": "Seat was broken.\nCrew were kind.", "scores": {"Q1": ("nps", 3)}},
        {"id": "b", "text": "   ", "scores": {"Q1": ("nps", 9)}},  # a score-only response
        {"id": "c", "text": "", "scores": {"Q1": ("nps", 10)}},
        {"id": "d", "text": "Fine flight", "scores": {}},
    ]
    path = tmp_path / "v.empathic"
    store = tiny_store(path, rows)
    rename_score(store, "Q1", "Likelihood to recommend")
    store.close()
    with Workspace.open(path, read_only=True) as ws:
        page = verbatims(ws.store)
    assert page["total"] == 2 and [i["feedback_id"] for i in page["items"]] == ["a", "d"]
    first = page["items"][0]
    assert first["scores"] == [{"name": "Likelihood to recommend", "value": 3.0}]
    assert "".join(s["text"] for s in first["segments"]) == "Seat was broken.\nCrew were kind."
    assert page["items"][1]["scores"] == []
