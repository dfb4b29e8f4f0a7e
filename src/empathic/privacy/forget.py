"""Forget one customer: every row keyed by them, every quote of their words, every cached vector, then the bytes.

The tables are discovered from the schema, not listed by hand: every base table with a ``feedback_id`` column loses
the customer's comments, every table with a ``customer_id`` column loses the customer, so a stage that adds a table
later is covered without touching this module. Copies of their words that are not keyed by them (theme and
persona quotes, alert messages) are replaced by ``[FORGOTTEN]`` in every text/JSON column; the embedding cache is
emptied (see _delete_cache); the stages that had run are re-run so counts, shares and drivers no longer include them.

DuckDB does not shrink a file in place, and deleted rows stay on disk until their blocks are reused, so the last
step copies the workspace into a new file (``COPY FROM DATABASE``) and atomically replaces the old one.

The act is recorded in ``forget_log`` without personal data: a keyed hash of the id, row counts and the time.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from empathic.config import Settings
from empathic.errors import InputError, WorkspaceError
from empathic.pipeline import analyze
from empathic.privacy.pseudonyms import load_key, pseudonym
from empathic.progress import Progress, silent
from empathic.store import Store, ident
from empathic.team.notes import forget_notes

REPLACEMENT = "[FORGOTTEN]"
_WORD = re.compile(r"[^\W\d_]{4,}")
#: texts shorter than this are not scrubbed out of other tables ("ok", "great") — they identify nobody
MIN_SCRUB_CHARS = 12


@dataclass
class ForgetResult:
    """What one ``forget`` removed (counts only) and what it re-ran."""

    subject_hash: str
    rows_removed: dict[str, int] = field(default_factory=dict)
    cache_rows_removed: int = 0
    quotes_scrubbed: int = 0
    recomputed: list[str] = field(default_factory=list)
    bytes_before: int = 0
    bytes_after: int = 0

    @property
    def found(self) -> bool:
        """Whether the workspace held anything of this customer."""
        return any(self.rows_removed.values())


def forget_customer(
    path: str | Path,
    customer_id: str,
    *,
    settings: Settings | None = None,
    recompute: bool = True,
    progress: Progress = silent,
    store: Store | None = None,
) -> ForgetResult:
    """Remove ``customer_id`` (as given, or its pseudonym) from the workspace at ``path`` and compact the file.

    ``store``: the workspace's open store (``Workspace.forget``, the web app), used instead of opening the file
    again; it is closed while the file is replaced and opens the new file on its next use.
    """
    path = Path(path)
    if not customer_id or not customer_id.strip():
        raise InputError("--customer is empty", hint="give the customer id as it appears in your files")
    if not path.is_file():
        raise WorkspaceError(f"workspace {path} does not exist", hint="check the path")
    key = load_key(path, create=True)
    assert key is not None  # a file workspace always has a place for its key
    ids = sorted({customer_id.strip(), pseudonym(customer_id, key)})
    result = ForgetResult(
        subject_hash=pseudonym("forget|" + customer_id.strip(), key), bytes_before=path.stat().st_size
    )
    with nullcontext(store) if store is not None else Store(path) as store:
        progress("forget: remove rows", 0, 3)
        with store.write() as con:
            # the team's notes on this customer or on their comments go first (keyed by object id, which the scrub
            # below would otherwise blank out of the notes table and so orphan the note); one transaction with the rest
            feedback_ids = [
                r[0]
                for r in con.execute(
                    "SELECT feedback_id FROM feedback WHERE list_contains(?, customer_id) ORDER BY 1", [ids]
                ).fetchall()
            ]
            n_notes = forget_notes(store, customer_ids=ids, feedback_ids=feedback_ids, actor=None)
            if n_notes:
                result.rows_removed["notes"] = n_notes
            texts = _delete_rows(con, ids, result)
            result.cache_rows_removed = _delete_cache(con, texts)
            needles = [t for t in texts if len(t) >= MIN_SCRUB_CHARS] + _long(ids)
            result.quotes_scrubbed = _scrub(con, needles) + _scrub_words(con, _own_words(con, texts))
            con.execute(
                "INSERT INTO forget_log (forget_id, subject_hash, rows_removed, forgotten_at) VALUES (?, ?, ?, ?)",
                [uuid.uuid4().hex, result.subject_hash, json.dumps(result.rows_removed), _now()],
            )
        progress("forget: recompute", 1, 3)
        if recompute and result.found:
            stages = sorted(
                {r["stage"] for r in store.read("SELECT DISTINCT stage FROM runs WHERE status = 'ok'").to_pylist()}
            )
            if stages:
                analyze(store, settings or Settings(), stages=stages, progress=progress)
                result.recomputed = stages
        progress("forget: compact", 2, 3)
        with store.closed():
            compact(path)
    result.bytes_after = path.stat().st_size
    progress("forget: compact", 3, 3)
    return result


def _long(ids: list[str]) -> list[str]:
    return [i for i in ids if len(i) >= 4]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def tables_with_column(con: duckdb.DuckDBPyConnection, column: str) -> list[str]:
    """Base tables of the workspace's main schema that have ``column`` (not views, not temp tables)."""
    rows = con.execute(
        "SELECT DISTINCT c.table_name FROM duckdb_columns() c "
        "JOIN duckdb_tables() t USING (database_name, schema_name, table_name) "
        "WHERE c.column_name = ? AND NOT t.temporary AND t.database_name = current_database() "
        "AND t.schema_name = 'main' ORDER BY 1",
        [column],
    ).fetchall()
    return [r[0] for r in rows]


