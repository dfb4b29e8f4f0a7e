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
