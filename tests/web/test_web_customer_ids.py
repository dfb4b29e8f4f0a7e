"""Customer ids are data: ids with "/", "#", "?", "%", "+", spaces or ".." segments open as pages and through the
API, and every link to them stays a link to *that* customer once a browser has resolved it.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import quote

import httpx
import pytest
from fastapi.testclient import TestClient
from web_helpers import http_login, live_server, login, make_accounts

from empathic.config import Settings
from empathic.web import create_app
from empathic.workspace import Workspace

ODD_IDS = ["acct/42", "eu/fr/7 #2", "who? x+1", "../../admin/users", "a/../b", "50%off", "%2E%2E", "..", "."]


@pytest.fixture(scope="module")
def odd_app(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("odd")
    csv = root / "feedback.csv"
    lines = ["id,customer,comment"]
    for i, cid in enumerate(ODD_IDS):
        lines.append(f'{i},"{cid}","comment number {i} from customer {cid}"')
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Workspace.open(root / "odd.empathic") as ws:
        ws.ingest(csv, text="comment", id="id", customer="customer")
    app = create_app(Settings(), [root / "odd.empathic"], accounts=make_accounts(root / "u.sqlite"))
    yield app
    for ws in app.state.ctx.workspaces.values():
        ws.close()


def browser_resolves(href: str) -> str:
    """The path + query a browser requests for an absolute-path ``href`` (WHATWG: "%2e" counts as a dot)."""
    href = href.split("#", 1)[0]
    path, sep, query = href.partition("?")
    out: list[str] = []
    segments = path.split("/")[1:]
    for k, segment in enumerate(segments):
        low = segment.lower()
        last = k == len(segments) - 1
        if low in (".", "%2e"):
            if last:
                out.append("")
        elif low in ("..", ".%2e", "%2e.", "%2e%2e"):
            if out:
                out.pop()
            if last:
                out.append("")
        else:
            out.append(segment)
    return "/" + "/".join(out) + sep + query


def test_browser_resolution_helper_is_faithful() -> None:
    assert browser_resolves("/w/odd/customers/../../admin/users") == "/w/admin/users"
    assert browser_resolves("/w/odd/customers/%2E%2E") == "/w/odd/"
    assert browser_resolves("/w/odd/customers/x#frag") == "/w/odd/customers/x"


def test_customer_links_stay_on_the_customer_for_every_odd_id(odd_app) -> None:
    """Through a real server (the in-process client decodes a path twice, so "%" ids need the real thing)."""
    with live_server(odd_app) as url, httpx.Client(base_url=url, follow_redirects=False) as client:
        http_login(client, "vic")
        listing = client.get("/w/odd/customers")
        assert listing.status_code == 200
        hrefs = {
            unescape(text): unescape(href)
            for href, text in re.findall(r'<a href="(/w/odd/customers/[^"]*)">([^<]*)</a>', listing.text)
        }
        assert sorted(hrefs) == sorted(ODD_IDS)
        for i, cid in enumerate(ODD_IDS):
            target = browser_resolves(hrefs[cid])
            assert target.startswith("/w/odd/customers/"), (cid, hrefs[cid], target)
            assert not re.search(r"[#\s]", hrefs[cid]), hrefs[cid]
            page = client.get(target)
            assert page.status_code == 200, (cid, target)
            assert f"comment number {i} from customer" in page.text, cid
            if cid not in (".", ".."):  # an API client sends the id encoded as one segment
                answer = client.get(f"/api/v1/w/odd/customers/{quote(cid, safe='')}")
                assert answer.status_code == 200, cid
                assert any(f"comment number {i}" in c["text"] for c in answer.json()["comments"])
        assert client.get("/w/odd/customers/acct/43").status_code == 404


def test_verbatim_links_to_customers_are_encoded_too(odd_app) -> None:
    with TestClient(odd_app, follow_redirects=False) as client:
        login(client, "vic")
        page = client.get("/w/odd/verbatims")
        assert page.status_code == 200
        hrefs = re.findall(r'<a href="([^"]*)">customer</a>', page.text)
        if not hrefs:
            pytest.skip("this installation shows no customer links on the verbatims page")
        for href in hrefs:
            assert browser_resolves(unescape(href)).startswith("/w/odd/customers/"), href
