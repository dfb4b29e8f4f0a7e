"""Lint: no f-string places a name into SQL except through the one identifier helper (issue 16).

A CSV header ``a" AS x, (SELECT content FROM read_text('/etc/passwd')) AS "b`` once became SQL through
``f'CAST("{c}" AS VARCHAR) AS "{c}"'``. This test walks ``src/`` with :mod:`ast` and, in every f-string whose
literal text looks like SQL, refuses:

1. everywhere: an interpolation wrapped in ``"..."`` (a hand-quoted identifier) or in ``'...'`` (a hand-quoted
   value; numbers via ``int()``/``float()`` and UPPER_CASE constants excepted), and any interpolated
   ``.replace(...)`` (hand-rolled escaping);
2. in the modules that put user-named columns into SQL (:data:`STRICT`): any interpolation that is not provably
   SQL text of our own: a call to ``ident``/``q`` or another SQL builder (whose own f-strings this test reads),
   ``"sep".join`` of such parts, an UPPER_CASE constant, ``int(...)``/``float(...)``, a local variable assigned
   only from those, a parameter named ``*_sql`` (an SQL fragment by contract), or an entry of :data:`ALLOWED`
   with its reason.
"""

from __future__ import annotations

import ast
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
SQL_WORDS = re.compile(
    r"\b(SELECT|FROM|CAST|INSERT|CREATE|WHERE|ALTER|UPDATE|JOIN|DELETE|DROP|DESCRIBE|COPY|ATTACH|PRAGMA|"
    r"ORDER BY|GROUP BY|AS|SET)\b"
)
#: Modules that handle user-named columns (file headers, JSON keys, attribute names): every interpolation is checked.
STRICT = (
    "empathic/ingest/",
    "empathic/store/",
    "empathic/comments.py",
    "empathic/workspace.py",
)
#: Calls whose result is safe to interpolate whatever their argument: the quoting helpers and numbers.
QUOTING_CALLS = {"ident", "q", "lit", "int", "float", "len", "round"}
#: Calls that turn anything into text without quoting it.
UNSAFE_CALLS = {"str", "repr", "format", "getattr", "chr"}
#: (module, interpolated expression) → why it is safe. Keep this short; prefer ident() or a bound parameter.
ALLOWED: dict[tuple[str, str], str] = {
    ("empathic/ingest/readers.py", "source"): "a DuckDB table-function call built from string constants in this "
    "module (read_csv/read_json/read_parquet with ? placeholders); the file path and options are bound parameters",
    ("empathic/analytics/trends.py", "grain"): "checked against the constant GRAINS just before",
    ("empathic/usage/sql.py", "unit"): "a period unit, checked against the constant PERIOD_UNITS by every public "
    "builder (retention, lifecycle) before the private ones see it",
}


@dataclass(frozen=True)
class Finding:
    module: str
    line: int
    expr: str
    why: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line}: {{{self.expr}}} {self.why}"


def _literal_text(node: ast.JoinedStr) -> str:
    return "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))


def _is_number(expr: ast.expr) -> bool:
    if isinstance(expr, ast.Constant):
        return isinstance(expr.value, (int, float))
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name):
        return expr.func.id in {"int", "float", "len", "round"}
    return _is_constant(expr)


def _is_constant(expr: ast.expr) -> bool:
    """An UPPER_CASE module constant (``SAMPLE_ROWS``, ``sql.DAYPARTS``)."""
    if isinstance(expr, ast.Name):
        return expr.id.isupper()
    return isinstance(expr, ast.Attribute) and expr.attr.isupper()


