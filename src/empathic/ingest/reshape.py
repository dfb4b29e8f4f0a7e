"""Header rows, skipped rows and metadata rows: survey exports rarely start with one clean header line.

Qualtrics writes three header rows (ids, question text, ``{"ImportId":"QID3"}``); SurveyMonkey two (the question,
then the sub-answer: "Open-Ended Response", "Price", "Quality"); some tools a preamble line or two before the header.

* ``skip_rows`` lines before the header are dropped before parsing (:func:`skip_lines`).
* ``header_rows`` N > 1: the N−1 rows after the header are more header rows; each column is then named
  "Question — sub-answer" (a blank question cell carries the one to its left, as merged cells do).
* Without ``header_rows``, the first rows are checked for **metadata**: a row whose values are all JSON objects,
  or whose values are text labels where the rest of the column holds numbers or dates. Such rows are dropped with a
  warning; a row of text labels is kept as the columns' **labels** (a question text), which role inference reads
  beside the name (``Q1`` labelled "How likely are you to recommend us?" is an NPS column).

Rows keep their ``__row`` numbers (messages name the same row as before); names enter SQL through ``ident``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import duckdb

from empathic.errors import InputError
from empathic.ingest.readers import RawTable, check_column_names
from empathic.store import ident

#: Rows inspected for metadata at the top of a file.
MAX_METADATA_ROWS = 3
#: Rows below them that tell which columns hold numbers or dates.
TYPED_SAMPLE = 200
#: Sub-answers that add nothing to the question's name (SurveyMonkey's second header row).
GENERIC_SUBHEADERS = frozenset({"response", "open-ended response", "open ended response", "answer"})
#: Names a reader gives a blank header cell.
BLANK_NAME = re.compile(r"column\d+")
NUMBER = re.compile(r"[-+]?\d+([.,]\d+)?%?")
DATE_LIKE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T].*)?")
JSON_OBJECT = re.compile(r"\{.*\}", re.S)


@dataclass(frozen=True)
class ReadOptions:
    """How the top of a file is read: header rows (None = detect metadata rows) and preamble lines to skip."""

    header_rows: int | None = None
    skip_rows: int = 0

    def __post_init__(self) -> None:
        if self.header_rows is not None and not 1 <= self.header_rows <= 20:
            raise InputError(f"--header-rows {self.header_rows} is out of range", hint="give 1 to 20 header rows")
        if not 0 <= self.skip_rows <= 10_000:
            raise InputError(f"--skip-rows {self.skip_rows} is out of range", hint="give 0 to 10,000 rows to skip")


def _top_rows(con: duckdb.DuckDBPyConnection, raw: RawTable, n: int) -> list[tuple]:
    cols = ", ".join(ident(c) for c in raw.columns)
    return con.execute(f"SELECT __row, {cols} FROM {ident(raw.name)} ORDER BY __row LIMIT {int(n)}").fetchall()


def _typed(value: str | None) -> bool:
    v = (value or "").strip()
    return bool(NUMBER.fullmatch(v) or DATE_LIKE.fullmatch(v))


def _is_json_row(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    if len(filled) < max(1, len(cells) // 2):
        return False
    for c in filled:
        if not JSON_OBJECT.fullmatch(c):
            return False
        try:
            json.loads(c)
        except ValueError:
            return False
    return True


def _is_label_row(cells: list[str], typed_columns: list[int]) -> bool:
    """Text in every column whose values below are numbers or dates (at least two such columns)."""
    return len(typed_columns) >= 2 and all(cells[i] and not _typed(cells[i]) for i in typed_columns)


def apply_header_rows(
    con: duckdb.DuckDBPyConnection, raw: RawTable, options: ReadOptions, metadata_rows: int = 0
) -> None:
    """Merge extra header rows into the names, drop ``metadata_rows`` rows under the header (a profile's), or
    drop detected metadata rows (``raw`` is updated in place)."""
    if options.header_rows is None and metadata_rows:
        top = _top_rows(con, raw, metadata_rows)
        texts = [[(v or "").strip() for v in row[1:]] for row in top]
        labels = next((cells for cells in texts if not _is_json_row(cells)), None)
        if labels:
            raw.labels = {c: v for c, v in zip(raw.columns, labels, strict=True) if v and v != c}
        _delete_rows(con, raw, [r[0] for r in top])
        raw.warnings.append(f"{len(top)} metadata row(s) under the header were skipped (question text, import ids)")
        return
    if options.header_rows is not None:
        if options.header_rows > 1:
            top = _top_rows(con, raw, options.header_rows - 1)
            _merge_header(con, raw, [[(v or "").strip() for v in row[1:]] for row in top], [r[0] for r in top])
        return
    _drop_metadata_rows(con, raw)


def _drop_metadata_rows(con: duckdb.DuckDBPyConnection, raw: RawTable) -> None:
    rows = _top_rows(con, raw, MAX_METADATA_ROWS + TYPED_SAMPLE)
    if len(rows) <= MAX_METADATA_ROWS:
        return
    below = rows[MAX_METADATA_ROWS:]
    typed_columns = [
        i
        for i in range(len(raw.columns))
        if sum(1 for r in below if (r[i + 1] or "").strip()) >= 3
        and sum(_typed(r[i + 1]) for r in below) >= 0.9 * sum(1 for r in below if (r[i + 1] or "").strip())
    ]
    dropped: list[int] = []
    label_rows: list[list[str]] = []
    for row in rows[:MAX_METADATA_ROWS]:
        cells = [(v or "").strip() for v in row[1:]]
        if _is_json_row(cells):
            dropped.append(row[0])
        elif _is_label_row(cells, typed_columns):
            dropped.append(row[0])
            label_rows.append(cells)
        else:
            break
    if not dropped:
        return
    blank_header = any(BLANK_NAME.fullmatch(c) for c in raw.columns)
    if label_rows and blank_header and len(label_rows) == len(dropped):
        _merge_header(con, raw, label_rows, dropped)  # SurveyMonkey: the second row names the sub-answers
        return
    if label_rows:
        raw.labels = {c: v for c, v in zip(raw.columns, label_rows[0], strict=True) if v and v != c}
    _delete_rows(con, raw, dropped)
    raw.warnings.append(
        f"{len(dropped)} row(s) under the header hold question text or export metadata, not answers; they were "
        "skipped (use --header-rows 1 to keep them)"
    )


def _merge_header(con: duckdb.DuckDBPyConnection, raw: RawTable, subs: list[list[str]], rows: list[int]) -> None:
    """Name each column "Question — sub-answer" from the header and the rows ``subs``, then drop those rows."""
    names: list[str] = []
    carried = ""
    for i, head in enumerate(raw.columns):
        blank = BLANK_NAME.fullmatch(head) is not None
        question = carried if blank and carried else head
        carried = question
        parts = [s[i] for s in subs if i < len(s) and s[i] and s[i].lower() not in GENERIC_SUBHEADERS]
        parts = [p for p in parts if p != question]
        names.append(" — ".join([question, *parts]) if parts else question)
    names = _unique(names)
    check_column_names(names, raw.label)
    table = ident(raw.name)
    for i, old in enumerate(raw.columns):  # via placeholder names: a new name may be an old one further right
        con.execute(f"ALTER TABLE {table} RENAME COLUMN {ident(old)} TO {ident(f'__h{i}')}")
    for i, new in enumerate(names):
        con.execute(f"ALTER TABLE {table} RENAME COLUMN {ident(f'__h{i}')} TO {ident(new)}")
    raw.columns = names
    _delete_rows(con, raw, rows)


def _unique(names: list[str]) -> list[str]:
    """Suffix repeated merged names (two "Other — Please specify") with their position."""
    seen: dict[str, int] = {}
    out = []
    for n in names:
        key = n.lower()
        seen[key] = seen.get(key, 0) + 1
        out.append(n if seen[key] == 1 else f"{n} ({seen[key]})")
    return out


def _delete_rows(con: duckdb.DuckDBPyConnection, raw: RawTable, rows: list[int]) -> None:
    table = ident(raw.name)
    con.execute(f"DELETE FROM {table} WHERE __row IN (SELECT unnest(?::BIGINT[]))", [rows])
    raw.n_rows = int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    if raw.n_rows == 0:
        raise InputError("the file has header rows but no data rows", file=raw.label, hint="check the export")
