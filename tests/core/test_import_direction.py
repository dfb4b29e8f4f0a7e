"""Imports run down the flow only (docs/architecture.md, "Import direction"): checked on the source, with ``ast``.

Every ``import empathic…`` / ``from empathic… import …`` in ``src/empathic`` counts, including those inside a
function (a lazy import is still a dependency). The table below says where each part sits; a new top-level
package or module must be added to it (and to the table in docs/architecture.md) before its test passes.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "empathic"

#: A part may import only its own group, groups of a lower rank, and settings leaves. Longest prefix wins.
FRONT = 100  # front doors: may import anything but ``cli``
CLI = 1000  # nothing imports it
RANKS: dict[str, int] = {
    "errors": 0,
    "progress": 0,
    "store": 1,
    "stats": 2,  # statistics shared by usage and analytics (and personas)
    "stage": 2,  # the stage contract
    "engine": 2,  # where per-row functions run (local batches; the Spark engine lives in scale)
    "config": 2,  # the settings tree: imports only settings leaves
    "plugins": 2,
    "comments": 2,  # comments with whatever annotations exist (reads the store only)
    "activity": 2,  # the activity log's one writer, record(): any area may log a change (imports store only)
    "text.pii": 2,  # pure PII detection, used by ingest (privacy)
    "ingest": 3,
    "privacy.pseudonyms": 2,  # keyed pseudonyms: pure, imports errors only
    "privacy.ingest_pass": 3,  # the ingest-time privacy pass: part of ingest (group below)
    "text": 4,
    "themes": 5,
    "feelings": 5,
    "usage": 6,
    "analytics": 7,
    "personas": 8,
    "pipeline": 9,  # runs every stage; no stage imports it
    "scale": 9,  # runs the stages on Spark
    "spark": FRONT,  # the lakehouse front door: empathic.spark.analyze, `empathic spark run`
    "sample": FRONT,  # builds demo workspaces through the Workspace
    "demo": FRONT,
    "workspace": FRONT,
    "api": FRONT,
    "report": FRONT,
    "web": FRONT,
    "team": FRONT,  # owners, notes, digests over analytics results
    "privacy": FRONT,  # forget a customer (re-runs the pipeline), redaction counts for the report
    "__init__": FRONT,
    "__main__": CLI,
    "cli": CLI,
}
#: Parts that belong to another part's group (they may import each other freely).
GROUP_OF = {"privacy.ingest_pass": "ingest"}
#: Leaves: import nothing of ours, so anyone may import them (config assembles them into one tree).
LEAF_PARTS = {"web_settings"}
#: Front doors that must not import some other front doors. The report reads the workspace's ``Store`` through the
#: areas' read functions (issue #22: one read layer), never the ``Workspace`` (nor its ``api`` mixins or the web
#: app): the workspace's ``report()`` calls the report, so the report importing it back would be a cycle.
FORBIDDEN: dict[str, set[str]] = {"report": {"workspace", "api", "web", "__init__"}}
#: Known exceptions, each with its reason; keep it empty.
ALLOWED: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class Import:
    module: str  # importer, dotted, without "empathic."
    target: str  # imported, dotted, without "empathic."
    line: int


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def _targets(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name == "empathic" or a.name.startswith("empathic.")]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        if node.module == "empathic":  # from empathic import x: a submodule if one exists, else the package itself
            return [
                f"empathic.{a.name}"
                if (SRC / f"{a.name}.py").exists() or (SRC / a.name).is_dir()
                else "empathic.__init__"
                for a in node.names
            ]
        if node.module.startswith("empathic."):
            return [node.module]
    return []


def _imports(root: Path = SRC) -> list[Import]:
    out = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            for target in _targets(node):
                short = target.removeprefix("empathic").lstrip(".") or "__init__"
                out.append(Import(_module_name(path, root), short, node.lineno))
    return out


def _part(module: str) -> str | None:
    """The longest entry of RANKS (or LEAF_PARTS) that is ``module`` or a package above it."""
    pieces = module.split(".")
    for n in range(len(pieces), 0, -1):
        prefix = ".".join(pieces[:n])
        if prefix in RANKS or prefix in LEAF_PARTS:
            return prefix
    return None


def _is_leaf(module: str) -> bool:
    """A settings module of a stage (``themes.settings``), or a listed leaf: it imports nothing of ours."""
    part = _part(module)
    if part in LEAF_PARTS:
        return True
    return module.endswith(".settings") and part is not None and RANKS[part] < FRONT


def violation(module: str, target: str) -> str | None:
    """Why ``module`` must not import ``target`` (both without ``empathic.``), or ``None`` when it may."""
    src, dst = _part(module), _part(target)
    if src is None or dst is None:
        unknown = module if src is None else target
        return f"{unknown!r} has no place in the import-direction table: add it to RANKS (and docs/architecture.md)"
    if _is_leaf(module):
        return f"{module} is a leaf (settings) and imports nothing of empathic"
    src_group, dst_group = GROUP_OF.get(src, src), GROUP_OF.get(dst, dst)
    if dst in FORBIDDEN.get(src, ()):
        return f"{module} imports {target}: the report takes a Store, never the Workspace (no workspace ↔ report cycle)"
    if src_group == dst_group or _is_leaf(target) or (module, target) in ALLOWED:
        return None
    if dst in LEAF_PARTS:
        return None
    if RANKS[dst] == CLI:
        return f"{module} imports {target}: nothing imports cli"
    if RANKS[src] >= FRONT or RANKS[dst] < RANKS[src]:
        return None
    return f"{module} (rank {RANKS[src]}) imports {target} (rank {RANKS[dst]}): imports go down the flow only"


def problems(root: Path = SRC) -> list[str]:
    """Every import under ``root`` (a copy of ``src/empathic``) that breaks the direction, as ``module:line: why``."""
    return [f"{i.module}:{i.line}: {msg}" for i in _imports(root) if (msg := violation(i.module, i.target))]


def test_every_import_runs_down_the_flow() -> None:
    assert len(_imports()) > 200  # the walk really saw the package
    assert problems() == []


def test_store_imports_only_errors() -> None:
    targets = {_part(i.target) for i in _imports() if _part(i.module) == "store"}
    assert targets <= {"store", "errors"}


@pytest.mark.parametrize(
    ("module", "target", "reason"),
    [
        ("themes.service", "pipeline", "down the flow"),
        ("config", "web.settings", "down the flow"),
        ("usage.why", "analytics.stats", "down the flow"),
        ("themes.stage", "feelings.annotate", "down the flow"),  # siblings do not import each other
        ("store.store", "config", "down the flow"),
        ("web.app", "cli.main", "nothing imports cli"),
        ("themes.settings", "errors", "is a leaf"),
        ("team.owners", "nowhere", "no place"),
        ("report.html", "workspace", "takes a Store"),
        ("report.sections", "api.analytics", "takes a Store"),
        ("report.views", "web.app", "takes a Store"),
    ],
)
def test_the_rule_refuses_imports_against_the_flow(module: str, target: str, reason: str) -> None:
    assert reason in (violation(module, target) or "")


@pytest.mark.parametrize(
    ("module", "target"),
    [
        ("analytics.results", "themes.model"),
        ("usage.why", "stats"),
        ("config", "themes.settings"),
        ("config", "web_settings"),
        ("web.app", "pipeline"),
        ("cli.main", "web.app"),
        ("team.owners", "analytics.stored"),
        ("ingest.load", "privacy.ingest_pass"),
        ("privacy.ingest_pass", "text.pii"),
        ("privacy.forget", "pipeline"),
        ("privacy.ingest_pass", "privacy.pseudonyms"),
    ],
)
def test_the_rule_allows_imports_down_the_flow(module: str, target: str) -> None:
    assert violation(module, target) is None


def test_the_report_imports_no_workspace_even_for_type_hints() -> None:
    """The report reads a Store (issue #22 item 2): not even a ``TYPE_CHECKING`` import of the Workspace is left."""
    found = [i for i in _imports() if _part(i.module) == "report"]
    assert found, "the walk saw the report's imports"
    assert {_part(i.target) for i in found}.isdisjoint(FORBIDDEN["report"])
    assert any(i.target == "store" for i in found)  # it types on the Store


def test_lazy_and_package_imports_are_seen(tmp_path) -> None:
    pkg = tmp_path / "themes"
    pkg.mkdir()
    (pkg / "late.py").write_text("def f():\n    from empathic.pipeline import run_stage\n    import empathic.web.app\n")
    found = {(i.target, i.line) for i in _imports(tmp_path)}
    assert found == {("pipeline", 2), ("web.app", 3)}
