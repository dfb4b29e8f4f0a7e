"""Validation over the whole raw table in SQL: the first bad row of each kind becomes a precise error."""

from __future__ import annotations

import dataclasses

import duckdb

from empathic.errors import InputError
from empathic.ingest.mapping import Mapping
from empathic.ingest.readers import RawTable
from empathic.ingest.sql import clean, date_expr, number_expr, present_expr, q, score_expr


def _first_bad(con: duckdb.DuckDBPyConnection, raw: RawTable, column: str, bad_sql: str) -> tuple[int, int, str]:
    """(number of bad rows, first bad row number, its value) for a condition over the raw table."""
    n, row, value = con.execute(
        f"SELECT count(*), min(__row), arg_min({q(column)}, __row) FROM {q(raw.name)} WHERE {bad_sql}"
    ).fetchone()
    return int(n), int(row or 0), value


def validate(con: duckdb.DuckDBPyConnection, raw: RawTable, m: Mapping, *, lenient: bool) -> list[str]:
    """Raise InputError for the first unusable value; in lenient mode return warnings instead (values become NULL)."""
    warnings: list[str] = []

    def problem(n: int, row: int, column: str, message: str, hint: str) -> None:
        if not n:
            return
        if lenient:
            warnings.append(f"{n} row(s) with {message} in column {column!r} (first: row {row}) were stored as empty")
            return
        raise InputError(
            f"{message}" + (f" ({n} rows like this)" if n > 1 else ""),
            file=raw.label,
            row=row,
            column=column,
            hint=hint + "; or pass --lenient to store such values as empty",
        )

    def check(column: str, bad_condition: str, message: str, hint: str) -> None:
        """Find rows matching ``bad_condition``; ``message`` may name the first bad value as ``{value}``."""
        n, row, value = _first_bad(con, raw, column, bad_condition)
        problem(n, row, column, message.replace("{value}", repr(value)), hint)

    def unparseable(column: str, parsed: str) -> str:
        return f"{clean(column)} IS NOT NULL AND {parsed} IS NULL"

    if m.date:
        check(
            m.date,
            unparseable(m.date, date_expr(m.date, m.date_format)),
            "unparseable date {value}",
            "use ISO dates (2024-05-31 or 2024-05-31 14:02:00) or give --date-format, e.g. '%d/%m/%Y'",
        )
    for s in m.scores:
        expr = score_expr(s)
        parsed = score_expr(dataclasses.replace(s, missing=None))  # the "not answered" code is a number too
        check(
            s.column,
            f"{present_expr(s)} IS NOT NULL AND {parsed} IS NULL",
            "non-numeric score {value}",
            "scores must be numbers" + (f" or one of {', '.join(s.labels)}" if s.labels else ""),
        )
        if s.kind != "number":
            check(
                s.column,
                f"{expr} IS NOT NULL AND ({expr} < {s.scale_min} OR {expr} > {s.scale_max})",
                f"score {{value}} is outside the {s.kind} scale {s.scale_min:g}–{s.scale_max:g}",
                f"fix the value, or declare the column's kind, e.g. --score '{s.column}:number'",
            )
    for role in ("duration", "value", "quantity", "price"):
        col = getattr(m, role)
        if col:
            check(
                col,
                unparseable(col, number_expr(col)),
                f"non-numeric {role} {{value}}",
                f"the {role} column must hold numbers",
            )
    if m.kind in ("events", "customers"):
        n, row, _ = _first_bad(con, raw, m.customer, f"{clean(m.customer)} IS NULL")
        if n:
            warnings.append(f"{n} row(s) without a customer id (first: row {row}) were skipped")
    if m.kind == "feedback":
        texts = " AND ".join(f"{clean(c)} IS NULL" for c in m.text + ([m.title] if m.title else []))
        empty = con.execute(f"SELECT count(*) FROM {q(raw.name)} WHERE {texts}").fetchone()[0]
        if empty == raw.n_rows:
            raise InputError(
                "every row's text is empty",
                file=raw.label,
                column=m.text[0],
                hint="choose the text column with --text COLUMN",
            )
        if empty:
            warnings.append(f"{empty} row(s) have no text; their scores and attributes are kept")
    return warnings
