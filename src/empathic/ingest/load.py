"""Load one source into the workspace: read → infer roles → validate → upsert, all in ONE transaction.

Idempotent (rows keyed by the id column, else by a content hash: the same rows again add nothing, a changed row
with the same id is updated), atomic (a failure or ``kill -9`` leaves the workspace as it was) and streaming
(DuckDB reads and writes the rows; Python never holds an object per row).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from empathic.errors import InputError
from empathic.ingest.mapping import KINDS, Mapping, load_mapping_file
from empathic.ingest.prepare import prepare
from empathic.ingest.readers import RawTable
from empathic.ingest.roles import infer_mapping
from empathic.ingest.settings import IngestSettings
from empathic.ingest.sql import clean, date_expr, lit, number_expr, q, row_hash, score_expr, text_expr
from empathic.ingest.validate import validate
from empathic.privacy.ingest_pass import protect_source
from empathic.progress import Progress, silent
from empathic.store import Store


@dataclass
class IngestSummary:
    """What one ingest did; ``str()`` gives a one-line human summary."""

    source_id: str
    kind: str
    label: str
    n_rows: int
    n_inserted: int
    n_updated: int
    n_unchanged: int
    mapping: Mapping
    warnings: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.label}: {self.n_rows} rows as {self.kind} — {self.n_inserted} new, {self.n_updated} updated, "
            f"{self.n_unchanged} unchanged"
        )


def _file_sha256(data: Any) -> str | None:
    if not isinstance(data, (str, Path)) or not Path(data).is_file():
        return None
    h = hashlib.sha256()
    with open(data, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def resolve_roles(roles: dict[str, Any]) -> dict[str, Any]:
    """Merge a ``mapping`` file/dict into explicit role keyword arguments (explicit ones win)."""
    roles = dict(roles)
    mapping = roles.pop("mapping", None)
    if mapping is None:
        return roles
    base = load_mapping_file(mapping) if isinstance(mapping, (str, Path)) else dict(mapping)
    kind = base.pop("kind", None)
    merged = {**base, **{k: v for k, v in roles.items() if v not in (None, [], ())}}
    if kind and "kind" not in merged:
        merged["_kind"] = kind
    return merged


def ingest(
    store: Store,
    data: Any,
    *,
    kind: str | None = None,
    settings: IngestSettings | None = None,
    progress: Progress = silent,
    lenient: bool | None = None,
    **roles: Any,
) -> IngestSummary:
    """Ingest a file or frame into ``store`` (see module docstring). Raises InputError on unusable input.

    When this is the first ingest into a workspace file that ``store`` has just created, a failure deletes that
    file again (:meth:`Store.discard`): a typo'd or hostile file never leaves an empty workspace behind.
    """
    first_into_new = store.created and not store.count("sources")
    try:
        return _ingest(store, data, kind=kind, settings=settings, progress=progress, lenient=lenient, **roles)
    except BaseException:
        if first_into_new:
            store.discard()
        raise


def _ingest(
    store: Store,
    data: Any,
    *,
    kind: str | None,
    settings: IngestSettings | None,
    progress: Progress,
    lenient: bool | None,
    **roles: Any,
) -> IngestSummary:
    settings = settings or IngestSettings()
    roles = resolve_roles(roles)
    kind = kind or roles.pop("_kind", None)
    if kind is not None and kind not in KINDS:
        raise InputError(f"unknown kind {kind!r}", hint=f"choose one of: {', '.join(KINDS)}")
    lenient = settings.on_bad_value == "null" if lenient is None else lenient
    sha = _file_sha256(data)
    label = str(data) if isinstance(data, (str, Path)) else type(data).__name__
    progress(f"ingest {Path(label).name}", 0, 4)
    with store.write() as con:
        ready = prepare(con, data, kind=kind, roles=roles, settings=settings)
        raw = ready.raw
        raw.sha256 = sha
        progress(f"ingest {Path(label).name}", 1, 4)
        mapping = infer_mapping(con, raw, kind=ready.kind, overrides=ready.roles)
        ready.explain(mapping)
        _check_attribute_count(con, raw, mapping, settings.max_attributes)
        warnings = raw.warnings + validate(con, raw, mapping, lenient=lenient)
        warnings += _truncation_warning(con, raw, mapping, settings.max_text_chars)
        progress(f"ingest {Path(label).name}", 2, 4)
        source_id = _source_id(raw, mapping)
        warnings += protect_source(con, raw, mapping, source_id, settings, store.path)  # PII out before writing
        writer = {"feedback": _write_feedback, "customers": _write_customers, "events": _write_events}[mapping.kind]
        inserted, updated = writer(con, raw, mapping, source_id, settings)
        progress(f"ingest {Path(label).name}", 3, 4)
        con.execute(
            "INSERT OR REPLACE INTO sources (source_id, kind, path, file_sha256, mapping, n_rows, n_inserted, "
            "n_updated, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [source_id, mapping.kind, raw.label, sha, mapping.to_json(), raw.n_rows, inserted, updated, _now()],
        )
        for tmp in ("_raw", "_rows", "_keyed", "_changed", "_known"):
            con.execute(f"DROP TABLE IF EXISTS {q(tmp)}")
    progress(f"ingest {Path(label).name}", 4, 4)
    return IngestSummary(
        source_id=source_id,
        kind=mapping.kind,
        label=raw.label,
        n_rows=raw.n_rows,
        n_inserted=inserted,
        n_updated=updated,
        n_unchanged=max(raw.n_rows - inserted - updated, 0),
        mapping=mapping,
        warnings=warnings,
    )


def _check_attribute_count(con: duckdb.DuckDBPyConnection, raw: RawTable, m: Mapping, max_attributes: int) -> None:
    """Refuse, before anything is written, a source that would take the workspace past ``max_attributes`` names."""
    table = {"feedback": "feedback_attributes", "customers": "customer_attributes"}.get(m.kind)
    if table is None or not m.attrs:
        return
    known = {r[0] for r in con.execute(f"SELECT DISTINCT name FROM {q(table)}").fetchall()}
    total = len(known | set(m.attrs))
    if total > max_attributes:
        raise InputError(
            f"{len(m.attrs):,} attribute column(s) would give the workspace {total:,} attributes; "
            f"at most {max_attributes:,} are accepted",
            file=raw.label,
            hint="pick the attribute columns with --attr (or ignore some with a mapping file), "
            "or raise ingest.max_attributes",
        )


def _truncation_warning(con: duckdb.DuckDBPyConnection, raw: RawTable, m: Mapping, max_chars: int) -> list[str]:
    """The warning that IngestSettings.max_text_chars promises when comments are cut."""
    if m.kind != "feedback" or not m.text:
        return []
    text = text_expr(m, 10 * max_chars)
    n = con.execute(f"SELECT count(*) FROM {q(raw.name)} WHERE length({text}) > {int(max_chars)}")
    n = n.fetchone()[0]
    return [f"{n} comment(s) longer than {max_chars:,} characters were truncated"] if n else []


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _source_id(raw: RawTable, m: Mapping) -> str:
    basis = raw.sha256 or raw.label
    return hashlib.sha256(f"{m.kind}|{basis}|{m.to_json()}".encode()).hexdigest()[:16]


def _keyed_source(con: duckdb.DuckDBPyConnection, raw: RawTable, m: Mapping) -> tuple[str, str]:
    """(quoted table, key expression): the id column, else a hash of the whole row plus its occurrence number.

    The occurrence number keeps genuinely repeated rows (two identical purchases on one day) while re-ingesting
    the same file still produces the same keys.
    """
    if m.id:  # an empty id cell falls back to the row's content hash (never a NULL key)
        return q(raw.name), f"coalesce({clean(m.id)}, {row_hash(raw.columns)})"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _keyed AS SELECT *, {row_hash(raw.columns)} AS __hash FROM {q(raw.name)}"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _keyed AS SELECT *, row_number() OVER (PARTITION BY __hash ORDER BY __row) "
        "AS __occ FROM _keyed"
    )
    return q("_keyed"), "CASE WHEN __occ = 1 THEN __hash ELSE __hash || '-' || __occ END"


def _stage_rows(con: duckdb.DuckDBPyConnection, select_sql: str, key: str, params: list[Any] | None = None) -> None:
    """Materialise ``_rows`` with one row per ``key`` column (the last occurrence in the file wins)."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _rows AS SELECT * FROM ({select_sql}) "
        f"QUALIFY row_number() OVER (PARTITION BY {q(key)} ORDER BY __row DESC) = 1",
        params or [],
    )


