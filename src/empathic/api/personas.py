"""Notebook methods of the personas area, mixed into :class:`empathic.Workspace`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from empathic.errors import InputError, StageError

if TYPE_CHECKING:
    from empathic.config import Settings
    from empathic.store import Store


class PersonasAPI:
    """Mixin: personas results as pandas DataFrames. Uses self.store and self.settings."""

    store: Store
    settings: Settings

    def personas(self) -> pd.DataFrame:
        """Persona cards, largest first; JSON columns (traits, top_themes, feelings, empathy_map, quotes) parsed."""
        from empathic.personas.read import cards

        df = cards(self.store)
        if df.empty:
            raise StageError(
                "no personas yet",
                hint="run: empathic analyze WORKSPACE (personas need customers "
                "with usage, attributes or linked feedback)",
            )
        return df

    def persona(self, persona_id: str) -> dict[str, Any]:
        """One persona card as a dict (see :meth:`personas`)."""
        df = self.personas()
        hit = df[df["persona_id"] == persona_id]
        if hit.empty:
            raise InputError(f"no persona {persona_id!r}", hint=f"choose one of: {', '.join(df['persona_id'])}")
        return hit.iloc[0].to_dict()

    def customer_personas(self) -> pd.DataFrame:
        """customer_id → persona_id (and distance to the persona's centre)."""
        return self.store.read_df(
            "SELECT cp.*, p.name AS persona FROM customer_personas cp JOIN personas p USING (persona_id) "
            "ORDER BY customer_id"
        )
