"""No page shows nan, NaT or inf: every web page and the report of a weak workspace (small periods, a 4-comment
unfinished month, rare themes, tiny segments, one-comment customers), grepped for the words."""

from __future__ import annotations

import re
import sys
from datetime import datetime, timedelta
from pathlib import Path

from analytics_tiny import tiny_store
from fastapi.testclient import TestClient

from empathic import Workspace
from empathic.config import Settings
from empathic.report.html import render_report
from empathic.web import create_app
from empathic.web.accounts import Accounts
from empathic.web.pages import registered_pages

sys.path.insert(0, str(Path(__file__).parents[1] / "web"))
from web_helpers import PASSWORD, login

MIXED = [10, 9, 9, 8, 7, 6, 3, 10, 9, 5, 8]
BAD_WORDS = re.compile(r"\b(nan|NaN|NaT|inf|-inf|Infinity)\b")


def visible_text(html: str) -> str:
    """The page without scripts, styles and tags (a chart's JSON may legitimately hold null)."""
    text = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", text)


def weak_workspace(path: Path) -> Path:
    rows = []
    for i in range(400):
        themes = [f"t{i % 30}"] if i % 3 else []  # 30 themes, several under the minimum n per period
        day = datetime(2023, 1, 1) + timedelta(days=i * 1.7 if i < 396 else 700 + i % 4)  # a 4-comment last month
        rows.append({"id": f"c{i:03d}", "date": day, "themes": themes, "text": f"comment {i}\nsecond line",
                     "scores": {"nps": ("nps", MIXED[i % 11]), "csat": ("csat", 1 + i % 5)},
                     "attrs": {"plan": "rare" if i < 3 else ["basic", "pro"][i % 2], "seat": str(i % 7)}})  # fmt: skip
    tiny_store(path, rows, {f"t{k}": f"theme {k}" for k in range(30)}).close()
    with Workspace.open(path) as ws:
        ws.analyze(stages=["analytics"])
    return path


def test_no_web_page_or_report_shows_nan_nat_or_inf(tmp_path):
    path = weak_workspace(tmp_path / "weak.empathic")
    accounts = Accounts(tmp_path / "users.sqlite")
    accounts.add_user("ann", PASSWORD, "analyst", None)
    app = create_app(Settings(), [path], accounts=accounts, upload_dir=tmp_path / "up")
    urls = [f"/w/weak/{page.slug}" for page in registered_pages()]
    urls += ["/w/weak/compare?a=2023Q1&b=2023Q2", "/w/weak/compare?last=30d", "/w/weak/search?q=comment",
             "/w/weak/search?q=theme:t3", "/w/weak/segments?attribute=plan", "/w/weak/customers/c001",
             "/w/weak/themes/t3", "/w/weak/report"]  # fmt: skip
    try:
        with TestClient(app, follow_redirects=False) as client:
            login(client, "ann")
            seen = 0
            for url in urls:
                response = client.get(url)
                assert response.status_code in (200, 404), (url, response.status_code)
                if response.status_code == 200:
                    seen += 1
                    text = visible_text(response.text)
                    found = BAD_WORDS.search(text)
                    assert found is None, (url, text[max(0, found.start() - 80) : found.end() + 80])
            assert seen >= len(urls) - 2
    finally:
        for ws in app.state.ctx.workspaces.values():
            ws.close()
    with Workspace.open(path, read_only=True) as ws:
        html = render_report(ws)
    assert BAD_WORDS.search(visible_text(html)) is None
