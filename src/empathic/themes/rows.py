"""Building the ``themes`` table rows: counts, shares, keywords and quotes per theme (plus the "other" theme)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

import numpy as np
import pyarrow as pa

from empathic.store.tables import TABLES
from empathic.themes.assign import Assignment
from empathic.themes.labels import phrase_scores, pick_quotes
from empathic.themes.model import OTHER_ID, OTHER_LABEL, Theme, children, normalise
from empathic.themes.settings import ThemesSettings

THEMES_SCHEMA = pa.schema([*TABLES["themes"].arrow_schema(), ("summary", pa.string())])  # summary: theme_summaries
#: A summary line longer than this is cut at a word boundary and ends with "…".
SUMMARY_CHARS = 140


def summary_line(text: str, *, limit: int = SUMMARY_CHARS) -> str:
    """One line for a theme: its most central quote, whitespace folded, cut at a word boundary to ``limit``."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-")
    return cut + "…"


def _positions(themes: list[Theme], result: Assignment) -> dict[str, np.ndarray]:
    """Unique-text positions held by every theme (a top-level theme holds its subthemes' units too)."""
    leaf_pos = {tid: np.flatnonzero(result.leaf == i) for i, tid in enumerate(result.leaf_ids)}
    for p, tid, _ in result.extra:
        leaf_pos[tid] = np.append(leaf_pos.get(tid, np.zeros(0, np.int64)), p)
    out = {}
    for t in themes:
        parts = [leaf_pos.get(t.theme_id, np.zeros(0, np.int64))]
        parts += [leaf_pos.get(c.theme_id, np.zeros(0, np.int64)) for c in children(themes, t.theme_id)]
        out[t.theme_id] = np.unique(np.concatenate(parts))
    out[OTHER_ID] = np.flatnonzero(result.leaf < 0)
    return out


class _Taken(Sequence):
    """``texts[positions]`` read on demand: quotes look at a few dozen texts of a theme that may hold 100k."""

    def __init__(self, texts: Sequence[str], positions: np.ndarray) -> None:
        self._texts, self._positions = texts, positions

    def __len__(self) -> int:
        return len(self._positions)

    def __getitem__(self, i):
        return self._texts[self._positions[i]]


def theme_table(
    con, themes, uniq, vectors, units, pos, result, ts: ThemesSettings, created, stamp: datetime
) -> pa.Table:
    """Rows of the ``themes`` table (tree order, then "other"), reading the registered ``st``/``ft`` tables."""
    total = con.execute("SELECT count(DISTINCT feedback_id) FROM st").fetchone()[0] or 1
    n_comments = dict(con.execute("SELECT theme_id, count(*) FROM ft GROUP BY theme_id").fetchall())
    n_sent = dict(con.execute("SELECT theme_id, count(*) FROM st GROUP BY theme_id").fetchall())
    n_sent.update(
        con.execute("SELECT subtheme_id, count(*) FROM st WHERE subtheme_id IS NOT NULL GROUP BY ALL").fetchall()
    )
    _, first_unit = np.unique(pos, return_index=True)
    fids, idxs = units.column("feedback_id"), units.column("sentence_idx")
    n_words = np.fromiter((len(t.split()) for t in uniq), dtype=np.int64, count=len(uniq))
    held = _positions(themes, result)
    other_pos = held[OTHER_ID]
    other_kw = (
        [p for p, _ in phrase_scores([[uniq[i] for i in other_pos[:3000]]])[0][: ts.n_keywords]]
        if len(other_pos)
        else []
    )
    other = Theme(
        OTHER_ID,
        None,
        1,
        OTHER_LABEL,
        normalise(vectors[other_pos].mean(axis=0)) if len(other_pos) else np.zeros(vectors.shape[1], np.float32),
        np.zeros((0, vectors.shape[1]), np.float32),
        keywords=other_kw,
    )
    rows = []
    for t in [*themes, other]:
        p = held.get(t.theme_id, np.zeros(0, np.int64))
        quotes = []
        if len(p) and t.alive:
            for q in pick_quotes(vectors[p], t.centroid, _Taken(uniq, p), n=ts.n_quotes, n_words=n_words[p]):
                u = first_unit[p[q]]
                quotes.append({"feedback_id": fids[u].as_py(), "sentence_idx": idxs[u].as_py(), "text": uniq[p[q]]})
        alive = t.alive
        nc = int(n_comments.get(t.theme_id, 0)) if alive else 0
        rows.append(
            {
                "theme_id": t.theme_id,
                "parent_id": t.parent_id,
                "level": t.level,
                "label": t.label,
                "n_comments": nc,
                "n_sentences": int(n_sent.get(t.theme_id, 0)) if alive else 0,
                "share": nc / total,
                "is_other": t is other,
                "status": t.status,
                "keywords": json.dumps(t.keywords),
                "quotes": json.dumps(quotes),
                "created_at": created.get(t.theme_id, stamp),
                "updated_at": stamp,
                # quotes[0] is the most typical unit of a usable length (pick_quotes: typicality first)
                "summary": summary_line(quotes[0]["text"]) if quotes else None,
            }
        )
    return pa.Table.from_pylist(rows, schema=THEMES_SCHEMA)
