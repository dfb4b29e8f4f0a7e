"""No page shows nan, NaT or inf: every web page and the report of a weak workspace (small periods, a 4-comment
unfinished month, rare themes, tiny segments, one-comment customers), grepped for the words."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from analytics_tiny import tiny_store
from fastapi.testclient import TestClient

from empathic import Workspace
from empathic.config import Settings
from empathic.web import create_app
from empathic.web.accounts import Accounts
from empathic.web.pages import registered_pages

sys.path.insert(0, str(Path(__file__).parents[1] / "web"))
from web_helpers import PASSWORD, login

MIXED = [10, 9, 9, 8, 7, 6, 3, 10, 9, 5, 8]
BAD_WORDS = re.compile(r"\b(nan|NaN|NaT|inf|-inf|Infinity|None)\b")  # None: a missing value printed raw


def visible_text(html: str) -> str:
    """The page without scripts, styles and tags (a chart's JSON may legitimately hold null)."""
    text = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", text)


def weak_workspace(path: Path) -> Path:
    rows = []
    for i in range(400):
        themes = [f"t{i % 30}"] if i % 3 else []  # 30 themes, several under the minimum n per period
        day = datetime(2023, 1, 1) + timedelta(days=i * 1.7 if i < 396 else 700 + i % 4)  # a 4-comment last month
        customer = f"u{i % 40:02d}" if i < 360 else f"solo{i}"  # 40 customers of 9 comments, 40 of one
        rows.append({"id": f"c{i:03d}", "date": day, "themes": themes, "text": f"comment {i}\nsecond line",
                     "customer": customer, "scores": {"nps": ("nps", MIXED[i % 11]), "csat": ("csat", 1 + i % 5)},
                     "attrs": {"plan": "rare" if i < 3 else ["basic", "pro"][i % 2], "seat": str(i % 7)}})  # fmt: skip
    tiny_store(path, rows, {f"t{k}": f"theme {k}" for k in range(30)}).close()
    with Workspace.open(path) as ws:
        ws.analyze(stages=["analytics"])
    return path


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> Iterator[TestClient]:
    """One signed-in analyst on the app serving the weak workspace (built once: the pages below share it)."""
    tmp_path = tmp_path_factory.mktemp("weak")
    path = weak_workspace(tmp_path / "weak.empathic")
    accounts = Accounts(tmp_path / "users.sqlite")
    accounts.add_user("ann", PASSWORD, "analyst", None)
    app = create_app(Settings(), [path], accounts=accounts, upload_dir=tmp_path / "up")
    try:
        with TestClient(app, follow_redirects=False) as signed_in:
            yield login(signed_in, "ann")
    finally:
        for ws in app.state.ctx.workspaces.values():
            ws.close()


def test_no_web_page_or_report_shows_nan_nat_or_inf(client):
    urls = [f"/w/weak/{page.slug}" for page in registered_pages()]
    urls += ["/w/weak/compare?a=2023Q1&b=2023Q2", "/w/weak/compare?last=30d", "/w/weak/search?q=comment",
             "/w/weak/search?q=theme:t3", "/w/weak/segments?attribute=plan", "/w/weak/customers/u01",
             "/w/weak/customers/solo399", "/w/weak/themes/t3", "/w/weak/trends?grain=quarter",
             "/w/weak/trends?grain=year&score=csat", "/w/weak/report"]  # fmt: skip
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)  # every page, the customer ones included
        text = visible_text(response.text)
        found = BAD_WORDS.search(text)
        assert found is None, (url, text[max(0, found.start() - 80) : found.end() + 80])
    # /w/weak/report is render_report(store, settings) as is (what `empathic report` writes): grepped above
    assert 'id="provenance"' in client.get("/w/weak/report").text


def test_segments_page_shows_credible_intervals_with_n(client):
    # the 3-comment 'rare' plan: its shrunk value comes with a finite 95 % credible interval and its n
    html = client.get("/w/weak/segments?attribute=plan").text
    assert "95 % credible" in html
    rows = re.findall(r"<tr[^>]*>\s*<td>plan</td><td>rare</td>(.*?)</tr>", html, flags=re.S)
    assert rows, "no row for the rare plan"
    for row in rows:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        n, value, interval = cells[2], float(cells[3]), cells[4]
        low, high = (float(x) for x in interval.split(" – "))
        assert n == "3" and low <= value <= high and high - low > 0.01, row


def test_pages_say_which_runs_their_numbers_come_from(client):
    ws = next(iter(client.app.state.ctx.workspaces.values()))
    run_id = ws.provenance()["run_id"]
    for slug in ("overview", "segments", "drivers", "trends"):
        html = client.get(f"/w/weak/{slug}").text
        line = re.search(r'<p class="muted provenance" id="provenance">(.*?)</p>', html)
        assert line and f"Results from analytics run {run_id[:8]}" in line.group(1), slug
    made = client.get("/api/v1/w/weak/provenance").json()  # the same record through REST
    assert made["run_id"] == run_id and made["text"].startswith(f"analytics run {run_id[:8]}")
    assert made["stale"] is False and isinstance(made["inputs"], dict)


