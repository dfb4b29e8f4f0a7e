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
    from empathic.workspace import Workspace

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


DRIVERS_EXPORT = (
    "SELECT i.* REPLACE (coalesce(t.label, i.label) AS label), coalesce(sl.display_name, i.score_name) AS "
    "score_display_name FROM theme_impact i LEFT JOIN themes t USING (theme_id) LEFT JOIN score_labels sl "
    "USING (score_name) ORDER BY i.score_name, i.impact, i.theme_id"
)
DRIVERS_EXPORT_UNNAMED = (
    "SELECT i.* REPLACE (coalesce(t.label, i.label) AS label), i.score_name AS score_display_name "
    "FROM theme_impact i LEFT JOIN themes t USING (theme_id) ORDER BY i.score_name, i.impact, i.theme_id"
)


def export_frame(ws: Workspace, what: str) -> pd.DataFrame:
    """The table behind one export (raw values)."""
    if what not in WHATS + MORE_WHATS:
        raise InputError(f"unknown export {what!r}", hint=f"choose one of: {', '.join(WHATS + MORE_WHATS)}")
    if what == "comments":
        return _comments(ws)
    if what in _READERS:
        return _READERS[what](ws)
    table, order = {
        "themes": ("themes", "level, n_comments DESC, theme_id"),
        "drivers": ("theme_impact", "score_name, impact, theme_id"),
    }[what]
    if ws.store.count(table) == 0:
        raise StageError(f"nothing to export: {what} not analysed yet", hint="run `empathic analyze WORKSPACE` first")
    if what == "drivers":  # the theme's current label and the score's display name next to their ids
        return ws.store.read_df(DRIVERS_EXPORT if ws.store.has_table("score_labels") else DRIVERS_EXPORT_UNNAMED)
    return ws.store.read_df(f"SELECT * FROM {table} ORDER BY {order}")


def _comments(ws: Workspace) -> pd.DataFrame:
    """``ws.comments()`` when the installation has it, else feedback with the contract annotations joined here."""
    method = getattr(ws, "comments", None)
    if callable(method):
        return method()
    has_themes = ws.store.count("feedback_themes") > 0
    has_feelings = ws.store.count("feedback_feelings") > 0
    themes = (
        "LEFT JOIN (SELECT ft.feedback_id, string_agg(t.label, ';' ORDER BY t.label) AS themes, "
        "string_agg(t.theme_id, ';' ORDER BY t.label) AS theme_ids, "
        "any_value(t.theme_id) FILTER (WHERE ft.is_primary) AS primary_theme_id, "
        "any_value(t.label) FILTER (WHERE ft.is_primary) AS primary_theme FROM feedback_themes ft "
        "JOIN themes t USING (theme_id) WHERE t.level = 1 GROUP BY 1) th USING (feedback_id)"
        if has_themes
        else ""
    )
    theme_cols = (
        "th.primary_theme_id, th.primary_theme, th.themes, th.theme_ids"
        if has_themes
        else ("NULL AS primary_theme_id, NULL AS primary_theme, NULL AS themes, NULL AS theme_ids")
    )
    feel = "LEFT JOIN feedback_feelings ff USING (feedback_id)" if has_feelings else ""
    feel_cols = (
        "ff.sentiment, ff.sentiment_label, ff.emotions, ff.empathy_quadrants, ff.intent"
        if has_feelings
        else "NULL AS sentiment, NULL AS sentiment_label, NULL AS emotions, NULL AS empathy_quadrants, NULL AS intent"
    )
    return ws.store.read_df(
        f"SELECT f.*, {theme_cols}, {feel_cols} FROM feedback f {themes} {feel} ORDER BY f.feedback_id"
    )


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


def export(ws: Workspace, what: str, path: str | Path, *, fmt: str | None = None) -> int:
    """Export ``what`` (comments/themes/drivers/segments) to ``path``; returns the number of rows written."""
    chosen = format_for(path, fmt)
    frame = export_frame(ws, what)
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
def _need(ws: Workspace, table: str, what: str, stage: str = "analyze") -> None:
    if not ws.store.has_table(table) or ws.store.count(table) == 0:
        raise StageError(f"nothing to export: {what} not analysed yet", hint=f"run `empathic {stage} WORKSPACE` first")


