"""Period comparison (``empathic compare``, ``ws.compare``, ``GET /api/v1/w/{ws}/compare``) on a planted change.

2023: 440 comments, "delivery delay" on 1 in 10 (all detractors), the rest a mixed NPS of +18.2 → NPS ≈ +6.4.
2024: 440 comments, "delivery delay" on 3 in 10 → NPS ≈ −17.3; "app crash" appears (new) on 1 in 11.
Expected: a significant drop of ≈ −23.6, carried by delivery delay (a volume effect ≈ −19).
"""

from __future__ import annotations

import re
import sys
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from analytics_tiny import tiny_store

from empathic import Workspace
from empathic.analytics.compare import period_label
from empathic.analytics.waterfall import parse_period
from empathic.cli.main import main
from empathic.errors import InputError

MIXED = [10, 9, 9, 8, 7, 6, 3, 10, 9, 5, 8]


def _rows() -> list[dict]:
    rows = []
    for year, delay_every in ((2023, 10), (2024, 10 / 3)):
        for i in range(440):
            day = datetime(year, 1, 1) + timedelta(days=i * (366 if year == 2024 else 365) / 440)
            delay = int(i / delay_every) != int((i + 1) / delay_every)  # ≈ 1 in delay_every, spread evenly
            themes = ["delay"] if delay else []
            if year == 2024 and i % 11 == 5 and not delay:
                themes = ["crash"]
            text = "my parcel was two weeks late and nobody answered" if delay else f"comment {year} {i} about the app"
            rows.append({"id": f"c{year}{i:04d}", "date": day, "text": text, "themes": themes,
                         "scores": {"nps": ("nps", 2 if delay else MIXED[i % 11])}})  # fmt: skip
    return rows


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("compare") / "compare.empathic"
    tiny_store(path, _rows(), {"delay": "delivery delay", "crash": "app crash"}).close()
    return path


def test_planted_change_is_explained(workspace):
    with Workspace.open(workspace, read_only=True) as ws:
        result = ws.compare("nps", ["2023", "2024"])
    a, b, change = result.a, result.b, result.change
    assert a["n"] == b["n"] == 440
    expected = b["value"] - a["value"]
    assert change["value"] == pytest.approx(expected) and -30 < expected < -18
    assert change["significant"] and change["ci_high"] < 0 < a["ci_high"] - a["ci_low"]
    wf = result.waterfall.set_index("theme_id")
    assert wf.contribution.sum() == pytest.approx(expected)
    assert wf.contribution.idxmin() == "delay" and wf.loc["delay"].ci_high < 0
    assert np.isfinite(wf[["ci_low", "ci_high"]].to_numpy(float)).all()
    status = dict(zip(result.themes.theme_id, result.themes.status, strict=True))
    assert status == {"delay": "rose", "crash": "new"}
    assert all("late" in q for q in result.quotes["delay"])
    assert result.label_a == "2023" and result.label_b == "2024" and not result.warnings


def test_period_forms_and_last_days(workspace):
    with Workspace.open(workspace, read_only=True) as ws:
        quarters = ws.compare(periods=["2024Q1", "2024Q2"])
        months = ws.compare(periods=["2024-01", "2024-02"])
        ranges = ws.compare(periods=["2023-01-01..2023-12-31", "2024-01-01..2024-12-31"])
        last = ws.compare(last="60d")
        with pytest.raises(InputError, match="cannot read period"):
            ws.compare(periods=["2023", "last year"])
        with pytest.raises(InputError, match="--last"):
            ws.compare(last="soon")
    assert (quarters.label_a, quarters.label_b) == ("2024Q1", "2024Q2")
    assert (months.label_a, months.label_b) == ("2024-01", "2024-02")
    assert not months.change["significant"]  # nothing planted between January and February
    assert ranges.label_a == "2023" and ranges.label_b == "2024" and ranges.change["value"] < -18
    a_start, a_end = last.period_a
    assert last.period_b[0] == a_end and (a_end - a_start).days == 60 and last.period_b[1] == datetime(2025, 1, 1)
    assert parse_period("2023-01-01..2023-03-31") == (datetime(2023, 1, 1), datetime(2023, 4, 1))
    assert period_label((datetime(2023, 1, 1), datetime(2023, 4, 1))) == "2023Q1"


def test_cli_compare(workspace, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["compare", str(workspace), "--score", "nps", "--periods", "2023", "2024"]) == 0
    out = capsys.readouterr().out
    assert "2023" in out and "n=440" in out and "significant" in out and "delivery delay" in out and "new" in out
    assert "nan" not in out.lower()
    assert "p<0.001: " in out and "p=<" not in out  # was "p=<0.001"
    # every delay comment says the same words: quoted once, not the same line twice
    assert out.count("“my parcel was two weeks late and nobody answered”") == 1
    assert main(["compare", str(workspace), "--score", "csat"]) == 2
    assert "no score 'csat'" in capsys.readouterr().err


