"""The CLI front door: help with examples, ``inspect`` tables, ``ingest`` summaries, ``info`` counts, clean errors."""

from __future__ import annotations

import io
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import typer

from empathic import __version__
from empathic.cli.main import app, main

FRAME = pd.DataFrame(
    {
        "ticket_id": ["T1", "T2", "T3", "T4", "T5"],
        "csat": [1, 5, 4, 2, 3],
        "channel": ["email", "chat", "chat", "phone", "email"],
        "message": [
            "I waited three days for an answer to a simple question",
            "The agent on chat was friendly and solved it in minutes",
            "Good help overall, though I had to repeat my account number",
            "Phone line dropped twice and nobody called me back",
            "The reply was fine but it did not really fix the problem",
        ],
    }
)
FOUNDATION_COMMANDS = ("inspect", "ingest", "info")


def all_command_paths(*, leaves_only: bool = False) -> list[list[str]]:
    """Every command and sub-command of the app as argv prefixes (``leaves_only``: no groups)."""
    root = typer.main.get_command(app)
    paths: list[list[str]] = []

    def walk(cmd: object, prefix: list[str]) -> None:
        for name, sub in sorted(cmd.commands.items()):
            is_group = hasattr(sub, "commands")  # typer may vendor its own click: duck-type groups
            if not (leaves_only and is_group):
                paths.append([*prefix, name])
            if is_group:
                walk(sub, [*prefix, name])

    walk(root, [])
    return paths


@pytest.fixture
def tickets(write_text) -> Path:
    out = io.StringIO()
    FRAME.to_csv(out, index=False, lineterminator="\n")
    return write_text("tickets.csv", out.getvalue())


def test_root_help_and_version(capsys) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in FOUNDATION_COMMANDS)
    assert main(["--version"]) == 0
    assert __version__ in capsys.readouterr().out


@pytest.mark.parametrize("command", all_command_paths(), ids=" ".join)
def test_every_command_has_working_help(command: list[str], capsys) -> None:
    assert main([*command, "--help"]) == 0
    captured = capsys.readouterr()
    assert "Usage" in captured.out
    assert "Traceback" not in captured.out + captured.err


@pytest.mark.parametrize("command", FOUNDATION_COMMANDS)
def test_foundation_help_shows_an_example(command: str, capsys) -> None:
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert "Example" in out
    assert f"empathic {command}" in out


def test_every_command_help_shows_an_example(capsys) -> None:
    missing = []
    for command in all_command_paths(leaves_only=True):  # a group's help lists its commands instead
        main([*command, "--help"])
        out = capsys.readouterr().out
        if "example" not in out.lower():
            missing.append(" ".join(command))
    assert not missing, f"--help without an example: {', '.join(missing)}"


@pytest.fixture
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Render tables 200 columns wide so that assertions see whole lines."""
    from empathic.cli.common import console

    monkeypatch.setattr(console, "width", 200)


def test_inspect_prints_the_mapping_table(tickets: Path, capsys, wide_console) -> None:
    assert main(["inspect", str(tickets)]) == 0
    out = capsys.readouterr().out
    assert "5 rows" in out and "feedback" in out
    for column, role in [("message", "text"), ("ticket_id", "id"), ("csat", "csat"), ("channel", "attribute")]:
        line = next(ln for ln in out.splitlines() if column in ln)
        assert role in line, line


def test_inspect_writes_nothing(tickets: Path, tmp_path: Path, capsys) -> None:
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["inspect", str(tickets), "--text", "message", "--score", "csat:csat"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_ingest_then_info(tickets: Path, tmp_path: Path, capsys, wide_console) -> None:
    ws = tmp_path / "support.empathic"
    assert main(["ingest", str(ws), str(tickets), "-q"]) == 0
    out = capsys.readouterr().out
    assert "5 new, 0 updated, 0 unchanged" in out
    assert "message → text" in out
    assert main(["ingest", str(ws), str(tickets), "-q"]) == 0
    assert "0 new, 0 updated, 5 unchanged" in capsys.readouterr().out
    assert main(["info", str(ws)]) == 0
    out = capsys.readouterr().out
    counts = {ln.split("│")[1].strip(): ln.split("│")[2].strip() for ln in out.splitlines() if ln.count("│") == 3}
    assert counts["feedback"] == "5"
    assert counts["feedback_scores"] == "5"
    assert counts["feedback_attributes"] == "5"
    assert "csat" in out and "channel" in out  # score and attribute summaries


def test_info_on_a_missing_workspace_is_a_clean_error(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "nope.empathic"
    assert main(["info", str(missing)]) == 2
    err = capsys.readouterr().err
    assert "error:" in err and "does not exist" in err and "hint:" in err
    assert not missing.exists()  # info never creates a workspace


def test_info_on_a_file_that_is_not_a_workspace(write_text, capsys) -> None:
    bogus = write_text("notes.empathic", "this is not a database\n" * 100)
    assert main(["info", str(bogus)]) == 2
    err = capsys.readouterr().err
    assert "error:" in err and "hint:" in err and "Traceback" not in err


def test_usage_errors_exit_2_without_traceback(capsys) -> None:
    assert main(["ingest"]) == 2
    assert main(["ingest", "a.empathic", "b.csv", "--no-such-flag"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "no-such-flag" in err


def test_ingest_while_another_process_holds_the_workspace(tickets: Path, tmp_path: Path) -> None:
    """A second writer gets a clear 'close the other program' error, not a DuckDB lock traceback."""
    ws = tmp_path / "locked.empathic"
    assert main(["ingest", str(ws), str(tickets), "-q"]) == 0
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb,sys,time; c=duckdb.connect({str(ws)!r}); print('open', flush=True); "
         "time.sleep(60)"],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "open"
        deadline = time.monotonic() + 60
        proc = subprocess.run(
            [str(Path(sys.executable).with_name("empathic")), "ingest", str(ws), str(tickets), "-q"],
            capture_output=True,
            text=True,
            timeout=max(deadline - time.monotonic(), 1),
        )
    finally:
        holder.kill()
        holder.wait()
    assert proc.returncode == 2, proc.stderr
    assert "error:" in proc.stderr and "hint:" in proc.stderr and "Traceback" not in proc.stderr