class _Scope:
    """Assignments and parameters of one function (or the module), for the dataflow-lite check."""

    def __init__(self, node: ast.AST) -> None:
        self.assigned: dict[str, list[ast.expr]] = {}
        self.params: set[str] = set()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args
            self.params = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
        for n in ast.walk(node):
            targets: list[tuple[ast.expr, ast.expr]] = []
            if isinstance(n, ast.Assign):
                targets = [(t, n.value) for t in n.targets]
            elif isinstance(n, (ast.AugAssign, ast.AnnAssign)) and n.value is not None:
                targets = [(n.target, n.value)]
            elif isinstance(n, (ast.For, ast.comprehension)):
                targets = [(n.target, ast.Name("<loop variable>"))]
            for target, value in targets:
                if isinstance(target, ast.Name):
                    self.assigned.setdefault(target.id, []).append(value)
                elif isinstance(target, ast.Tuple):
                    for i, el in enumerate(target.elts):
                        if isinstance(el, ast.Name):
                            # unpacking a builder's result (sql, names = _pivot(...)) is as safe as the call
                            part = value.elts[i] if isinstance(value, ast.Tuple) else value
                            self.assigned.setdefault(el.id, []).append(part)

    def safe(self, expr: ast.expr, depth: int = 0) -> bool:
        """True when ``expr`` can only be SQL text of our own (see the module docstring)."""
        if depth > 8:
            return False
        deeper = depth + 1
        if isinstance(expr, ast.Constant):
            return isinstance(expr.value, (str, int, float)) or expr.value is None
        if isinstance(expr, ast.JoinedStr):
            return True  # an f-string is checked on its own
        if isinstance(expr, ast.IfExp):
            return self.safe(expr.body, deeper) and self.safe(expr.orelse, deeper)
        if isinstance(expr, ast.BinOp):
            return self.safe(expr.left, deeper) and self.safe(expr.right, deeper)
        if isinstance(expr, (ast.GeneratorExp, ast.ListComp)):
            return self.safe(expr.elt, deeper)
        if isinstance(expr, (ast.List, ast.Tuple)):
            return all(self.safe(e, deeper) for e in expr.elts)
        if isinstance(expr, ast.Call):
            func = expr.func
            if isinstance(func, ast.Name):  # ident(), q(), or a builder such as clean() / text_expr()
                return func.id not in UNSAFE_CALLS
            if isinstance(func, ast.Attribute) and func.attr == "join":
                return all(self.safe(a, deeper) for a in expr.args)
            return False  # a method call (.strip(), .replace(), ...) quotes nothing
        if _is_constant(expr):
            return True
        if isinstance(expr, ast.Name):
            if expr.id in self.params:
                return expr.id.endswith("_sql")
            values = self.assigned.get(expr.id)
            return bool(values) and all(self.safe(v, deeper) for v in values)
        return False


def _quoted(values: list[ast.expr], i: int, quote: str) -> bool:
    before, after = (values[i - 1] if i else None), (values[i + 1] if i + 1 < len(values) else None)
    return (
        isinstance(before, ast.Constant)
        and str(before.value).endswith(quote)
        and isinstance(after, ast.Constant)
        and str(after.value).startswith(quote)
    )


def lint_source(text: str, module: str) -> list[Finding]:
    """Every finding in one module's source (``module`` is its path under src/, e.g. ``empathic/ingest/sql.py``)."""
    tree = ast.parse(text)
    strict = module.startswith(STRICT)
    findings: list[Finding] = []
    seen: set[int] = set()
    scopes = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    # innermost scope first, so a nested function's f-strings use its own assignments
    scopes.sort(key=lambda n: -(n.lineno if hasattr(n, "lineno") else 0))
    for scope_node in [*scopes, tree]:
        scope = _Scope(scope_node)
        for node in ast.walk(scope_node):
            if not isinstance(node, ast.JoinedStr) or id(node) in seen:
                continue
            seen.add(id(node))
            if not SQL_WORDS.search(_literal_text(node)):
                continue
            for i, part in enumerate(node.values):
                if not isinstance(part, ast.FormattedValue):
                    continue
                expr, src = part.value, ast.unparse(part.value)
                where = (module, part.lineno)
                if (module, src) in ALLOWED:
                    continue
                if _quoted(node.values, i, '"'):
                    findings.append(Finding(*where, src, "is quoted by hand as an identifier: use ident()"))
                elif _quoted(node.values, i, "'") and not _is_number(expr):
                    findings.append(Finding(*where, src, "is quoted by hand as a value: bind it as a parameter"))
                elif any(
                    isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "replace"
                    for n in ast.walk(expr)
                ):
                    findings.append(Finding(*where, src, "escapes by hand (.replace): use ident() or a parameter"))
                elif strict and not scope.safe(expr):
                    findings.append(Finding(*where, src, "is not passed through ident()/q() (nor a bound parameter)"))
    return findings


def lint_tree(root: Path = SRC) -> list[Finding]:
    out: list[Finding] = []
    for path in sorted(root.rglob("*.py")):
        out += lint_source(path.read_text(encoding="utf-8"), path.relative_to(root).as_posix())
    return out


