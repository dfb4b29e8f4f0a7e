"""Exports of comments-with-annotations, themes, drivers and segments to CSV, XLSX, Parquet, JSON and JSONL.

Spreadsheet formula injection is neutralised in CSV and XLSX: a text cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return gets a leading apostrophe, so Excel/LibreOffice/Sheets show it as text instead
of evaluating it (OWASP's recommendation). Parquet/JSON keep the raw text — they are not opened by spreadsheets.

CSV rows end in CRLF (RFC 4180), which also makes the csv writer quote every cell holding a CR or LF: with pandas'
default ``\n`` terminator a bare ``\r`` was written unquoted, a reader split the row there, and the text after it
became a new row whose first cell could be a formula (issue 16). XLSX cannot hold C0 control characters, so they
become U+FFFD instead of failing the export.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from empathic.errors import InputError, StageError

if TYPE_CHECKING:
    from empathic.store import Store

WHATS = ("comments", "themes", "drivers", "segments")
MORE_WHATS = ("usage", "personas", "customers")  # tables of the later stages (need events / personas / customers)
FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet", ".json": "json", ".jsonl": "jsonl"}
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """Prefix a dangerous text cell with an apostrophe; other values pass unchanged."""
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return value


def _is_text_column(series: pd.Series) -> bool:
    return (
        series.dtype == object or pd.api.types.is_string_dtype(series) or isinstance(series.dtype, pd.CategoricalDtype)
    )


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and column names) cannot be read as spreadsheet formulas."""
    out = frame.copy()
    for col in out.columns:
        if _is_text_column(out[col]):
            out[col] = out[col].astype(object).map(neutralise_cell)
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    return out


