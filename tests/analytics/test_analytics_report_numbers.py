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
        html = render_report(ws)
        chosen = ws.report(score="csat")
    text = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    assert not re.search(r"\b(nan|NaN|NaT|inf|Infinity)\b", re.sub(r"<[^>]+>", " ", text))
    drivers = html.split("<h2>Drivers</h2>", 1)[1].split("</table>", 1)[0]
    assert drivers.count("<tr><td>") <= 20 and "csat" not in drivers  # main score (NPS), top 10 each way
    picked = chosen.split("<h2>Drivers</h2>", 1)[1].split("</table>", 1)[0]
    assert "<td>csat</td>" in picked and "<td>nps</td>" not in picked  # the score the user picks
