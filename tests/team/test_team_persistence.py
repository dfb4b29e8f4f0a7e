"""Owners, statuses and notes survive a re-analysis and new data (theme ids are stable; these tables are ours)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "themes"))

from themes_corpus import corpus

import empathic
from empathic.team import notes, owners


def test_owner_status_and_notes_survive_rediscovery_and_new_data(tmp_path: Path) -> None:
    path = tmp_path / "real.empathic"
    with empathic.Workspace.open(path) as ws:
        ws.ingest(corpus()[["id", "text"]], text="text", id="id")
        ws.analyze(stages=["themes"])
        tree = ws.themes()
        target = tree[(tree.level == 1) & ~tree.is_other].iloc[0]
        owners.set_owner(ws.store, target.theme_id, author="ann", team="Support", person="lee", status="in progress")
        note = notes.add_note(ws.store, "theme", target.theme_id, "@vic keep an eye on this", author="ann")
    with empathic.Workspace.open(path, settings={"themes": {"rediscover": True}}) as ws:
        ws.analyze(stages=["themes"])
        extra = corpus(n_single=40, n_double=0, seed=99).assign(id=lambda d: "x" + d.id)
        ws.ingest(extra[["id", "text"]], text="text", id="id")
        ws.analyze(stages=["themes"])
        row = owners.owner(ws.store, target.theme_id)
        assert row is not None and (row["team"], row["person"], row["status"]) == ("Support", "lee", "in_progress")
        assert row["label"] == target.label  # the theme is still there, under the same id
        assert notes.note(ws.store, note["note_id"])["object_id"] == target.theme_id
        assert list(notes.notes(ws.store, mentioning="vic").note_id) == [note["note_id"]]
