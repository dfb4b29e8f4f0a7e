"""The demo builds from bundled data only and runs every available stage."""

from __future__ import annotations

from empathic.cli.main import main
from empathic.demo import build_demo
from empathic.pipeline import available_stages
from empathic.workspace import Workspace


def test_demo_small_runs_every_stage(tmp_path) -> None:
    result = build_demo(tmp_path, limit=150)
    assert result.ingests[0].n_inserted == 150
    assert [r.stage for r in result.stages] == list(available_stages())
    with Workspace.open(result.workspace, read_only=True) as ws:
        info = ws.info()
        assert info["counts"]["feedback"] == 150
        assert set(info["scores"].name) == {"Rating", "Recommended IND"}
        assert set(info["attributes"].name) == {"Age", "Division Name", "Department Name", "Class Name"}
        assert ws.comments().id.tolist()[:3] == ["0", "1", "10"]


def test_demo_cli_unknown_example_exits_2(tmp_path, capsys) -> None:
    assert main(["demo", str(tmp_path), "--example", "nope", "-q"]) == 2
    err = capsys.readouterr().err
    assert "unknown demo example" in err and "Traceback" not in err
