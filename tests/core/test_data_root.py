"""Every benchmark and training script finds the shared data through one setting (``bench/data_root.py``):
``$EMPATHIC_DATA``, else ``../shared/data`` beside the repository. No script spells a data path of its own."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HELPER = ROOT / "bench" / "data_root.py"


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def hard_coded_data_paths(paths: list[Path], root: Path = ROOT) -> list[str]:
    """``file:line: text`` of every string (docstrings aside) naming /work/..., shared/data or a "shared" path part,
    and of every read of EMPATHIC_DATA outside the helper."""
    found = []
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Constant) or not isinstance(node.value, str) or id(node) in docs:
                continue
            text = node.value
            if "/work/" in text or "shared/data" in text or text in ("shared", "EMPATHIC_DATA"):
                found.append((str(path.relative_to(root)), node.lineno, text[:60]))
    return [f"{file}:{line}: {text!r}" for file, line, text in sorted(found)]


def _scripts() -> list[Path]:
    return sorted(p for p in [*ROOT.glob("bench/*.py"), *ROOT.glob("training/*.py")] if p != HELPER)


def test_no_script_hard_codes_where_the_data_is() -> None:
    assert _scripts(), "no scripts found"
    assert hard_coded_data_paths(_scripts()) == []


def test_the_check_catches_a_hard_coded_path(tmp_path: Path) -> None:
    bad = tmp_path / "bench_like.py"
    bad.write_text(
        '"""Needs /work/shared/data (a docstring may say so)."""\n'
        'DATA = Path("/work/shared/data")\nOTHER = ROOT.parent / "shared" / "data"\nX = os.environ["EMPATHIC_DATA"]\n'
    )
    found = hard_coded_data_paths([bad], root=tmp_path)
    assert [f.split(":")[1] for f in found] == ["2", "3", "4"]


def _helper():
    spec = importlib.util.spec_from_file_location("data_root_under_test", HELPER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_setting_defaults_to_shared_data_beside_the_repo(monkeypatch) -> None:
    monkeypatch.delenv("EMPATHIC_DATA", raising=False)
    assert _helper().data_root() == ROOT.parent / "shared" / "data"


def test_the_setting_follows_the_environment(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("EMPATHIC_DATA", str(tmp_path))
    helper = _helper()
    assert helper.data_root() == tmp_path
    assert tmp_path == helper.DATA
