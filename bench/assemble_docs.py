"""Assemble docs/benchmarks.md from the per-area pages in docs/bench/ (each written by its benchmark script).

python bench/assemble_docs.py
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ORDER = ["foundation", "themes", "themes-speed", "feelings", "analytics", "usage", "web"]

HEADER = """# Benchmarks

Every figure below comes from a script in `bench/`, run on the project's reference machine (2 cores, 24 GiB RAM,
no GPU, Python 3.11) with the command shown next to it. Baselines named in the issues were measured in the same run.
Timings taken while other jobs shared the 2 cores say so. Per-area pages live in `docs/bench/`; this page is
assembled from them by `python bench/assemble_docs.py`.

"""


def main() -> None:
    pages = sorted(
        (ROOT / "docs" / "bench").glob("*.md"), key=lambda p: (ORDER.index(p.stem) if p.stem in ORDER else 99, p.stem)
    )
    parts = [HEADER]
    for page in pages:
        text = page.read_text(encoding="utf-8").strip()
        parts.append(f"<!-- from docs/bench/{page.name} -->\n{text}\n")
    (ROOT / "docs" / "benchmarks.md").write_text("\n".join(parts), encoding="utf-8")
    print(f"wrote docs/benchmarks.md from {len(pages)} page(s)")


if __name__ == "__main__":
    main()
