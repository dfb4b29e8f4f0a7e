"""Readers: any supported file or in-memory frame → one all-VARCHAR DuckDB table with a ``__row`` number.

DuckDB reads CSV/TSV/JSON/Parquet itself (streaming, no Python object per row); only XLSX goes through openpyxl
and non-UTF-8 text is transcoded to a temporary UTF-8 copy in chunks. Everything becomes VARCHAR here so that role
inference and validation see the user's values as written, and can name the row and column of a bad one.

Files are untrusted: each is parsed (and a frame's columns cast) in a :func:`~empathic.ingest.sandbox.sandboxed`
connection that may read that one file only (a frame: no file), its rows reach the caller's connection as an
Arrow stream, every column name enters SQL through
:func:`empathic.store.ident`, and every path or option is a bound parameter. Temporary files (an inflated ``.gz``,
a transcoded copy) live in one folder per read that is removed on success and on failure. The caps of
:class:`IngestSettings` (inflated size, column count) are checked before the work they guard.
"""

from __future__ import annotations

import codecs
import csv
import re
import tempfile
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from empathic.errors import InputError
from empathic.ingest.diagnose import MAX_LINE_BYTES, check_json_records, diagnose_csv, duckdb_error
from empathic.ingest.encoding import SAMPLE_BYTES, ensure_utf8
from empathic.ingest.nested import flat_columns, list_columns, record_array
from empathic.ingest.sandbox import allowed_path, run_one, sandboxed, single
from empathic.ingest.scratch import gunzip, skip_lines
from empathic.ingest.settings import IngestSettings
from empathic.store import ident

TEXT_FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".tab": "csv", ".dat": "csv"}
FORMATS = {
    **TEXT_FORMATS,
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
}
#: Rows per Arrow batch when a parsed file streams from its sandbox into the caller's connection.
STREAM_BATCH_ROWS = 100_000


@dataclass
class RawTable:
    """A source loaded into a DuckDB connection as the table ``name`` (all VARCHAR plus ``__row`` from 1)."""

    name: str
    columns: list[str]
    n_rows: int
    label: str  # file path or "<pandas DataFrame>" for messages
    file_format: str
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)
    sha256: str | None = None
    #: Question text per column, from a label row under the header (see :mod:`empathic.ingest.reshape`).
    labels: dict[str, str] = field(default_factory=dict)
    #: Columns that were lists of plain values in the source (JSON arrays), joined with ``"; "``: multi-valued.
    list_columns: set[str] = field(default_factory=set)


def read_source(
    con: duckdb.DuckDBPyConnection,
    data: Any,
    *,
    name: str = "_raw",
    settings: IngestSettings | None = None,
    skip_rows: int = 0,
) -> RawTable:
    """Load a path or a pandas/Polars/Arrow frame into ``con`` as the temp table ``name``; ``skip_rows`` lines
    of a CSV/TSV or rows of a worksheet before the header are dropped (a preamble)."""
    settings = settings or IngestSettings()
    if isinstance(data, (str, Path)):
        with tempfile.TemporaryDirectory(prefix="empathic-") as scratch:
            return _read_path(con, Path(data), name, settings, Path(scratch), skip_rows)
    return _read_frame(con, data, name, settings)


# -- frames ---------------------------------------------------------------------------------------------------------
def _to_arrow(data: Any) -> pa.Table:
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    module = type(data).__module__
    if module.startswith("pandas"):
        return pa.Table.from_pandas(data, preserve_index=False)
    if module.startswith("polars"):
        return data.to_arrow()
    raise InputError(
        f"cannot ingest an object of type {type(data).__name__}",
        hint="pass a file path, a pandas or Polars DataFrame, or a pyarrow Table",
    )


def _read_frame(
    con: duckdb.DuckDBPyConnection, data: Any, name: str, settings: IngestSettings, label: str | None = None
) -> RawTable:
    table = _to_arrow(data)
    label = label or f"<{type(data).__module__.split('.')[0]} {type(data).__name__}>"
    if table.num_columns == 0:
        raise InputError("the frame has no columns", file=label, hint="pass a frame with at least a text column")
    names = [str(c) if str(c) else f"column{i}" for i, c in enumerate(table.column_names)]
    check_column_names(names, label, settings.max_columns)
    table = table.rename_columns(names)
    try:
        with closing(sandboxed()) as reader:
            reader.register("_frame_in", table)
            columns = flat_columns(reader, "_frame_in")
            check_column_names([c for c, _ in columns], label, settings.max_columns)
            _copy_in(con, name, reader.sql(single(reader, f"SELECT {_numbered(columns)} FROM _frame_in")))
    except duckdb.Error as exc:
        raise duckdb_error(exc, label) from None
    raw = _finish(con, name, label, "frame")
    raw.list_columns = list_columns(columns)
    return raw