def test_trends_page_charts_the_score_per_chosen_grain(client):
    # the score over time with its intervals, at a grain the user picks (default: from the data)
    html = client.get("/w/weak/trends").text
    assert 'id="chart-score"' in html and "with 95 % intervals" in html
    quarterly = client.get("/w/weak/trends?grain=quarter&score=csat").text
    assert "csat per quarter" in quarterly and '<option value="quarter" selected>' in quarterly
    figure = json.loads(re.search(r'<script type="application/json" id="chart-score-data">(.*?)</script>',
                                  quarterly, flags=re.S).group(1))  # fmt: skip
    trace = figure["data"][0]
    assert trace["x"] and all(x[5:7] in ("01", "04", "07", "10") for x in trace["x"])
    assert all(p >= 0 for p in trace["error_y"]["array"]) and len(trace["error_y"]["array"]) == len(trace["x"])
    assert client.get("/w/weak/trends?grain=fortnight").status_code == 200  # an unknown grain falls back


def test_search_page_names_relevance_shows_answers_and_the_total(client):
    # the BM25 rank was printed as "score 2.251" next to NPS answers; and only the shown count was given
    html = client.get("/w/weak/search?q=comment").text
    assert re.search(r'id="search-count">50 results shown of 400 matching comments', html)
    assert re.search(r"relevance \d+\.\d\d<", html) and not re.search(r">score \d", html)
    assert re.search(r'class="answers">[^<]*nps \d+', html)


def test_drivers_page_shows_one_chosen_score_largest_first_both_ways(client):
    # the page drew a chart per score (every score × theme: 10,825 px on the BA reviews); now one score at a time,
    # the main one by default, its 10 largest impacts each way charted and every theme in the Numbers table
    ws = next(iter(client.app.state.ctx.workspaces.values()))
    default = client.get("/w/weak/drivers").text
    assert default.count('id="chart-impact"') == 1 and "Impact of each theme on nps" in default
    assert '<option value="csat">' in default
    html = client.get("/w/weak/drivers?score=csat").text
    assert "Impact of each theme on csat" in html and '<option value="csat" selected>' in html
    impact = ws.impact("csat")
    figure = json.loads(re.search(r'id="chart-impact-data">(.*?)</script>', html, flags=re.S).group(1))
    values = figure["data"][0]["x"] if figure["data"][0].get("orientation") == "h" else figure["data"][0]["y"]
    assert 0 < len(values) <= 20 and sum(v < 0 for v in values) <= 10 and sum(v > 0 for v in values) <= 10
    assert figure["layout"]["yaxis"]["automargin"] is True  # long labels were clipped ("w (renamed…)")
    largest = impact[impact.level == 1].impact.abs().max()
    assert max(abs(v) for v in values) == pytest.approx(largest)
    table = html[html.index('id="chart-impact-data"') : html.index("Key drivers")]
    assert table.count("<tr><td>") == len(impact)  # every theme with enough comments, under Numbers
    assert client.get("/w/weak/drivers?score=nope").status_code == 200  # an unknown score falls back to the main


def test_pages_name_scores_by_their_display_names(client):
    # `scores rename` names showed on the overview and report, but Segments, Trends and Drivers said "csat"
    ws = next(iter(client.app.state.ctx.workspaces.values()))
    ws.rename_score("csat", "Satisfaction (CSAT)")
    client.app.state.ctx.cache.invalidate("weak")
    try:
        segments = client.get("/w/weak/segments?attribute=plan").text
        assert "<td>Satisfaction (CSAT)</td>" in segments and "<td>csat</td>" not in segments
        trends = client.get("/w/weak/trends?score=csat").text
        assert "Satisfaction (CSAT) per " in trends and '<option value="csat" selected>Satisfaction (CSAT)<' in trends
        drivers = client.get("/w/weak/drivers?score=csat").text
        assert "Impact of each theme on Satisfaction (CSAT)" in drivers
        assert '<option value="csat">Satisfaction (CSAT)</option>' in client.get("/w/weak/compare").text
    finally:
        ws.rename_score("csat", "")
        client.app.state.ctx.cache.invalidate("weak")


def test_an_analyst_renames_a_score_on_the_overview_and_it_is_logged(client):
    # the display name could be set from the CLI and Python only
    page = client.get("/w/weak/overview").text
    assert 'action="/w/weak/scores/csat/rename"' in page  # the form is offered to an analyst
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    try:
        sent = client.post("/w/weak/scores/csat/rename", data={"csrf_token": csrf, "display_name": "  Happy   users "})
        assert sent.status_code == 303
        assert "Happy users (" in client.get("/w/weak/overview").text
        assert "Happy users per " in client.get("/w/weak/trends?score=csat").text
        bad = client.post("/w/weak/scores/shoe_size/rename", data={"csrf_token": csrf, "display_name": "x"})
        assert bad.status_code == 400 and "no score" in bad.text
        ws = next(iter(client.app.state.ctx.workspaces.values()))
        log = ws.store.read_df(
            "SELECT actor, action, object_id FROM activity_log WHERE action = 'score.rename' AND actor = 'ann'"
        )  # the Python renames of the test above are logged too, under the login name
        assert log.values.tolist() == [["ann", "score.rename", "csat"]]
    finally:
        client.post("/w/weak/scores/csat/rename", data={"csrf_token": csrf, "display_name": ""})
    assert "Happy users" not in client.get("/w/weak/overview").text
