"""The ``cli`` fixture shared by the tests/security/test_app_* modules (a uniquely named helper module: several
engineers add tests under tests/security, so none of them owns a conftest.py there)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from empathic.cli.main import main

CliRun = Callable[..., tuple[int, str, str]]


@pytest.fixture(name="cli")
def cli_fixture(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> CliRun:
    """``cli(*args)`` runs ``empathic`` in-process on a wide console; returns (exit code, stdout, stderr).

    Every run must end without a Python traceback on stderr: errors are ``error:``/``hint:`` lines.
    """
    monkeypatch.setenv("COLUMNS", "250")

    def run(*args: object) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err, captured.err
        return code, captured.out, captured.err

    return run
