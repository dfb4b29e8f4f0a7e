"""One read layer (issue 22 item 2): the Python API (and so the CLI) and the report/web sections read theme impact, key
drivers, segment differences and theme trends through the same functions (:mod:`empathic.analytics.read`), so they
show the same rows: the same themes with the same labels and numbers, and a theme deleted by an edit in neither.

A real workspace: the themes tests' synthetic corpus with an NPS that depends on the topic, dates and a plan
attribute, analysed by the real stages.
"""

from __future__ import annotations

import math
import shutil
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "themes"))

from themes_corpus import corpus

from empathic import Workspace
from empathic.analytics import read, stored
from empathic.report import sections

IMPACT_KEY = ["score_name", "theme_id", "label", "n_with", "impact", "ci_low", "ci_high"]
DRIVER_KEY = ["score_name", "theme_id", "label", "feature", "coef", "relative_weight"]
SEGMENT_KEY = ["attribute", "segment", "metric", "theme_id", "score_name", "n_segment", "value_segment", "q_value"]
TREND_KEY = ["period_start", "theme_id", "label", "n_comments", "share"]


@pytest.fixture(scope="module")
def analysed(tmp_path_factory) -> Path:
    df = corpus()
    df["nps"] = [2 if topic == "delivery" else 6 + i % 5 for i, topic in enumerate(df.topic)]
    df["date"] = [(datetime(2024, 1, 1) + timedelta(days=i % 180)).strftime("%Y-%m-%d") for i in range(len(df))]
    df["plan"] = ["basic" if i % 3 else "pro" for i in range(len(df))]
    path = tmp_path_factory.mktemp("one-read") / "base.empathic"
    with Workspace.open(path) as ws:
        ws.ingest(df[["id", "text", "nps", "date", "plan"]], text="text", id="id", score="nps", date="date",
                  attr=["plan"])  # fmt: skip
        ws.analyze(stages=["sentences", "themes", "feelings", "analytics"])
    return path


@pytest.fixture
def workspace(analysed: Path, tmp_path: Path) -> Path:
    path = tmp_path / "ws.empathic"
    shutil.copy(analysed, path)
    return path


def _value(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return round(float(v), 9) if isinstance(v, float) else (v.item() if hasattr(v, "item") else v)


def _api_rows(frame, key) -> list[tuple]:
    return sorted((tuple(_value(r[k]) for k in key) for r in frame.to_dict("records")), key=repr)


def _section_rows(items, key, rename=None) -> list[tuple]:
    rename = rename or {}
    return sorted((tuple(_value(r[rename.get(k, k)]) for k in key) for r in items), key=repr)


def _both(ws: Workspace) -> dict[str, tuple[list, list]]:
    """Each result as the API (what the CLI prints) and as the report/web sections read it."""
    drv = sections.drivers(ws.store)
    seg = sections.segments(ws.store, attribute="plan", limit=1_000_000)
    return {
        "impact": (_api_rows(ws.impact(), IMPACT_KEY), _section_rows(drv["impact"], IMPACT_KEY)),
        "drivers": (_api_rows(ws.drivers(), DRIVER_KEY), _section_rows(drv["key_drivers"], DRIVER_KEY)),
        "segments": (
            _api_rows(ws.segments("plan"), [*SEGMENT_KEY, "label"]),
            _section_rows(seg["differences"], [*SEGMENT_KEY, "label"], {"label": "theme"}),
        ),
        "trends": (_api_rows(ws.trends(), TREND_KEY), _section_rows(sections.trends(ws.store)["series"], TREND_KEY)),
    }


def _top_themes(ws: Workspace):
    tree = ws.themes()
    return tree[(tree.level == 1) & ~tree.is_other].reset_index(drop=True)


def test_api_and_sections_read_the_same_rows_before_and_after_a_delete(workspace: Path) -> None:
    with Workspace.open(workspace) as ws:
        for name, (api, section) in _both(ws).items():
            assert api and api == section, name
        gone = _top_themes(ws).theme_id[0]
        ws.delete_theme(gone)  # small workspace: analytics re-runs at once, both read the fresh stored rows
        assert stored.stale_note(ws.store, ws.settings.analytics) is None
        for name, (api, section) in _both(ws).items():
            assert api and api == section, name
            assert all(gone not in row for row in api), name


def test_a_theme_deleted_after_the_last_analysis_is_in_no_read(workspace: Path, monkeypatch) -> None:
    """Too large to refresh: the stored rows are stale. The web and the report show them under a banner, the API
    computes live; neither shows the deleted theme, and the renamed one carries its new label in both."""
    monkeypatch.setattr("empathic.api.analytics.REFRESH_AFTER_EDIT_MAX_COMMENTS", 0)
    with Workspace.open(workspace) as ws:
        movers = ws.impact().query("level == 1 and q_value < 0.05")  # what the exec brief lists as movers
        renamed = movers.theme_id.iloc[0]
        top = _top_themes(ws)
        gone = top.theme_id[top.theme_id != renamed].iloc[0]
        gone_label = top.label[top.theme_id == gone].iloc[0]
        assert gone in set(ws.segments("plan").theme_id)  # it had segment rows before the edit
        ws.delete_theme(gone)
        ws.rename_theme(renamed, "renamed after the analysis")
        assert stored.stale_note(ws.store, ws.settings.analytics) is not None
        cfg = ws.settings.analytics
        for name, (api, section) in _both(ws).items():
            for rows in (api, section):
                assert rows and all(gone not in row for row in rows), name
                if name != "segments":  # segment rows are level-1 themes too, but not every theme gets one
                    assert "renamed after the analysis" in {row[2] for row in rows}, name
        # the team's exec brief reads the same stored impacts: its movers are Drivers-page rows, the deleted one gone
        from empathic.team.brief import build_brief

        movers = [(m["label"], m["score_name"], _value(m["impact"])) for m in build_brief(ws.store, "exec")["movers"]]
        page = [(r["label"], r["score_name"], _value(r["impact"])) for r in sections.drivers(ws.store)["impact"]
                if r["level"] == 1 and r["q_value"] is not None and r["q_value"] < 0.05]  # fmt: skip
        page = sorted(page, key=lambda m: (-abs(m[2]), m[0]))[: len(movers)]
        assert movers and movers == page and gone_label not in {m[0] for m in movers}
        # the stored rows the sections show are exactly the read layer's stored rows
        stale = read.segments(ws.store, cfg, "plan", source="stored")
        assert gone not in set(stale.theme_id) and len(stale) == len(_both(ws)["segments"][1])
        assert _api_rows(read.impact(ws.store, cfg, source="stored"), IMPACT_KEY) == _both(ws)["impact"][1]


def test_the_source_is_a_parameter(workspace: Path) -> None:
    with Workspace.open(workspace) as ws:
        cfg = ws.settings.analytics
        live = read.impact(ws.store, cfg, source="live")
        kept = read.impact(ws.store, cfg, source="stored")
        assert _api_rows(live, IMPACT_KEY) == _api_rows(kept, IMPACT_KEY)  # fresh: stored equals a live recompute
        with pytest.raises(Exception, match="unknown source"):
            read.impact(ws.store, cfg, source="cached")  # type: ignore[arg-type]
