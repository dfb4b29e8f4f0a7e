"""Each theme's one-line summary (``theme_summaries``) is shown in the CLI listing, the web theme pages and the HTML
report, and stays the summary of the theme it sits beside after rename, merge, split and delete."""

from __future__ import annotations

import html
import json
import sys
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import empathic
from empathic.cli.main import app as cli_app
from empathic.config import Settings
from empathic.report.html import render_report
from empathic.themes.rows import summary_line
from empathic.web import create_app

sys.path.append(str(Path(__file__).parents[1] / "web"))  # web_helpers (appended: other conftest modules stay first)
from web_helpers import login, make_accounts


def _summaries(path: Path) -> dict[str, str]:
    """theme id → summary of every alive theme that has one (never "other")."""
    with empathic.Workspace.open(path, read_only=True) as ws:
        tree = ws.themes()
    alive = tree[~tree.is_other & tree.summary.notna()]
    return dict(zip(alive.theme_id, alive.summary, strict=True))


def test_every_theme_has_a_summary_from_its_own_quotes(base_workspace: Path) -> None:
    with empathic.Workspace.open(base_workspace, read_only=True) as ws:
        tree = ws.themes()
        real = tree[~tree.is_other]
        assert real.summary.notna().all()
        for row in real.itertuples():
            quotes = ws.theme_quotes(row.theme_id)
            assert row.summary == summary_line(quotes.text.iloc[0])


def test_cli_listing_shows_the_summaries(base_workspace: Path) -> None:
    result = CliRunner().invoke(cli_app, ["themes", str(base_workspace), "--level", "1"], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    with empathic.Workspace.open(base_workspace, read_only=True) as ws:
        tree = ws.themes()
    top = tree[(tree.level == 1) & ~tree.is_other]
    for summary in top.summary:
        assert summary in result.output
    shown = json.loads(CliRunner().invoke(cli_app, ["themes", str(base_workspace), "--json"]).output)
    assert {r["theme_id"]: r["summary"] for r in shown if not r["is_other"]} == _summaries(base_workspace)


def test_web_theme_pages_show_the_summaries(base_workspace: Path, tmp_path: Path) -> None:
    summaries = _summaries(base_workspace)
    app = create_app(
        Settings(), [base_workspace], accounts=make_accounts(tmp_path / "u.sqlite"), upload_dir=tmp_path / "up"
    )
    try:
        client = login(TestClient(app, follow_redirects=False), "vic")
        name = base_workspace.stem
        listing = client.get(f"/w/{name}/themes")
        assert listing.status_code == 200
        for summary in summaries.values():
            assert html.escape(summary) in listing.text
        theme_id, summary = next(iter(summaries.items()))
        detail = client.get(f"/w/{name}/themes/{theme_id}")
        assert detail.status_code == 200
        assert f'id="theme-summary">{html.escape(summary)}<' in detail.text
        api = client.get(f"/api/v1/w/{name}/themes/{theme_id}")
        assert api.status_code == 200 and summary in api.text
    finally:
        for ws in app.state.ctx.workspaces.values():
            ws.close()


def test_report_theme_section_shows_the_summaries(base_workspace: Path) -> None:
    with empathic.Workspace.open(base_workspace, read_only=True) as ws:
        page = render_report(ws.store, ws.settings)
        tree = ws.themes()
    top = tree[(tree.level == 1) & ~tree.is_other]
    assert len(top)
    for summary in top.summary:
        assert f'<small class="muted theme-summary">{html.escape(summary)}</small>' in page


@pytest.mark.parametrize("op", ["rename", "merge", "split", "delete"])
def test_summaries_follow_the_edits(workspace_copy: Path, op: str) -> None:
    with empathic.Workspace.open(workspace_copy) as ws:
        tree = ws.themes()
        top = tree[(tree.level == 1) & ~tree.is_other].reset_index(drop=True)
        a, b = top.theme_id[0], top.theme_id[1]
        before = dict(ws.sql("SELECT theme_id, summary FROM theme_summaries").itertuples(index=False))
        if op == "rename":
            ws.rename_theme(a, "renamed theme")
        elif op == "merge":
            ws.merge_themes([a, b], into=a)
        elif op == "split":
            ws.split_theme(a, 2)
        else:
            ws.delete_theme(b)
        after = ws.themes()
        stored = dict(ws.sql("SELECT theme_id, summary FROM theme_summaries").itertuples(index=False))
        alive = after[~after.is_other]
        # one summary per alive theme, taken from that theme's own first quote, whatever the edit did
        for row in alive.itertuples():
            quotes = ws.theme_quotes(row.theme_id)
            expected = summary_line(quotes.text.iloc[0]) if len(quotes) else None
            assert stored.get(row.theme_id) == expected or (expected is None and pd.isna(stored.get(row.theme_id)))
        gone = {b} if op in ("merge", "delete") else {a} if op == "split" else set()
        assert not gone & set(alive.theme_id)
        assert all(pd.isna(stored.get(t)) for t in gone)  # no summary left behind for a theme that is gone
        if op == "rename":  # a new name, the same members: the same summary, shown under the new name
            assert stored[a] == before[a] and alive.set_index("theme_id").loc[a, "summary"] == before[a]


def test_cli_listing_says_how_many_themes_over_how_many_comments(base_workspace: Path) -> None:
    """Shares overlap (a comment can be in several themes), so the header gives their base and the theme counts."""
    result = CliRunner().invoke(cli_app, ["themes", str(base_workspace)], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    with empathic.Workspace.open(base_workspace, read_only=True) as ws:
        tree = ws.themes()
        n_comments = int(ws.sql("SELECT count(*) AS n FROM feedback WHERE text IS NOT NULL AND text <> ''").n[0])
    n_top = int(((tree.level == 1) & ~tree.is_other).sum())
    n_sub = int(((tree.level == 2) & ~tree.is_other).sum())
    assert f"{n_top} themes, {n_sub} subthemes over {n_comments:,} comments" in result.output.splitlines()[0]
