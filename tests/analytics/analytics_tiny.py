"""Tiny hand-made workspaces written straight into the store (helpers for the hand-checked tests)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from empathic.store import Store

NOW = datetime(2024, 7, 1)


def tiny_store(path, rows: list[dict], themes: dict[str, str] | None = None) -> Store:
    """rows: dicts with ``id``, ``text``, optional ``date``, ``customer`` (id), ``scores`` {name: (kind, value)},
    ``attrs`` {name: v}, ``themes`` [theme_id, ...] (the first is primary). ``themes`` maps theme_id → label."""
    store = Store(path)
    fb, sc, at, ft = [], [], [], []
    for r in rows:
        fb.append((r["id"], "tiny", r.get("customer"), r.get("text", "text"), r.get("date"), r["id"], NOW))
        for name, (kind, value) in r.get("scores", {}).items():
            top = {"nps": 10.0, "csat": 5.0, "rating": 5.0, "recommend": 1.0}[kind]
            sc.append((r["id"], name, kind, 0.0, top, float(value)))
        for name, value in r.get("attrs", {}).items():
            at.append((r["id"], name, value))
        for i, tid in enumerate(r.get("themes", [])):
            ft.append((r["id"], tid, 1, i == 0, 1))
    frames = {"feedback": fb, "feedback_scores": sc, "feedback_attributes": at, "feedback_themes": ft}
    with store.write() as con:
        for table, data in frames.items():
            if data:
                con.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(data[0]))})", data)
        for tid, label in (themes or {}).items():
            con.execute(
                "INSERT INTO themes VALUES (?, NULL, 1, ?, 0, 0, 0, false, 'active', '[]', '[]', ?, ?)",
                [tid, label, NOW, NOW],
            )
    return store


def frame(store: Store, sql: str) -> pd.DataFrame:
    return store.read_df(sql)
