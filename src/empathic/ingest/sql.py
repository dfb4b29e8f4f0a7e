"""SQL expressions that turn the raw VARCHAR columns into typed values, built from a :class:`Mapping`.

Kept as plain strings over DuckDB's dialect so the same expressions can be ported to Spark SQL. Column names go
through :func:`empathic.store.ident` (``q`` here is that helper under its short local name).
"""

from __future__ import annotations

from empathic.ingest.mapping import Mapping, ScoreColumn
from empathic.store import ident

#: The one identifier helper (store.ident), under the short name these expression builders use.
q = ident


def lit(value: str) -> str:
    """Quote a string literal, for the few values that must live inside a reusable expression string.

    Queries bind values as parameters; an expression builder here returns SQL text that is embedded in several
    queries (validation, staging, counting), where positional parameters cannot follow it. DuckDB string literals
    have no backslash escapes, so doubling ``'`` is a complete escape.
    """
    return "'" + value.replace("'", "''") + "'"


def clean(col: str) -> str:
    """Trimmed value, NULL when empty."""
    return f"NULLIF(trim({q(col)}), '')"


def text_expr(m: Mapping, max_chars: int) -> str:
    """The comment text: the text columns (and a title before them), joined; '' when all are empty."""
    body = (
        clean(m.text[0])
        if len(m.text) == 1
        else "NULLIF(concat_ws(chr(10), " + ", ".join(clean(c) for c in m.text) + "), '')"
    )
    if m.title:
        t = clean(m.title)
        # a subject that is the body's first words (often cut with "..."), is not joined: it would repeat them
        stem = rf"lower(regexp_replace({t}, '\s*(\.\.\.|…)$', ''))"
        body = (
            f"CASE WHEN {t} IS NULL THEN {body} WHEN {body} IS NULL THEN {t} "
            f"WHEN starts_with(lower({body}), {stem}) THEN {body} "
            f"ELSE {t} || CASE WHEN regexp_matches({t}, '[.!?…:]$') THEN ' ' ELSE '. ' END || {body} END"
        )
    return f"left(coalesce({body}, ''), {int(max_chars)})"


def date_expr(col: str, fmt: str | None) -> str:
    """Parse a timestamp (naive UTC); NULL when unparseable (validation reports those rows first)."""
    if fmt is None:
        # CAST(... AS TIMESTAMP) silently drops a UTC offset; values that carry one go through TIMESTAMPTZ
        # ("+0200" and " -0800" normalised to "+02:00") and are converted to naive UTC.
        v = clean(col)
        offset = rf"TRY_CAST(regexp_replace({v}, '\s*([+-]\d\d):?(\d\d)$', '\1:\2') AS TIMESTAMPTZ)"
        return (
            rf"CASE WHEN regexp_matches({v}, '([+-]\d\d:?\d\d|Z)$') THEN timezone('UTC', {offset}) "
            f"ELSE TRY_CAST({v} AS TIMESTAMP) END"
        )
    if fmt in ("epoch", "epoch_ms"):  # Unix seconds or milliseconds (Mixpanel, Amplitude), read as UTC
        divisor = 1000.0 if fmt == "epoch_ms" else 1.0
        seconds = f"(TRY_CAST({clean(col)} AS DOUBLE) / {float(divisor)})"
        # beyond year 3000 is not a time but a bad value: NULL (validation reports it), never a DuckDB range error
        return f"timezone('UTC', to_timestamp(CASE WHEN abs({seconds}) < 32503680000 THEN {seconds} END))"
    parsed = f"try_strptime({clean(col)}, {lit(fmt)})"
    if "%z" in fmt or "%Z" in fmt:
        return f"timezone('UTC', {parsed})"
    return f"CAST({parsed} AS TIMESTAMP)"


def number_expr(col: str) -> str:
    """A number, accepting a decimal comma."""
    return f"TRY_CAST(replace({clean(col)}, ',', '.') AS DOUBLE)"


def present_expr(s: ScoreColumn) -> str:
    """The score's raw value, NULL when empty or a "not answered" label (so validation does not flag it)."""
    skipped = [k for k, v in (s.labels or {}).items() if v is None]
    if not skipped:
        return clean(s.column)
    listed = ", ".join(lit(k) for k in skipped)
    return f"CASE WHEN lower({clean(s.column)}) IN ({listed}) THEN NULL ELSE {clean(s.column)} END"


def score_expr(s: ScoreColumn) -> str:
    """The numeric value of a score column (yes/no/true/false for recommend; words or emoji via ``labels``)."""
    if s.labels:
        whens = " ".join(
            f"WHEN {lit(k)} THEN NULL" if v is None else f"WHEN {lit(k)} THEN {float(v)}"
            for k, v in sorted(s.labels.items())
        )
        return f"CASE lower({clean(s.column)}) {whens} ELSE {number_expr(s.column)} END"
    if s.kind == "recommend":
        v = f"lower({clean(s.column)})"
        return (
            f"CASE WHEN {v} IN ('1','yes','y','true','t','1.0') THEN 1.0 "
            f"WHEN {v} IN ('0','no','n','false','f','0.0') THEN 0.0 ELSE {number_expr(s.column)} END"
        )
    if s.missing is not None:
        return f"NULLIF({number_expr(s.column)}, {float(s.missing)!r})"
    return number_expr(s.column)


def row_hash(columns: list[str]) -> str:
    """A content hash over the given raw columns (used as id when the file has none)."""
    return "md5(concat_ws(chr(31), " + ", ".join(f"coalesce({q(c)}, chr(0))" for c in sorted(columns)) + "))"
