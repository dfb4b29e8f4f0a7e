"""A workspace with a planted fix: three themes over 240 days of comments, a "fix" on day 120.

- ``delivery``: mentioned by 10 % of comments before day 120 and 3 % after (the fix worked); its comments are
  more negative before (−0.6) than after (−0.2).
- ``colour``: 8 % all along (nothing changed).
- ``crash``: "App crashes", emerging: absent until day 230, then 25 % of comments (intent ``bug``).
- ``sizing``: falls steadily from 25 % to 5 % over the whole span, fix or no fix (a naive before/after comparison
  calls it improved; against its pre-trend it is no change).

Mentions are spread evenly, not drawn at random, so each share is exactly what is planted in every stretch.
Filled through the contract tables, like ``tests/web/fake_workspace.py``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pyarrow as pa

from empathic.workspace import Workspace

N = 3000
DAYS = 240
START = datetime(2025, 1, 1)
FIX_DAY = START.date() + timedelta(days=120)
THEMES = {
    "delivery": "Late delivery",
    "colour": "Colour",
    "sizing": "Sizing",
    "crash": "App crashes",
    "delivery.0": "Lost parcels",
}
EMERGING_FROM = 230  # "crash" appears on this day


def share_of(theme: str, day: float) -> float:
    """The planted share of comments mentioning ``theme`` on ``day`` (0–240)."""
    if theme == "delivery":
        return 0.10 if day < 120 else 0.03
    if theme == "colour":
        return 0.08
    if theme == "crash":
        return 0.25 if day >= EMERGING_FROM else 0.0
    return 0.25 - 0.20 * day / DAYS


def build(path: Path) -> Path:
    """Write the planted workspace to ``path``."""
    rows: dict[str, list] = {"fid": [], "ts": [], "text": [], "sent": []}
    mentions: list[tuple[str, str, int]] = []
    acc = dict.fromkeys(("delivery", "colour", "sizing", "crash"), 0.0)
    for i in range(N):
        day = i * DAYS / N
        fid = f"f{i:05d}"
        parts = []
        for theme in acc:
            before = acc[theme]
            acc[theme] += share_of(theme, day)
            if int(acc[theme]) > int(before):
                mentions.append((fid, theme, 1))
                parts.append(THEMES[theme].lower())
        if any(m[0] == fid and m[1] == "delivery" for m in mentions[-3:]):
            mentions.append((fid, "delivery.0", 2))
        rows["fid"].append(fid)
        rows["ts"].append(START + timedelta(days=day))
        rows["text"].append(f"Comment {i} about {' and '.join(parts) or 'nothing much'}.")
        late = "late delivery" in parts
        rows["sent"].append((-0.6 if day < 120 else -0.2) + 0.1 * (i % 3 - 1) if late else 0.3)
    ws = Workspace.open(path)
    try:
        with ws.store.write() as con:
            con.register("_f", pa.table(rows))
            con.execute("INSERT INTO feedback SELECT fid, 's1', 'c' || fid, text, ts, md5(text), ts FROM _f")
            con.execute(
                "INSERT INTO feedback_feelings SELECT fid, sent, CASE WHEN sent < 0 THEN 'negative' ELSE "
                "'positive' END, 'joy', '{}', 'says_does', CASE WHEN text LIKE '%app crashes%' THEN 'bug' "
                "WHEN text LIKE '%sizing%' THEN 'request' ELSE 'complaint' END, FALSE FROM _f"
            )
            con.unregister("_f")
            for theme_id, label in THEMES.items():
                level, parent = (2, "delivery") if "." in theme_id else (1, None)
                n = sum(1 for m in mentions if m[1] == theme_id)
                status = "emerging" if theme_id == "crash" else "active"
                con.execute(
                    "INSERT INTO themes VALUES (?, ?, ?, ?, ?, ?, ?, FALSE, ?, '[]', '[]', ?, ?)",
                    [theme_id, parent, level, label, n, n, n / N, status, START, START],
                )
            con.executemany("INSERT INTO feedback_themes VALUES (?, ?, ?, TRUE, 1)", mentions)
    finally:
        ws.close()
    return path


def fix_day() -> date:
    """The planted fix day."""
    return FIX_DAY
