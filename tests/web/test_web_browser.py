"""End to end in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright; no browser download).

A real uvicorn server on 127.0.0.1 serves a fresh workspace (for the upload → analyse → theme → rename → report
path) and the hostile fake workspace (XSS payloads in comments, theme names, attributes, customer ids and an
uploaded file name must execute nothing). Screenshots of failures go to test-artifacts/; the README screenshot
is written to docs/img/overview.png when EMPATHIC_UPDATE_SCREENSHOTS=1.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import fake_workspace
import pytest
from fake_workspace import REVIEWS
from web_helpers import PASSWORD, make_accounts

from empathic.config import Settings
from empathic.web import create_app
from empathic.workspace import Workspace

CHROMIUM = "/usr/bin/chromium"
EVIL_LINK = '<a href="https://evil">x</a>'
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO = Path(__file__).parents[2]
ARTIFACTS = REPO / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian chromium at /usr/bin/chromium"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    import uvicorn

    root = tmp_path_factory.mktemp("browser")
    fake_workspace.build(root / "acme.empathic", n=120, hostile=True)
    with Workspace.open(root / "acme.empathic") as ws, ws.store.write() as con:  # a theme named as a link
        con.execute("UPDATE themes SET label = ? WHERE theme_id = 'shipping'", [EVIL_LINK])
    fake_workspace.build(root / "demo.empathic", n=300, seed=11)
    Workspace.open(root / "fresh.empathic").close()
    csv = fake_workspace.reviews_csv(root / "reviews.csv")
    hostile_csv = root / '"><img src=x onerror=window.__xss=1>.csv'
    shutil.copy(csv, hostile_csv)
    paths = [root / "acme.empathic", root / "demo.empathic", root / "fresh.empathic"]
    app = create_app(Settings(), paths, accounts=make_accounts(root / "u.sqlite"), upload_dir=root / "up")
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "server did not start"
    yield {"url": f"http://127.0.0.1:{port}", "csv": csv, "hostile_csv": hostile_csv, "app": app}
    srv.should_exit = True
    thread.join(timeout=10)
    for ws in app.state.ctx.workspaces.values():
        ws.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture()
def page(browser, request: pytest.FixtureRequest):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.dialogs = dialogs
    yield pg
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def sign_in(page, url: str, user: str = "ann") -> None:
    page.goto(f"{url}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda u: "/login" not in u)


def assert_not_executed(page) -> None:
    assert page.evaluate("window.__xss === undefined"), "an XSS payload ran"
    assert not page.dialogs, f"a dialog opened: {page.dialogs}"


def test_upload_analyse_open_filter_rename_report(server: dict, page) -> None:
    url = server["url"]
    sign_in(page, url)
    page.goto(f"{url}/w/fresh/upload")
    page.set_input_files("input[type=file]", str(server["hostile_csv"]))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#mapping-form")
    assert "<img src=x" in page.locator("h1 .filename").inner_text()  # the file name is shown as text
    assert page.locator("select[name='role:review']").input_value() == "text"
    page.select_option("select[name='role:plan']", "attr")
    page.click("#confirm-ingest")
    page.wait_for_url("**/jobs/*")
    page.wait_for_selector("#job-tasks li")  # progress shows up while it runs
    page.reload()  # the job survives a reload
    page.wait_for_selector("#job-status[data-status=done], #job-status[data-status=failed]", timeout=600_000)
    status = page.locator("#job-status").inner_text()
    ws = server["app"].state.ctx.workspaces["fresh"]
    assert ws.store.count("feedback") == len(REVIEWS) * 3
    assert ws.store.count("themes") > 0, (
        f"themes stage did not run: {status} {page.locator('#job-message').inner_text()}"
    )
    assert_not_executed(page)

    page.goto(f"{url}/w/fresh/themes")
    page.locator("a.theme-link").first.click()
    page.wait_for_selector("#theme-label")
    theme_url = page.url
    page.fill("#verbatim-filters input[name=q]", "soft")
    page.click("#verbatim-filters button[type=submit]")
    page.wait_for_url("**q=soft**")
    shown = page.locator(".verbatim blockquote").all_inner_texts()
    assert all("soft" in t.lower() for t in shown)

    page.goto(theme_url)
    page.fill("#rename-form input[name=label]", "Renamed in the browser")
    page.click("#rename-form button[type=submit]")
    page.wait_for_selector("#theme-label")
    assert page.locator("#theme-label").inner_text() == "Renamed in the browser"

    page.goto(f"{url}/w/fresh/report")
    assert page.locator("h1").first.inner_text().startswith("Customer feedback report")
    assert "Renamed in the browser" in page.content()
    assert_not_executed(page)


def test_hostile_text_executes_nothing(server: dict, page) -> None:
    url = server["url"]
    sign_in(page, url, "vic")
    for path in (
        "overview",
        "themes",
        "themes/colour",
        "themes/price",
        "verbatims",
        "verbatims?q=script",
        "segments",
        "drivers",
        "trends",
        "customers",
        "ideas",
        "report",
    ):
        page.goto(f"{url}/w/acme/{path}")
        page.wait_for_load_state("load")
        assert_not_executed(page)
    customer = page.evaluate('encodeURIComponent(\'"><svg onload="window.__xss=1">\')')
    page.goto(f"{url}/w/acme/customers/{customer}")
    assert_not_executed(page)
    page.goto(f"{url}/w/acme/themes/colour")
    assert page.locator("#theme-label").inner_text().startswith("<img src=x")  # visible as text, not an element


def test_chart_labels_are_text_not_links_or_markup(server: dict, page) -> None:
    """Plotly draws its pseudo-HTML (<a href>, <b>…) in chart text; labels must show literally instead."""
    sign_in(page, server["url"], "vic")
    page.goto(f"{server['url']}/w/acme/overview")
    page.wait_for_selector("#chart-themes .main-svg")
    chart = page.locator("#chart-themes")
    assert chart.locator("svg a").count() == 0  # no link element anywhere in the drawn chart
    ticks = chart.locator("svg .ytick text").all_text_contents()
    assert EVIL_LINK in ticks and "<script>window.__xss=1</script>" in ticks
    assert_not_executed(page)


def test_charts_render_and_numbers_are_one_click_away(server: dict, page) -> None:
    url = server["url"]
    sign_in(page, url, "vic")
    page.goto(f"{url}/w/demo/overview")
    page.wait_for_selector("#chart-themes .main-svg")  # Plotly drew it from the vendored bundle
    page.locator("#chart-themes").locator("xpath=..").locator("summary").click()
    assert page.locator("details.numbers[open] tbody tr").count() == 5
    shot = ARTIFACTS / "overview.png"
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("details.numbers[open] summary").click()
    page.screenshot(path=str(shot), full_page=True)
    if os.environ.get("EMPATHIC_UPDATE_SCREENSHOTS") == "1":
        (REPO / "docs" / "img").mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, REPO / "docs" / "img" / "overview.png")
    page.goto(f"{url}/w/demo/themes")
    first_before = page.locator("#themes-table tbody tr.level1 td:nth-child(2)").first.inner_text()
    page.click("#themes-table th:nth-child(2)")  # sort by comments, ascending
    first_after = page.locator("#themes-table tbody tr td:nth-child(2)").first.inner_text()
    assert int(first_after.replace(",", "")) <= int(first_before.replace(",", ""))
