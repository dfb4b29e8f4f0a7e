"""Every "what to look at next" command the demo prints runs on that demo's workspace (the subscription demo used to
print the clothing demo's steps: `--by 'Department Name'`, `Rating<=2`, which fail there)."""

from __future__ import annotations

import shlex

import pytest

from empathic.cli.analyze import NEXT_STEPS_BY_EXAMPLE
from empathic.cli.main import main
from empathic.demo import build_demo


@pytest.mark.slow
@pytest.mark.parametrize(("example", "limit"), [("reviews", 300), ("subscription", None)])
def test_every_next_step_runs(tmp_path, capsys, monkeypatch, example, limit):
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(tmp_path)  # steps that write a file (export … -o comments.csv) write it here
    workspace = build_demo(tmp_path, example=example, limit=limit).workspace
    for command, _ in NEXT_STEPS_BY_EXAMPLE[example]:
        argv = [str(workspace) if a == "WS" else a for a in shlex.split(command)[1:]]
        if argv[0] in ("serve", "report"):
            continue  # a server and a file: covered by the web and report tests
        code = main(argv)
        out = capsys.readouterr()
        assert code == 0, f"{command}: {out.out[-500:]}{out.err[-500:]}"
        assert "Traceback" not in out.out + out.err
