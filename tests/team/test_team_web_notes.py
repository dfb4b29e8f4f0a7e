"""Notes in the web app beyond theme and customer pages: under each comment of the verbatims, on a comment's own
notes page (where analysts add one), and found by the search page's words."""

from __future__ import annotations

import re

from web_helpers import csrf_of


def test_notes_on_comments_show_under_the_verbatims_and_are_added_on_the_comment_page(client_as) -> None:
    ann, vic = client_as("ann"), client_as("vic")
    page = ann.get("/w/planted/notes", params={"kind": "comment", "object_id": "f00010"})
    assert page.status_code == 200 and 'id="note-subject"' in page.text and "Comment 10 about" in page.text
    form = {"csrf_token": csrf_of(page.text), "kind": "comment", "object_id": "f00010",
            "body": "Typical parcel story <b>bold</b>, @vic"}  # fmt: skip
    done = ann.post("/w/planted/notes", data=form)
    assert done.status_code == 303 and done.headers["location"] == "/w/planted/notes?kind=comment&object_id=f00010"
    listing = vic.get("/w/planted/verbatims", params={"q": "Comment 10 about"}).text
    item = re.search(r'<li class="verbatim" data-id="f00010">.*?</li>', listing, re.S)
    assert item and "Typical parcel story &lt;b&gt;bold&lt;/b&gt;, @vic" in item.group(0) and "1 note" in item.group(0)
    other = re.search(r'<li class="verbatim" data-id="f00100">.*?</li>', vic.get("/w/planted/verbatims",
                      params={"q": "Comment 100 about"}).text, re.S)  # fmt: skip
    assert other and "note-body" not in other.group(0)
    mine = vic.get("/w/planted/notes", params={"kind": "comment", "object_id": "f00010"}).text
    assert "Typical parcel story" in mine and 'id="note-form"' not in mine  # viewers read, do not write
    missing = vic.get("/w/planted/notes", params={"kind": "comment", "object_id": "nope"})
    assert missing.status_code == 404


def test_the_search_page_finds_notes_by_the_words_of_the_query(client_as) -> None:
    ann = client_as("ann")
    ann.post(
        "/api/v1/w/planted/notes", json={"kind": "theme", "object_id": "delivery", "body": "Courier contract ends"}
    )
    ann.post("/api/v1/w/planted/notes", json={"kind": "customer", "object_id": "cf00010", "body": "Angry courier"})
    found = ann.get("/w/planted/search", params={"q": 'theme:"Late delivery" AND courier contract'}).text
    section = re.search(r'<section class="card" id="search-notes">.*?</section>', found, re.S)
    assert section and "Courier contract ends" in section.group(0) and "Angry courier" not in section.group(0)
    assert 'id="search-notes"' not in ann.get("/w/planted/search", params={"q": "plan:pro"}).text
