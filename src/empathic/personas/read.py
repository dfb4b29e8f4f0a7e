"""The personas area's read function: the stored persona cards, one definition.

The Python API (``ws.personas()``), the CLI (``empathic personas``), the web Personas page, REST and the report all
read the cards through :func:`cards`, so a persona shows the same size, traits and quotes wherever it is shown.
"""

from __future__ import annotations

import json

import pandas as pd

from empathic.store import Store

#: Columns stored as JSON text, parsed on read.
JSON_COLUMNS = ("traits", "top_themes", "feelings", "empathy_map", "quotes")


def cards(store: Store) -> pd.DataFrame:
    """Persona cards, largest first (ties by id), with the JSON columns parsed; empty before the personas stage ran
    (or when it found no customers to group)."""
    if not store.has_table("personas"):
        return pd.DataFrame()
    df = store.read_df("SELECT * FROM personas ORDER BY size DESC, persona_id")
    for col in JSON_COLUMNS:
        if col in df.columns:
            df[col] = df[col].map(lambda v: json.loads(v) if isinstance(v, str) else v)
    return df