def _segments(ws: Workspace) -> pd.DataFrame:
    """Segment differences with the theme's label next to its id."""
    _need(ws, "segment_differences", "segments")
    return ws.store.read_df(
        "SELECT d.* EXCLUDE (theme_id), d.theme_id, t.label AS theme_label FROM segment_differences d "
        "LEFT JOIN themes t USING (theme_id) ORDER BY attribute, segment, metric, theme_id, score_name"
    )


def _usage(ws: Workspace) -> pd.DataFrame:
    """One row per customer: events, sessions, time used, tenure, status (the usage stage's customer table)."""
    _need(ws, "usage_customers", "usage (needs events)")
    return ws.store.read_df("SELECT * FROM usage_customers ORDER BY customer_id")


def _personas(ws: Workspace) -> pd.DataFrame:
    """One row per persona (traits, themes, empathy map as JSON text) with its number of customers."""
    _need(ws, "personas", "personas")
    return ws.store.read_df(
        "SELECT p.persona_id, p.name, p.size, p.share, p.score, p.description, CAST(p.traits AS VARCHAR) AS traits, "
        "CAST(p.top_themes AS VARCHAR) AS top_themes, CAST(p.feelings AS VARCHAR) AS feelings, "
        "CAST(p.empathy_map AS VARCHAR) AS empathy_map, CAST(p.quotes AS VARCHAR) AS quotes FROM personas p "
        "ORDER BY p.size DESC, p.persona_id"
    )


def _customers(ws: Workspace) -> pd.DataFrame:
    """One row per known customer (from the customers file or the comments): comment count, last comment, persona
    id and name, usage status — and one column per customer attribute."""
    ids = "SELECT customer_id FROM customers UNION SELECT customer_id FROM feedback WHERE customer_id IS NOT NULL"
    if not ws.store.scalar(f"SELECT count(*) FROM ({ids})"):
        raise StageError("nothing to export: no customers", hint="ingest a customers file or comments with customer=")
    persona = (
        "LEFT JOIN (SELECT cp.customer_id, cp.persona_id, p.name AS persona FROM customer_personas cp "
        "JOIN personas p USING (persona_id)) cp USING (customer_id)"
        if ws.store.count("customer_personas")
        else "LEFT JOIN (SELECT NULL::VARCHAR AS customer_id, NULL::VARCHAR AS persona_id, "
        "NULL::VARCHAR AS persona) cp USING (customer_id)"
    )
    usage = (
        "LEFT JOIN (SELECT customer_id, status AS usage_status FROM usage_customers) u USING (customer_id)"
        if ws.store.count("usage_customers")
        else "LEFT JOIN (SELECT NULL::VARCHAR AS customer_id, NULL::VARCHAR AS usage_status) u USING (customer_id)"
    )
    base = ws.store.read_df(
        f"WITH ids AS ({ids}), fb AS (SELECT customer_id, count(*) AS n_comments, max(created_at) AS last_comment "
        "FROM feedback WHERE customer_id IS NOT NULL GROUP BY 1) "
        f"SELECT ids.customer_id, coalesce(fb.n_comments, 0) AS n_comments, fb.last_comment, cp.persona_id, "
        f"cp.persona, u.usage_status FROM ids LEFT JOIN fb USING (customer_id) {persona} {usage} "
        "ORDER BY ids.customer_id"
    )
    attributes = ws.store.read_df("SELECT customer_id, name, value FROM customer_attributes")
    if attributes.empty:
        return base
    wide = attributes.pivot_table(index="customer_id", columns="name", values="value", aggfunc="first")
    wide.columns = [f"attr_{c}" for c in wide.columns]
    return base.merge(wide.reset_index(), on="customer_id", how="left")


_READERS = {"segments": _segments, "usage": _usage, "personas": _personas, "customers": _customers}