def _copy_in(con: duckdb.DuckDBPyConnection, name: str, rows: duckdb.DuckDBPyRelation) -> None:
    """Stream ``rows`` (a relation of a sandboxed connection) into ``con`` as the temp table ``name``."""
    con.register("_stream_in", rows.to_arrow_reader(STREAM_BATCH_ROWS))
    try:
        run_one(con, f"CREATE OR REPLACE TEMP TABLE {ident(name)} AS SELECT * FROM _stream_in")
    finally:
        con.unregister("_stream_in")


def _numbered(columns: list[tuple[str, str]]) -> str:
    """The select list of a raw table: ``__row`` (1, 2, ... in input order), then every ``(name, VARCHAR
    expression)`` of :func:`~empathic.ingest.nested.flat_columns`."""
    cols = "".join(", " + _aliased(expr_sql, c) for c, expr_sql in columns)
    return f"row_number() OVER () AS __row{cols}"


def _aliased(expr_sql: str, name: str) -> str:
    """``expr_sql`` (an expression of :func:`~empathic.ingest.nested.flat_columns`) named ``name``."""
    return f"{expr_sql} AS {ident(name)}"


# -- files ----------------------------------------------------------------------------------------------------------
def _read_path(
    con: duckdb.DuckDBPyConnection, path: Path, name: str, settings: IngestSettings, scratch: Path, skip_rows: int = 0
) -> RawTable:
    """Read one file; temporary copies go to ``scratch`` (removed by the caller)."""
    label = str(path)
    if not path.exists():
        raise InputError(f"file not found: {path}", file=label, hint="check the path and spelling")
    if path.is_dir():
        raise InputError(f"{path} is a folder", file=label, hint="give the path of one file")
    if path.stat().st_size == 0:
        raise InputError("the file is empty", file=label, hint="export the data again; the file has 0 bytes")
    suffix = path.suffix.lower()
    if suffix == ".gz":
        path = gunzip(path, scratch, settings.max_inflated_mb)
        suffix = path.suffix.lower()
    fmt = FORMATS.get(suffix)
    head = path.open("rb").read(SAMPLE_BYTES)
    if fmt is None:
        fmt = _sniff_format(head)
        if fmt is None:
            raise InputError(
                f"unsupported file type {path.suffix or '(no extension)'}",
                file=label,
                hint="use CSV, TSV, JSON, JSONL, Parquet or XLSX",
            )
    if fmt == "parquet":
        return _read_with_duckdb(con, name, label, "parquet", path, "read_parquet(?)", [allowed_path(path)], settings)
    if fmt == "xlsx":
        return _read_xlsx(con, path, name, settings, skip_rows)
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)):
        raise InputError(
            "the file looks binary (it contains NUL bytes), not text",
            file=label,
            hint="export the data as CSV/TSV/JSON/Parquet/XLSX; check the file is not corrupt",
        )
    text_path, encoding, warnings = ensure_utf8(path, head, scratch)
    if fmt == "csv":
        if skip_rows:
            text_path = skip_lines(text_path, skip_rows, scratch)
        return _read_csv(con, text_path, name, label, encoding, warnings, settings, scratch)
    table = "newline_delimited" if fmt == "jsonl" else check_json_records(text_path, label)
    raw = _read_with_duckdb(
        con,
        name,
        label,
        fmt,
        text_path,
        # map_inference_threshold=-1: past 200 keys DuckDB would fold every key into ONE map column
        "read_json(?, format=?, maximum_object_size=?, map_inference_threshold=-1)",
        [allowed_path(text_path), table, MAX_LINE_BYTES],
        settings,
    )
    raw.encoding, raw.warnings = encoding, warnings
    return raw


def _sniff_format(head: bytes) -> str | None:
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    stripped = head.lstrip()
    if stripped.startswith(b"["):
        return "json"
    if stripped.startswith(b"{"):
        return "jsonl"
    return None


WHITESPACE_ROW = re.compile(r"\S+")


def _looks_whitespace_aligned(lines: list[str]) -> bool:
    """True for fixed-width/whitespace-separated tables such as CDNOW_master.txt."""
    lines = [ln for ln in lines if ln.strip()]
    if len(lines) < 2 or any(ch in "".join(lines) for ch in ',\t;|"'):
        return False
    widths = {len(WHITESPACE_ROW.findall(ln)) for ln in lines}
    return len(widths) == 1 and widths.pop() >= 2