def test_rest_compare(workspace, tmp_path):
    from fastapi.testclient import TestClient

    sys.path.insert(0, str(Path(__file__).parents[1] / "web"))
    from web_helpers import login, make_accounts

    from empathic.config import Settings
    from empathic.web import create_app

    app = create_app(Settings(), [workspace], accounts=make_accounts(tmp_path / "users.sqlite"),
                     upload_dir=tmp_path / "up")  # fmt: skip
    name = next(iter(app.state.ctx.workspaces))
    try:
        with TestClient(app, follow_redirects=False) as client:
            login(client, "vic")
            got = client.get(f"/api/v1/w/{name}/compare", params={"score": "nps", "a": "2023", "b": "2024"})
            assert got.status_code == 200, got.text
            body = got.json()
            assert body["label_a"] == "2023" and body["a"]["n"] == 440 and body["change"]["significant"]
            assert {t["theme_id"]: t["status"] for t in body["themes"]} == {"delay": "rose", "crash": "new"}
            bad = client.get(f"/api/v1/w/{name}/compare", params={"a": "2023"})
            assert bad.status_code == 400 and "both periods" in bad.text
            trend = client.get(f"/api/v1/w/{name}/score-trend", params={"score": "nps", "grain": "quarter"}).json()
            assert trend["grain"] == "quarter" and len(trend["periods"]) == 8
            assert sum(p["n"] for p in trend["periods"]) == 880
            assert all(p["ci_low"] < p["value"] < p["ci_high"] for p in trend["periods"])
            yearly = client.get(f"/api/v1/w/{name}/score-trend", params={"score": "nps", "grain": "year"}).json()
            assert [p["n"] for p in yearly["periods"]] == [440, 440]
            assert client.get(f"/api/v1/w/{name}/provenance").status_code == 409  # no analytics run here
            page = client.get(f"/w/{name}/compare", params={"score": "nps", "a": "2023", "b": "2024"})
            assert page.status_code == 200 and "nps: 2023 → 2024" in page.text and "significant" in page.text
            assert "delivery delay" in page.text and "rose" in page.text and "chart-score" in page.text
            assert not re.search(r">\s*(nan|NaN|inf)\s*<", page.text)
            page = client.get(f"/w/{name}/compare", params={"a": "2023", "b": "someday"})
            assert page.status_code == 200 and "cannot read period" in page.text
    finally:
        for ws in app.state.ctx.workspaces.values():
            ws.close()


def test_theme_changes_by_hand():
    import pandas as pd

    from empathic.analytics.compare import theme_changes
    from empathic.analytics.evidence import EvidenceRules

    # 200 comments per period. "late": 20 → 60 mentions (10 % → 30 %); "app": 0 → 15 (new); "rare": 2 → 3;
    # "staff": 40 → 38 (steady); "old": 12 → 0 (gone)
    shares = pd.DataFrame(
        [("a", "late", "late", 20), ("b", "late", "late", 60), ("b", "app", "app", 15), ("a", "rare", "rare", 2),
         ("b", "rare", "rare", 3), ("a", "staff", "staff", 40), ("b", "staff", "staff", 38), ("a", "old", "old", 12)],
        columns=["period", "theme_id", "label", "x"],
    )  # fmt: skip
    out = theme_changes(shares, 200, 200, rules=EvidenceRules()).set_index("theme_id")
    assert dict(out.status) == {"late": "rose", "app": "new", "rare": "steady", "staff": "steady", "old": "gone"}
    assert out.loc["late", "diff"] == pytest.approx(0.20)
    half = 1.959964 * np.sqrt(0.1 * 0.9 / 200 + 0.3 * 0.7 / 200)
    assert out.loc["late", "ci_low"] == pytest.approx(0.20 - half, abs=1e-5)
    assert np.isnan(out.loc["rare", "p_value"])  # 5 mentions in all: under min_cell_n, not tested
    assert list(out.index[:2]) == ["late", "app"]  # largest |change| first


def test_rank_by_size_keeps_both_directions():
    import pandas as pd

    from empathic.analytics.impact import rank_by_size

    impact = pd.DataFrame({"score_name": "nps", "theme_id": list("abcdef"),
                           "impact": [-9.0, -7.0, -5.0, -3.0, 1.0, 0.5]})  # fmt: skip
    top = rank_by_size(impact, 2)
    assert top.theme_id.tolist() == ["a", "b", "e", "f"]
    assert top.direction.tolist() == ["lowers", "lowers", "raises", "raises"]


def test_quotes_are_the_themes_own_sentences(tmp_path):
    rows = _rows()
    for r in rows:
        if r["themes"] == ["delay"]:
            r["text"] = "The app itself is lovely and quick to use. " + r["text"]
    path = tmp_path / "quotes.empathic"
    store = tiny_store(path, rows, {"delay": "delivery delay", "crash": "app crash"})
    with store.write() as con:
        for r in rows:
            if r["themes"] == ["delay"]:
                first, second = r["text"].split(". ", 1)
                con.execute("INSERT INTO sentences VALUES (?, 0, ?, 0, 1), (?, 1, ?, 1, 2)",
                            [r["id"], first + ".", r["id"], second])  # fmt: skip
                con.execute("INSERT INTO sentence_themes VALUES (?, 1, 'delay', NULL, 0.9)", [r["id"]])
    store.close()
    with Workspace.open(path, read_only=True) as ws:
        quotes = ws.compare("nps", ["2023", "2024"]).quotes["delay"]
    assert quotes and all(q == "my parcel was two weeks late and nobody answered" for q in quotes)