def _write_feedback(
    con: duckdb.DuckDBPyConnection, raw: RawTable, m: Mapping, source_id: str, s: IngestSettings
) -> tuple[int, int]:
    table, key = _keyed_source(con, raw, m)
    select = (
        f"SELECT __row, {key} AS feedback_id, {clean(m.customer) if m.customer else 'NULL'} AS customer_id, "
        f"{text_expr(m, s.max_text_chars)} AS text, "
        f"{date_expr(m.date, m.date_format) if m.date else 'NULL::TIMESTAMP'} AS created_at, "
        f"{row_hash(raw.columns)} AS content_hash, * EXCLUDE (__row) FROM {table}"
    )
    _stage_rows(con, select, "feedback_id")
    inserted, updated = _diff(con, "feedback", "feedback_id")
    _forget_changed(con, "feedback_id")
    now = _now()
    con.execute(
        "INSERT INTO feedback BY NAME SELECT r.feedback_id, ? AS source_id, r.customer_id, r.text, r.created_at, "
        "r.content_hash, ? AS ingested_at "
        "FROM _rows r WHERE r.feedback_id NOT IN (SELECT feedback_id FROM feedback)",
        [source_id, now],
    )
    for sc in m.scores:
        # lenient mode promised "stored as empty" for values outside the scale: keep them out of the table
        in_scale = "" if sc.kind == "number" else f" AND {score_expr(sc)} BETWEEN {sc.scale_min} AND {sc.scale_max}"
        con.execute(
            f"INSERT INTO feedback_scores BY NAME SELECT feedback_id, ? AS name, ? AS kind, ? AS scale_min, "
            f"? AS scale_max, "
            f"{score_expr(sc)} AS value FROM _rows "
            f"WHERE {score_expr(sc)} IS NOT NULL{in_scale} AND feedback_id NOT IN (SELECT feedback_id FROM "
            "feedback_scores WHERE name = ?)",
            [sc.name, sc.kind, sc.scale_min, sc.scale_max, sc.name],
        )
    for attr in m.attrs:
        con.execute(
            f"INSERT INTO feedback_attributes BY NAME SELECT feedback_id, ? AS name, {clean(attr)} AS value FROM _rows "
            f"WHERE {clean(attr)} IS NOT NULL AND feedback_id NOT IN (SELECT feedback_id FROM feedback_attributes "
            "WHERE name = ?)",
            [attr, attr],
        )
    for attr in m.multi:  # one row per value: a comment counts in the segment of each of its tags
        # a list from JSON was joined with "; "; a declared column (a CSV's "billing, refund") splits at ; and ,
        # unless it declared spaces (Zendesk's CSV tags "billing refund_request")
        spaces = m.multi_split.get(attr) == "space"
        sep = r"\s*;\s*" if attr in raw.list_columns else r"\s+" if spaces else r"\s*[;,]\s*"
        con.execute(
            "INSERT INTO feedback_attribute_values BY NAME SELECT DISTINCT feedback_id, ? AS name, "
            "v AS value FROM (SELECT feedback_id, "
            f"trim(unnest(regexp_split_to_array({clean(attr)}, ?))) AS v FROM _rows WHERE {clean(attr)} IS NOT NULL "
            "AND feedback_id NOT IN (SELECT feedback_id FROM feedback_attribute_values WHERE name = ?)) WHERE v <> ''",
            [attr, sep, attr],
        )
    _ensure_customers(con, "_rows", source_id)
    return inserted, updated