def _delete_rows(con: duckdb.DuckDBPyConnection, ids: list[str], result: ForgetResult) -> list[str]:
    """Delete every row keyed by the customer or one of their comments; return their texts (comments, sentences)."""
    con.execute("CREATE OR REPLACE TEMP TABLE _forget_ids (customer_id VARCHAR)")
    con.executemany("INSERT INTO _forget_ids VALUES (?)", [[i] for i in ids])
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _forget_fb AS SELECT feedback_id, text FROM feedback "
        "WHERE customer_id IN (SELECT customer_id FROM _forget_ids)"
    )
    texts = [r[0] for r in con.execute("SELECT text FROM _forget_fb WHERE text IS NOT NULL").fetchall()]
    texts += [
        r[0]
        for r in con.execute(
            "SELECT text FROM sentences WHERE feedback_id IN (SELECT feedback_id FROM _forget_fb) AND text IS NOT NULL"
        ).fetchall()
    ]
    for key, keys_table in (("feedback_id", "_forget_fb"), ("customer_id", "_forget_ids")):
        for table in tables_with_column(con, key):
            n = con.execute(f"DELETE FROM {ident(table)} WHERE {key} IN (SELECT {key} FROM {keys_table})").fetchone()[0]
            if n:
                result.rows_removed[table] = result.rows_removed.get(table, 0) + int(n)
    con.execute("DROP TABLE _forget_fb")
    con.execute("DROP TABLE _forget_ids")
    return sorted(set(texts))


def _delete_cache(con: duckdb.DuckDBPyConnection, texts: list[str]) -> int:
    """Empty the embedding cache when the customer wrote anything.

    The themes stage embeds each text after masking what the whole corpus marks as places and names and the
    opinion words, so a forgotten text's cache key depends on every other comment and cannot be rebuilt from the
    text alone. A cache is only a cache: emptying it is the one way to be sure no vector of their words is left, and
    the re-run after forgetting re-embeds the texts that remain."""
    if not texts or "embedding_cache" not in tables_with_column(con, "text_hash"):
        return 0
    return int(con.execute("DELETE FROM embedding_cache").fetchone()[0])


