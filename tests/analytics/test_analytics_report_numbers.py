"""The report of an analysed workspace with small periods and rare themes shows no nan, NaT or inf, and its drivers
section is one score's top themes each way (not every score × theme)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from analytics_tiny import tiny_store

from empathic import Workspace
from empathic.report.html import render_report

MIXED = [10, 9, 9, 8, 7, 6, 3, 10, 9, 5, 8]


def test_report_has_no_nan_and_bounded_drivers(tmp_path):
    rows = []
    for i in range(400):
        themes = [f"t{i % 30}"] if i % 3 else []  # 30 themes, several under the minimum n per period
        day = datetime(2023, 1, 1) + timedelta(days=i * 1.7 if i < 396 else 700 + i % 4)  # a 4-comment last month
        rows.append({"id": f"c{i:03d}", "date": day, "themes": themes,
                     "scores": {"nps": ("nps", MIXED[i % 11]), "csat": ("csat", 1 + i % 5)}})  # fmt: skip
    path = tmp_path / "report.empathic"
    tiny_store(path, rows, {f"t{k}": f"theme {k}" for k in range(30)}).close()
    with Workspace.open(path) as ws:
        ws.analyze(stages=["analytics"])
        html = render_report(ws.store, ws.settings)
        chosen = ws.report(score="csat")
    text = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    assert not re.search(r"\b(nan|NaN|NaT|inf|Infinity)\b", re.sub(r"<[^>]+>", " ", text))
    drivers = html.split("<h2>Drivers</h2>", 1)[1].split("</table>", 1)[0]
    assert drivers.count("<tr><td>") <= 20 and "csat" not in drivers  # main score (NPS), top 10 each way
    picked = chosen.split("<h2>Drivers</h2>", 1)[1].split("</table>", 1)[0]
    assert "<td>csat</td>" in picked and "<td>nps</td>" not in picked  # the score the user picks


def test_drivers_and_trends_show_current_labels_after_an_edit(tmp_path):
    from empathic.report import sections

    rows = [{"id": f"c{i:03d}", "date": datetime(2024, 1, 1) + timedelta(days=i % 120),
             "themes": ["late"] if i % 4 == 0 else ["staff"] if i % 4 == 1 else [],
             "scores": {"nps": ("nps", 1 if i % 4 == 0 else MIXED[i % 11])}} for i in range(400)]  # fmt: skip
    path = tmp_path / "edit.empathic"
    tiny_store(path, rows, {"late": "late delivery", "staff": "staff"}).close()
    with Workspace.open(path) as ws:
        ws.analyze(stages=["analytics"])
        with ws.store.write() as con:  # what a rename and a delete leave behind until the next analysis
            con.execute("UPDATE themes SET label = 'parcel delays' WHERE theme_id = 'late'")
            con.execute("UPDATE themes SET status = 'deleted' WHERE theme_id = 'staff'")
        drivers = sections.drivers(ws.store)
        series = sections.trends(ws.store)["series"]
    assert {r["label"] for r in drivers["impact"]} == {"parcel delays"}
    assert {r["label"] for r in series} == {"parcel delays"}


def test_report_theme_quotes_are_the_themes_own_sentences(tmp_path):
    import json

    from empathic.report.html import report_context

    rows = [{"id": f"c{i}", "text": f"text {i}", "themes": ["ta" if i % 2 else "tb"],
             "scores": {"nps": ("nps", MIXED[i % 11])}} for i in range(12)]  # fmt: skip
    path = tmp_path / "quotes.empathic"
    store = tiny_store(path, rows, {"ta": "seats", "tb": "food"})
    with store.write() as con:
        for i in range(12):
            theme = "ta" if i % 2 else "tb"
            words = "the seat would not recline at all" if theme == "ta" else "the meal was cold and very late"
            con.execute("INSERT INTO sentences VALUES (?, 0, ?, 0, 40)", [f"c{i}", f"{words} ({i})"])
            con.execute("INSERT INTO sentence_themes VALUES (?, 0, ?, NULL, ?)", [f"c{i}", theme, i / 12])
        # the stored quotes of 'seats' point at a 'food' sentence (what an edit can leave behind) and one of its own
        stale = [{"feedback_id": "c0", "sentence_idx": 0, "text": "the meal was cold and very late (0)"},
                 {"feedback_id": "c1", "sentence_idx": 0, "text": "the seat would not recline at all (1)"}]  # fmt: skip
        con.execute("UPDATE themes SET quotes = ? WHERE theme_id = 'ta'", [json.dumps(stale)])
    store.close()
    with Workspace.open(path, read_only=True) as ws:
        themes = {t["theme_id"]: t for t in report_context(ws.store, ws.settings)["themes"]}
    quotes = [q["text"] for q in themes["ta"]["quotes"]]
    assert quotes[0] == "the seat would not recline at all (1)" and len(quotes) == 3  # kept, then topped up
    assert all("seat" in q for q in quotes)  # never the food sentence
    assert all("meal" in q["text"] for q in themes["tb"]["quotes"])


def test_drivers_export_carries_current_theme_labels_and_score_names(tmp_path):
    from empathic.analytics.scores import rename_score
    from empathic.report.export import export_frame

    rows = [{"id": f"c{i:03d}", "themes": ["ta"] if i % 4 == 0 else ["tb"],
             "scores": {"Q1": ("nps", 2 if i % 4 == 0 else MIXED[i % 11])}} for i in range(200)]  # fmt: skip
    path = tmp_path / "export.empathic"
    tiny_store(path, rows, {"ta": "seats", "tb": "food"}).close()
    with Workspace.open(path) as ws:
        ws.analyze(stages=["analytics"])
        rename_score(ws.store, "Q1", "Likelihood to recommend")
        with ws.store.write() as con:  # a rename the stored impacts have not seen
            con.execute("UPDATE themes SET label = 'seat comfort' WHERE theme_id = 'ta'")
        frame = export_frame(ws.store, "drivers").set_index("theme_id")
    assert frame.loc["ta", "label"] == "seat comfort"
    assert set(frame.score_display_name) == {"Likelihood to recommend"} and set(frame.score_name) == {"Q1"}
