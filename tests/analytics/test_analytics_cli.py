"""The analytics commands end to end through the real CLI entry point (planted workspace, Rich output)."""

from __future__ import annotations

import pytest
from analytics_planted import build_planted

from empathic import Workspace
from empathic.cli.main import main


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # Rich wraps cells at 80 columns otherwise


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "cli.empathic"
    build_planted(path, n=1200, seed=5).close()
    with Workspace.open(path) as ws:
        ws.analyze(stages=["analytics"])
    return str(path)


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


def test_scores_and_drivers(workspace, capsys):
    code, out = run(capsys, "scores", workspace)
    assert code == 0 and "nps" in out and "csat" in out
    code, out = run(capsys, "drivers", workspace, "--score", "nps")
    assert code == 0 and "delivery delay" in out and "drivers of nps" in out


def test_segments_trends_alerts(workspace, capsys):
    code, out = run(capsys, "segments", workspace, "--by", "plan")
    assert code == 0 and "app crashes" in out and "significant" in out
    code, out = run(capsys, "trends", workspace, "--periods", "3")
    assert code == 0 and "theme share per week" in out
    code, out = run(capsys, "alerts", workspace)
    assert code == 0 and "login bug" in out


def test_search_and_save(workspace, capsys):
    code, out = run(capsys, "search", workspace, 'theme:"delivery delay" AND nps<=6 AND refund', "-n", "3")
    with Workspace.open(workspace, read_only=True) as ws:  # the total: every match, not only the 3 shown
        total = ws.sql(
            "SELECT count(DISTINCT f.feedback_id) AS n FROM feedback f JOIN feedback_themes ft USING (feedback_id) "
            "JOIN feedback_scores s USING (feedback_id) WHERE ft.theme_id = 't_delay' AND s.name = 'nps' "
            "AND s.value <= 6 AND lower(f.text) LIKE '%refund%'"
        ).n[0]
    assert code == 0 and "refund" in out.lower() and f"3 of {total:,} matching comments" in out
    assert "relevance" in out and "nps " in out  # the rank says what it is; the comment's own answers are shown
    code, out = run(capsys, "search", workspace, "plan:basic", "--save", "basics", "-n", "1")
    assert code == 0 and "saved filter 'basics'" in out


def test_errors_are_clean(workspace, capsys):
    code, out = run(capsys, "search", workspace, "colour:red")
    assert code == 2 and "error:" in out and "unknown field" in out and "Traceback" not in out
    code, out = run(capsys, "segments", workspace, "--by", "nope")
    assert code == 2 and "no attribute 'nope'" in out
    code, out = run(capsys, "drivers", workspace, "--score", "nope")
    assert code == 2 and "no score 'nope'" in out


def test_trends_grains_and_waterfall_follow_the_grain(workspace, capsys):
    # the waterfall under `trends --grain month` compared the last two *weeks* (the data's grain), not months
    with Workspace.open(workspace, read_only=True) as ws:
        by_month, by_week = ws.waterfall(grain="month").attrs, ws.waterfall().attrs
    months = f"{by_month['period_a'][0]:%Y-%m-%d} → {by_month['period_b'][0]:%Y-%m-%d}"
    weeks = f"{by_week['period_a'][0]:%Y-%m-%d} → {by_week['period_b'][0]:%Y-%m-%d}"
    assert months != weeks and months.count("-01 ") == 1 and months.endswith("-01")
    code, out = run(capsys, "trends", workspace, "--grain", "month", "--periods", "3")
    assert code == 0 and "theme share per month" in out and months in out and weeks not in out
    code, out = run(capsys, "trends", workspace, "--grain", "year")
    assert code == 0 and "theme share per year" in out and "Traceback" not in out
    code, out = run(capsys, "trends", workspace, "--grain", "fortnight")  # was a ValueError traceback
    assert code == 2 and "unknown grain 'fortnight'" in out and "year" in out and "Traceback" not in out


def test_analytics_commands_say_where_their_numbers_come_from(workspace, capsys):
    with Workspace.open(workspace, read_only=True) as ws:
        run_id = ws.provenance()["run_id"]
    for argv in (["drivers", workspace], ["segments", workspace, "--by", "plan"], ["trends", workspace]):
        code, out = run(capsys, *argv)
        assert code == 0 and f"results from analytics run {run_id[:8]}" in out, argv
