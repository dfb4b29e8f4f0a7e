"""Notes: attach, @mention, search, edit and delete with the author/admin rules; every change is logged."""

from __future__ import annotations

from pathlib import Path

import pytest

from empathic.errors import InputError
from empathic.store import Store
from empathic.team import notes
from empathic.team.activity import activity
from empathic.team.owners import UnknownItem


def test_mentions_are_user_names_not_emails_or_punctuation() -> None:
    body = "@vic see this, and @ann. Mail bob@example.com; @vic again (@lee_2)"
    assert notes.mentions_in(body) == ["vic", "ann", "lee_2"]


def test_notes_attach_to_every_kind_of_object_and_are_searchable(planted: Path) -> None:
    with Store(planted) as store:
        a = notes.add_note(store, "theme", "delivery", "Carrier switch planned, @vic please check", author="ann")
        notes.add_note(store, "comment", "f00010", "Typical of the parcel problem", author="ann")
        notes.add_note(store, "customer", "cf00010", "Key account", author="ada")
        assert a["mentions"] == ["vic"] and a["author"] == "ann" and a["note_id"].startswith("n-")
        assert list(notes.notes(store, kind="theme", object_id="delivery").note_id) == [a["note_id"]]
        assert len(notes.notes(store, q="PARCEL problem")) == 1
        assert len(notes.notes(store, q="parcel nothing")) == 0  # every word must appear
        assert list(notes.notes(store, mentioning="vic").note_id) == [a["note_id"]]
        assert notes.notes(store, mentioning="vi").empty
        assert list(activity(store).action) == ["note.add"] * 3


@pytest.mark.parametrize(
    ("kind", "object_id", "body", "error", "text"),
    [
        ("theme", "nope", "x", UnknownItem, "no theme"),
        ("comment", "f99999", "x", UnknownItem, "no comment 'f99999'"),
        ("persona", "p1", "x", UnknownItem, "no persona"),
        ("segment", "x", "x", InputError, "cannot be attached to a 'segment'"),
        ("theme", "colour", "   ", InputError, "cannot be empty"),
        ("theme", "colour", "x" * 5001, InputError, "at most 5,000"),
    ],
)
def test_bad_notes_are_refused_and_nothing_is_written(planted: Path, kind, object_id, body, error, text) -> None:
    with Store(planted) as store:
        with pytest.raises(error, match=text):
            notes.add_note(store, kind, object_id, body, author="ann")
        assert store.count("notes") == 0 and store.count("activity_log") == 0


def test_authors_edit_and_delete_their_own_notes_admins_delete_any(planted: Path) -> None:
    with Store(planted) as store:
        mine = notes.add_note(store, "theme", "colour", "first words", author="ann")["note_id"]
        theirs = notes.add_note(store, "theme", "colour", "by olga", author="olga")["note_id"]
        edited = notes.edit_note(store, mine, "better words for @olga", actor="ann")
        assert edited["body"] == "better words for @olga" and edited["mentions"] == ["olga"]
        with pytest.raises(notes.NotAllowed, match=r"only its author \(olga\)"):
            notes.edit_note(store, theirs, "rewritten", actor="ann")
        with pytest.raises(notes.NotAllowed):
            notes.delete_note(store, theirs, actor="ann")
        with pytest.raises(notes.NotAllowed):  # an admin deletes, but does not rewrite someone's words
            notes.edit_note(store, theirs, "rewritten", actor="ada")
        notes.delete_note(store, theirs, actor="ada", moderator=True)
        notes.delete_note(store, mine, actor="ann")
        assert store.count("notes") == 0
        with pytest.raises(UnknownItem):
            notes.delete_note(store, mine, actor="ann")
        log = activity(store)
        assert list(log.action) == ["note.delete", "note.delete", "note.edit", "note.add", "note.add"]
        assert list(log.actor)[:2] == ["ann", "ada"]


def test_forgetting_a_customer_deletes_the_notes_on_them_and_their_comments(planted: Path) -> None:
    with Store(planted) as store:
        notes.add_note(store, "customer", "cf00010", "Jane from ACME, angry", author="ann")
        notes.add_note(store, "comment", "f00010", "Her parcel story", author="ann")
        kept = notes.add_note(store, "comment", "f00011", "Someone else", author="ann")
        removed = notes.forget_notes(store, customer_ids=["cf00010"], feedback_ids=["f00010"], actor="ada")
        assert removed == 2 and list(notes.notes(store).note_id) == [kept["note_id"]]
        log = activity(store)
        deleted = log[log.action == "note.delete"]
        assert len(deleted) == 2 and all('"reason": "forget"' in d for d in deleted.detail)
        assert not any("Jane" in d or "parcel story" in d for d in log.detail)  # the text is not kept in the log
        assert notes.forget_notes(store, customer_ids=[], feedback_ids=[], actor="ada") == 0
