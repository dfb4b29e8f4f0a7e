"""The one way a name enters SQL: :func:`ident` (its own module, so table declarations can use it too)."""

from __future__ import annotations

from empathic.errors import InputError


def ident(name: str) -> str:
    """``name`` as a DuckDB quoted identifier: the ONE way a column, table or attribute name enters SQL.

    Every ``"`` is doubled, so no name can close the identifier and append SQL of its own (a CSV header such as
    ``a" AS x; COPY ... TO '...'; --`` stays one column name, kept verbatim). Values never go through here: they are
    bound parameters. ``tests/security/test_sql_identifiers.py`` fails on SQL f-strings that bypass this helper.

    Raises:
        InputError: for an empty name or one containing a NUL character (DuckDB cannot round-trip either).
    """
    if not isinstance(name, str):
        raise TypeError(f"an SQL identifier must be a str, not {type(name).__name__}")
    if not name or "\x00" in name:
        raise InputError(
            f"the name {name!r} cannot be used as a column or table name",
            hint="give every column a non-empty name without NUL characters",
        )
    return '"' + name.replace('"', '""') + '"'