def _diff(con: duckdb.DuckDBPyConnection, table: str, key: str) -> tuple[int, int]:
    """Count new keys and changed rows; mark changed keys in ``_changed``."""
    t, k = q(table), q(key)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _changed AS SELECT t.{k} FROM {t} t JOIN _rows r USING ({k}) "
        f"WHERE t.content_hash IS DISTINCT FROM r.content_hash"
    )
    inserted = con.execute(f"SELECT count(*) FROM _rows WHERE {k} NOT IN (SELECT {k} FROM {t})").fetchone()[0]
    updated = con.execute("SELECT count(*) FROM _changed").fetchone()[0]
    return int(inserted), int(updated)


def _forget_changed(con: duckdb.DuckDBPyConnection, key: str) -> None:
    """Delete changed rows and everything derived from them (every table with a ``key`` column)."""
    if not con.execute("SELECT count(*) FROM _changed").fetchone()[0]:
        return
    tables = [
        r[0]
        for r in con.execute(
            # base tables of the workspace only: not the temp tables of this ingest (_rows, _changed), not views
            "SELECT DISTINCT c.table_name FROM duckdb_columns() c "
            "JOIN duckdb_tables() t USING (database_name, schema_name, table_name) "
            "WHERE c.column_name = ? AND NOT t.temporary AND t.database_name = current_database() "
            "AND t.schema_name = 'main' ORDER BY 1",
            [key],
        ).fetchall()
    ]
    for table in tables:
        con.execute(f"DELETE FROM {q(table)} WHERE {q(key)} IN (SELECT {q(key)} FROM _changed)")