def xlsx_safe_cell(value: object) -> object:
    """Replace the control characters XML (and so XLSX) cannot hold with U+FFFD; other values pass unchanged."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return value


def export_frame(store: Store, what: str) -> pd.DataFrame:
    """The table behind one export (raw values)."""
    if what not in WHATS + MORE_WHATS:
        raise InputError(f"unknown export {what!r}", hint=f"choose one of: {', '.join(WHATS + MORE_WHATS)}")
    if what == "comments":
        return _comments(store)
    if what in _READERS:
        return _READERS[what](store)
    if store.count("themes") == 0:
        raise StageError(f"nothing to export: {what} not analysed yet", hint="run `empathic analyze WORKSPACE` first")
    return store.read_df("SELECT * FROM themes ORDER BY level, n_comments DESC, theme_id")


def _comments(store: Store) -> pd.DataFrame:
    """The comments with their annotations: :func:`empathic.comments.comments_frame`, what ``ws.comments()`` reads."""
    from empathic.comments import comments_frame

    return comments_frame(store)


def format_for(path: str | Path, fmt: str | None = None) -> str:
    """The export format: explicit, or from the file suffix."""
    if fmt:
        if fmt not in FORMATS.values():
            raise InputError(f"unknown format {fmt!r}", hint=f"choose one of: {', '.join(FORMATS.values())}")
        return fmt
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InputError(f"cannot tell the format of {Path(path).name!r}", hint=f"use one of: {', '.join(FORMATS)}")
    return FORMATS[suffix]


def write_frame(frame: pd.DataFrame, path: str | Path, fmt: str) -> None:
    """Write ``frame`` in ``fmt``; CSV and XLSX are neutralised against formula injection."""
    target = Path(path)
    if not target.parent.exists():
        raise InputError(f"folder {target.parent} does not exist", hint="create it or choose another -o path")
    if fmt == "csv":
        neutralise_frame(frame).to_csv(target, index=False, encoding="utf-8", lineterminator="\r\n")
    elif fmt == "xlsx":
        safe = neutralise_frame(frame)
        for col in safe.columns:  # Excel has no time zones and no JSON: write naive timestamps and text
            if isinstance(safe[col].dtype, pd.DatetimeTZDtype):
                safe[col] = safe[col].dt.tz_localize(None)
            elif _is_text_column(safe[col]):
                safe[col] = safe[col].map(xlsx_safe_cell)
        safe.columns = [xlsx_safe_cell(c) for c in safe.columns]
        safe.to_excel(target, index=False, engine="openpyxl")
    elif fmt == "parquet":
        frame.to_parquet(target, index=False)
    elif fmt == "json":
        frame.to_json(target, orient="records", date_format="iso", force_ascii=False, indent=1)
    else:
        frame.to_json(target, orient="records", lines=True, date_format="iso", force_ascii=False)


def export(store: Store, what: str, path: str | Path, *, fmt: str | None = None) -> int:
    """Export ``what`` (comments/themes/drivers/segments) to ``path``; returns the number of rows written."""
    chosen = format_for(path, fmt)
    frame = export_frame(store, what)
    try:
        write_frame(frame, path, chosen)
    except OSError as exc:
        from empathic.store.access import is_denied

        if not is_denied(exc):
            raise
        raise InputError(
            f"cannot write {path}: {exc.strerror or exc} (the file or its folder is read-only)",
            hint="choose a file in a writable folder with -o PATH, or make the folder writable",
        ) from None
    return len(frame)


# -- segments, usage, personas, customers: each export carries labels next to its ids --------------------------------
def _need(store: Store, table: str, what: str, stage: str = "analyze") -> None:
    if not store.has_table(table) or store.count(table) == 0:
        raise StageError(f"nothing to export: {what} not analysed yet", hint=f"run `empathic {stage} WORKSPACE` first")


# The drivers and segments exports are the stored rows the web app, REST and the report show
# (:mod:`empathic.analytics.read` with ``source="stored"``: the theme's current label, themes deleted after the last
# analysis left out), in the export's own columns and order (a public contract: every stored column, computed_at too).
def _sorted(frame: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """``frame`` in ``order`` ascending, missing values last (the SQL ``ORDER BY`` the exports always had), without
    the read layer's ``attrs`` (they would land in the Parquet file's metadata)."""
    out = frame.sort_values(order, na_position="last", kind="mergesort").reset_index(drop=True)
    out.attrs = {}
    return out


def _drivers(store: Store) -> pd.DataFrame:
    """Theme impact per score with the theme's current label and the score's display name next to their ids."""
    from empathic.analytics import read
    from empathic.analytics.settings import AnalyticsSettings

    _need(store, "theme_impact", "drivers")
    frame = read.impact(store, AnalyticsSettings(), source="stored", computed_at=True)
    names: dict[str, str | None] = {}
    if store.has_table("score_labels"):
        names = dict(store.read_df("SELECT score_name, display_name FROM score_labels").itertuples(index=False))
    frame["score_display_name"] = pd.Series(  # coalesce(display name, score name), in the score name's dtype
        [s if names.get(s) is None else names[s] for s in frame.score_name], index=frame.index,
        dtype=frame.score_name.dtype,
    )  # fmt: skip
    return _sorted(frame, ["score_name", "impact", "theme_id"])


def _segments(store: Store) -> pd.DataFrame:
    """Segment differences with the theme's label next to its id (null for a theme the themes table does not know,
    and for the score and sentiment rows, which have no theme)."""
    from empathic.analytics import read, results
    from empathic.analytics.settings import AnalyticsSettings

    _need(store, "segment_differences", "segments")
    frame = read.segments(store, AnalyticsSettings(), source="stored", computed_at=True)
    known = results.theme_labels(store)
    label = frame.label.where(frame.theme_id.isin(list(known)))  # in the theme id's string dtype
    frame = frame[[c for c in frame.columns if c not in ("theme_id", "label")] + ["theme_id"]].assign(theme_label=label)
    return _sorted(frame, ["attribute", "segment", "metric", "theme_id", "score_name"])


def _usage(store: Store) -> pd.DataFrame:
    """One row per customer: events, sessions, time used, tenure, status (the usage stage's customer table)."""
    _need(store, "usage_customers", "usage (needs events)")
    return store.read_df("SELECT * FROM usage_customers ORDER BY customer_id")


def _personas(store: Store) -> pd.DataFrame:
    """One row per persona (traits, themes, empathy map as JSON text) with its number of customers."""
    _need(store, "personas", "personas")
    return store.read_df(
        "SELECT p.persona_id, p.name, p.size, p.share, p.score, p.description, CAST(p.traits AS VARCHAR) AS traits, "
        "CAST(p.top_themes AS VARCHAR) AS top_themes, CAST(p.feelings AS VARCHAR) AS feelings, "
        "CAST(p.empathy_map AS VARCHAR) AS empathy_map, CAST(p.quotes AS VARCHAR) AS quotes FROM personas p "
        "ORDER BY p.size DESC, p.persona_id"
    )


def _customers(store: Store) -> pd.DataFrame:
    """One row per known customer (from the customers file or the comments): comment count, last comment, persona
    id and name, usage status — and one column per customer attribute."""
    ids = "SELECT customer_id FROM customers UNION SELECT customer_id FROM feedback WHERE customer_id IS NOT NULL"
    if not store.scalar(f"SELECT count(*) FROM ({ids})"):
        raise StageError("nothing to export: no customers", hint="ingest a customers file or comments with customer=")
    persona = (
        "LEFT JOIN (SELECT cp.customer_id, cp.persona_id, p.name AS persona FROM customer_personas cp "
        "JOIN personas p USING (persona_id)) cp USING (customer_id)"
        if store.count("customer_personas")
        else "LEFT JOIN (SELECT NULL::VARCHAR AS customer_id, NULL::VARCHAR AS persona_id, "
        "NULL::VARCHAR AS persona) cp USING (customer_id)"
    )
    usage = (
        "LEFT JOIN (SELECT customer_id, status AS usage_status FROM usage_customers) u USING (customer_id)"
        if store.count("usage_customers")
        else "LEFT JOIN (SELECT NULL::VARCHAR AS customer_id, NULL::VARCHAR AS usage_status) u USING (customer_id)"
    )
    base = store.read_df(
        f"WITH ids AS ({ids}), fb AS (SELECT customer_id, count(*) AS n_comments, max(created_at) AS last_comment "
        "FROM feedback WHERE customer_id IS NOT NULL GROUP BY 1) "
        f"SELECT ids.customer_id, coalesce(fb.n_comments, 0) AS n_comments, fb.last_comment, cp.persona_id, "
        f"cp.persona, u.usage_status FROM ids LEFT JOIN fb USING (customer_id) {persona} {usage} "
        "ORDER BY ids.customer_id"
    )
    attributes = store.read_df("SELECT customer_id, name, value FROM customer_attributes")
    if attributes.empty:
        return base
    wide = attributes.pivot_table(index="customer_id", columns="name", values="value", aggfunc="first")
    wide.columns = [f"attr_{c}" for c in wide.columns]
    return base.merge(wide.reset_index(), on="customer_id", how="left")


_READERS = {"drivers": _drivers, "segments": _segments, "usage": _usage, "personas": _personas, "customers": _customers}
