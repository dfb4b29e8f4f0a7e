"""Screenshots of the compare, overview and trends pages of one workspace in real Chromium (Debian /usr/bin/chromium).

    .venv/bin/python bench/analytics_screens.py /tmp/ba.empathic /tmp/shots --query "?score=recommended&a=2019&b=2022"

Prints each page's height in pixels and any nan / NaN / NaT / Infinity word in its text.
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "web"))
from web_helpers import PASSWORD, make_accounts

from empathic.config import Settings
from empathic.web import create_app

BAD_WORDS = ("nan", "NaN", "NaT", "Infinity", "inf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("workspace", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--query", default="", help="query string of the compare page")
    args = parser.parse_args()
    import uvicorn
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Settings(), [args.workspace], accounts=make_accounts(Path(tmp) / "u.sqlite"),
                         upload_dir=Path(tmp) / "up")  # fmt: skip
        name = next(iter(app.state.ctx.workspaces))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        url = f"http://127.0.0.1:{port}"
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                             args=["--headless", "--no-sandbox", "--disable-gpu"])  # fmt: skip
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(f"{url}/login")
                page.fill("input[name=username]", "ann")
                page.fill("input[name=password]", PASSWORD)
                page.click("button[type=submit]")
                page.wait_for_url(lambda u: "/login" not in u)
                for slug, query in (("compare", args.query), ("overview", ""), ("trends", "")):
                    page.goto(f"{url}/w/{name}/{slug}{query}")
                    page.wait_for_timeout(1500)
                    page.screenshot(path=str(args.out / f"{slug}.png"), full_page=True)
                    words = f" {page.inner_text('body')} ".split()
                    print(slug, page.evaluate("document.body.scrollHeight"), "px;",
                          "bad words:", sorted({w for w in words if w in BAD_WORDS}) or "none")  # fmt: skip
                browser.close()
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            for ws in app.state.ctx.workspaces.values():
                ws.close()


if __name__ == "__main__":
    main()