def _ensure_customers(con: duckdb.DuckDBPyConnection, rows: str, source_id: str) -> None:
    """Customers seen in feedback or events exist in ``customers`` too (without attributes)."""
    con.execute(
        f"INSERT INTO customers BY NAME SELECT DISTINCT customer_id, ? AS source_id, NULL::TIMESTAMP AS signup_at, "
        f"? AS updated_at FROM {q(rows)} "
        "WHERE customer_id IS NOT NULL AND customer_id NOT IN (SELECT customer_id FROM customers)",
        [source_id, _now()],
    )


#: The customer attribute that a customers file's value column (MRR, ARR, LTV, plan price) is stored as.
VALUE_ATTRIBUTE = "value"


def _write_customers(
    con: duckdb.DuckDBPyConnection, raw: RawTable, m: Mapping, source_id: str, s: IngestSettings
) -> tuple[int, int]:
    signup = date_expr(m.date, m.date_format) if m.date else "NULL::TIMESTAMP"
    select = (
        f"SELECT __row, {clean(m.customer)} AS customer_id, {signup} AS signup_at, "
        f"{row_hash(raw.columns)} AS content_hash, * EXCLUDE (__row) FROM {q(raw.name)} "
        f"WHERE {clean(m.customer)} IS NOT NULL"
    )
    _stage_rows(con, select, "customer_id")
    inserted = con.execute(
        "SELECT count(*) FROM _rows WHERE customer_id NOT IN (SELECT customer_id FROM customers)"
    ).fetchone()[0]
    # An update is a known customer whose row in this file differs from what was ingested before.
    updated = con.execute(
        "SELECT count(*) FROM _rows r JOIN customers c USING (customer_id) "
        "WHERE c.source_id IS DISTINCT FROM ? OR c.signup_at IS DISTINCT FROM r.signup_at",
        [source_id],
    ).fetchone()[0]
    con.execute("DELETE FROM customers WHERE customer_id IN (SELECT customer_id FROM _rows)")
    con.execute("INSERT INTO customers BY NAME SELECT customer_id, ? AS source_id, signup_at, "
        "? AS updated_at FROM _rows", [source_id, _now()])
    # the value column (MRR, ARR, LTV) is kept as the numeric attribute ``value``: top customers rank by it, and
    # segments, search (``value>=1000``) and ``why value:…`` read it under one name whatever the file called it
    named = [(attr, attr) for attr in m.attrs if attr != m.value] + ([(m.value, VALUE_ATTRIBUTE)] if m.value else [])
    for column, attr in named:
        con.execute(
            "DELETE FROM customer_attributes WHERE name = ? AND customer_id IN (SELECT customer_id FROM _rows)", [attr]
        )
        con.execute(
            f"INSERT INTO customer_attributes BY NAME SELECT customer_id, ? AS name, {clean(column)} AS value, "
            f"{number_expr(column)} AS value_num "
            f"FROM _rows WHERE {clean(column)} IS NOT NULL",
            [attr],
        )
    return int(inserted), int(updated)


