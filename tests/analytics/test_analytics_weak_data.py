"""Weak or partial data warns instead of crashing: no themes, one segment, tiny segments, no dates, no scores."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from analytics_tiny import tiny_store

from empathic.analytics import results, stage
from empathic.analytics.settings import AnalyticsSettings
from empathic.config import Settings
from empathic.errors import InputError
from empathic.progress import silent
from empathic.store import Store

CFG = AnalyticsSettings()


def _rows(n, *, themes=True, dates=True, attrs=None, score=True):
    out = []
    for i in range(n):
        row = {"id": f"c{i:03d}", "text": f"comment {i} about shipping"}
        if dates:
            row["date"] = datetime(2024, 1, 1) + timedelta(days=i % 90)
        if score:
            row["scores"] = {"nps": ("nps", i % 11)}
        if attrs:
            row["attrs"] = attrs(i)
        if themes:
            row["themes"] = ["ship"] if i % 3 == 0 else []
        out.append(row)
    return out


def test_empty_workspace_is_skipped(tmp_path):
    s = Store(tmp_path / "empty.empathic")
    result = stage.run(s, Settings(), silent)
    assert result.skipped and "no comments" in result.message
    assert results.scores(s, CFG).empty and results.alerts(s, CFG).empty


def test_without_themes_scores_and_segments_still_work(tmp_path):
    s = tiny_store(tmp_path / "nothemes.empathic", _rows(120, themes=False, attrs=lambda i: {"plan": "ab"[i % 2]}))
    result = stage.run(s, Settings(), silent)
    assert not result.skipped
    assert "no themes" in result.message
    assert s.count("score_summary") == 1 and s.count("theme_impact") == 0
    seg = s.read_df("SELECT * FROM segment_differences")
    assert set(seg.metric) == {"score"} and len(seg) == 2
    assert results.impact(s, CFG).empty and results.drivers(s, CFG).empty


def test_single_segment_warns(tmp_path):
    s = tiny_store(tmp_path / "one.empathic", _rows(60, attrs=lambda i: {"plan": "pro"}), {"ship": "shipping"})
    seg = results.segments(s, CFG, "plan")
    assert seg.empty
    assert any("single value" in w for w in seg.attrs["warnings"])
    result = stage.run(s, Settings(), silent)
    assert any("single value" in w for w in result.warnings)


def test_tiny_segment_is_not_tested(tmp_path):
    attrs = lambda i: {"plan": "rare" if i < 5 else "common" if i % 2 else "other"}  # noqa: E731
    s = tiny_store(tmp_path / "tiny.empathic", _rows(200, attrs=attrs), {"ship": "shipping"})
    seg = results.segments(s, CFG, "plan")
    rare = seg[seg.segment == "rare"]
    assert (rare.test == "too_small").all() and rare.p_value.isna().all() and not rare.significant.any()
    assert any(w.startswith("plan: 1 segment(s) under 30") and "'rare' has only 5" in w for w in seg.attrs["warnings"])


def test_high_cardinality_text_attribute_skipped_numeric_banded(tmp_path):
    attrs = lambda i: {"email": f"u{i}@x.org", "age": str(18 + i % 60)}  # noqa: E731
    s = tiny_store(tmp_path / "card.empathic", _rows(300, attrs=attrs), {"ship": "shipping"})
    seg = results.segments(s, CFG)
    assert any("'email' has 300 distinct values" in w for w in seg.attrs["warnings"])
    bands = sorted(seg[seg.attribute == "age"].segment.unique())
    assert len(bands) == 5 and any(b.startswith("<") for b in bands) and any(b.startswith("≥") for b in bands)
    sizes = seg[(seg.attribute == "age") & (seg.metric == "score")].n_segment
    assert sizes.sum() == 300


def test_no_dates_no_trends(tmp_path):
    s = tiny_store(tmp_path / "nodates.empathic", _rows(50, dates=False), {"ship": "shipping"})
    result = stage.run(s, Settings(), silent)
    assert "no dates" in result.message
    assert s.count("theme_trends") == 0 and s.count("alerts") == 0
    with pytest.raises(InputError, match="no dates"):
        results.waterfall(s, CFG, "nps")


def test_no_scores(tmp_path):
    s = tiny_store(tmp_path / "noscores.empathic", _rows(50, score=False), {"ship": "shipping"})
    result = stage.run(s, Settings(), silent)
    assert not result.skipped and s.count("score_summary") == 0 and s.count("theme_trends") > 0
    with pytest.raises(InputError, match="no score column"):
        results.waterfall(s, CFG)


def test_bad_arguments_are_input_errors(tmp_path):
    s = tiny_store(tmp_path / "args.empathic", _rows(50), {"ship": "shipping"})
    with pytest.raises(InputError, match="no score 'csat'"):
        results.impact(s, CFG, "csat")
    with pytest.raises(InputError, match="no attribute 'plan'"):
        results.segments(s, CFG, "plan")
    with pytest.raises(InputError, match="cannot read period"):
        results.waterfall(s, CFG, "nps", "last tuesday", "2024-02")
    with pytest.raises(InputError, match="no comments with this score"):
        results.waterfall(s, CFG, "nps", "2019-01", "2024-02")
