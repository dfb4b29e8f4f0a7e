"""Load test: 20 concurrent clients against `empathic serve` on 127.0.0.1 with a 100k-comment workspace.

The workspace is filled through the contract tables (tests/web/fake_workspace.py), the server runs in its own
process (`empathic serve`), and the clients (httpx, asyncio) run a fixed, bounded mix of page and API requests.
Writes p50/p95/max latency per endpoint and the error count to docs/bench/web.md.

    .venv/bin/python bench/web_load.py [--comments 100000] [--clients 20] [--requests 2000] [--max-seconds 300]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

REPO = Path(__file__).parents[1]
sys.path.insert(0, str(REPO / "tests" / "web"))

import fake_workspace  # noqa: E402

from empathic.web.accounts import Accounts  # noqa: E402

PAGES = [
    "overview",
    "themes",
    "themes/fit",
    "verbatims",
    "verbatims?q=small&sentiment=negative",
    "segments",
    "drivers",
    "trends",
]
API = [
    "overview",
    "themes",
    "themes/fit",
    "comments",
    "comments?q=small&sentiment=negative",
    "drivers",
    "segments",
    "trends",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def _login(base: str) -> str:
    async with httpx.AsyncClient(base_url=base) as client:
        page = await client.get("/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        await client.post("/login", data={"username": "bench", "password": "bench-password", "csrf_token": csrf})
        return client.cookies.get("empathic_session")


async def _run(base: str, ws: str, token: str, cookie: str, clients: int, total: int, max_s: float) -> dict:
    targets = [("page " + p, f"/w/{ws}/{p}", {}) for p in PAGES]
    targets += [("api " + p, f"/api/v1/w/{ws}/{p}", {"Authorization": f"Bearer {token}"}) for p in API]
    timings: dict[str, list[float]] = {name: [] for name, _, _ in targets}
    errors: list[str] = []
    counter = iter(range(total))
    deadline = time.monotonic() + max_s

    async def worker(k: int) -> None:
        async with httpx.AsyncClient(base_url=base, cookies={"empathic_session": cookie}, timeout=60) as client:
            for i in counter:
                if time.monotonic() > deadline:
                    return
                name, url, headers = targets[(i + k) % len(targets)]
                start = time.perf_counter()
                try:
                    response = await client.get(url, headers=headers)
                    ok = response.status_code == 200
                except httpx.HTTPError as exc:
                    ok, response = False, exc
                timings[name].append((time.perf_counter() - start) * 1000)
                if not ok:
                    errors.append(f"{name}: {getattr(response, 'status_code', response)}")

    started = time.monotonic()
    await asyncio.gather(*(worker(k) for k in range(clients)))
    return {"timings": timings, "errors": errors, "seconds": time.monotonic() - started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--max-seconds", type=float, default=300)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "bench" / "web.md")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="empathic-load-"))
    t0 = time.monotonic()
    ws_path = fake_workspace.build(root / "load.empathic", n=args.comments, seed=5)
    build_s = time.monotonic() - t0
    accounts = Accounts(root / "users.sqlite")
    accounts.add_user("bench", "bench-password", "viewer")
    _, token = accounts.create_token("bench", "load")
    accounts.close()
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "empathic.cli.main",
            "serve",
            str(ws_path),
            "--port",
            str(port),
            "--auth",
            str(root / "users.sqlite"),
        ],
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                httpx.get(f"{base}/login", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        cookie = asyncio.run(_login(base))
        cold = asyncio.run(_run(base, "load", token, cookie, 1, 16, 120))  # first hit of each endpoint (uncached)
        single = asyncio.run(_run(base, "load", token, cookie, 1, 160, 120))  # one client: service time
        load_before = os.getloadavg()[0]
        result = asyncio.run(_run(base, "load", token, cookie, args.clients, args.requests, args.max_seconds))
        result["cold"], result["single"], result["load"] = cold, single, load_before
    finally:
        server.terminate()
        server.wait(timeout=30)
    _write(args, result, build_s)


def _write(args: argparse.Namespace, result: dict, build_s: float) -> None:
    lines = [
        "# Web load benchmark",
        "",
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- machine: {platform.machine()}, 2 cores shared with other engineers' jobs, no GPU, Python "
        f"{platform.python_version()} — timings are noisy",
        f"- command: `.venv/bin/python bench/web_load.py --comments {args.comments} --clients {args.clients} "
        f"--requests {args.requests}`",
        f"- workspace: {args.comments:,} comments (5 themes, 15 subthemes, feelings and analytics tables) built in "
        f"{build_s:.1f} s; server: `empathic serve` (uvicorn, one process) on 127.0.0.1",
        f"- {sum(len(v) for v in result['timings'].values())} requests by {args.clients} concurrent clients in "
        f"{result['seconds']:.1f} s; errors: {len(result['errors'])}; target p95 ≤ 150 ms",
        "",
        f"- machine load average when the run started: {result['load']:.1f} on 2 cores (other engineers' "
        "training and benchmarks ran at the same time, so the 20-client figures mostly measure CPU contention)",
        "",
        f"## {args.clients} concurrent clients (closed loop, no think time)",
        "",
        "| endpoint | n | p50 ms | p95 ms | max ms |",
        "|---|---:|---:|---:|---:|",
    ]
    all_times = []
    for name, values in result["timings"].items():
        if values:
            all_times += values
            lines.append(
                f"| {name} | {len(values)} | {statistics.median(values):.0f} | "
                f"{_percentile(values, 0.95):.0f} | {max(values):.0f} |"
            )
    lines.append(
        f"| **all** | {len(all_times)} | {statistics.median(all_times):.0f} | "
        f"{_percentile(all_times, 0.95):.0f} | {max(all_times):.0f} |"
    )
    lines += [
        "",
        "## One client (service time, cached) and first hit (uncached, computed from the 100k tables)",
        "",
        "| endpoint | first hit ms | 1-client p50 ms | 1-client p95 ms |",
        "|---|---:|---:|---:|",
    ]
    for name, values in result["single"]["timings"].items():
        cold = result["cold"]["timings"].get(name) or [float("nan")]
        if values:
            lines.append(
                f"| {name} | {cold[0]:.0f} | {statistics.median(values):.0f} | {_percentile(values, 0.95):.0f} |"
            )
    errors = result["errors"] + result["cold"]["errors"] + result["single"]["errors"]
    if errors:
        lines += ["", "Errors (first 10): " + "; ".join(errors[:10])]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
