"""The CLI next to a running ``empathic serve``: read-only commands work (from a snapshot), writes get a true hint.

Issue 16: DuckDB lets one process write a workspace and refuses every other open — even read-only — so while
``serve`` ran, ``empathic info`` failed, and its hint ("open it read-only") could not be followed. A real server
process on 127.0.0.1 (a free port) holds the workspace here; it is stopped at the end of the module.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pandas as pd
import pytest
from app_cli import cli_fixture  # noqa: F401 - the shared `cli` fixture

from empathic.web.accounts import Accounts, default_auth_path
from empathic.workspace import Workspace

FRAME = pd.DataFrame(
    {
        "id": [str(i) for i in range(6)],
        "comment": [
            "The parcel arrived late again",
            "Great price and fast delivery",
            "Refund took weeks, support never answered",
            "Lovely fabric but it runs small",
            "Late delivery, lost parcel",
            "Support team was kind and quick",
        ],
        "nps": [3, 9, 1, 7, 2, 10],
    }
)
READ_COMMANDS = (
    ["info"],
    ["scores"],
    ["search", "{ws}", "late"],
    ["export", "{ws}", "comments", "-o", "{out}"],
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _snapshots() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("empathic-snapshot-*")}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """A workspace held by a real ``empathic serve`` subprocess, and an analyst's API token for it."""
    folder = tmp_path_factory.mktemp("served")
    path = folder / "shop.empathic"
    with Workspace.open(path) as ws:
        ws.ingest(FRAME, text="comment", score=["nps:nps"])
    accounts = Accounts(default_auth_path(path))
    accounts.add_user("ann", "correct horse battery", "analyst", ["shop"])
    _, token = accounts.create_token("ann", "test")
    accounts.close()
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "empathic.cli.main", "serve", str(path), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, f"serve exited: {proc.stderr.read().decode()}"
            assert time.monotonic() < deadline, "serve did not answer within 90 s"
            try:
                if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        yield {"path": path, "pid": proc.pid, "base": base, "token": token, "folder": folder}
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)


def test_the_lock_is_real(served: dict) -> None:
    import duckdb

    with pytest.raises(duckdb.IOException, match="lock"):
        duckdb.connect(str(served["path"]), read_only=True)  # what every read-only command used to hit


def test_read_only_commands_work_while_serve_runs(served: dict, cli) -> None:
    before = _snapshots()
    out_file = served["folder"] / "comments.csv"
    for command in READ_COMMANDS:
        args = [a.format(ws=served["path"], out=out_file) for a in command]
        if len(args) == 1:
            args.append(str(served["path"]))
        code, out, err = cli(*args)
        assert code == 0, (args, err)
        assert "in use by another program" in err and f"process {served['pid']}" in err and "snapshot" in err
    assert len(pd.read_csv(out_file)) == len(FRAME)
    code, out, _ = cli("search", served["path"], "late")
    assert "The parcel arrived late again" in out
    assert _snapshots() == before, "every snapshot copy is removed when the command ends"


def test_writing_commands_get_a_hint_that_is_true(served: dict, cli) -> None:
    source = served["folder"] / "more.csv"
    source.write_text("id,comment\n99,One more comment about sizes\n", encoding="utf-8")
    for command in (
        ["ingest", served["path"], source, "-q"],
        ["analyze", served["path"], "-q"],
        ["search", served["path"], "late", "--save", "late"],
    ):
        code, _, err = cli(*command)
        assert code == 2, command
        assert f"in use by another program (process {served['pid']})" in err, err
        assert "stop that program first" in err and "still work while it runs" in err
        assert "open it read-only" not in err
    # ...and the hint is true: a read-only command named there does work now
    code, out, _ = cli("info", served["path"])
    assert code == 0 and "feedback" in out


@pytest.mark.slow
def test_snapshot_shows_what_the_server_committed(served: dict, cli) -> None:
    """The server analyses (its commits sit in the journal, not yet checkpointed); the CLI's snapshot sees them."""
    headers = {"Authorization": f"Bearer {served['token']}"}
    started = httpx.post(f"{served['base']}/api/v1/w/shop/analyze", headers=headers, timeout=30)
    assert started.status_code == 202, started.text
    deadline = time.monotonic() + 300
    while True:
        job = httpx.get(f"{served['base']}{started.json()['url']}", headers=headers, timeout=30).json()
        if job["status"] in ("done", "failed"):
            break
        assert time.monotonic() < deadline, "the analysis job did not finish within 300 s"
        time.sleep(0.5)
    assert job["status"] == "done", job
    assert Path(f"{served['path']}.wal").stat().st_size > 0  # the server's commits are (also) in the journal
    with Workspace.open(served["path"], read_only=True, snapshot_if_locked=True) as ws:
        assert ws.store.is_snapshot
        statuses = ws.sql("SELECT stage, status FROM runs").set_index("stage").status.to_dict()
    assert statuses.get("sentences") == "ok" and statuses.get("themes") == "ok"
    code, out, _ = cli("themes", served["path"])
    assert code == 0 and "subthemes over" in out
