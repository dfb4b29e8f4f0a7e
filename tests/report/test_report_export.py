"""Exports in every format, and spreadsheet formula injection neutralised in CSV and XLSX."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from empathic.cli.main import main
from empathic.errors import InputError
from empathic.report.export import WHATS, neutralise_cell, neutralise_frame
from empathic.workspace import Workspace


@pytest.mark.parametrize("value", ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("x")'])
def test_dangerous_cells_are_prefixed(value: str) -> None:
    assert neutralise_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["hello", "", " =1", 3.5, -2, None, "a=b"])
def test_harmless_cells_pass_unchanged(value: object) -> None:
    assert neutralise_cell(value) == value


def test_numbers_stay_numbers() -> None:
    frame = neutralise_frame(pd.DataFrame({"n": [-1.5, 2.0], "t": ["-x", "y"], "=evil": ["a", "b"]}))
    assert frame["n"].tolist() == [-1.5, 2.0] and frame["t"].tolist() == ["'-x", "y"]
    assert list(frame.columns) == ["n", "t", "'=evil"]


@pytest.mark.parametrize("what", WHATS)
@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet", ".json", ".jsonl"])
def test_every_export_round_trips(hostile_ws, tmp_path: Path, what: str, suffix: str) -> None:
    out = tmp_path / f"{what}{suffix}"
    n = hostile_ws.export(what, out)
    expected = {"comments": 120, "themes": 20, "drivers": 5, "segments": 5}[what]
    assert n == expected
    if suffix == ".csv":
        back = pd.read_csv(out)
    elif suffix == ".xlsx":
        back = pd.read_excel(out)
    elif suffix == ".parquet":
        back = pd.read_parquet(out)
    elif suffix == ".json":
        back = pd.DataFrame(json.loads(out.read_text()))
    else:
        back = pd.read_json(out, lines=True)
    assert len(back) == expected


def test_csv_and_xlsx_neutralise_hostile_comments(hostile_ws, tmp_path: Path) -> None:
    hostile_ws.export("comments", tmp_path / "c.csv")
    hostile_ws.export("comments", tmp_path / "c.xlsx")
    hostile_ws.export("comments", tmp_path / "c.parquet")
    with open(tmp_path / "c.csv", newline="", encoding="utf-8") as fh:
        texts = [row["text"] for row in csv.DictReader(fh)]
    raw = pd.read_parquet(tmp_path / "c.parquet")["text"].tolist()
    planted = [t for t in raw if t.startswith("=HYPERLINK")]
    assert planted, "the fixture plants a formula"
    assert all(not t.startswith(("=", "+", "-", "@")) for t in texts)
    assert sum(t.startswith("'=HYPERLINK") for t in texts) == len(planted)
    sheet = openpyxl.load_workbook(tmp_path / "c.xlsx").active
    header = [c.value for c in sheet[1]]
    col = header.index("text") + 1
    cells = [sheet.cell(row=r, column=col) for r in range(2, sheet.max_row + 1)]
    assert all(c.data_type != "f" for c in cells)  # no cell is a formula
    assert sum(str(c.value).startswith("'=HYPERLINK") for c in cells) == len(planted)


def test_export_errors_are_clear(hostile_ws, tmp_path: Path, capsys) -> None:
    with pytest.raises(InputError, match="unknown export"):
        hostile_ws.export("everything", tmp_path / "x.csv")
    with pytest.raises(InputError, match="cannot tell the format"):
        hostile_ws.export("themes", tmp_path / "x.docx")
    with Workspace.open(tmp_path / "empty.empathic") as ws:
        ws.store  # noqa: B018 - created, nothing analysed
    assert main(["export", str(tmp_path / "empty.empathic"), "themes", "-o", str(tmp_path / "t.csv")]) == 2
    assert "not analysed yet" in capsys.readouterr().err
    assert main(["export", hostile_ws.path, "drivers", "-o", str(tmp_path / "d.json")]) == 0


def test_cli_counts_exported_rows_in_words(tmp_path: Path, capsys) -> None:
    """An export of one row says "wrote 1 row" (it said "wrote 1 rows"); more say "rows"."""
    path = tmp_path / "one.empathic"
    with Workspace.open(path) as ws:
        ws.ingest(pd.DataFrame({"id": ["a"], "text": ["The parcel came late."]}), text="text", id="id")
    assert main(["export", str(path), "comments", "-o", str(tmp_path / "one.csv")]) == 0
    assert "wrote 1 row to" in capsys.readouterr().out
    with Workspace.open(path) as ws:
        ws.ingest(pd.DataFrame({"id": ["b"], "text": ["The app is fine."]}), text="text", id="id")
    assert main(["export", str(path), "comments", "-o", str(tmp_path / "two.csv")]) == 0
    assert "wrote 2 rows to" in capsys.readouterr().out