def _whitespace_to_tsv(path: Path, scratch: Path) -> Path:
    out = scratch / (path.stem + ".tsv")
    with path.open(encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        for line in src:
            if line.strip():
                dst.write("\t".join(WHITESPACE_ROW.findall(line)) + "\n")
    return out


def _first_row_is_header(path: Path, delimiter: str, sample_rows: int = 20) -> bool:
    """Decide whether the first row names columns: header cells are non-numeric and distinct, and short unless
    the values below them are short or repeat (a long question above yes/no answers is a header; a long first
    cell above distinct comments is a comment)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        try:
            first = next(reader)
            below = [row for _, row in zip(range(sample_rows), reader, strict=False)]
        except StopIteration:
            return True
        except csv.Error:
            below = []
    cells = [c.strip() for c in first]
    if not cells or len(set(cells)) < len(cells) - cells.count(""):
        return False

    def answers_below(i: int) -> bool:
        values = [row[i].strip() for row in below if i < len(row)]
        repeating = len(values) >= 4 and len(set(values)) <= len(values) / 2
        return bool(values) and (repeating or all(len(v) <= 20 for v in values))

    return all(
        not ((len(c) > 60 and not answers_below(i)) or re.fullmatch(r"[-+]?\d+([.,]\d+)?", c or "x"))
        for i, c in enumerate(cells)
    )


def _check_line_lengths(path: Path, label: str, max_lines: int = 20480) -> None:
    """Refuse a line over MAX_LINE_BYTES among the lines DuckDB's sniffer samples (it takes minutes on one)."""
    run = lines = 0
    with path.open("rb") as fh:
        while lines < max_lines and (chunk := fh.read(1 << 20)):
            start = 0
            while (nl := chunk.find(b"\n", start)) != -1:
                if run + nl - start > MAX_LINE_BYTES:
                    break
                run, lines, start = 0, lines + 1, nl + 1
            run += len(chunk) - start
            if run > MAX_LINE_BYTES:
                raise InputError(
                    f"a row or field is larger than {MAX_LINE_BYTES >> 20} MB",
                    file=label,
                    row=lines + 1,
                    hint="this is usually an unclosed quote; check the quoting near that line",
                )


def _fallback_delimiter(header_line: str, sniffed: str) -> str:
    """The header's own delimiter when the sniffer gave up (it reads ragged files as one column with '|')."""
    if sniffed in header_line:
        return sniffed
    counts = {d: header_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else sniffed


def _check_header_names(path: Path, delimiter: str, label: str) -> None:
    """A first row of names with a duplicate is a header with duplicate columns, not a row of data."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        try:
            cells = [c.strip() for c in next(csv.reader(fh, delimiter=delimiter))]
        except (csv.Error, StopIteration):
            return
    names = [c for c in cells if c]
    if len(names) < 2 or any(len(c) > 60 or re.fullmatch(r"[-+]?\d+([.,]\d+)?", c) for c in names):
        return
    check_column_names(names, label)


def _read_csv(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    name: str,
    label: str,
    encoding: str,
    warnings: list[str],
    settings: IngestSettings,
    scratch: Path,
) -> RawTable:
    _check_line_lengths(path, label)
    with path.open(encoding="utf-8-sig", errors="replace") as fh:
        first_lines = [fh.readline() for _ in range(20)]
    if _looks_whitespace_aligned(first_lines):
        path = _whitespace_to_tsv(path, scratch)
        warnings = [*warnings, f"{Path(label).name}: read as a whitespace-separated table"]
    _check_column_count(first_lines[0], label, settings.max_columns)
    try:
        with closing(sandboxed([path])) as sniffer:
            sniff = run_one(sniffer, "SELECT Delimiter FROM sniff_csv(?, sample_size=20480)", [allowed_path(path)])
            found = sniff.fetchone()
        delimiter = found[0] if found else ","
    except duckdb.Error as exc:
        guess = _fallback_delimiter(first_lines[0], ",")
        raise diagnose_csv(path, guess, label) or duckdb_error(exc, label) from None
    delimiter = _fallback_delimiter(first_lines[0], delimiter)
    _check_header_names(path, delimiter, label)
    header = _first_row_is_header(path, delimiter)
    source = (
        "read_csv(?, all_varchar=true, header=?, delim=?, max_line_size=?, strict_mode=true, null_padding=false, "
        "sample_size=-1)"
    )
    params = [allowed_path(path), header, delimiter, MAX_LINE_BYTES]
    raw = _read_with_duckdb(
        con,
        name,
        label,
        "csv",
        path,
        source,
        params,
        settings,
        lambda: diagnose_csv(path, delimiter, label, header=header),
    )
    raw.encoding = encoding
    raw.warnings = warnings + raw.warnings
    return raw


def _check_column_count(header_line: str, label: str, max_columns: int) -> None:
    """Refuse a header with more than ``max_columns`` cells before DuckDB sniffs it (10,001 columns took minutes)."""
    longest = max(header_line.count(d) for d in (",", ";", "\t", "|")) + 1
    if longest > max_columns:
        raise InputError(
            f"the file has about {longest:,} columns; at most {max_columns:,} are accepted",
            file=label,
            row=1,
            hint="keep the columns you need, or raise ingest.max_columns",
        )


def _read_with_duckdb(
    con: duckdb.DuckDBPyConnection,
    name: str,
    label: str,
    fmt: str,
    path: Path,
    source: str,
    params: list[Any],
    settings: IngestSettings,
    explain: Callable[[], InputError | None] | None = None,
) -> RawTable:
    """Parse ``path`` with the DuckDB table function ``source`` (``?`` bound to ``params``) in a sandbox that can
    read only that file, and stream its rows into ``con`` as the temp table ``name``. When DuckDB fails,
    ``explain`` may name the concrete problem (see :mod:`empathic.ingest.diagnose`)."""
    try:
        with closing(sandboxed([path])) as reader:
            if "unstructured" in params:  # one JSON document: its list of records, one row each
                try:
                    records = record_array(reader, source, params)
                except ValueError as several:
                    raise InputError(
                        f"the JSON document holds several lists of records ({several})",
                        file=label,
                        hint="export one list, or give the records as a JSON array or JSON Lines",
                    ) from None
                if records is not None:
                    source = f"(SELECT unnest({ident(records)}, max_depth := 2) FROM {source})"
            described = run_one(reader, f"DESCRIBE SELECT * FROM {source}", params).fetchall()
            check_column_names([d[0] for d in described], label, settings.max_columns)
            columns = flat_columns(reader, source, params, described)
            check_column_names([c for c, _ in columns], label, settings.max_columns)
            select = single(reader, f"SELECT {_numbered(columns)} FROM {source}")
            _copy_in(con, name, reader.sql(select, params=params))
    except duckdb.Error as exc:
        raise (explain and explain()) or duckdb_error(exc, label) from None
    raw = _finish(con, name, label, fmt)
    raw.list_columns = list_columns(columns)
    return raw


def _read_xlsx(
    con: duckdb.DuckDBPyConnection, path: Path, name: str, settings: IngestSettings, skip_rows: int = 0
) -> RawTable:
    import zipfile

    from openpyxl import load_workbook

    label = str(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(
            f"cannot read the Excel file: {exc}", file=label, hint="save it again as .xlsx or CSV"
        ) from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    for _ in range(skip_rows):
        next(rows, None)
    header = next(rows, None)
    if header is None:
        raise InputError("the first worksheet is empty", file=label, hint="put the data on the first sheet")
    names = [str(h).strip() if h is not None else f"column{i}" for i, h in enumerate(header)]
    check_column_names(names, label, settings.max_columns)
    columns: list[list[str | None]] = [[] for _ in names]
    for row in rows:
        if row is None or all(v is None for v in row):
            continue
        for i in range(len(names)):
            v = row[i] if i < len(row) else None
            columns[i].append(None if v is None else (v.isoformat(sep=" ") if hasattr(v, "isoformat") else str(v)))
    wb.close()
    table = pa.table({n: pa.array(c, pa.string()) for n, c in zip(names, columns, strict=True)})
    raw = _read_frame(con, table, name, settings, label)
    raw.file_format = "xlsx"
    return raw


def check_column_names(names: list[str], label: str, max_columns: int | None = None) -> None:
    """Refuse more than ``max_columns`` columns, reserved (``__``), unusable (NUL) and duplicate names."""
    if max_columns is not None and len(names) > max_columns:
        raise InputError(
            f"the file has {len(names):,} columns; at most {max_columns:,} are accepted",
            file=label,
            hint="keep the columns you need, or raise ingest.max_columns",
        )
    seen: set[str] = set()
    for n in names:
        if "\x00" in n:
            raise InputError(
                f"column name {n!r} contains a NUL character", file=label, column=n, hint="rename the column"
            )
        if n.startswith("__"):
            raise InputError(f"column name {n!r} is reserved", file=label, column=n, hint="rename the column")
        if n.lower() in seen:
            raise InputError(
                f"duplicate column name {n!r}", file=label, column=n, hint="give each column a unique name"
            )
        seen.add(n.lower())


def _finish(con: duckdb.DuckDBPyConnection, name: str, label: str, fmt: str) -> RawTable:
    n = con.execute(f"SELECT count(*) FROM {ident(name)}").fetchone()[0]
    columns = [r[0] for r in con.execute(f"DESCRIBE {ident(name)}").fetchall() if r[0] != "__row"]
    if n == 0 and fmt in ("json", "jsonl"):
        raise InputError("the JSON file holds no records", file=label, hint="check the export")
    if n == 0:
        raise InputError("the file has a header but no data rows", file=label, hint="check the export")
    return RawTable(name=name, columns=columns, n_rows=int(n), label=label, file_format=fmt)
