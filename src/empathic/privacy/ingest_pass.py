"""The privacy pass of ingest: redact the text columns and pseudonymise the customer column of the raw table.

It runs inside ingest's transaction, after the roles are known and before any row is written, so the workspace
never holds the raw values: content hashes, feedback ids and every stored copy of the text are computed from the
redacted text. The same file with the same settings therefore redacts to the same rows again, and re-ingesting it
adds nothing (ingest's idempotency holds).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from empathic.ingest.mapping import Mapping
from empathic.ingest.readers import RawTable
from empathic.ingest.settings import IngestSettings
from empathic.privacy.pseudonyms import is_pseudonym, load_key, pseudonym
from empathic.store import ident
from empathic.text.pii import Redactor

#: the ``pii_redactions`` row that records the mode of a source and its total count
TOTAL = "TOTAL"


def protect_source(
    con: duckdb.DuckDBPyConnection,
    raw: RawTable,
    mapping: Mapping,
    source_id: str,
    settings: IngestSettings,
    workspace: str,
) -> list[str]:
    """Rewrite ``raw`` in place (redacted text, pseudonymous customer ids) and record the counts per kind.

    Comment text gets the configured mode; attribute and event-property columns get the structured detectors only
    (a column of agent names stays a usable segment). Returns warnings for the ingest summary.
    """
    key = load_key(workspace, create=True) if settings.pseudonymize_ids else None
    email_token = (lambda v: pseudonym(v, key)[4:]) if key is not None else None
    redactor = Redactor(mode=settings.redact_pii, custom_patterns=settings.pii_patterns, email_token=email_token)
    if settings.redact_pii != "none":
        if mapping.kind == "feedback":
            for column in [*mapping.text, *([mapping.title] if mapping.title else [])]:
                _rewrite(con, raw.name, column, redactor.redact_many)
        structured = Redactor(mode="structured", custom_patterns=settings.pii_patterns, email_token=email_token)
        for column in _free_columns(raw, mapping):
            _rewrite(con, raw.name, column, structured.redact_many)
        redactor.counts_.update(structured.counts_)
    if key is not None and mapping.customer:
        _rewrite(con, raw.name, mapping.customer, lambda values: _pseudonymise(values, key))
    con.execute("DELETE FROM pii_redactions WHERE source_id = ?", [source_id]).fetchall()
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = [(source_id, kind, n, settings.redact_pii, now) for kind, n in sorted(redactor.counts_.items())]
    # one TOTAL row per source, even at 0, records that (and how) redaction ran on it
    rows.append((source_id, TOTAL, sum(redactor.counts_.values()), settings.redact_pii, now))
    con.executemany("INSERT INTO pii_redactions (source_id, kind, n, mode, redacted_at) VALUES (?, ?, ?, ?, ?)", rows)
    return _id_warnings(con, raw, mapping, settings)


def _free_columns(raw: RawTable, mapping: Mapping) -> list[str]:
    """Columns stored as values without a typed role: attributes, and (for events) the properties."""
    roles = mapping.used_columns() - set(mapping.attrs)
    return [c for c in raw.columns if c not in roles and c != "__row"]


def _id_warnings(
    con: duckdb.DuckDBPyConnection, raw: RawTable, mapping: Mapping, settings: IngestSettings
) -> list[str]:
    """Ids are keys, so redaction cannot replace them; say so when they look like e-mail addresses."""
    if settings.redact_pii == "none" or settings.pseudonymize_ids:
        return []
    out = []
    for role in ("customer", "id"):
        column = getattr(mapping, role)
        if not column:
            continue
        sample = con.execute(
            f"SELECT {ident(column)} FROM {raw.name} WHERE {ident(column)} IS NOT NULL LIMIT 200"
        ).fetchall()
        if sample and sum("@" in str(v[0]) for v in sample) * 2 > len(sample):
            out.append(
                f"the {role} column {column!r} holds e-mail addresses, which are stored as they are (ids are keys); "
                "use --pseudonymize-ids to store keyed pseudonyms instead"
            )
    return out


def _pseudonymise(values: list[str | None], key: bytes) -> list[str | None]:
    return [v if v is None or not v.strip() or is_pseudonym(v.strip()) else pseudonym(v, key) for v in values]


#: rows redacted per step: Python holds one block of texts at a time, not the whole file
BLOCK_ROWS = 50_000


def _rewrite(con: duckdb.DuckDBPyConnection, table: str, column: str, fn: Callable[[list], list]) -> None:
    """Replace ``table.column`` by ``fn(values)`` block by block, touching only the rows whose value changes."""
    col = ident(column)
    # execute() (not sql()): ingest's connection may hold an unfinished result of an earlier statement
    last = con.execute(f"SELECT coalesce(max(__row), 0) FROM {table}").fetchone()[0]
    for start in range(0, int(last), BLOCK_ROWS):
        data = con.execute(
            f"SELECT __row, {col} FROM {table} WHERE {col} IS NOT NULL AND __row > ? AND __row <= ? ORDER BY __row",
            [start, start + BLOCK_ROWS],
        ).fetchall()
        old = [v for _, v in data]
        new = fn(old)
        changed = [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
        if changed:
            rows = pa.array([data[i][0] for i in changed])
            update = pa.table({"__row": rows, "v": pa.array([new[i] for i in changed], pa.string())})
            con.register("_pii_update", update)
            try:
                con.execute(f"UPDATE {table} SET {col} = u.v FROM _pii_update u WHERE {table}.__row = u.__row")
                con.fetchall()
            finally:
                con.unregister("_pii_update")
