"""Reading the stored theme tree back into :class:`Theme` objects, and turning it into table rows."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa

from empathic.store import Store
from empathic.store.tables import TABLES
from empathic.themes.model import Theme


def now() -> datetime:
    """Naive UTC timestamp (the workspace convention)."""
    return datetime.now(UTC).replace(tzinfo=None)


def load_themes(store: Store) -> list[Theme]:
    """The stored tree (deleted themes included, so ids stay reserved), in stored order; [] if none."""
    rows = store.read(
        """SELECT t.theme_id, t.parent_id, t.level, t.label, t.status, t.keywords, c.dim, c.centroid, c.prototypes,
                  c.origin, c.radius, c.label_locked
           FROM themes t JOIN theme_centroids c USING (theme_id)
           WHERE NOT t.is_other ORDER BY t.level, t.n_comments DESC, t.theme_id"""
    ).to_pylist()
    themes = []
    for r in rows:
        dim = int(r["dim"])
        protos = np.frombuffer(r["prototypes"] or b"", dtype=np.float32).reshape(-1, dim).copy()
        themes.append(
            Theme(
                theme_id=r["theme_id"],
                parent_id=r["parent_id"],
                level=int(r["level"]),
                label=r["label"],
                centroid=np.frombuffer(r["centroid"], dtype=np.float32).copy(),
                prototypes=protos,
                status=r["status"],
                origin=r["origin"] or "discovered",
                radius=float(r["radius"] or 0.0),
                label_locked=bool(r["label_locked"]),
                keywords=json.loads(r["keywords"] or "[]"),
            )
        )
    return tree_order(themes)


def tree_order(themes: list[Theme]) -> list[Theme]:
    """Top-level themes in their given order, each followed by its subthemes."""
    out = []
    for top in [t for t in themes if t.level == 1]:
        out.append(top)
        out.extend(t for t in themes if t.parent_id == top.theme_id and t.level == 2)
    placed = {t.theme_id for t in out}
    out.extend(t for t in themes if t.theme_id not in placed)
    return out


def centroid_rows(themes: list[Theme], model: str) -> pa.Table:
    """``theme_centroids`` rows for every theme."""
    return pa.table(
        {
            "theme_id": [t.theme_id for t in themes],
            "level": [t.level for t in themes],
            "model": [model] * len(themes),
            "dim": [int(t.centroid.shape[0]) for t in themes],
            "centroid": [t.centroid.astype(np.float32).tobytes() for t in themes],
            "origin": [t.origin for t in themes],
            "prototypes": [t.prototypes.astype(np.float32).tobytes() for t in themes],
            "radius": [float(t.radius) for t in themes],
            "label_locked": [t.label_locked for t in themes],
        },
        schema=TABLES["theme_centroids"].arrow_schema(),
    )
