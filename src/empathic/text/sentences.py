"""Split comments into sentences and contrast clauses.

Themes and feelings annotate *units*, not whole comments, so a comment about price **and** delivery can carry both
themes, and "love the fabric but it runs small" gets a positive mention of fabric and a negative one of sizing.
A unit is a sentence, further cut at contrast words ("but", "however", "although", "though", "except") when both
sides are long enough to stand alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import pyarrow as pa

from empathic.store.tables import TABLES

SENTENCE_END = re.compile(r"(?<=[.!?…])[\"')\]]*\s+|\s*[\r\n]+\s*|(?<=;)\s+|\s+(?=[•·])")
CONTRAST = re.compile(
    r"(?:,\s*|\s+)(?=(?:but|however|although|though|except|whereas|yet)\b)|\s+-\s+(?=\w)",
    re.IGNORECASE,
)
#: Substrings without which ``CONTRAST`` cannot match (a cheap test before the regex).
CONTRAST_CUES = ("but", "however", "though", "except", "whereas", "yet", "-")
WORD = re.compile(r"\w+", re.UNICODE)
#: Links and @handles: not words of the unit ("https://t.co/x1" alone is not a sentence), nor of a theme's meaning.
LINK_OR_HANDLE = re.compile(r"https?://\S+|www\.\S+|@\w+")

#: A clause shorter than this many words is merged back into its neighbour.
MIN_CLAUSE_WORDS = 3

SENTENCES_SCHEMA = TABLES["sentences"].arrow_schema()


def _spans(text: str, pattern: re.Pattern[str], start: int, end: int) -> list[tuple[int, int]]:
    """Cut ``text[start:end]`` at the matches of ``pattern``; returns trimmed (start, end) spans."""
    spans = []
    pos = start
    for m in pattern.finditer(text, start, end):
        if m.start() > pos:
            spans.append((pos, m.start()))
        pos = max(pos, m.end())
    if pos < end:
        spans.append((pos, end))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def _n_words(fragment: str) -> int:
    """Words of a fragment, links and @handles not counted."""
    if "@" in fragment or "http" in fragment or "www." in fragment:
        fragment = LINK_OR_HANDLE.sub(" ", fragment)
    return len(WORD.findall(fragment))


def _merge_short(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge spans with fewer than MIN_CLAUSE_WORDS words into the previous (or next) span."""
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        short = _n_words(text[s:e]) < MIN_CLAUSE_WORDS
        if merged and (short or _n_words(text[merged[-1][0] : merged[-1][1]]) < MIN_CLAUSE_WORDS):
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def split_units(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentence/clause units of one comment (empty list for blank text)."""
    if not text or not text.strip():
        return []
    units: list[tuple[int, int]] = []
    for s, e in _merge_short(text, _spans(text, SENTENCE_END, 0, len(text))):
        lowered = text[s:e].lower()
        if any(cue in lowered for cue in CONTRAST_CUES):
            units.extend(_merge_short(text, _spans(text, CONTRAST, s, e)))
        else:  # no contrast word: the sentence is one unit (most sentences; skips the clause regex)
            units.append((s, e))
    return units


def iter_sentences(rows: Iterable[tuple[str, str]]) -> Iterator[tuple[str, int, str, int, int]]:
    """Yield ``(feedback_id, sentence_idx, text, char_start, char_end)`` for ``(feedback_id, text)`` rows."""
    for feedback_id, text in rows:
        for idx, (s, e) in enumerate(split_units(text or "")):
            yield feedback_id, idx, text[s:e], s, e


def split_sentences(batch: pa.Table | pa.RecordBatch) -> pa.Table:
    """Pure function over an Arrow batch with ``feedback_id`` and ``text`` → a table in SENTENCES_SCHEMA."""
    ids = batch.column("feedback_id").to_pylist()
    texts = batch.column("text").to_pylist()
    cols: tuple[list, ...] = ([], [], [], [], [])
    for row in iter_sentences(zip(ids, texts, strict=True)):
        for col, value in zip(cols, row, strict=True):
            col.append(value)
    return pa.Table.from_arrays(
        [pa.array(c, t.type) for c, t in zip(cols, SENTENCES_SCHEMA, strict=True)], schema=SENTENCES_SCHEMA
    )