def _unkeyed_text_columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(table, column) of every VARCHAR/JSON column of the tables not keyed by comment or customer."""
    keyed = set(tables_with_column(con, "feedback_id")) | set(tables_with_column(con, "customer_id"))
    columns = con.execute(
        "SELECT c.table_name, c.column_name FROM duckdb_columns() c "
        "JOIN duckdb_tables() t USING (database_name, schema_name, table_name) "
        "WHERE NOT t.temporary AND t.database_name = current_database() AND t.schema_name = 'main' "
        "AND c.data_type IN ('VARCHAR', 'JSON') AND c.table_name NOT IN ('forget_log', 'schema_versions') ORDER BY 1, 2"
    ).fetchall()
    return [(t, c) for t, c in columns if t not in keyed]


def _scrub(con: duckdb.DuckDBPyConnection, needles: list[str]) -> int:
    """Replace ``needles`` (and their JSON-escaped forms) by ``[FORGOTTEN]`` in every text/JSON column of the tables
    that are not keyed by comment or customer (theme/persona quotes, alerts, edit examples). Keyed tables already
    lost the customer's rows, and another customer who wrote the same words keeps them."""
    if not needles:
        return 0
    forms = sorted({f for n in needles for f in (n, json.dumps(n)[1:-1], json.dumps(n, ensure_ascii=False)[1:-1])})
    columns = _unkeyed_text_columns(con)
    total = 0
    for table, column in columns:
        col = ident(column)
        for form in forms:
            n = con.execute(
                f"UPDATE {ident(table)} SET {col} = replace({col}, ?, ?) WHERE contains({col}::VARCHAR, ?)",
                [form, REPLACEMENT, form],
            ).fetchone()[0]
            total += int(n)
    return total


def _own_words(con: duckdb.DuckDBPyConnection, texts: list[str]) -> list[str]:
    """Words (4+ letters) of the forgotten texts that no remaining comment uses: theme keywords and labels built
    from them ("zebracorn delivery") would otherwise keep a piece of the customer's words."""
    words = sorted({w for t in texts for w in _WORD.findall(t.lower())})
    if not words:
        return []
    con.execute("CREATE OR REPLACE TEMP TABLE _forget_words (w VARCHAR)")
    con.executemany("INSERT INTO _forget_words VALUES (?)", [[w] for w in words])
    rows = con.execute(
        "SELECT w FROM _forget_words WHERE NOT EXISTS "
        "(SELECT 1 FROM feedback f WHERE contains(lower(f.text), w) "
        "AND regexp_matches(lower(f.text), '\\b' || w || '\\b')) ORDER BY w"
    ).fetchall()
    con.execute("DROP TABLE _forget_words")
    return [r[0] for r in rows]


def _scrub_words(con: duckdb.DuckDBPyConnection, words: list[str]) -> int:
    """Replace whole ``words`` (any case) by ``[FORGOTTEN]`` in the text/JSON columns of unkeyed tables."""
    total = 0
    for table, column in _unkeyed_text_columns(con) if words else []:
        col = ident(column)
        for word in words:
            pattern = r"\b" + word + r"\b"  # word is [^\W\d_]{4,}: nothing to escape
            n = con.execute(
                f"UPDATE {ident(table)} SET {col} = regexp_replace({col}::VARCHAR, ?, ?, 'gi') "
                f"WHERE regexp_matches({col}::VARCHAR, ?, 'i')",
                [pattern, REPLACEMENT, pattern],
            ).fetchone()[0]
            total += int(n)
    return total


def compact(path: str | Path) -> None:
    """Rewrite the workspace into a fresh file and atomically replace it, so deleted bytes leave the disk."""
    path = Path(path)
    tmp = path.with_name(path.name + ".compact-tmp")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(":memory:")
    try:
        con.execute("ATTACH ? AS forget_src (READ_ONLY)", [str(path)])
        con.execute("ATTACH ? AS forget_dst", [str(tmp)])
        con.execute("COPY FROM DATABASE forget_src TO forget_dst")
        con.execute("DETACH forget_src")
        con.execute("DETACH forget_dst")
    except duckdb.Error as exc:
        tmp.unlink(missing_ok=True)
        raise WorkspaceError(
            f"could not compact {path}: {str(exc).splitlines()[0]}", hint="is it open elsewhere?"
        ) from None
    finally:
        con.close()
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    # a write-ahead log left beside the old file would be replayed onto the new one: it must not survive it
    Path(str(path) + ".wal").unlink(missing_ok=True)
