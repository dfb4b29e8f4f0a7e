"""Nested values (JSON objects and lists, Arrow structs) → flat VARCHAR columns, never Python reprs.

Help-desk and analytics exports nest: Zendesk writes ``"satisfaction_rating": {"score": "good"}`` and
``"tags": ["billing", "refund"]``, PostHog ``"properties": {"$browser": "Chrome"}``. Cast to VARCHAR, DuckDB would
store ``{'score': good}``. Here a struct becomes one column per field (``satisfaction_rating.score``), a list of plain
values one ``"; "``-joined text (``billing; refund``: a multi-valued attribute), and anything else (a list of
objects, a map) its JSON text. Every name enters SQL through :func:`empathic.store.ident`, every field name as a
string literal through :func:`empathic.ingest.sql.lit`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

from empathic.ingest.sandbox import run_one
from empathic.ingest.sql import lit
from empathic.store import ident

#: How deep structs are unfolded into dotted columns; deeper values stay JSON text.
MAX_DEPTH = 3
#: Separator of the values of a flattened list (a multi-valued attribute).
LIST_SEPARATOR = "; "


def list_columns(columns: list[tuple[str, str]]) -> set[str]:
    """The names, among :func:`flat_columns`' output, that hold a joined list (a multi-valued attribute)."""
    return {name for name, expr in columns if expr.startswith(_LIST_EXPR)}


_LIST_EXPR = "NULLIF(array_to_string("


def _is_struct(dtype: str) -> bool:
    return dtype.startswith("STRUCT(") and dtype.endswith(")")


def _is_list(dtype: str) -> bool:
    return dtype.endswith("[]")


def _is_plain_list(dtype: str) -> bool:
    inner = dtype[:-2]
    return not (_is_struct(inner) or _is_list(inner) or inner.startswith(("MAP(", "UNION(")) or inner == "JSON")


def flat_columns(
    con: duckdb.DuckDBPyConnection,
    source_sql: str,
    params: Sequence[Any] = (),
    described: list[tuple[Any, ...]] | None = None,
) -> list[tuple[str, str]]:
    """``(column name, VARCHAR expression)`` for every column of ``SELECT * FROM source_sql``, nested ones unfolded.

    ``source_sql`` is a table expression of our own (a table function with ``?`` placeholders bound to ``params``,
    or a registered relation); ``described`` is its DESCRIBE when the caller has it (a CSV is sniffed only once).
    """
    if described is None:
        described = run_one(con, f"DESCRIBE SELECT * FROM {source_sql}", params).fetchall()
    out: list[tuple[str, str]] = []
    for name, dtype, *_ in described:
        _unfold(con, source_sql, params, str(name), ident(str(name)), str(dtype), 1, out)
    return out


def _unfold(
    con: duckdb.DuckDBPyConnection,
    source_sql: str,
    params: Sequence[Any],
    name: str,
    expr_sql: str,
    dtype: str,
    depth: int,
    out: list[tuple[str, str]],
) -> None:
    if _is_struct(dtype) and depth <= MAX_DEPTH:
        fields = run_one(con, f"DESCRIBE SELECT unnest({expr_sql}) FROM {source_sql}", params).fetchall()
        for field, ftype, *_ in fields:
            sub_sql = f"struct_extract({expr_sql}, {lit(str(field))})"
            _unfold(con, source_sql, params, f"{name}.{field}", sub_sql, str(ftype), depth + 1, out)
        return
    if _is_list(dtype) and _is_plain_list(dtype):
        joined = f"array_to_string(list_transform({expr_sql}, lambda x: CAST(x AS VARCHAR)), {lit(LIST_SEPARATOR)})"
        out.append((name, f"NULLIF({joined}, '')"))  # starts with _LIST_EXPR: see list_columns
        return
    if _is_list(dtype) and _is_struct(dtype[:-2]) and _pivot_fields(con, source_sql, params, name, expr_sql, out):
        return
    if _is_struct(dtype) or _is_list(dtype) or dtype.startswith(("MAP(", "UNION(")):
        out.append((name, f"CAST(to_json({expr_sql}) AS VARCHAR)"))
        return
    out.append((name, f"CAST({expr_sql} AS VARCHAR)"))


#: Field pairs of a list of ``{key, value}`` objects (Zendesk/Freshdesk custom fields), unfolded one column per key.
KEY_FIELDS = ("id", "name", "title", "key", "field")
#: Most keys a key/value list is unfolded into; more stay JSON text.
MAX_PIVOT_KEYS = 50


def _pivot_fields(
    con: duckdb.DuckDBPyConnection,
    source_sql: str,
    params: Sequence[Any],
    name: str,
    expr_sql: str,
    out: list[tuple[str, str]],
) -> bool:
    """Unfold ``[{"id": 360, "value": "pro"}, ...]`` into one column per key (``custom_fields.360``); False when
    the objects are not key/value pairs or have too many keys."""
    element = run_one(
        con, f"DESCRIBE SELECT unnest(x) FROM (SELECT unnest({expr_sql}) AS x FROM {source_sql})", params
    ).fetchall()
    fields = {str(f[0]).lower(): str(f[0]) for f in element}
    key = next((fields[k] for k in KEY_FIELDS if k in fields), None)
    if key is None or "value" not in fields or len(fields) > 4:
        return False
    key_sql = f"CAST(struct_extract(x, {lit(key)}) AS VARCHAR)"
    keys = run_one(
        con,
        f"SELECT DISTINCT {key_sql} AS k FROM (SELECT unnest({expr_sql}) AS x FROM {source_sql}) "
        f"WHERE {key_sql} IS NOT NULL ORDER BY k LIMIT {int(MAX_PIVOT_KEYS + 1)}",
        params,
    ).fetchall()
    if not keys or len(keys) > MAX_PIVOT_KEYS:
        return False
    for (k,) in keys:
        match_sql = f"list_filter({expr_sql}, lambda x: {key_sql} = {lit(str(k))})"
        value_sql = f"struct_extract(list_extract({match_sql}, 1), {lit(fields['value'])})"
        out.append((f"{name}.{k}", f"json_extract_string(to_json({value_sql}), '$')"))
    return True


def record_array(con: duckdb.DuckDBPyConnection, source_sql: str, params: Sequence[Any] = ()) -> str | None:
    """The one field holding a list of objects in a single JSON document (``{"tickets": [...], "count": 2}``).

    Returns its name, or None when the document has no such field; raises ValueError naming them when it has
    several (the caller turns that into an InputError).
    """
    described = run_one(con, f"DESCRIBE SELECT * FROM {source_sql}", params).fetchall()
    # an empty list ("tickets": []) is typed JSON[]: still the records, of which there are none
    arrays = [
        str(name)
        for name, dtype, *_ in described
        if _is_list(str(dtype)) and (_is_struct(str(dtype)[:-2]) or str(dtype) == "JSON[]")
    ]
    if len(arrays) > 1:
        raise ValueError(", ".join(arrays))
    return arrays[0] if arrays else None
