"""CSV/XLSX exports of hostile text: every cell stays one cell, and no cell can run as a spreadsheet formula.

Issue 16: a value containing a bare carriage return was written unquoted, so a spreadsheet (and Python's csv
module) split the row there and the text after ``\\r`` became a new row whose first cell could be ``=HYPERLINK(…)``.
The test goes through ``empathic export`` (the CLI) and parses the written files with the csv module and openpyxl.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from empathic.cli.main import main
from empathic.workspace import Workspace

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HOSTILE = [
    '\r=HYPERLINK("http://evil.example","x")',
    "fine start\r=1+1",
    "two lines\r\n=cmd|' /C calc'!A0",
    "=SUM(A1:A9)",
    "+1 great",
    "-1 bad",
    "@cmd here",
    "\tx tab first",
    'say "hi"\r\nbye',
    "bell \x07 and nul-ish \x1b control characters",
    "plain text comment",
]
ATTRIBUTE = "=plan"  # a hostile column name too


@pytest.fixture(scope="module")
def hostile_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "hostile.empathic"
    frame = pd.DataFrame(
        {
            "id": [f"c{i:02d}" for i in range(len(HOSTILE))],
            "comment": HOSTILE,
            ATTRIBUTE: ["@x", "-y", "\rz", "ok", "+1", "a", "b", "c", "d", "e", "f"],
        }
    )
    with Workspace.open(path) as ws:
        ws.ingest(frame, text="comment", attr=[ATTRIBUTE])
        stored = ws.comments()["text"].tolist()
    assert stored == HOSTILE, "ingest keeps the hostile text verbatim (otherwise this test proves nothing)"
    return path


def _unneutralise(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_START) else cell


def test_csv_export_keeps_rows_whole_and_neutralises_formulas(hostile_workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "comments.csv"
    assert main(["export", str(hostile_workspace), "comments", "-o", str(out)]) == 0
    with open(out, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    assert len(body) == len(HOSTILE), f"a value split a row: {len(body)} rows for {len(HOSTILE)} comments"
    assert all(len(row) == len(header) for row in body)
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_START), f"cell can run as a formula: {cell!r}"
    text = header.index("text")
    assert [_unneutralise(row[text]) for row in body] == HOSTILE  # neutralised, never altered otherwise
    assert "'" + ATTRIBUTE in header
    attr = header.index("'" + ATTRIBUTE)
    assert [row[attr] for row in body][:3] == ["'@x", "'-y", "'\rz"]


def test_xlsx_export_has_no_formula_cells_and_keeps_control_characters_out(
    hostile_workspace: Path, tmp_path: Path
) -> None:
    out = tmp_path / "comments.xlsx"
    assert main(["export", str(hostile_workspace), "comments", "-o", str(out)]) == 0
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.iter_rows())
    assert len(rows) == len(HOSTILE) + 1
    for row in rows:
        for cell in row:
            assert cell.data_type != "f", f"formula cell {cell.coordinate}: {cell.value!r}"
            assert not str(cell.value or "").startswith(FORMULA_START), f"{cell.coordinate}: {cell.value!r}"
    header = [c.value for c in rows[0]]
    texts = [r[header.index("text")].value for r in rows[1:]]
    assert texts[0] == "'" + HOSTILE[0].replace("\r", "\n")  # XML reads a stored CR back as LF
    # XML cannot hold C0 control characters: they are replaced visibly instead of failing the export.
    assert texts[9] == "bell \ufffd and nul-ish \ufffd control characters"
