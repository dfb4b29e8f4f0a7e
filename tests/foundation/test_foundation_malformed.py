"""Over 200 generated malformed inputs through the CLI: exit 2, ``error:`` + ``hint:``, no traceback, nothing written.

Most cases run in-process (``main([...])`` with captured stderr) against one shared workspace that already holds a
few rows, so "unchanged" is checked against a non-empty state; a handful also run as real subprocesses and against
a brand-new workspace file.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from foundation_corpus import Case, build_corpus
from foundation_helpers import is_empty_workspace, table_counts

from empathic import Workspace
from empathic.cli.main import main

SEED = pd.DataFrame(
    {
        "id": ["keep-1", "keep-2"],
        "nps": [4, 9],
        "comment": ["Rows that were here before the malformed inputs", "and must still be here after all of them"],
    }
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Case]:
    return build_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def seeded_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ws") / "seeded.empathic"
    with Workspace.open(path) as ws:
        ws.ingest(SEED)
    return path


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Run the CLI in-process; an exception escaping ``main`` is a failure (users would see a traceback)."""
    try:
        code = main(args)
    except Exception as exc:  # any escape is the bug we are looking for: report it like a traceback would
        return -1, capsys.readouterr().err + f"\nTraceback: {type(exc).__name__}: {str(exc)[:200]}"
    return code, capsys.readouterr().err


def check_clean_failure(case: Case, code: int, err: str) -> list[str]:
    """Problems with one case's outcome (empty when it failed the way a user deserves)."""
    problems = []
    if code != 2:
        problems.append(f"exit code {code}, expected 2")
    if "error:" not in err:
        problems.append("no 'error:' line")
    if "hint:" not in err:
        problems.append("no 'hint:' line")
    if "Traceback" in err:
        problems.append("a traceback")
    if case.needle and case.needle.lower() not in err.lower():
        problems.append(f"message lacks {case.needle!r}")
    return problems


def test_corpus_is_large_and_varied(corpus: list[Case]) -> None:
    assert len(corpus) >= 200
    families = {c.name.rstrip("0123456789-") for c in corpus}
    assert len(families) >= 40


def test_every_malformed_input_fails_cleanly_and_changes_nothing(
    corpus: list[Case], seeded_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    on_disk = table_counts(seeded_workspace)
    # Hold the database open between cases: each CLI call then attaches to the same DuckDB instance (what it
    # committed is what a reopen would see) and counting after every case costs no reopen of the file.
    with Workspace.open(seeded_workspace) as held:
        before = table_counts(held)
        failures = []
        for case in corpus:
            code, err = run_cli(["ingest", str(seeded_workspace), str(case.path), *case.args, "-q"], capsys)
            problems = check_clean_failure(case, code, err)
            after = table_counts(held)
            if after != before:
                problems.append(f"workspace changed: {before} -> {after}")
                before = after
            if problems:
                failures.append(f"{case.path.name} {case.args}: {'; '.join(problems)}\n    {err.strip()[:300]}")
    assert not failures, f"{len(failures)} of {len(corpus)} cases:\n" + "\n".join(failures)
    assert table_counts(seeded_workspace) == on_disk  # and from disk, after everything was closed
    assert on_disk["feedback"] == len(SEED)


def test_inspect_fails_cleanly_too(corpus: list[Case], capsys: pytest.CaptureFixture[str]) -> None:
    """``empathic inspect`` reads the same files: a clean error, never a traceback (a sample of the corpus)."""
    failures = []
    for case in corpus[::7]:
        if case.args:  # inspect takes only role flags; keep to the file-level problems
            continue
        code, err = run_cli(["inspect", str(case.path)], capsys)
        shows_problem = code == 0 and "would fail:" in err  # inspect reports validation problems without failing
        if not (shows_problem or (code == 2 and "error:" in err)) or "Traceback" in err:
            failures.append(f"{case.path.name}: exit {code}: {err.strip()[:200]}")
    assert not failures, "\n".join(failures)


def test_new_workspace_stays_empty(corpus: list[Case], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for i, case in enumerate(corpus[::20]):
        path = tmp_path / f"new-{i}.empathic"
        code, err = run_cli(["ingest", str(path), str(case.path), *case.args, "-q"], capsys)
        assert not check_clean_failure(case, code, err), err
        assert is_empty_workspace(path), case.name


def test_real_subprocess(corpus: list[Case], tmp_path: Path) -> None:
    """The installed ``empathic`` command: exit status 2, message on stderr, no traceback."""
    exe = Path(sys.executable).with_name("empathic")
    wanted = ("ragged-3", "bad-date-0", "garbage-1", "50mb-field")
    picked = [next(c for c in corpus if c.name == name) for name in wanted]
    assert len(picked) == len(wanted)
    ws_path = tmp_path / "sub.empathic"
    for case in picked:
        proc = subprocess.run(
            [str(exe), "ingest", str(ws_path), str(case.path), *case.args, "-q"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert not check_clean_failure(case, proc.returncode, proc.stderr), (case.name, proc.stderr)
        assert "Traceback" not in proc.stdout
    assert is_empty_workspace(ws_path)


def test_latin1_mixed_into_utf8_is_accepted_with_a_warning(ws: Workspace, write_text) -> None:
    """Not malformed enough to refuse: a stray Latin-1 byte in a UTF-8 file reads as CP1252 and warns."""
    content = "id,comment\n1,Caf\xc3\xa9 was lovely and the staff were friendly\n2,Na\xefve question about pricing\n"
    summary = ws.ingest(write_text("mixed.csv", content.encode("latin-1")))
    assert any("not UTF-8" in w for w in summary.warnings)
    assert ws.store.count("feedback") == 2
