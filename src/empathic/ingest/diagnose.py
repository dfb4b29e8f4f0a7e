"""Say what is actually wrong with a text file that DuckDB refused to read.

DuckDB's CSV sniffer answers every dialect it cannot find with the same long list of "possible fixes" (which
mentions the maximum line size, so users were told of a 16 MB row in a 300-byte file). When a read fails, these
checks look at the file with Python's streaming ``csv`` module and name the first concrete problem: a row with
the wrong number of fields, a quote that is never closed, or line endings that change within the file. They run
only on that error path.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import duckdb

from empathic.errors import InputError

#: Longest single line (and so field) we accept in a text file; longer ones are almost always broken quoting.
MAX_LINE_BYTES = 16 << 20

#: Rows the checks read at most (the error path must stay quick on a huge file).
MAX_ROWS = 1_000_000


def diagnose_csv(path: Path, delimiter: str, label: str, *, header: bool = True) -> InputError | None:
    """The first concrete problem of a delimited text file, or None when these checks find none."""
    return _fields(path, delimiter, label, header) or _line_endings(path, label)


def _fields(path: Path, delimiter: str, label: str, header: bool) -> InputError | None:
    """Ragged rows and unclosed quotes, with the row (data rows from 1) and the line of the file."""
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter, strict=True)
        expected: int | None = None
        start = 1
        try:
            for record in reader:
                if reader.line_num > MAX_ROWS:
                    return None
                row = reader.line_num - (1 if header else 0)
                if expected is None:
                    expected = len(record)
                elif record and len(record) != expected:
                    what = "header" if header else "first row"
                    return InputError(
                        f"row {row} (line {start}) has {len(record)} fields; the {what} has {expected} (ragged rows)",
                        file=label,
                        row=row if row >= 1 else None,
                        hint="check the delimiter and quoting on that line: a value with a "
                        f"{_name(delimiter)} in it must be in double quotes",
                    )
                start = reader.line_num + 1
        except csv.Error as exc:
            if "end of data" in str(exc) or "EOF" in str(exc) or "newline inside string" in str(exc):
                return InputError(
                    f'a quoted value that starts on line {start} is never closed (no matching ")',
                    file=label,
                    hint='close the quote, or write a quote inside a value as two quotes ("")',
                )
            return InputError(
                f"the file is not valid CSV near line {reader.line_num}: {exc}", file=label, hint="check the quoting"
            )
    return None


def _line_endings(path: Path, label: str, limit: int = 64 << 20) -> InputError | None:
    """Rows ending in different ways (Windows \\r\\n, Unix \\n, old Mac \\r) in the first ``limit`` bytes."""
    data = path.open("rb").read(limit)
    crlf = data.count(b"\r\n")
    counts = {
        "\\r\\n (Windows)": crlf,
        "\\n (Unix)": data.count(b"\n") - crlf,
        "\\r (old Mac)": data.count(b"\r") - crlf,
    }
    kinds = {k: n for k, n in counts.items() if n}
    if len(kinds) < 2:
        return None
    listed = ", ".join(f"{n:,} end with {k}" for k, n in kinds.items())
    return InputError(
        f"the file mixes line endings: {listed}",
        file=label,
        hint="save it again with one kind of line ending (a text editor's 'line endings' setting, or dos2unix)",
    )


def _name(delimiter: str) -> str:
    return {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}.get(delimiter, repr(delimiter))


def _one_document(path: Path) -> bool:
    """True when a file starting with ``{`` is ONE JSON object (``{"tickets": [...]}``, pretty-printed or on one
    line), not JSON Lines: its first line is not a whole object, or it is the only line."""
    import json

    with path.open("rb") as fh:
        first = fh.readline(1 << 20)
        rest = fh.read(4096).strip()
    try:
        json.loads(first.decode("utf-8-sig", errors="replace"))
    except ValueError:
        return True
    return not rest


def check_json_records(path: Path, label: str) -> str:
    """The DuckDB ``format`` of a ``.json`` file: 'array', 'newline_delimited' (objects one per line) or
    'unstructured' (one document whose list of records :func:`empathic.ingest.nested.record_array` finds).

    Raises:
        InputError: when the file holds one bare value (``42``, ``"text"``, ``null``) or is a cut-off array.
    """
    with path.open("rb") as fh:
        head = fh.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
        fh.seek(max(path.stat().st_size - 64, 0))
        tail = fh.read().rstrip()
    if head.startswith(b"{"):
        if not _one_document(path):
            return "newline_delimited"
        _check_closed(tail, b"}", label)
        return "unstructured"
    if not head.startswith(b"["):
        shown = head[:20].decode("utf-8", errors="replace")
        raise InputError(
            f"the JSON file holds a single value ({shown!r}), not records",
            file=label,
            hint='give a list of objects, [{"comment": "...", "score": 9}, ...], or JSON Lines (one object per line)',
        )
    _check_closed(tail, b"]", label)
    return "array"


def _check_closed(tail: bytes, closing: bytes, label: str) -> None:
    """Refuse a JSON document whose last character is not its closing bracket (a cut-off download)."""
    if not tail.endswith(closing):
        raise InputError(
            f"the JSON file is cut off (it does not end with '{closing.decode()}')",
            file=label,
            hint="export the file again; for very large data use JSON Lines (one object per line)",
        )


LINE_RE = re.compile(r"[Ll]ine:?\s*(\d+)")


def duckdb_error(exc: duckdb.Error, label: str) -> InputError:
    """Translate a DuckDB reader error into an InputError with the row and a hint."""
    # only DuckDB's own words: its echo of the query ("LINE 1: ... maximum_object_size ...") and its list of
    # "possible fixes" (which names max_line_size) must not decide which problem we report
    msg = str(exc).split("\nLINE ")[0].split("Possible fixes:")[0].split("The search space used was")[0]
    first = msg.strip().splitlines()[0] if msg.strip() else type(exc).__name__
    m = LINE_RE.search(msg)
    row = int(m.group(1)) if m else None
    low = msg.lower()
    if "maximum line size" in low or "max_line_size" in low or "maximum_object_size" in low:
        return InputError(
            f"a row or field is larger than {MAX_LINE_BYTES >> 20} MB",
            file=label,
            row=row,
            hint="this is usually an unclosed quote; check the quoting near that line",
        )
    if ("expected" in low and "columns" in low) or "too many columns" in low or "not enough columns" in low:
        return InputError(
            "rows have different numbers of columns (ragged rows)",
            file=label,
            row=row,
            hint="check the delimiter and quoting on that line; every row needs the same columns as the header",
        )
    if "unicode" in low or "utf-8" in low or "utf8" in low:
        return InputError(
            "the file has bytes that are not valid UTF-8",
            file=label,
            row=row,
            hint="save the file as UTF-8 (or as Windows-1252/Latin-1 throughout)",
        )
    if "recursion depth" in low:
        return InputError(
            "the JSON is nested too deeply (more than 128 levels)",
            file=label,
            row=row,
            hint="give one flat object per comment, with plain values (text, numbers, dates)",
        )
    if "json" in low or "malformed" in low:
        return InputError(f"cannot parse the JSON: {first}", file=label, row=row, hint="check the JSON syntax")
    return InputError(f"cannot read the file: {first}", file=label, row=row, hint="check the file format")
