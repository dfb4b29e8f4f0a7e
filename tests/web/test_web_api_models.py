"""REST answers have pydantic models (issue 22, web part): the OpenAPI schema names them for the main routes, and
real answers of those routes validate against them (so a model cannot drift from the code it documents)."""

from __future__ import annotations

from datetime import datetime

import fake_workspace
import pytest
from fastapi.testclient import TestClient
from web_helpers import login, make_accounts

from empathic.config import Settings
from empathic.store import Store
from empathic.web import create_app
from empathic.web.models import API_MODELS, CommentsPage, Drivers, Provenance, SearchResults, ThemeRow

#: route → the model of its 200 answer
MAIN_ROUTES = {
    "/api/v1/w/{ws}/themes": "ThemeRow",
    "/api/v1/w/{ws}/comments": "CommentsPage",
    "/api/v1/w/{ws}/search": "SearchResults",
    "/api/v1/w/{ws}/drivers": "Drivers",
    "/api/v1/w/{ws}/provenance": "Provenance",
}


@pytest.fixture(scope="module")
def viewer(tmp_path_factory: pytest.TempPathFactory):
    """A viewer's client on a fake workspace with one recorded themes and analytics run and one key driver."""
    root = tmp_path_factory.mktemp("models")
    path = fake_workspace.build(root / "acme.empathic", n=60)
    now = datetime(2026, 12, 4, 12, 0)
    with Store(path) as store, store.write() as con:
        for run_id, stage in (("r-themes", "themes"), ("r-analytics", "analytics")):
            con.execute(
                "INSERT INTO runs (run_id, stage, status, settings, versions, started_at, finished_at, message) "
                "VALUES (?, ?, 'ok', '{}', '{}', ?, ?, '')",
                [run_id, stage, now, now],
            )
        con.execute(
            "INSERT INTO key_drivers BY NAME SELECT 'rating' AS score_name, 'fit' AS theme_id, 'Fit' AS label, "
            "'presence' AS feature, -0.4 AS coef, -0.6 AS ci_low, -0.2 AS ci_high, 0.3 AS relative_weight, "
            "0.25 AS r_squared, 60 AS n, now() AS computed_at"
        )
    app = create_app(Settings(), [path], accounts=make_accounts(root / "u.sqlite"), upload_dir=root / "up")
    client = login(TestClient(app), "vic")
    yield client
    client.close()
    for ws in app.state.ctx.workspaces.values():
        ws.close()


def test_the_openapi_schema_names_the_models_of_the_main_routes(viewer) -> None:
    schema = viewer.get("/api/v1/openapi.json").json()
    names = set(schema["components"]["schemas"])
    assert {m.__name__ for m in API_MODELS} <= names
    for path, model in MAIN_ROUTES.items():
        responses = schema["paths"][path]["get"]["responses"]
        ok = str(responses["200"]["content"]["application/json"]["schema"])
        assert f"#/components/schemas/{model}" in ok, (path, ok)
        for status in ("401", "404", "409", "422"):
            error = str(responses[status]["content"]["application/json"]["schema"])
            assert "#/components/schemas/ErrorEnvelope" in error, (path, status)


def test_real_answers_validate_against_the_models(viewer) -> None:
    themes = viewer.get("/api/v1/w/acme/themes").json()
    assert themes and [ThemeRow.model_validate(t).theme_id for t in themes] == [t["theme_id"] for t in themes]
    page = CommentsPage.model_validate(viewer.get("/api/v1/w/acme/comments", params={"page_size": 5}).json())
    assert page.total == 60 and len(page.items) == 5 and page.items[0].segments
    found = SearchResults.model_validate(viewer.get("/api/v1/w/acme/search", params={"q": "dress"}).json())
    assert found.available and found.items and all("dress" in i.text.lower() for i in found.items)
    drivers = Drivers.model_validate(viewer.get("/api/v1/w/acme/drivers").json())
    assert drivers.impact and [k.theme_id for k in drivers.key_drivers] == ["fit"]
    prov = Provenance.model_validate(viewer.get("/api/v1/w/acme/provenance").json())
    assert (prov.stage, prov.run_id) == ("analytics", "r-analytics") and prov.inputs["themes"].run_id == "r-themes"


def test_a_model_that_does_not_fit_the_answer_fails(viewer) -> None:
    """The check can fail: an answer missing a guaranteed field is refused."""
    from pydantic import ValidationError

    row = viewer.get("/api/v1/w/acme/themes").json()[0]
    del row["label"]
    with pytest.raises(ValidationError):
        ThemeRow.model_validate(row)
