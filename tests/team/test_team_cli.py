"""``empathic owners`` / ``notes`` / ``activity`` on the planted workspace, through the real entry point."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from empathic.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main([*argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_owners_set_by_label_then_fixed_reports_the_effect(planted: Path, capsys) -> None:
    ws = str(planted)
    code, out, _ = run(capsys, "owners", ws, "set", "Late delivery", "--team", "Logistics", "--person", "lee",
                       "--author", "ann")  # fmt: skip
    assert code == 0 and "Late delivery: Logistics / lee, new" in out
    code, out, _ = run(capsys, "owners", ws, "set", "delivery", "--status", "fixed", "--on", "2025-05-01",
                       "--note", "new carrier", "--author", "ann")  # fmt: skip
    assert code == 0 and "fixed since 2025-05-01" in out and "improved: mentions fell from" in " ".join(out.split())
    code, out, _ = run(capsys, "owners", ws, "--json")
    records = json.loads(out)
    assert [(r["theme_id"], r["team"], r["status"]) for r in records] == [("delivery", "Logistics", "fixed")]
    assert records[0]["fix_effect"]["verdict"] == "improved" and records[0]["fix_effect"]["change_high"] < 0
    code, out, _ = run(capsys, "owners", "history", ws, "delivery", "--json")  # subcommand-first works too
    assert [r["status"] for r in json.loads(out)] == ["new", "fixed"]


def test_owners_errors_are_messages_with_exit_code_2(planted: Path, capsys) -> None:
    code, _, err = run(capsys, "owners", str(planted), "set", "nope", "--team", "T")
    assert code == 2 and "no theme 'nope'" in err and "Traceback" not in err
    code, _, err = run(capsys, "owners", str(planted), "set", "colour", "--status", "done")
    assert code == 2 and "unknown status 'done'" in err and "wont_fix" in err
    code, _, err = run(capsys, "owners", str(planted), "set", "colour")
    assert code == 2 and "nothing to change" in err


def test_notes_and_the_activity_export(planted: Path, capsys, tmp_path: Path) -> None:
    ws = str(planted)
    code, out, _ = run(
        capsys, "notes", ws, "add", "theme", "Colour", "[bold]@vic[/bold] colour is fine", "--author", "ann"
    )
    assert code == 0 and "mentions vic" in out
    code, out, _ = run(capsys, "notes", ws, "--mentioning", "vic", "--json")
    (note,) = json.loads(out)
    assert note["object_id"] == "colour" and note["body"] == "[bold]@vic[/bold] colour is fine"
    code, out, _ = run(capsys, "notes", ws, "--search", "colour")
    assert "[bold]@vic[/bold] colour is fine" in out  # shown as typed, not as Rich markup
    code, _, err = run(capsys, "notes", ws, "delete", note["note_id"], "--author", "bob")
    assert code == 2 and "only its author (ann)" in err
    assert run(capsys, "notes", ws, "delete", note["note_id"], "--author", "bob", "--admin")[0] == 0
    target = tmp_path / "activity.csv"
    assert run(capsys, "activity", ws, "--csv", str(target))[0] == 0
    rows = list(csv.DictReader(target.open()))
    assert [(r["actor"], r["action"]) for r in rows] == [("bob", "note.delete"), ("ann", "note.add")]
    code, _, err = run(capsys, "notes", ws, "--on", "colour")
    assert code == 2 and "not KIND:ID" in err
