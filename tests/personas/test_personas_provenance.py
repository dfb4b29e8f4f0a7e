"""Every stage's stored results can be traced to their runs: personas, feelings and themes, not only analytics."""

from __future__ import annotations

import pytest

from empathic.errors import InputError
from empathic.workspace import Workspace


def test_personas_record_the_runs_they_came_from(subscription_path) -> None:
    with Workspace.open(subscription_path, read_only=True) as ws:
        runs = ws.sql("SELECT stage, run_id FROM runs WHERE status = 'ok' ORDER BY started_at")
        found = ws.provenance("personas")
        with pytest.raises(InputError, match="no stage 'persona'"):
            ws.provenance("persona")
        never_run = [s for s in ("feelings", "themes") if s not in set(runs.stage)]
        assert all(ws.provenance(s) is None for s in never_run)
    last_personas = runs[runs.stage == "personas"].run_id.iloc[-1]
    last_usage = runs[runs.stage == "usage"].run_id.iloc[-1]
    assert found["stage"] == "personas" and found["run_id"] == last_personas
    assert found["inputs"]["usage"]["run_id"] == last_usage  # the usage run it read


def test_the_personas_page_and_rest_say_which_run_they_show(subscription_path, tmp_path) -> None:
    import sys
    from pathlib import Path

    from fastapi.testclient import TestClient

    sys.path.insert(0, str(Path(__file__).parents[1] / "web"))
    from web_helpers import login, make_accounts

    from empathic.config import Settings
    from empathic.web import create_app

    copy = tmp_path / "sub.empathic"
    copy.write_bytes(subscription_path.read_bytes())
    app = create_app(Settings(), [copy], accounts=make_accounts(tmp_path / "u.sqlite"), upload_dir=tmp_path / "up")
    name = next(iter(app.state.ctx.workspaces))
    try:
        with TestClient(app, follow_redirects=False) as client:
            login(client, "vic")
            made = client.get(f"/api/v1/w/{name}/provenance", params={"stage": "personas"}).json()
            assert made["stage"] == "personas" and made["text"].startswith(f"personas run {made['run_id'][:8]}")
            page = client.get(f"/w/{name}/personas").text
            assert f"Personas from personas run {made['run_id'][:8]}" in page
            bad = client.get(f"/api/v1/w/{name}/provenance", params={"stage": "nope"})
            assert bad.status_code == 400 and "no stage" in bad.text
    finally:
        for ws in app.state.ctx.workspaces.values():
            ws.close()


def test_the_personas_and_feelings_commands_say_which_run_they_show(subscription_path, tmp_path, capsys) -> None:
    """``empathic personas`` and ``empathic feelings`` print the run their numbers come from, like drivers/segments/
    trends; when a stage they read ran again since, they say the results are stale and how to refresh them."""
    from empathic.cli.main import main

    copy = tmp_path / "sub.empathic"
    copy.write_bytes(subscription_path.read_bytes())
    with Workspace.open(copy, read_only=True) as ws:
        made = ws.provenance("personas")
    assert main(["personas", str(copy)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert f"results from personas run {made['run_id'][:8]}" in out
    assert f"on usage run {made['inputs']['usage']['run_id'][:8]}" in out and "stale" not in out
    (tmp_path / "empathic.toml").write_text('[feelings]\nmode = "fast"\n')  # the CLI reads it too
    with Workspace.open(copy) as ws:
        ws.analyze(stages=["feelings"])  # personas read the feelings: theirs are now older than it
        felt = ws.provenance("feelings")
    assert main(["feelings", str(copy)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert f"results from feelings run {felt['run_id'][:8]}" in out and "stale" not in out
    assert main(["personas", str(copy), "--id", "P1"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert f"stale: results from personas run {made['run_id'][:8]}" in out and "ran after the last personas run" in out
    assert f"empathic analyze {copy} --stage personas" in out
