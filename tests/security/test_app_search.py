"""Deeply nested search queries get a clear error naming the limit — in the CLI and the REST API, never a traceback.

Issue 16: 1,000 parentheses or 3,000 NOTs ended ``empathic search`` in a ``RecursionError`` traceback; the web API
(whose ``q`` is at most 500 characters) answered 249 nested parentheses with a 500.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from empathic.analytics.query_language import MAX_QUERY_DEPTH, parse
from empathic.cli.main import main
from empathic.config import Settings
from empathic.errors import InputError
from empathic.web import create_app
from empathic.web.accounts import Accounts
from empathic.workspace import Workspace

COMMENTS = ["the parcel arrived late", "great price", "refund please, late again", "[bold]markup[/bold] late"]


@pytest.fixture(scope="module")
def small_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("search") / "shop.empathic"
    frame = pd.DataFrame({"id": ["a", "b", "c", "d"], "comment": COMMENTS, "nps": [3, 9, 2, 5]})
    with Workspace.open(path) as ws:
        ws.ingest(frame, text="comment", score=["nps:nps"])
    return path


def nested(depth: int) -> str:
    return "(" * depth + "late" + ")" * depth


def nots(depth: int) -> str:
    return "NOT " * depth + "late"


@pytest.mark.parametrize("query", [nested(1000), nots(3000), nested(MAX_QUERY_DEPTH + 1)], ids=["parens", "nots", "51"])
def test_cli_search_refuses_deep_nesting_with_the_limit(small_ws: Path, query: str, capsys) -> None:
    assert main(["search", str(small_ws), query]) == 2
    err = capsys.readouterr().err
    assert f"deeper than {MAX_QUERY_DEPTH} levels" in err and "Traceback" not in err


def test_nesting_up_to_the_limit_still_works(small_ws: Path, capsys) -> None:
    assert parse(nested(MAX_QUERY_DEPTH)) is not None
    assert main(["search", str(small_ws), nested(MAX_QUERY_DEPTH)]) == 0
    assert "3 of 3 matching comments" in capsys.readouterr().out
    assert main(["search", str(small_ws), nots(MAX_QUERY_DEPTH)]) == 0  # 50 NOTs = "late" (an even count)
    assert "3 of 3 matching comments" in capsys.readouterr().out
    with pytest.raises(InputError, match="deeper than 2 levels"):
        parse("((NOT late))", max_depth=2)


def test_cli_search_prints_comments_without_themes_or_dates(small_ws: Path, capsys) -> None:
    # no analysis ran: the primary theme is missing (NaN) and used to crash Rich with "unable to render float"
    assert main(["search", str(small_ws), "late"]) == 0
    out = capsys.readouterr().out
    assert "3 of 3 matching comments" in out and "[bold]markup[/bold] late" in out


def test_web_search_answers_deep_nesting_with_400(small_ws: Path, tmp_path: Path) -> None:
    copy = tmp_path / "shop.empathic"
    copy.write_bytes(small_ws.read_bytes())
    accounts = Accounts(tmp_path / "users.sqlite")
    accounts.add_user("vic", "correct horse battery", "viewer", ["shop"])
    _, secret = accounts.create_token("vic", "test")
    app = create_app(Settings(), [copy], accounts=accounts, upload_dir=tmp_path / "up")
    try:
        with TestClient(app, headers={"Authorization": f"Bearer {secret}"}) as client:
            for query in (nested(247), nots(124)):  # the longest queries that fit in q's 500 characters
                response = client.get("/api/v1/w/shop/search", params={"q": query})
                assert response.status_code == 400, response.text
                assert f"deeper than {MAX_QUERY_DEPTH} levels" in response.json()["message"]
            ok = client.get("/api/v1/w/shop/search", params={"q": nested(10)})
            assert ok.status_code == 200
    finally:
        for ws in app.state.ctx.workspaces.values():
            ws.close()
