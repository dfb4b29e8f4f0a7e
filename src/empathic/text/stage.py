"""The ``sentences`` stage: cut every comment into units once, stored for themes and feelings."""

from __future__ import annotations

import pyarrow as pa

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


TODO_SQL = """SELECT f.feedback_id, f.text FROM feedback f
    WHERE trim(f.text) <> ''
      AND NOT EXISTS (SELECT 1 FROM sentences s WHERE s.feedback_id = f.feedback_id)
    ORDER BY f.feedback_id"""


def run(store: Store, settings: Settings, progress: Progress) -> StageResult:
    """Split the comments that have no units yet (incremental: re-runs only touch new or changed feedback).

    On the local engine the comments are read, split and appended ``BATCH_ROWS`` at a time (a record-batch
    reader), so memory does not grow with the corpus; a cluster engine takes the whole set as one job.
    """
    total = store.scalar(f"SELECT count(*) FROM ({TODO_SQL})")
    if total == 0 and not store.count("feedback"):
        return StageResult(NAME, skipped=True, message="no comments in the workspace")
    if total == 0:
        return StageResult(NAME, message="no new comments", counts={"sentences": store.count("sentences")})
    engine = current_engine()
    cur = store.cursor()
    try:
        if engine.name == "local":
            batches = (pa.Table.from_batches([b]) for b in cur.sql(TODO_SQL).to_arrow_reader(BATCH_ROWS))
        else:
            batches = iter([cur.sql(TODO_SQL).to_arrow_table()])
        done = 0
        with store.write() as con:
            for todo in batches:
                units = engine.map(split_sentences, todo, SENTENCES_SCHEMA, batch_rows=BATCH_ROWS)
                con.register("new_units", units)
                con.execute("INSERT INTO sentences BY NAME SELECT * FROM new_units")
                con.unregister("new_units")
                done += todo.num_rows
                progress("split sentences", done, total)
    finally:
        cur.close()
    return StageResult(NAME, counts={"comments": total, "sentences": store.count("sentences")})
