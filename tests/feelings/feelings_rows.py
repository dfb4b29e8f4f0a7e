"""Rows the feelings tests write straight into a workspace: hand-written comments, core-table inserts, cache rows.

A module of its own (not ``conftest``) so a test can import it by a name no other test folder uses.
"""

from __future__ import annotations

from datetime import datetime

from empathic import Workspace

#: Hand-written comments with clear feelings (each quadrant, intent and a mixed one), plus a rating per comment.
COMMENTS = [
    ("c01", "I love the fabric but it runs small.", 4),
    ("c02", "The zipper broke after one wear. I returned it the next day.", 1),
    ("c03", "My friend said the sizing is off, and other reviewers mentioned it too.", 3),
    ("c04", "I wish it came in more colors. Please add a petite size.", 4),
    ("c05", "I'm cancelling my account and switching to another store.", 1),
    ("c06", "Does this come in a size 2?", 3),
    ("c07", "Thank you so much, the staff were wonderful and I'm so relieved it arrived on time!", 5),
    ("c08", "Other stores offer free returns.", 2),
    ("c09", "Absolutely gorgeous dress, I get compliments every time I wear it.", 5),
    ("c10", "It would be great if it came in more colors.", 4),
    ("c11", "I am furious and so disappointed, this is the worst service ever.", 1),
    ("c12", "The color is darker than in the picture.", 3),
]


def plant_cached_vector(store, model: str, text: str, vector) -> None:
    """Put ``vector`` in the shared embedding cache as ``model``'s vector of ``text``, keyed as the text stage does."""
    from empathic.text.cache import text_hash

    with store.write() as con:
        con.execute(
            "INSERT INTO embedding_cache (model, text_hash, vector) VALUES (?, ?, ?)",
            [model, text_hash(text), vector.tobytes()],
        )


def insert_comments(ws: Workspace, comments: list[tuple[str, str, int]]) -> None:
    """Insert feedback (and a 1–5 rating) straight into the core tables, as ingest would."""
    now = datetime(2026, 1, 1)
    with ws.store.write() as con:
        con.execute(
            "INSERT INTO sources VALUES ('s1', 'feedback', 'test', 'x', '{}', ?, ?, 0, ?)",
            [len(comments), len(comments), now],
        )
        for fid, text, rating in comments:
            con.execute("INSERT INTO feedback VALUES (?, 's1', NULL, ?, ?, ?, ?)", [fid, text, now, fid, now])
            con.execute("INSERT INTO feedback_scores VALUES (?, 'rating', 'rating', 1, 5, ?)", [fid, float(rating)])
            con.execute(
                "INSERT INTO feedback_attributes VALUES (?, 'channel', ?)",
                [fid, "web" if int(fid[1:]) % 2 else "store"],
            )
