"""Screenshots of the compare, overview, trends and segments pages of one workspace in real Chromium (Debian
/usr/bin/chromium).

    .venv/bin/python bench/analytics_screens.py /tmp/ba.empathic /tmp/shots --query "?score=recommended&a=2019&b=2022"

Prints each page's height in pixels and any nan / NaN / NaT / Infinity word in its text. With ``--edit-theme ID``
it then renames that theme the way a user does (on a *copy* of the workspace, treated as too large for the
at-once refresh) and shoots the Drivers page stale after the edit, clicks its "Refresh results" button, waits
for the job and shoots the same page again. ``--blur-quotes`` blurs comment text (quotes, verbatims) so the
pictures can be committed without the source's words.
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
#: Comment text in the pages (quotes in tables, verbatims, empathy-map cells) blurred for committed pictures.
BLUR_CSS = "blockquote, .quote, .verbatim, td:last-child q, .quotes li { filter: blur(4px); }"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("workspace", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--query", default="", help="query string of the compare page")
    parser.add_argument("--edit-theme", default=None, help="rename this theme id, then shoot drivers stale/refreshed")
    parser.add_argument("--blur-quotes", action="store_true", help="blur comment text in the pictures")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.edit_theme:
        import shutil

        import empathic.api.analytics as analytics_api

        copy = args.out / f"{args.workspace.stem}-edited.empathic"
        shutil.copy(args.workspace, copy)
        wal = args.workspace.with_name(args.workspace.name + ".wal")
        if wal.exists():
            shutil.copy(wal, copy.with_name(copy.name + ".wal"))
        args.workspace = copy
        analytics_api.REFRESH_AFTER_EDIT_MAX_COMMENTS = 0  # the stale path a large workspace takes
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

                def shoot(slug: str, query: str, picture: str, full_page: bool = True) -> None:
                    page.goto(f"{url}/w/{name}/{slug}{query}")
                    page.wait_for_timeout(1500)
                    if args.blur_quotes:
                        page.add_style_tag(content=BLUR_CSS)
                    page.screenshot(path=str(args.out / f"{picture}.png"), full_page=full_page)
                    words = f" {page.inner_text('body')} ".split()
                    print(picture, page.evaluate("document.body.scrollHeight"), "px;",
                          "bad words:", sorted({w for w in words if w in BAD_WORDS}) or "none",
                          "; stale banner:", page.locator("#stale-banner").count() > 0)  # fmt: skip

                for slug, query in (("compare", args.query), ("overview", ""), ("trends", "")):
                    shoot(slug, query, slug)
                shoot("segments", "", "segments", full_page=False)  # the top rows, with their credible intervals
                if args.edit_theme:
                    ws = app.state.ctx.workspaces[name]
                    ws.rename_theme(args.edit_theme, "crew (renamed after the analysis)")
                    app.state.ctx.cache.invalidate(name)
                    shoot("drivers", "", "drivers-stale", full_page=False)  # the banner and the top of the page
                    page.click("#refresh-form button")
                    page.wait_for_url(lambda u: "/jobs/" in u)
                    for _ in range(600):
                        if "running" not in page.inner_text("body") and "queued" not in page.inner_text("body"):
                            break
                        page.wait_for_timeout(1000)
                        page.reload()
                    shoot("drivers", "", "drivers-refreshed", full_page=False)
                browser.close()
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            for ws in app.state.ctx.workspaces.values():
                ws.close()


if __name__ == "__main__":
    main()
