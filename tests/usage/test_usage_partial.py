"""Partial periods: a month or week the events do not cover whole is flagged, so an export's unfinished current
month (few active customers yet, many "dormant") is not read as a collapse (issue #19)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from empathic import Workspace


def _events() -> pd.DataFrame:
    """20 customers active every week of January and February 2024; the export ends on 6 March, when 3 of them
    have come back so far."""
    days = pd.date_range("2024-01-01", "2024-02-29", freq="7D")
    rows = [(f"c{i:02d}", day + pd.Timedelta(hours=9 + i % 5), "open") for i in range(20) for day in days]
    rows += [(f"c{i:02d}", pd.Timestamp("2024-03-06 10:00"), "open") for i in range(3)]
    return pd.DataFrame(rows, columns=["user", "ts", "action"])


def test_the_unfinished_last_month_is_flagged_and_whole_months_are_not(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "u.empathic") as ws:
        ws.ingest(_events(), kind="events", customer="user", date="ts", event="action")
        ws.analyze(stages=["usage"])
        life = ws.lifecycle("month")
        sticky = ws.stickiness().set_index("month")
        weekly = ws.lifecycle("week")
    assert life.loc["2024-03", "dormant"] == 17  # the misleading figure the flag is for
    assert life["partial"].to_dict() == {"2024-01": False, "2024-02": False, "2024-03": True}
    assert sticky["partial"].to_dict() == {"2024-01": False, "2024-02": False, "2024-03": True}
    # weeks start on Mondays; 2024-01-01 is one, and the week of 4 March ends after the last event (6 March)
    assert not weekly["partial"].iloc[0] and weekly["partial"].iloc[-1]
    assert weekly["partial"].sum() == 1


def test_the_usage_page_and_the_report_mark_the_partial_month(tmp_path: Path) -> None:
    """The web Usage page and the report read stickiness through the same read function as ``ws.stickiness()``
    (``empathic.usage.read``), so the unfinished month carries its flag there too, and whole months do not."""
    import re
    import sys

    from fastapi.testclient import TestClient

    sys.path.insert(0, str(Path(__file__).parents[1] / "web"))
    from web_helpers import login, make_accounts

    from empathic.config import Settings
    from empathic.report import sections
    from empathic.report.html import render_report
    from empathic.web import create_app

    path = tmp_path / "u.empathic"
    with Workspace.open(path) as ws:
        ws.ingest(_events(), kind="events", customer="user", date="ts", event="action")
        ws.analyze(stages=["usage"])
        assert sections.usage(ws.store)["stickiness"] == ws.stickiness().to_dict(orient="records")
        report = render_report(ws.store, ws.settings)
    table = re.search(r'<table id="stickiness">.*?</table>', report, re.S).group(0)
    assert "2024-03 (partial)" in table and "2024-02 (partial)" not in table and "2024-02" in table
    app = create_app(Settings(), [path], accounts=make_accounts(tmp_path / "a.sqlite"), upload_dir=tmp_path / "up")
    name = next(iter(app.state.ctx.workspaces))
    try:
        with TestClient(app, follow_redirects=False) as client:
            login(client, "vic")
            page = client.get(f"/w/{name}/usage").text
    finally:
        for w in app.state.ctx.workspaces.values():
            w.close()
    card = re.search(r'<section class="card" id="stickiness">.*?</section>', page, re.S).group(0)
    assert re.search(r"2024-03 <span[^>]*>\(partial\)", card) and not re.search(r"2024-0[12] <span", card)
