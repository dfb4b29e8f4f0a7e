"""What a read-only command pays to read a workspace another process holds: the snapshot copy (issue 16).

Builds a workspace of N comments through the contract tables (tests/web/fake_workspace.py), then times
``Workspace.open(read_only=True)`` + ``info()`` — what ``empathic info`` does — first with nobody holding the file
(a direct read-only open) and then while a child process holds it for writing, as ``empathic serve`` does (a
snapshot: copy the file and its journal, open the copy). Writes docs/bench/snapshot.md.

    .venv/bin/python bench/snapshot_read.py [--comments 100000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).parents[1]
sys.path.insert(0, str(REPO / "tests" / "web"))

import fake_workspace  # noqa: E402

from empathic.workspace import Workspace  # noqa: E402

HOLD = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(600)"


def _time_info(path: Path, repeats: int, *, expect_snapshot: bool) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        with Workspace.open(path, read_only=True, snapshot_if_locked=True) as ws:
            assert bool(getattr(ws.store, "is_snapshot", False)) == expect_snapshot
            ws.info()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-snapshot-") as tmp:
        path = fake_workspace.build(Path(tmp) / "acme.empathic", n=args.comments)
        size_mb = sum(p.stat().st_size for p in Path(tmp).glob("acme.empathic*")) / 1e6
        direct = _time_info(path, args.repeats, expect_snapshot=False)
        holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True)
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
            snap = _time_info(path, args.repeats, expect_snapshot=True)
        finally:
            holder.kill()
            holder.wait(timeout=30)
    d, s = statistics.median(direct), statistics.median(snap)
    page = f"""# Reading a workspace that `empathic serve` holds (snapshot copy)

- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC
- machine: {platform.machine()}, 2 cores shared with other engineers' jobs (load average {load:.1f} at the start),
  24 GiB, Python {platform.python_version()} — timings are noisy
- command: `.venv/bin/python bench/snapshot_read.py --comments {args.comments} --repeats {args.repeats}`
- workspace: {args.comments:,} comments with themes, feelings and analytics tables (tests/web/fake_workspace.py),
  {size_mb:.0f} MB on disk (file + journal)
- what is timed: `Workspace.open(path, read_only=True, snapshot_if_locked=True)` + `info()` + close — what
  `empathic info` does — median of {args.repeats}

| situation | median s | min s | max s |
|---|---:|---:|---:|
| nobody holds the file: direct read-only open | {d:.3f} | {min(direct):.3f} | {max(direct):.3f} |
| another process holds it for writing: snapshot copy + open | {s:.3f} | {min(snap):.3f} | {max(snap):.3f} |

The snapshot costs about {s - d:.2f} s more here ({size_mb / max(s - d, 1e-9):.0f} MB/s of copying and opening):
the price of reading while `serve` runs, paid only in that case. Before issue 16 the second row was an error.
The file was in the page cache (just written); from a cold disk the copy runs at the disk's read speed, and it
needs as much free space in the temporary folder as the workspace takes.
"""
    out = REPO / "docs" / "bench" / "snapshot.md"
    out.write_text(page, encoding="utf-8")
    print(page)


if __name__ == "__main__":
    main()
