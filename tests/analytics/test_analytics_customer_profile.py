"""The customer page is a profile: attributes, value, one timeline of words and actions, themes, sentiment trend."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
from fastapi.testclient import TestClient

from empathic import Workspace
from empathic.config import Settings
from empathic.report import sections
from empathic.web import create_app
from empathic.web.accounts import Accounts


def test_customer_profile_has_value_timeline_and_trend(tmp_path):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[1] / "web"))
    from web_helpers import PASSWORD, login

    start = datetime(2024, 3, 1)
    feedback = pd.DataFrame({
        "id": ["f1", "f2", "f3"], "customer": ["C7", "C7", "C8"],
        "comment": ["Export keeps failing.\nPlease fix it.", "Export works now, thanks!", "Fine."],
        "date": [start + timedelta(days=2), start + timedelta(days=20), start + timedelta(days=3)],
        "nps": [3, 9, 7], "plan": ["pro", "pro", "basic"],
    })  # fmt: skip
    events = pd.DataFrame({
        "user": ["C7"] * 6 + ["C8"], "ts": [start + timedelta(days=d, hours=h) for d, h in
                                            [(1, 9), (1, 10), (8, 9), (15, 9), (15, 14), (22, 9), (2, 9)]],
        "action": ["export", "view", "export", "view", "export", "export", "view"],
        "amount": [10.0, 0, 0, 0, 5.0, 0, 0],
    })  # fmt: skip
    path = tmp_path / "cust.empathic"
    with Workspace.open(path) as ws:
        ws.ingest(feedback, text="comment", id="id", customer="customer", date="date", score="nps:nps", attr=["plan"])
        ws.ingest(events, kind="events", customer="user", date="ts", event="action", value="amount")
        ws.analyze(stages=["usage"])
        profile = sections.customer(ws.store, "C7")
        assert sections.customer(ws.store, "nobody") is None
    assert profile["value"] == 15.0 and profile["usage"]["n_sessions"] >= 3
    kinds = [t["kind"] for t in profile["timeline"]]
    assert kinds.count("feedback") == 2 and "usage" in kinds  # words and actions on one timeline
    assert [t["at"] for t in profile["timeline"]] == sorted(t["at"] for t in profile["timeline"])
    assert [r["score"] for r in profile["sentiment_trend"]] == [3.0, 9.0]
    accounts = Accounts(tmp_path / "users.sqlite")
    accounts.add_user("ann", PASSWORD, "analyst", None)
    app = create_app(Settings(), [path], accounts=accounts, upload_dir=tmp_path / "up")
    try:
        with TestClient(app, follow_redirects=False) as client:
            login(client, "ann")
            page = client.get("/w/cust/customers/C7")
        assert page.status_code == 200
        html = page.text
        assert 'id="customer-profile"' in html and "value" in html and "15" in html
        assert 'id="customer-timeline"' in html and "Export keeps failing." in html and "sessions" in html
        assert "Sentiment over time" in html
    finally:
        for ws in app.state.ctx.workspaces.values():
            ws.close()