def _write_events(
    con: duckdb.DuckDBPyConnection, raw: RawTable, m: Mapping, source_id: str, s: IngestSettings
) -> tuple[int, int]:
    if m.value:
        value = number_expr(m.value)
    elif m.quantity and m.price:
        value = f"{number_expr(m.quantity)} * {number_expr(m.price)}"
    else:
        value = "NULL::DOUBLE"
    default_event = "purchase" if (m.value or m.price) else "activity"
    event = f"coalesce({clean(m.event)}, {lit(default_event)})" if m.event else lit(default_event)
    # attribute-like columns of an events file (country, product code) are kept as event properties; their names
    # are the bound parameters of the staging query
    props = [c for c in raw.columns if c not in m.used_columns() or c in m.attrs]
    properties = "json_object(" + ", ".join(f"?, {clean(c)}" for c in props) + ")" if props else "NULL::JSON"
    table, key = _keyed_source(con, raw, m)
    select = (
        f"SELECT __row, {key} AS event_id, {clean(m.customer)} AS customer_id, "
        f"{date_expr(m.date, m.date_format)} AS ts, {event} AS event, "
        f"{number_expr(m.duration) if m.duration else 'NULL::DOUBLE'} AS duration_s, {value} AS value, "
        f"{properties} AS properties FROM {table} "
        f"WHERE {clean(m.customer)} IS NOT NULL AND {date_expr(m.date, m.date_format)} IS NOT NULL"
    )
    _stage_rows(con, select, "event_id", props)
    inserted = con.execute("SELECT count(*) FROM _rows WHERE event_id NOT IN (SELECT event_id FROM events)").fetchone()[
        0
    ]
    updated = 0
    if m.id:
        updated = con.execute(
            "SELECT count(*) FROM _rows r JOIN events e USING (event_id) WHERE e.ts IS DISTINCT FROM r.ts "
            "OR e.event IS DISTINCT FROM r.event OR e.value IS DISTINCT FROM r.value "
            "OR e.customer_id IS DISTINCT FROM r.customer_id"
        ).fetchone()[0]
        con.execute("DELETE FROM events WHERE event_id IN (SELECT event_id FROM _rows)")
        con.execute(
            "INSERT INTO events BY NAME SELECT event_id, ? AS source_id, customer_id, ts, event, duration_s, value, "
            "properties FROM _rows",
            [source_id],
        )
    else:
        con.execute(
            "INSERT INTO events BY NAME SELECT event_id, ? AS source_id, customer_id, ts, event, duration_s, value, "
            "properties FROM _rows "
            "WHERE event_id NOT IN (SELECT event_id FROM events)",
            [source_id],
        )
    _ensure_customers(con, "_rows", source_id)
    return int(inserted), int(updated)
