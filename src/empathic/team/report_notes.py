"""Notes as the HTML report shows them: beside the theme, quote (comment) or persona they are on, and in one "Team
notes" section for the rest (comments and customers the report does not show, themes outside its top list).

Kept here, not in ``report/``: the report only asks for :func:`notes_for_report` and includes the
``report_notes.html`` macros. Bodies stay raw; the report's Jinja2 environment escapes them.
"""

from __future__ import annotations

from typing import Any

from empathic.store import Store
from empathic.team import notes


def notes_for_report(store: Store, report: dict[str, Any] | None = None) -> dict[str, Any]:
    """``{"by": {kind: {object_id: [note, …]}}, "rest": [note, …], "n": int}``, oldest first.

    ``report`` is the report's context: notes on the themes, quoted comments and personas it shows go in ``by``
    (shown beside them); the others — customers, and objects the report does not show — go in ``rest``, each with
    a ``subject``: the theme's label, the comment's text (cut to 200 characters) or the persona's name.
    """
    table = notes.notes(store)
    if table.empty:
        return {"by": {}, "rest": [], "n": 0}
    records = [notes.note_record(r) for _, r in table.iloc[::-1].iterrows()]
    subjects = _subjects(store, records)
    shown = _shown(report or {})
    by: dict[str, dict[str, list[dict[str, Any]]]] = {}
    rest = []
    for n in records:
        n["subject"] = subjects.get((n["object_kind"], n["object_id"]), n["object_id"])
        if n["object_id"] in shown.get(n["object_kind"], set()):
            by.setdefault(n["object_kind"], {}).setdefault(n["object_id"], []).append(n)
        else:
            rest.append(n)
    return {"by": by, "rest": rest, "n": len(records)}


def _shown(report: dict[str, Any]) -> dict[str, set[str]]:
    """The ids of the themes, quoted comments and personas a report context shows."""
    themes = report.get("themes") or []
    quotes = [q for t in themes for q in t.get("quotes") or [] if isinstance(q, dict)]
    return {
        "theme": {str(t["theme_id"]) for t in themes},
        "comment": {str(q["feedback_id"]) for q in quotes if q.get("feedback_id") is not None},
        "persona": {str(p["persona_id"]) for p in report.get("personas") or [] if p.get("persona_id") is not None},
    }


def _subjects(store: Store, records: list[dict[str, Any]]) -> dict[tuple[str, str], str]:
    """What each note is on, in words a reader of the report recognises."""
    out: dict[tuple[str, str], str] = {}
    themes = sorted({n["object_id"] for n in records if n["object_kind"] == "theme"})
    if themes and store.has_table("themes"):
        sql = "SELECT theme_id, label FROM themes WHERE list_contains(?, theme_id)"
        for r in store.read_df(sql, [themes]).itertuples():
            out[("theme", str(r.theme_id))] = str(r.label or r.theme_id)
    comments = sorted({n["object_id"] for n in records if n["object_kind"] == "comment"})
    if comments:
        sql = "SELECT feedback_id, text FROM feedback WHERE list_contains(?, feedback_id)"
        for r in store.read_df(sql, [comments]).itertuples():
            text = " ".join(str(r.text).split())
            out[("comment", str(r.feedback_id))] = text if len(text) <= 200 else text[:199] + "…"
    if store.has_table("personas"):
        personas = sorted({n["object_id"] for n in records if n["object_kind"] == "persona"})
        if personas:
            sql = "SELECT persona_id, name FROM personas WHERE list_contains(?, persona_id)"
            for r in store.read_df(sql, [personas]).itertuples():
                out[("persona", str(r.persona_id))] = str(r.name)
    return out
