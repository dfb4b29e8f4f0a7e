"""The self-contained HTML report: sections, escaping, offline, CLI."""

from __future__ import annotations

import html
import re
from pathlib import Path

from empathic.cli.main import main
from empathic.report.html import bars, report_context
from empathic.workspace import Workspace


def test_report_has_every_section_and_is_self_contained(hostile_ws, tmp_path: Path) -> None:
    text = hostile_ws.report(tmp_path / "r.html")
    assert (tmp_path / "r.html").read_text(encoding="utf-8") == text
    for heading in ("Overview", "What changed", "Top themes", "Drivers", "Segments", "Trends"):
        assert f"<h2>{heading}</h2>" in text
    assert "<script" not in text.lower()  # no JS at all, so nothing can run
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)  # nothing fetched from outside
    assert "Fit and sizing" in text and "120" in text


def test_report_escapes_hostile_text(hostile_ws) -> None:
    text = hostile_ws.report()
    assert "<img src=x" not in text and "<svg onload" not in text
    assert "&lt;img src=x onerror=&#34;window.__xss=1&#34;&gt; colour" in text  # a hostile theme name, escaped
    assert html.escape("<script>window.__xss=1</script>", quote=False) in text


def test_report_numbers_match_the_store(hostile_ws) -> None:
    ctx = report_context(hostile_ws.store, hostile_ws.settings)
    assert ctx["data"]["n_comments"] == hostile_ws.store.scalar("SELECT count(*) FROM feedback")
    counts = {t["theme_id"]: t["n_comments"] for t in ctx["themes"]}
    stored = dict(hostile_ws.store.read_df("SELECT theme_id, n_comments FROM themes WHERE level = 1").values)
    assert counts == stored
    assert all(len(t["quotes"]) <= 3 for t in ctx["themes"])


def test_bar_geometry_handles_negative_values() -> None:
    chart = bars([("a", 2.0), ("b", -1.0), ("c", None)])
    a, b, c = chart["bars"]
    assert a["x"] == chart["zero"] and b["x"] + b["w"] == chart["zero"]
    assert abs(a["w"] - 2 * b["w"]) < 1e-6 and c["w"] == 1.0


def test_report_of_an_unanalysed_workspace_says_so(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "empty.empathic") as ws:
        text = ws.report()
    assert "Themes not analysed yet" in text


def test_report_cli_writes_the_file_and_errors_cleanly(hostile_ws, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out.html"
    assert main(["report", hostile_ws.path, "-o", str(out)]) == 0
    assert out.stat().st_size > 1000
    assert main(["report", hostile_ws.path, "-o", str(tmp_path / "no" / "such" / "r.html")]) == 2
    assert "does not exist" in capsys.readouterr().err
