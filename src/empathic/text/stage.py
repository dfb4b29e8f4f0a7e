"""The ``sentences`` stage: cut every comment into units once, stored for themes and feelings."""

from __future__ import annotations

from empathic.config import Settings
from empathic.engine import current_engine
from empathic.progress import Progress
from empathic.stage import Stage, StageResult
from empathic.store import Store
from empathic.text.sentences import SENTENCES_SCHEMA, split_sentences

STAGE = Stage(
    name="sentences",
    reads=("feedback", "sentences"),  # incremental: comments without units yet
    writes=("sentences",),
    row_functions=("empathic.text.sentences.split_sentences",),
)
NAME = STAGE.name
REQUIRES = STAGE.requires
BATCH_ROWS = 20_000


def run(store: Store, settings: Settings, progress: Progress) -> StageResult:
    """Split the comments that have no units yet (incremental: re-runs only touch new or changed feedback)."""
    todo = store.read(
        """SELECT f.feedback_id, f.text FROM feedback f
           WHERE trim(f.text) <> ''
             AND NOT EXISTS (SELECT 1 FROM sentences s WHERE s.feedback_id = f.feedback_id)
           ORDER BY f.feedback_id"""
    )
    total = todo.num_rows
    if total == 0 and not store.count("feedback"):
        return StageResult(NAME, skipped=True, message="no comments in the workspace")
    if total == 0:
        return StageResult(NAME, message="no new comments", counts={"sentences": store.count("sentences")})
    engine = current_engine()
    step = BATCH_ROWS if engine.name == "local" else total  # a cluster takes the whole set as one job
    with store.write() as con:
        for start in range(0, total, step):
            units = engine.map(split_sentences, todo.slice(start, step), SENTENCES_SCHEMA, batch_rows=BATCH_ROWS)
            con.register("new_units", units)
            con.execute("INSERT INTO sentences BY NAME SELECT * FROM new_units")
            con.unregister("new_units")
            progress("split sentences", min(start + step, total), total)
    return StageResult(NAME, counts={"comments": total, "sentences": store.count("sentences")})
