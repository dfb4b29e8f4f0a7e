"""End to end in a real headless Chromium (Debian's, driven by Playwright) against a real server on 127.0.0.1:
an analyst assigns a theme to a team, adds a note that @mentions a viewer, and saves and shares a view; the
viewer sees all of it, has no edit controls, is refused when posting anyway, opens the shared view (and sees its
comments), and subscribes to the digest that carries the mention."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from web_helpers import PASSWORD, live_server, make_accounts

from empathic.config import Settings
from empathic.web import create_app

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian chromium at /usr/bin/chromium"),
]


@pytest.fixture()
def server(planted: Path, tmp_path: Path) -> Iterator[str]:
    app = create_app(Settings(), [planted], accounts=make_accounts(tmp_path / "u.sqlite"), upload_dir=tmp_path / "up")
    try:
        with live_server(app) as url:
            yield url
    finally:
        for ws in app.state.ctx.workspaces.values():
            ws.close()


@pytest.fixture()
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def sign_in(browser, url: str, user: str):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{url}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda u: "/login" not in u)
    return page


def test_analyst_assigns_notes_and_shares_a_view_the_viewer_sees_it_and_cannot_edit(server: str, browser) -> None:
    ann = sign_in(browser, server, "ann")
    ann.goto(f"{server}/w/planted/themes/delivery")
    ann.fill("#owner-form input[name=team]", "Logistics")
    ann.fill("#owner-form input[name=person]", "lee")
    ann.select_option("#owner-form select[name=status]", "fixed")
    ann.fill("#owner-form input[name=status_on]", "2025-05-01")
    ann.click("#owner-form button[type=submit]")
    ann.wait_for_selector("#fix-effect")
    assert "Logistics" in ann.locator("#owner-line").inner_text()
    ann.fill("#note-form textarea[name=body]", "Carrier switched in May, @vic please watch the parcel complaints")
    ann.click("#note-form button[type=submit]")
    ann.wait_for_selector(".note .note-body")
    ann.goto(f"{server}/w/planted/views")
    ann.fill("#view-form input[name=name]", "Late parcels")
    ann.select_option("#view-form select[name=page]", "verbatims")
    ann.fill("#view-form input[name=query]", 'theme:"Late delivery"')
    ann.check("#view-form input[name=shared]")
    ann.check("#view-form input[name=pinned]")
    ann.click("#view-form button[type=submit]")
    ann.wait_for_selector("a.view-link")

    vic = sign_in(browser, server, "vic")
    vic.goto(f"{server}/w/planted/themes/delivery")
    owner = vic.locator("#owner-line").inner_text()
    assert "Logistics" in owner and "lee" in owner and "fixed" in owner
    assert "improved" in vic.locator("#fix-effect").inner_text()
    assert "@vic please watch" in vic.locator(".note .note-body").first.inner_text()
    assert vic.locator("#owner-form").count() == 0 and vic.locator("#note-form").count() == 0
    assert vic.locator("form.note-delete").count() == 0
    refused = vic.evaluate(
        """async () => {
            const csrf = document.querySelector('meta[name=csrf-token]').content;
            const r = await fetch('/api/v1/w/planted/themes/delivery/owner', {method: 'PUT',
                headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf}, body: '{"team": "Mine"}'});
            return r.status;
        }"""
    )
    assert refused == 403
    vic.goto(f"{server}/w/planted/notes?mentioning=vic")
    assert vic.locator("#notes-total").inner_text() == "1"
    vic.goto(f"{server}/w/planted/overview")
    vic.click("#pinned-views a:has-text('Late parcels')")
    vic.wait_for_url(re.compile(r".*/w/planted/search\?q=.*"))  # the query language runs on the search page
    assert "Late+delivery" in vic.url or "Late%20delivery" in vic.url
    found = int(vic.locator("#search-count").inner_text().split()[0])
    assert found > 0 and vic.locator(".verbatim").count() == found  # the view shows the theme's comments
    vic.goto(f"{server}/w/planted/views")
    assert vic.locator("a.view-link").inner_text() == "Late parcels" and vic.locator("#view-form").count() == 0
    vic.goto(f"{server}/w/planted/digests")  # the viewer subscribes to the weekly digest that carries the mention
    vic.fill("#digest-form input[name=url]", "https://93.184.216.34/hook")
    vic.select_option("#digest-form select[name=weekday]", "0")
    vic.click("#digest-form button[type=submit]")
    vic.wait_for_selector("#subscriptions")
    assert "Mondays at 08:00" in vic.locator("#subscriptions").inner_text()
