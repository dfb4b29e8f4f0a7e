"""Saved views: private or shared, pinned, a shareable URL; the author changes them, an admin may delete them."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode

import pytest

from empathic.errors import InputError
from empathic.store import Store
from empathic.team import saved_views
from empathic.team.notes import NotAllowed
from empathic.team.owners import UnknownItem


def test_private_views_are_invisible_to_others_shared_ones_are_not(planted: Path) -> None:
    with Store(planted) as store:
        mine = saved_views.save_view(store, "Angry about delivery", "verbatims", author="ann",
                                     query='theme:"Late delivery" AND sentiment:negative',
                                     options={"sentiment": "negative"})  # fmt: skip
        shared = saved_views.save_view(store, "All colour", "search", author="ann", query="colour", shared=True,
                                       pinned=True)  # fmt: skip
        assert mine["options"] == {"sentiment": "negative"} and not mine["shared"]
        assert list(saved_views.views(store, viewer="ann").view_id) == [shared["view_id"], mine["view_id"]]
        assert list(saved_views.views(store, viewer="vic").view_id) == [shared["view_id"]]
        with pytest.raises(UnknownItem):
            saved_views.view(store, mine["view_id"], viewer="vic")
        with pytest.raises(NotAllowed):
            saved_views.update_view(store, shared["view_id"], actor="vic", pinned=False)
        saved_views.update_view(store, mine["view_id"], actor="ann", shared=True)
        assert len(saved_views.views(store, viewer="vic")) == 2
        assert list(saved_views.views(store, viewer="vic", pinned=True).name) == ["All colour"]
        with pytest.raises(NotAllowed):
            saved_views.delete_view(store, mine["view_id"], actor="vic")
        saved_views.delete_view(store, mine["view_id"], actor="ada", moderator=True)
        assert [a for a in store.read_df("SELECT action FROM activity_log ORDER BY seq").action] == [
            "view.save", "view.save", "view.update", "view.delete"]  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({"name": " ", "page": "verbatims"}, "needs a name"),
        ({"name": "x", "page": "../admin"}, "is not a page"),
        ({"name": "x", "page": "verbatims", "query": 'theme:"unclosed'}, "cannot read the query at character 7"),
        ({"name": "x", "page": "verbatims", "options": {"bad key": "x"}}, "short name=value pairs"),
    ],
)
def test_bad_views_are_refused(planted: Path, kwargs: dict, text: str) -> None:
    with Store(planted) as store:
        with pytest.raises(InputError, match=text):
            saved_views.save_view(store, author="ann", **kwargs)
        assert store.count("saved_views") == 0


def test_an_analyst_shares_a_view_and_a_viewer_opens_it_from_the_overview(client_as) -> None:
    ann, vic = client_as("ann"), client_as("vic")
    body = {"name": "Negative delivery", "page": "verbatims", "query": 'theme:"Late delivery"',
            "options": {"sentiment": "negative"}, "shared": True, "pinned": True}  # fmt: skip
    saved = ann.post("/api/v1/w/planted/views", json=body)
    assert saved.status_code == 201
    url = saved.json()["url"]
    private = ann.post("/api/v1/w/planted/views", json={"name": "Mine", "page": "search", "query": "parcel"}).json()
    overview = vic.get("/w/planted/overview").text
    assert f'href="{url}"' in overview and "Negative delivery" in overview and "Mine" not in overview
    opened = vic.get(url)
    assert opened.status_code == 303
    # the query language runs on the search page (verbatims filter by words), with the sentiment option folded in
    assert opened.headers["location"] == "/w/planted/search?" + urlencode(
        {"q": 'sentiment:negative AND (theme:"Late delivery")'}
    )
    shown = vic.get(opened.headers["location"]).text
    assert re.search(r'id="search-count">(\d+) results', shown).group(1) != "0"
    words = ann.post("/api/v1/w/planted/views", json={**body, "name": "Words", "query": "parcel late"}).json()
    assert vic.get(words["url"]).headers["location"] == "/w/planted/verbatims?sentiment=negative&q=parcel+late"
    assert vic.get(private["url"]).status_code == 404  # private: not even its existence is shown
    assert ann.get(private["url"]).status_code == 303
    assert vic.post("/api/v1/w/planted/views", json=body).status_code == 403
    assert vic.patch(f"/api/v1/w/planted/views/{saved.json()['view_id']}", json={"pinned": False}).status_code == 403
    listing = vic.get("/w/planted/views").text
    assert "Negative delivery" in listing and 'id="view-form"' not in listing
    bad = ann.post("/api/v1/w/planted/views", json={**body, "query": 'theme:"open'})
    assert bad.status_code == 400 and bad.json()["error"] == "InputError"
    unknown_page = ann.post("/api/v1/w/planted/views", json={**body, "page": "nowhere"})
    assert unknown_page.status_code == 422 and "no page 'nowhere'" in unknown_page.json()["message"]
