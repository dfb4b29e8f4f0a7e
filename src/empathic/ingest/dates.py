"""Date columns: which strptime format reads a column, and whether day or month comes first.

A sample picks the format; the day/month order of a slashed date (``03/09/2014``) is then decided from the
WHOLE column (one ``25/03`` settles it), and the reason says which order was chosen and why, so a user can
override it with ``--date-format`` when every value is ambiguous.
"""

from __future__ import annotations

import re

import duckdb

from empathic.ingest.sql import clean, q

DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S %z",
    "%Y-%m-%dT%H:%M:%S%z",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %I:%M:%S %p",
    "%d/%m/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%d/%m/%Y %I:%M %p",
    "%Y-%m-%d %I:%M:%S %p",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y%m%d",
    "%d %B %Y",
    "%B %d, %Y",
    "%d %b %Y",
    "%b %d, %Y",
    "%Y/%m/%d",
    "%d-%m-%Y %H:%M",
)


#: Names under which a column of 10- or 13-digit integers is a Unix time (Mixpanel ``properties.time``).
EPOCH_NAME = re.compile(r"(^|[._ ])(time|timestamp|ts|date)$|_at$", re.I)
#: Pseudo-formats of Unix times, read by :func:`empathic.ingest.sql.date_expr`.
EPOCH_FORMATS = ("epoch", "epoch_ms")


def date_share(
    con: duckdb.DuckDBPyConnection, values: list[str], numeric: float, name: str = ""
) -> tuple[float, str | None]:
    """Share of values that parse as timestamps, with the best strptime format (None = ISO via CAST; "epoch" /
    "epoch_ms" = Unix seconds / milliseconds, only under a time-like ``name``)."""
    if not values:
        return 0.0, None
    if numeric > 0.98 and EPOCH_NAME.search(name):
        digits = {len(v) for v in values if v.isdigit()}
        if digits == {10} or digits == {13}:
            share = sum(v.isdigit() for v in values) / len(values)
            return share, "epoch" if digits == {10} else "epoch_ms"
    if numeric > 0.9 and not all(len(v) == 8 and v.isdigit() for v in values[:50]):
        return 0.0, None
    values = [v if len(v) <= 64 else "" for v in values]  # long text is never a date; strptime on it is slow
    con.execute("CREATE OR REPLACE TEMP TABLE _datesample AS SELECT unnest(?::VARCHAR[]) AS v", [values])
    best = con.execute("SELECT avg((TRY_CAST(v AS TIMESTAMP) IS NOT NULL)::INT) FROM _datesample").fetchone()[0]
    best_fmt = None
    if best < 0.999:
        for fmt in DATE_FORMATS:
            share = con.execute("SELECT avg((try_strptime(v, ?) IS NOT NULL)::INT) FROM _datesample", [fmt]).fetchone()[
                0
            ]
            if share > best + 1e-9:
                best, best_fmt = share, fmt
    return float(best or 0.0), best_fmt


def _swapped(fmt: str) -> str | None:
    if fmt.startswith("%d/%m/"):
        return "%m/%d/" + fmt[6:]
    if fmt.startswith("%m/%d/"):
        return "%d/%m/" + fmt[6:]
    return None


def decide_day_order(
    con: duckdb.DuckDBPyConnection, table: str, column: str, fmt: str | None
) -> tuple[str | None, str]:
    """``(format, note)``: for a day/month format, the order that parses more of the whole column.

    The note states the choice: "month first (US)", "day first", or that every value was ambiguous.
    """
    other = _swapped(fmt or "")
    if fmt is None or other is None:
        return fmt, ""
    counts = con.execute(
        f"SELECT count(try_strptime({clean(column)}, ?)), count(try_strptime({clean(column)}, ?)) FROM {q(table)}",
        [fmt, other],
    ).fetchone()
    n_fmt, n_other = int(counts[0]), int(counts[1])
    if n_other > n_fmt:
        fmt, n_fmt, n_other = other, n_other, n_fmt
    order = "month first (US order)" if fmt.startswith("%m") else "day first"
    if n_fmt == n_other:
        flip = _swapped(fmt)
        return fmt, f"; {order}: every day is ≤ 12, so the order is a guess (give --date-format '{flip}' if wrong)"
    return fmt, f"; {order}: {n_fmt:,} values parse that way, {n_other:,} the other way"
