"""Verbatims: filtered, paginated comments with the spans to highlight.

Highlights are returned as *segments* ``[{"text": ..., "mark": bool}, ...]`` covering the whole comment, so a
renderer can wrap marked parts in ``<mark>`` while escaping every piece — nothing is ever built as raw HTML.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from empathic.errors import InputError
from empathic.report.views import has_data, rows

if TYPE_CHECKING:
    from empathic.store import Store

SENTIMENTS = ("negative", "neutral", "positive", "mixed")


def segments(text: str, spans: list[tuple[int, int]]) -> list[dict[str, Any]]:
    """Split ``text`` into marked/unmarked pieces; ``spans`` are (start, end) character offsets, may overlap."""
    merged: list[list[int]] = []
    for start, end in sorted((max(0, s), min(len(text), e)) for s, e in spans):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out: list[dict[str, Any]] = []
    pos = 0
    for start, end in merged:
        if start > pos:
            out.append({"text": text[pos:start], "mark": False})
        out.append({"text": text[start:end], "mark": True})
        pos = end
    if pos < len(text) or not out:
        out.append({"text": text[pos:], "mark": False})
    return out


def query_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Case-insensitive occurrences of each word of ``query`` (2+ characters) in ``text``."""
    words = [w for w in re.findall(r"\w+", query or "") if len(w) >= 2]
    spans: list[tuple[int, int]] = []
    for word in words:
        spans.extend((m.start(), m.end()) for m in re.finditer(re.escape(word), text, flags=re.IGNORECASE))
    return spans


def verbatims(
    store: Store,
    *,
    theme_id: str | None = None,
    q: str | None = None,
    sentiment: str | None = None,
    page: int = 1,
    page_size: int = 25,
) -> dict[str, Any]:
    """One page of comments matching the filters, newest first, with highlight segments.

    Returns ``{"total", "page", "page_size", "pages", "items": [{feedback_id, created_at, text, segments,
    sentiment_label, themes, scores}]}``; ``scores`` = ``[{name, value}]`` under their display names. Comments
    without text (a score-only response) are not verbatims and are left out.
    """
    if sentiment and sentiment not in SENTIMENTS:
        raise InputError(f"unknown sentiment {sentiment!r}", hint=f"choose one of: {', '.join(SENTIMENTS)}")
    page, page_size = max(1, int(page)), max(1, min(200, int(page_size)))
    has_feelings = has_data(store, "feedback_feelings")
    has_themes = has_data(store, "feedback_themes", "themes")
    where, params = ["nullif(trim(f.text), '') IS NOT NULL"], []
    if theme_id:
        if not has_themes:
            return _empty(page, page_size)
        where.append("f.feedback_id IN (SELECT feedback_id FROM feedback_themes WHERE theme_id = ?)")
        params.append(theme_id)
    if q:
        where.append("f.text ILIKE ?")
        params.append("%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
        where[-1] += " ESCAPE '\\'"
    if sentiment:
        if not has_feelings:
            return _empty(page, page_size)
        where.append("f.feedback_id IN (SELECT feedback_id FROM feedback_feelings WHERE sentiment_label = ?)")
        params.append(sentiment)
    clause = " AND ".join(where)
    total = int(store.scalar(f"SELECT count(*) FROM feedback f WHERE {clause}", params) or 0)
    feel_cols = "ff.sentiment, ff.sentiment_label" if has_feelings else "NULL AS sentiment, NULL AS sentiment_label"
    feel_join = "LEFT JOIN feedback_feelings ff USING (feedback_id)" if has_feelings else ""
    items = rows(
        store,
        f"SELECT f.feedback_id, f.created_at, f.customer_id, f.text, {feel_cols} FROM feedback f {feel_join} "
        f"WHERE {clause} ORDER BY f.created_at DESC NULLS LAST, f.feedback_id LIMIT ? OFFSET ?",
        [*params, page_size, (page - 1) * page_size],
    )
    _attach_themes(store, items, has_themes)
    _attach_scores(store, items)
    _attach_segments(store, items, theme_id if has_themes else None, q)
    return {
        "total": total,
        "page": page,
        "page_size": page_size,
        "pages": max(1, -(-total // page_size)),
        "items": items,
    }


def _empty(page: int, page_size: int) -> dict[str, Any]:
    return {"total": 0, "page": page, "page_size": page_size, "pages": 1, "items": []}


def _attach_themes(store: Store, items: list[dict[str, Any]], has_themes: bool) -> None:
    for item in items:
        item["themes"] = []
    if not has_themes or not items:
        return
    ids = [i["feedback_id"] for i in items]
    found = rows(
        store,
        "SELECT ft.feedback_id, t.theme_id, t.label FROM feedback_themes ft JOIN themes t USING (theme_id) "
        "WHERE ft.feedback_id IN (SELECT unnest(?)) AND t.level = 1 ORDER BY ft.is_primary DESC, t.label",
        [ids],
    )
    by_id = {i["feedback_id"]: i for i in items}
    for r in found:
        by_id[r["feedback_id"]]["themes"].append({"theme_id": r["theme_id"], "label": r["label"]})


def _attach_scores(store: Store, items: list[dict[str, Any]]) -> None:
    """Each comment's answers to the score questions, named as the user named them (``scores rename``)."""
    from empathic.analytics.scores import display_names

    for item in items:
        item["scores"] = []
    if not items:
        return
    names = display_names(store)
    found = rows(
        store,
        "SELECT feedback_id, name, value FROM feedback_scores WHERE feedback_id IN (SELECT unnest(?)) "
        "AND value IS NOT NULL ORDER BY feedback_id, name",
        [[i["feedback_id"] for i in items]],
    )
    by_id = {i["feedback_id"]: i for i in items}
    for r in found:
        by_id[r["feedback_id"]]["scores"].append({"name": names.get(r["name"], r["name"]), "value": r["value"]})


def _attach_segments(store: Store, items: list[dict[str, Any]], theme_id: str | None, q: str | None) -> None:
    spans: dict[str, list[tuple[int, int]]] = {i["feedback_id"]: [] for i in items}
    if theme_id and items:
        found = rows(
            store,
            "SELECT s.feedback_id, s.char_start, s.char_end FROM sentence_themes st JOIN sentences s "
            "USING (feedback_id, sentence_idx) WHERE (st.theme_id = ? OR st.subtheme_id = ?) "
            "AND st.feedback_id IN (SELECT unnest(?))",
            [theme_id, theme_id, list(spans)],
        )
        for r in found:
            spans[r["feedback_id"]].append((int(r["char_start"]), int(r["char_end"])))
    for item in items:
        text = item["text"] or ""
        item["segments"] = segments(text, spans[item["feedback_id"]] + query_spans(text, q or ""))