def test_no_sql_fstring_interpolates_a_name_without_the_identifier_helper() -> None:
    findings = lint_tree()
    assert not findings, "SQL built from unquoted names:\n" + "\n".join(map(str, findings))


def test_allow_list_entries_are_still_needed() -> None:
    """An allow-list entry whose interpolation is gone must be removed (the list stays short and true)."""
    used = set()
    for path in sorted(SRC.rglob("*.py")):
        module = path.relative_to(SRC).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FormattedValue) and (module, ast.unparse(node.value)) in ALLOWED:
                used.add((module, ast.unparse(node.value)))
    assert used == set(ALLOWED)


# -- the lint catches the code that had the hole ------------------------------------------------------------------
OLD_COMMIT = "4c3cc2e"  # the last commit before the fix


def _old_source(path: str) -> str:
    try:
        return subprocess.run(
            ["git", "show", f"{OLD_COMMIT}:src/{path}"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip(f"git history with {OLD_COMMIT} is not available")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("empathic/ingest/readers.py", 'CAST("{c}" AS VARCHAR)'),
        ("empathic/ingest/inspect.py", "left(trim"),
        ("empathic/ingest/roles.py", "approx_count_distinct"),
        ("empathic/store/store.py", "count(*)"),
        ("empathic/comments.py", "FILTER"),
        ("empathic/web/routers/workflow.py", "left("),
    ],
)
def test_lint_fails_on_the_code_before_the_fix(path: str, expected: str) -> None:
    old = _old_source(path)
    findings = lint_source(old, path)
    assert findings, f"the lint passed the vulnerable {path}"
    lines = old.splitlines()
    assert any(expected in lines[f.line - 1] for f in findings), [str(f) for f in findings]


@pytest.mark.parametrize(
    "snippet",
    [
        'def f(con, c):\n    con.execute(f\'SELECT CAST("{c}" AS VARCHAR) AS "{c}" FROM t\')\n',
        "def f(con, v):\n    con.execute(f\"SELECT * FROM t WHERE name = '{v}'\")\n",
        "def f(con, c):\n    con.execute(f'SELECT {c} FROM t')\n",
        "def f(con, c):\n    x = c.strip()\n    con.execute(f'SELECT {x} FROM t')\n",
        "def f(con, c):\n    con.execute(f'SELECT {c.replace(chr(34), chr(34) * 2)} FROM t')\n",
    ],
)
def test_lint_flags_each_unsafe_shape(snippet: str) -> None:
    assert lint_source(snippet, "empathic/ingest/example.py")


@pytest.mark.parametrize(
    "snippet",
    [
        "def f(con, c):\n    con.execute(f'SELECT {ident(c)} FROM t')\n",
        "def f(con, cols):\n    s = ', '.join(f'{q(c)}' for c in cols)\n    con.execute(f'SELECT {s} FROM t')\n",
        "N = 5\ndef f(con):\n    con.execute(f'SELECT * FROM t LIMIT {N}')\n",
        "def f(con, n):\n    con.execute(f'SELECT * FROM t LIMIT {int(n)}')\n",
        "def f(con, where_sql):\n    con.execute(f'SELECT * FROM t WHERE {where_sql}')\n",
        "def f(con, name):\n    return f'no column {name!r} found'\n",  # prose, not SQL
    ],
)
def test_lint_passes_the_safe_shapes(snippet: str) -> None:
    assert not lint_source(snippet, "empathic/ingest/example.py")


def test_no_hand_quoted_identifier_line_for_the_stop_hook() -> None:
    """The shared before-stop hook greps for ``"{name}"`` inside SQL f-strings; none may remain in src/."""
    pattern = re.compile(r"""f"[^"]*\\?"\{[a-z_][a-z_0-9.]*\}\\?"|f'[^']*"\{[a-z_][a-z_0-9.]*\}\"""")
    sql = re.compile(r"SELECT|FROM|CAST|INSERT|CREATE|WHERE|ALTER|UPDATE|JOIN| AS |ORDER BY|GROUP BY")
    hits = [
        f"{path.relative_to(SRC)}:{i}: {line.strip()}"
        for path in sorted(SRC.rglob("*.py"))
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line) and sql.search(line) and not re.search(r"ident\(|quote", line, re.IGNORECASE)
    ]
    assert not hits, hits
