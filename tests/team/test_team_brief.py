"""Empathy briefs as real PDFs: printed by headless Chromium, read back with pdftotext, every page rendered to PNG
(pdftoppm) and checked to be a non-blank A4 page. Skips without Chromium or poppler-utils."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
import team_planted

from empathic.cli.main import main
from empathic.errors import InputError
from empathic.store import Store
from empathic.team import brief, brief_render, notes, owners

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian chromium at /usr/bin/chromium"),
    pytest.mark.skipif(not shutil.which("pdftotext") or not shutil.which("pdftoppm"), reason="needs poppler-utils"),
]
VOICE = "The parcel came three weeks late and nobody answered my emails"
PERSONA_QUOTE = "I check the tracking page every single morning"


@pytest.fixture()
def rich_ws(planted: Path) -> Path:
    """The planted workspace plus what other stages would have written: scores, impact, a persona, theme quotes."""
    with Store(planted) as store:
        with store.write() as con:
            con.execute("INSERT INTO score_summary VALUES ('nps', 'nps', 'nps', 3000, 12.5, 9.1, 15.9, 7.4, now())")
            con.execute("INSERT INTO theme_impact VALUES ('nps', 'nps', 'delivery', 'Late delivery', 1, 300, 2700, "
                        "12.5, -20.0, 16.1, -3.6, -5.0, -2.2, 0.0001, 0.0004, now())")  # fmt: skip
            con.execute("UPDATE feedback SET text = ? WHERE feedback_id = 'f00039'", [VOICE])
            con.execute("UPDATE feedback_feelings SET sentiment = -0.99 WHERE feedback_id = 'f00039'")
            emap = {"thinks_feels": [PERSONA_QUOTE], "pains": ["late parcels"]}
            con.execute(
                "INSERT INTO personas VALUES ('p1', 'Anxious trackers', 900, 0.3, 'Order often, watch delivery', "
                "'[]', '[]', '{}', ?, ?, 7.0, now())",
                [json.dumps(emap), json.dumps([{"text": PERSONA_QUOTE}])],
            )
            quotes = [{"feedback_id": "f1", "sentence_idx": 0, "text": "Sizing runs small"}]
            con.execute("UPDATE themes SET quotes = ? WHERE theme_id = 'sizing'", [json.dumps(quotes)])
        owners.set_owner(store, "delivery", author="ann", team="Logistics", person="lee", status="fixed",
                         status_on=team_planted.fix_day())  # fmt: skip
        notes.add_note(store, "theme", "delivery", "New carrier since May, @vic", author="ann")
    return planted


def pdf_text(path: Path) -> str:
    return " ".join(subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                                   check=True, timeout=60).stdout.split())  # fmt: skip


def rendered_pages(pdf: Path, out: Path) -> list[Path]:
    """Every page as PNG (kept for looking at), each checked: A4 proportions and ink on the page."""
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(out / pdf.stem)], check=True, timeout=60)
    subprocess.run(["pdftoppm", "-r", "40", "-gray", str(pdf), str(out / pdf.stem)], check=True, timeout=60)
    pngs = sorted(out.glob(f"{pdf.stem}*.png"))
    for png in pngs:
        head = png.read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", head[16:24])
        assert abs(height / width - 297 / 210) < 0.02, (width, height)  # an A4 page
        gray = png.with_suffix(".pgm").read_bytes()
        pixels = gray[gray.index(b"255\n") + 4 :]  # P5 header, then one byte per pixel
        dark = sum(1 for b in pixels if b < 128) / len(pixels)
        assert 0.0005 < dark < 0.5, f"{png.name}: {dark:.2%} dark pixels — blank or solid"
    return pngs


def test_exec_brief_pdf_has_scores_drivers_pains_requests_and_a_voice(rich_ws: Path, tmp_path: Path) -> None:
    with Store(rich_ws) as store:
        data = brief.build_brief(store, "exec")
    pdf = brief_render.write(data, tmp_path / "exec.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    text = pdf_text(pdf)
    for section in ("Our customers: executive brief", "Scores", "What moves it", "Top pains", "Top requests",
                    "One customer's voice"):  # fmt: skip
        assert section in text, section
    assert "nps (nps) 12.5 95 % CI 9.1–15.9 n = 3,000" in text
    assert "Late delivery: -3.60 on nps" in text and "Sizing: 446 requests" in text
    assert f"“{VOICE}”" in text
    assert len(rendered_pages(pdf, tmp_path)) == 1


def test_team_brief_lists_owned_themes_with_status_requests_bugs_and_fix_effect(rich_ws: Path, tmp_path: Path):
    code = main(["brief", str(rich_ws), "--for", "team", "Logistics", "-o", str(tmp_path / "team.pdf")])
    assert code == 0
    text = pdf_text(tmp_path / "team.pdf")
    assert "Team brief: Logistics" in text and "Late delivery — fixed since 2025-05-01 · lee" in text
    assert "194 comments · 30 requests · 1 bug " in text and "Note from ann: New carrier since May, @vic" in text
    assert "Effect of the fix: improved: mentions fell from" in text and VOICE in text
    assert len(rendered_pages(tmp_path / "team.pdf", tmp_path)) == 1  # a one-page brief


def test_newhire_brief_meets_personas_quotes_and_top_customers(rich_ws: Path, tmp_path: Path) -> None:
    with Store(rich_ws) as store:
        pdf = brief_render.write(brief.build_brief(store, "newhire"), tmp_path / "newhire.pdf")
        html = brief_render.write(brief.build_brief(store, "newhire"), tmp_path / "newhire.html").read_text()
    text = pdf_text(pdf)
    for section in ("Meet our customers", "Who they are: personas and their empathy maps", "In their words",
                    "Top customers and what they say"):  # fmt: skip
        assert section in text
    assert "Anxious trackers 30 % of customers" in text and PERSONA_QUOTE in text
    assert "“Sizing runs small” — on Sizing" in text and "cf00000 (1 comment): “Comment 0 about" in text
    assert "<script" not in html and "Anxious trackers" in html
    assert len(rendered_pages(pdf, tmp_path)) == 1  # a one-page brief


def test_brief_errors_are_clear(rich_ws: Path, tmp_path: Path, capsys) -> None:
    with Store(rich_ws) as store:
        with pytest.raises(InputError, match="team 'Nobody' owns no theme"):
            brief.build_brief(store, "team", team="Nobody")
        with pytest.raises(InputError, match="unknown audience"):
            brief.build_brief(store, "board")
    assert main(["brief", str(rich_ws), "--for", "exec", "-o", str(tmp_path / "b.docx")]) == 2
    assert "use a .pdf or .html" in capsys.readouterr().err
    assert main(["brief", str(rich_ws), "--for", "team", "-o", str(tmp_path / "b.pdf")]) == 2
    assert "needs the team's name" in capsys.readouterr().err


def test_the_web_api_serves_the_pdf(client_as, tmp_path: Path) -> None:
    response = client_as("vic").get("/api/v1/w/planted/brief", params={"for": "exec", "format": "pdf"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "api.pdf"
    pdf.write_bytes(response.content)
    assert "Our customers: executive brief" in pdf_text(pdf) and len(rendered_pages(pdf, tmp_path)) == 1


def test_the_report_as_a_real_pdf(rich_ws: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    assert main(["report", str(rich_ws), "-o", str(target), "--title", "Planted report"]) == 0
    assert target.read_bytes()[:5] == b"%PDF-"
    text = pdf_text(target)
    assert "Planted report" in text and "Late delivery" in text and "App crashes" in text
    assert rendered_pages(target, tmp_path)
