"""What the driver fits once and ships to every executor: the theme tree and the map into its vector space.

Theme discovery runs on the driver over a deterministic, bounded sample (the summary workspace, analysed by the
ordinary local pipeline), so the driver's cost does not grow with the corpus. Executors then assign every unit to
those themes with the themes stage's fast path: static sums of the aspect text, a ridge map fitted on the sample
into MiniLM's space, the comment's own vector mixed in (``themes.context_weight``), nearest prototype.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from empathic.config import Settings
from empathic.store import Store
from empathic.text.embed import get_embedder
from empathic.themes.aspect import entity_words, vector_and_label_texts
from empathic.themes.embedding import fit_mapping, normalise_rows
from empathic.themes.model import Theme, theme_texts
from empathic.themes.persist import load_themes

#: At most this many sample units are embedded by MiniLM on the driver to fit the map (bounded driver cost).
MAPPING_UNITS = 4_000


@dataclass(frozen=True)
class ThemeModel:
    """The fitted, picklable state every executor needs to assign units to themes (a few MB)."""

    themes: list[Theme]
    mapping: np.ndarray  # (static_dim + 1, minilm_dim) ridge weights
    places: list[str]
    names: list[str]
    min_similarity: float
    guided_similarity: float
    context_weight: float

    def labels(self) -> dict[str, str]:
        """Theme id → label of every alive theme and subtheme."""
        return {t.theme_id: t.label for t in self.themes if t.alive}


def meaning_texts(texts: list[str], places: list[str], names: list[str]) -> list[str]:
    """The aspect texts units are embedded from (as the themes stage does: no handles, judgements or places)."""
    return vector_and_label_texts(theme_texts(texts), places, names)[0]


def fit_theme_model(store: Store, settings: Settings) -> ThemeModel:
    """The theme model of an analysed (sample) workspace: its themes, and the static → MiniLM map fitted on its
    units (evenly spaced, at most ``MAPPING_UNITS``)."""
    texts = [
        " ".join((t or "").split())
        for t in store.read("SELECT DISTINCT text FROM sentences ORDER BY text").column("text").to_pylist()
    ]
    names, places = entity_words(texts)
    meaning = meaning_texts(texts, places, names)
    chosen = meaning[:: max(1, len(meaning) // MAPPING_UNITS)][:MAPPING_UNITS]
    static = normalise_rows(get_embedder("fast-minilm").sums(chosen).astype(np.float32))
    accurate = get_embedder("accurate").embed(chosen)
    ts = settings.themes
    return ThemeModel(
        themes=load_themes(store),
        mapping=fit_mapping(static, accurate),
        places=places,
        names=names,
        min_similarity=ts.min_similarity,
        guided_similarity=ts.guided_similarity,
        context_weight=ts.context_weight,
    )
