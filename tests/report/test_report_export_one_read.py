"""The drivers and segments exports read the same stored rows as the web app, REST and the report (issue 22 item 2:
one read layer, :mod:`empathic.analytics.read`): a theme deleted after the last analysis is in no export, a renamed
one carries its new label, and the export's columns stay the public contract they were.

A real workspace: the themes tests' synthetic corpus with an NPS that depends on the topic, dates and a plan
attribute, analysed by the real stages; the edits are made with the after-edit refresh off, so the stored results
are stale (what a large workspace sees).
"""

from __future__ import annotations

import math
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "themes"))

from themes_corpus import corpus

from empathic import Workspace
from empathic.analytics import stored
from empathic.report import sections
from empathic.report.export import export, export_frame

NEW_LABEL = "renamed after the analysis"
DRIVER_KEY = ["score_name", "metric", "theme_id", "label", "level", "n_with", "impact", "ci_low", "ci_high", "q_value"]
SEGMENT_KEY = ["attribute", "segment", "metric", "theme_id", "score_name", "n_segment", "n_rest", "value_segment",
               "value_rest", "lift", "p_value", "q_value", "significant"]  # fmt: skip


@pytest.fixture(scope="module")
def edited(tmp_path_factory) -> tuple[Path, str, str, list[str]]:
    """A workspace analysed, then one top theme deleted and another renamed without re-analysis: (path, deleted
    theme id, renamed theme id, the theme_impact columns as stored)."""
    df = corpus()
    df["nps"] = [2 if topic == "delivery" else 6 + i % 5 for i, topic in enumerate(df.topic)]
    df["date"] = [(datetime(2024, 1, 1) + timedelta(days=i % 180)).strftime("%Y-%m-%d") for i in range(len(df))]
    df["plan"] = ["basic" if i % 3 else "pro" for i in range(len(df))]
    path = tmp_path_factory.mktemp("export-one-read") / "ws.empathic"
    patch = pytest.MonkeyPatch()
    patch.setattr("empathic.api.analytics.REFRESH_AFTER_EDIT_MAX_COMMENTS", 0)
    try:
        with Workspace.open(path) as ws:
            ws.ingest(df[["id", "text", "nps", "date", "plan"]], text="text", id="id", score="nps", date="date",
                      attr=["plan"])  # fmt: skip
            ws.analyze(stages=["sentences", "themes", "feelings", "analytics"])
            impact_columns = list(ws.store.read_df("SELECT * FROM theme_impact LIMIT 0").columns)
            segment_ids = set(export_frame(ws.store, "segments").theme_id.dropna())
            tree = ws.themes()
            top = tree[(tree.level == 1) & ~tree.is_other & tree.theme_id.isin(segment_ids)].reset_index(drop=True)
            gone, renamed = top.theme_id[0], top.theme_id[1]
            assert gone in set(export_frame(ws.store, "drivers").theme_id)  # in both exports before the edit
            ws.delete_theme(gone)
            ws.rename_theme(renamed, NEW_LABEL)
            assert stored.stale_note(ws.store, ws.settings.analytics) is not None  # stale: nothing re-analysed
    finally:
        patch.undo()
    return path, gone, renamed, impact_columns


def _value(v):
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return None
    if isinstance(v, float):
        return round(v, 9)
    return v.item() if hasattr(v, "item") else v


def _rows(records, key, rename=None) -> list[tuple]:
    rename = rename or {}
    return sorted((tuple(_value(r[rename.get(k, k)]) for k in key) for r in records), key=repr)


def test_drivers_export_is_the_drivers_page_without_the_deleted_theme(edited, tmp_path: Path) -> None:
    path, gone, renamed, impact_columns = edited
    out = tmp_path / "drivers.csv"
    with Workspace.open(path, read_only=True) as ws:
        frame = export_frame(ws.store, "drivers")
        page = sections.drivers(ws.store)["impact"]
        written = export(ws.store, "drivers", out)
    assert gone not in set(frame.theme_id)
    assert set(frame.label[frame.theme_id == renamed]) == {NEW_LABEL}
    assert _rows(frame.to_dict("records"), DRIVER_KEY) == _rows(page, DRIVER_KEY)  # the web/report rows exactly
    back = pd.read_csv(out)
    assert written == len(back) == len(frame) > 0
    assert list(back.columns) == [*impact_columns, "score_display_name"]  # the export's columns, in their order
    assert back[["score_name", "impact", "theme_id"]].equals(
        back[["score_name", "impact", "theme_id"]].sort_values(["score_name", "impact", "theme_id"])
    )


def test_segments_export_is_the_segments_page_without_the_deleted_theme(edited, tmp_path: Path) -> None:
    path, gone, renamed, _ = edited
    with Workspace.open(path, read_only=True) as ws:
        frame = export_frame(ws.store, "segments")
        page = sections.segments(ws.store, limit=1_000_000)["differences"]
        stored_columns = list(ws.store.read_df("SELECT * FROM segment_differences LIMIT 0").columns)
        export(ws.store, "segments", tmp_path / "segments.json")
    assert gone not in set(frame.theme_id.dropna())
    assert set(frame.theme_label[frame.theme_id == renamed]) == {NEW_LABEL}
    assert frame.theme_label[frame.theme_id.isna()].isna().all()  # score and sentiment rows have no theme
    key = [*SEGMENT_KEY, "theme_label"]
    assert _rows(frame.to_dict("records"), key) == _rows(page, key, {"theme_label": "theme"})
    expected = [c for c in stored_columns if c != "theme_id"] + ["theme_id", "theme_label"]
    back = pd.read_json(tmp_path / "segments.json")
    assert list(frame.columns) == list(back.columns) == expected and len(back) == len(frame) > 0
    order = ["attribute", "segment", "metric", "theme_id", "score_name"]
    assert frame[order].equals(frame[order].sort_values(order, na_position="last").reset_index(drop=True))


def test_theme_page_reads_the_same_trend_and_segment_rows(edited) -> None:
    """The theme page's trend and segments are the Trends and Segments pages' rows of that theme; the deleted theme
    (still reachable by its id) has none, as on those pages."""
    from empathic.report.views import theme_detail

    path, gone, renamed, _ = edited
    with Workspace.open(path, read_only=True) as ws:
        kept, deleted = theme_detail(ws.store, renamed), theme_detail(ws.store, gone)
        series = sections.trends(ws.store)["series"]
        differences = sections.segments(ws.store, limit=1_000_000)["differences"]
    assert deleted is not None and deleted["trend"] == [] and deleted["segments"] == []
    trend_key = ["period_start", "n_comments", "share", "sentiment"]
    assert kept["trend"] and _rows(kept["trend"], trend_key) == _rows(
        [r for r in series if r["theme_id"] == renamed], trend_key
    )
    segment_key = ["attribute", "segment", "n_segment", "value_segment", "value_rest", "lift", "q_value", "significant"]
    page = [r for r in differences if r["theme_id"] == renamed and r["metric"] == "theme_share"]
    assert kept["segments"] and _rows(kept["segments"], segment_key) == _rows(page, segment_key)
    assert [r["significant"] for r in kept["segments"]] == sorted((r["significant"] for r in page), reverse=True)
