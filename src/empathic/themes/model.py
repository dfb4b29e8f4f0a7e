"""The theme tree as plain data: what discovery produces, edits change, assignment uses and the store keeps."""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field

import numpy as np

from empathic.text.cache import text_hash  # noqa: F401 - the one text hash, imported from here by the themes modules
from empathic.text.sentences import LINK_OR_HANDLE

OTHER_ID = "other"
OTHER_LABEL = "other"


@dataclass
class Theme:
    """One theme (level 1) or subtheme (level 2).

    Attributes:
        theme_id: stable id (kept across runs by matching centroids).
        parent_id: the top-level theme of a subtheme, else None.
        level: 1 or 2.
        label: short phrase from the comments (or the user's name for it).
        centroid: float32 (dim,), L2-normalised; used to match themes across runs.
        prototypes: float32 (m, dim); units are assigned to the theme owning their nearest prototype. Empty for a
            top-level theme that only groups subthemes.
        status: ``active`` | ``emerging`` | ``deleted``.
        origin: ``discovered`` | ``guided`` | ``emerging`` | ``split`` | ``merged``.
        radius: a typical member's similarity to the centroid (10th percentile); new units below it "do not fit".
        label_locked: the user named it; never relabel.
        keywords: top phrases.
    """

    theme_id: str
    parent_id: str | None
    level: int
    label: str
    centroid: np.ndarray
    prototypes: np.ndarray
    status: str = "active"
    origin: str = "discovered"
    radius: float = 0.0
    label_locked: bool = False
    keywords: list[str] = field(default_factory=list)

    @property
    def alive(self) -> bool:
        """Not deleted."""
        return self.status != "deleted"


def stable_id(*parts: str) -> str:
    """A short deterministic id from its ingredients (``t`` + 10 hex digits of sha1)."""
    return "t" + hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:10]


def unique_id(theme_id: str, taken: set[str]) -> str:
    """``theme_id``, or a deterministic variant of it not in ``taken`` (repeated texts such as "thank you" can give
    two new themes the same typical-text id); the result is added to ``taken``."""
    while theme_id in taken:
        theme_id = stable_id(theme_id, "again")
    taken.add(theme_id)
    return theme_id


_TICKET_NUMBER = re.compile(r"\b[A-Za-z]{0,3}\d{3,}\b")
#: Anything :func:`theme_text` would change: a link, a handle, an HTML entity, a hashtag, three digits in a row.
_STRIPPABLE = re.compile(r"https?://|www\.|@\w|&#?\w+;|#|\d{3}")


def theme_text(text: str) -> str:
    """The text a unit's *theme vector* should be computed from: without @handles, URLs and ticket/flight numbers.

    Tweets open with the company's handle ("@united ..."); embedded raw, whole-text MiniLM clusters of the airline
    tweets agree more with the airline (NMI 0.33) than with the complaint (0.17); stripped, KMeans on the same
    9,178 tweets goes from NMI 0.182 to 0.237 (see docs/bench/themes.md). Hashtags keep their word; HTML entities
    ("&amp;") are decoded. Display text (labels, quotes) stays raw. Returns the stripped text, or the original
    when nothing would be left.
    """
    if not _STRIPPABLE.search(text):  # most units: nothing to strip (whitespace is normalised by the caller)
        return text
    stripped = _TICKET_NUMBER.sub(" ", LINK_OR_HANDLE.sub(" ", html.unescape(text))).replace("#", " ")
    stripped = " ".join(stripped.split())
    return stripped or text


def theme_texts(texts: list[str]) -> list[str]:
    """:func:`theme_text` of many texts: one vectorised scan (polars) finds the few that need it (15k of 233k units)."""
    import polars as pl

    flagged = pl.Series(texts, dtype=pl.String).str.contains(_STRIPPABLE.pattern).fill_null(False).to_numpy()
    return [theme_text(t) if f else t for t, f in zip(texts, flagged, strict=True)]


def normalise(v: np.ndarray) -> np.ndarray:
    """Rows (or a vector) scaled to unit length, as float32."""
    v = np.asarray(v, dtype=np.float32)
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return (v / np.clip(n, 1e-12, None)).astype(np.float32)


def children(themes: list[Theme], theme_id: str) -> list[Theme]:
    """Alive subthemes of a theme."""
    return [t for t in themes if t.parent_id == theme_id and t.alive]


def leaves(themes: list[Theme]) -> list[Theme]:
    """Alive themes that own prototypes (the ones units are assigned to), in tree order."""
    return [t for t in themes if t.alive and len(t.prototypes)]


def find(themes: list[Theme], theme_id: str) -> Theme | None:
    """The theme with that id (alive or not), or None."""
    return next((t for t in themes if t.theme_id == theme_id), None)


def refresh_parent_centroids(themes: list[Theme]) -> None:
    """A top-level theme's centroid = mean of its own prototypes and its subthemes' centroids."""
    for t in themes:
        if t.level != 1 or not t.alive:
            continue
        parts = [c.centroid for c in children(themes, t.theme_id)] + list(t.prototypes)
        if parts:
            t.centroid = normalise(np.mean(parts, axis=0))
