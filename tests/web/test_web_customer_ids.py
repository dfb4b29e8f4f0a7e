"""Customer ids are data: ids with "/", "#", "?", "+" or spaces open as pages and through the API."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from web_helpers import login, make_accounts

from empathic.config import Settings
from empathic.web import create_app
from empathic.workspace import Workspace

# ("%" is left out: the test client decodes a path twice, a real server once)
ODD_IDS = ["acct/42", "eu/fr/7 #2", "who? x+1"]


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


def test_customer_pages_open_for_ids_with_reserved_characters(odd_app) -> None:
    with TestClient(odd_app, follow_redirects=False) as client:
        login(client, "vic")
        listing = client.get("/w/odd/customers")
        assert listing.status_code == 200
        for i, cid in enumerate(ODD_IDS):
            href = f"/w/odd/customers/{quote(cid, safe='/')}"
            assert f'href="{href}"' in listing.text, cid  # the list links to an encoded URL
            page = client.get(href)
            assert page.status_code == 200, cid
            assert f"comment number {i} from customer" in page.text
            answer = client.get(f"/api/v1{href}")
            assert answer.status_code == 200, cid
            assert any(f"comment number {i}" in c["text"] for c in answer.json()["comments"])
        assert client.get("/w/odd/customers/acct/43").status_code == 404
