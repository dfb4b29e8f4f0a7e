"""Owners, statuses, notes and saved views survive a re-analysis and new data (theme ids are stable; these tables
are ours), and a theme edit made from the CLI is in the activity log, signed by ``$EMPATHIC_USER``."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "themes"))

from themes_corpus import corpus

import empathic
from empathic.cli.main import main
from empathic.team import notes, owners, saved_views
from empathic.team.activity import activity


def test_owner_status_notes_and_views_survive_rediscovery_and_new_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "real.empathic"
    with empathic.Workspace.open(path) as ws:
        ws.ingest(corpus()[["id", "text"]], text="text", id="id")
        ws.analyze(stages=["themes"])
        tree = ws.themes()
        target = tree[(tree.level == 1) & ~tree.is_other].iloc[0]
        owners.set_owner(ws.store, target.theme_id, author="ann", team="Support", person="lee", status="in progress")
        note = notes.add_note(ws.store, "theme", target.theme_id, "@vic keep an eye on this", author="ann")
        view = saved_views.save_view(ws.store, "Watch list", "verbatims", author="ann",
                                     query=f'theme:"{target.label}"', shared=True, pinned=True)  # fmt: skip
    monkeypatch.setenv("EMPATHIC_USER", "carol")
    assert main(["themes", "edit", "rename", str(path), str(target.theme_id), "Watched theme"]) == 0
    with empathic.Workspace.open(path, settings={"themes": {"rediscover": True}}) as ws:
        ws.analyze(stages=["themes"])
        extra = corpus(n_single=40, n_double=0, seed=99).assign(id=lambda d: "x" + d.id)
        ws.ingest(extra[["id", "text"]], text="text", id="id")
        ws.analyze(stages=["themes"])
        row = owners.owner(ws.store, target.theme_id)
        assert row is not None and (row["team"], row["person"], row["status"]) == ("Support", "lee", "in_progress")
        assert row["label"] == "Watched theme"  # the theme is still there, under the same id, with its edit
        assert notes.note(ws.store, note["note_id"])["object_id"] == target.theme_id
        assert list(notes.notes(ws.store, mentioning="vic").note_id) == [note["note_id"]]
        kept = saved_views.view(ws.store, view["view_id"], viewer="vic")
        assert (kept["name"], kept["shared"], kept["pinned"]) == ("Watch list", True, True)
        log = activity(ws.store)
        renamed = log[log.action == "theme.rename"]
        assert list(zip(renamed.actor, renamed.object_id, strict=True)) == [("carol", target.theme_id)]
        assert {"owner.set", "note.add", "view.save"} <= set(log.action)
