"""Notes in the HTML report: beside the theme, quoted comment and persona they are on; the rest (customers,
comments not quoted) in a "Team notes" section with what they are on; every body escaped."""

from __future__ import annotations

import json
import re
from pathlib import Path

from empathic.report.html import render_report
from empathic.team import notes
from empathic.workspace import Workspace


def _section(html: str, start: str, end: str) -> str:
    i = html.index(start)
    j = html.find(end, i + len(start))
    return html[i : j if j > 0 else len(html)]


def test_the_report_shows_notes_where_their_objects_are(planted: Path) -> None:
    with Workspace.open(planted) as ws:
        quoted = ws.store.scalar("SELECT min(feedback_id) FROM feedback_themes WHERE theme_id = 'delivery'")
        text = ws.store.scalar("SELECT text FROM feedback WHERE feedback_id = ?", [quoted])
        with ws.store.write() as con:  # the planted themes carry no quotes: give "delivery" one, and add a persona
            quotes = json.dumps([{"feedback_id": quoted, "sentence_idx": 0, "text": text}])
            con.execute("UPDATE themes SET quotes = ? WHERE theme_id = 'delivery'", [quotes])
            con.execute("INSERT INTO personas VALUES ('p1', 'Anxious trackers', 900, 0.3, 'Watch delivery', '[]', "
                        "'[]', '{}', '{}', '[]', 7.0, now())")  # fmt: skip
        notes.add_note(ws.store, "theme", "delivery", "Carrier switch in May <script>alert(1)</script>", author="ann")
        notes.add_note(ws.store, "comment", quoted, "Typical parcel story, @vic", author="ann")
        notes.add_note(ws.store, "persona", "p1", "Our loudest group", author="ada")
        notes.add_note(ws.store, "customer", "cf00010", "Key account: call before renewal", author="ada")
        notes.add_note(ws.store, "comment", "f00001", "Not in the quotes", author="ann")
        html = render_report(ws.store, ws.settings)
        comment_text = ws.store.scalar("SELECT text FROM feedback WHERE feedback_id = 'f00001'")
    theme = _section(html, "<h3>Late delivery</h3>", "<h3>")
    assert "Carrier switch in May &lt;script&gt;alert(1)&lt;/script&gt;" in theme and "<script>" not in html
    assert "Typical parcel story, @vic" in theme  # beside the quote it is on
    personas = _section(html, "<h2>Personas</h2>", "<h2")
    assert "Our loudest group" in personas
    team = _section(html, '<h2 id="team-notes">Team notes</h2>', "</table>")
    assert "5 notes by the team" in team
    assert re.search(r"customer <b>cf00010</b></td><td>Key account: call before renewal", team)
    assert "Not in the quotes" in team and " ".join(comment_text.split())[:60] in team
    assert "Our loudest group" not in team and "Carrier switch" not in team  # shown beside them, not twice


def test_a_report_without_notes_has_no_notes_section(planted: Path) -> None:
    with Workspace.open(planted) as ws:
        html = render_report(ws.store, ws.settings)
    assert "team-notes" not in html and 'class="note"' not in html
