"""``empathic themes WORKSPACE`` and ``empathic themes edit …`` through the real entry point."""

from __future__ import annotations

import empathic
from empathic.cli.main import main


def test_tree_and_edit_commands(workspace_copy, capsys):
    assert main(["themes", str(workspace_copy)]) == 0
    out = capsys.readouterr().out
    with empathic.Workspace.open(workspace_copy, read_only=True) as ws:
        tree = ws.themes()
    top = tree[(tree.level == 1) & ~tree.is_other].iloc[0]
    assert top.label in out and "comments" in out and "%" in out
    assert main(["themes", "edit", "rename", str(workspace_copy), top.theme_id, "shipping woes"]) == 0
    assert "shipping woes" in capsys.readouterr().out
    assert main(["themes", str(workspace_copy), "--level", "1", "--quotes"]) == 0
    assert "“" in capsys.readouterr().out
    assert main(["themes", "edit", "create", str(workspace_copy), "refunds", "-k", "refund"]) == 0
    assert "refunds" in capsys.readouterr().out


def test_cli_errors_are_clean(workspace_copy, tmp_path, capsys):
    assert main(["themes", "edit", "delete", str(workspace_copy), "no-such-theme"]) == 2
    err = capsys.readouterr().err
    assert "error:" in err and "no-such-theme" in err and "Traceback" not in err
    assert main(["themes", str(tmp_path / "missing.empathic")]) == 2
