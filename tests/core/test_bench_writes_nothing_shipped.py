"""Issue #22 item 6: a script that writes a shipped file (a model, a calibration table, a word list under
``src/empathic``) is a training script and lives in ``training/``; ``bench/`` only measures. The check reads each
script's syntax tree: a path into ``src/empathic`` (a literal, a ``ROOT / "src" / "empathic"`` chain, the
package's ``MODELS_DIR``, or a name built from one) that reaches a write call, or is the default of an argument
such as ``--out``, makes the script a writer of shipped files."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: Calls that write their path argument (or, for methods, the path they are called on).
WRITE_CALLS = {"write_text", "write_bytes", "save", "savez", "savez_compressed", "save_head", "quantize_dynamic",
               "to_csv", "to_parquet", "dump", "copyfile", "copy", "mkdir"}  # fmt: skip
#: Calls that turn a path into another path of the same place (anything else, e.g. a read, is not a path).
PATH_CALLS = {"Path", "str", "with_suffix", "with_name", "joinpath", "resolve", "expanduser", "absolute"}


def _is_path_expression(node: ast.AST) -> bool:
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        return name in PATH_CALLS
    return isinstance(node, (ast.BinOp, ast.Name, ast.Attribute, ast.Constant, ast.JoinedStr))


def _mentions_src(node: ast.AST, names: set[str]) -> bool:
    """True when the expression is a path into ``src/empathic`` or a path built from a name known to be one."""
    if not _is_path_expression(node):
        return False
    text = ast.unparse(node).replace(" ", "").replace("'", '"')
    if "src/empathic" in text or '"src"/"empathic"' in text or "MODELS_DIR" in text:
        return True
    return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(node))


def shipped_writes(path: Path, root: Path = ROOT) -> list[str]:
    """``file:line: call`` for each write into ``src/empathic`` the script makes (by default)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    src_names: set[str] = set()
    changed = True
    while changed:  # names built from a src path are src paths too (OUT = MODELS / "x.json")
        changed = False
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and _mentions_src(node.value, src_names):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id not in src_names:
                        src_names.add(target.id)
                        changed = True
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        parts = [*node.args, *(k.value for k in node.keywords)]
        if isinstance(func, ast.Attribute):
            parts.append(func.value)
        opens_for_writing = name == "open" and any(
            isinstance(a, ast.Constant) and isinstance(a.value, str) and set(a.value) & set("wax") for a in parts
        )
        is_default = name == "add_argument" and any(k.arg == "default" for k in node.keywords)
        if is_default:
            parts = [k.value for k in node.keywords if k.arg == "default"]
        if (name in WRITE_CALLS or opens_for_writing or is_default) and any(_mentions_src(p, src_names) for p in parts):
            found.append(f"{path.relative_to(root)}:{node.lineno}: {ast.unparse(node)[:80]}")
    return found


def test_no_bench_script_writes_into_the_package() -> None:
    scripts = sorted(ROOT.glob("bench/*.py"))
    assert scripts
    assert [w for p in scripts for w in shipped_writes(p)] == []


def test_the_check_finds_the_training_scripts_that_write_shipped_files() -> None:
    """The scripts moved out of bench/ are exactly the kind the check must catch (it would fail had they stayed)."""
    writers = {p.name for p in ROOT.glob("training/*.py") if shipped_writes(p)}
    expected = {"learn_static.py", "distill_static.py", "privacy_wordlists.py", "emotions_calibration.py",
                "train_feelings.py", "train_feelings_encoder.py"}  # fmt: skip
    assert expected <= writers


def test_reading_shipped_data_is_not_writing(tmp_path: Path) -> None:
    reader = tmp_path / "bench_reader.py"
    reader.write_text(
        "import gzip\nfrom pathlib import Path\nROOT = Path('.')\n"
        "SAMPLE = ROOT / 'src' / 'empathic' / 'data' / 'reviews.csv.gz'\n"
        "rows = gzip.open(SAMPLE, 'rt').read()\nPath('/tmp/out.json').write_text(rows)\n"
    )
    writer = tmp_path / "bench_writer.py"
    writer.write_text(
        "from pathlib import Path\nOUT = Path(__file__).parents[1] / 'src/empathic/feelings/models/x.json'\n"
        "FINAL = OUT.with_suffix('.bak')\nFINAL.write_text('{}')\n"
    )
    assert shipped_writes(reader, tmp_path) == []
    assert len(shipped_writes(writer, tmp_path)) == 1
