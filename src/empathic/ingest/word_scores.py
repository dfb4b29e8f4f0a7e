"""Scores written as words or emoji: Zendesk's good/bad, a yes/no "satisfied?", Intercom-style emoji ratings.

Numbers are left to :func:`empathic.ingest.roles._score_kind`; this reads a column whose few distinct answers
are all words of one known scale, and returns a :class:`ScoreColumn` whose ``labels`` map each answer to its
number (``None``: not answered, e.g. Zendesk's ``offered``).
"""

from __future__ import annotations

import re
from typing import Protocol

from empathic.ingest.mapping import ScoreColumn

GOOD = {"good": 1.0, "satisfied": 1.0, "positive": 1.0, "thumbs up": 1.0, "👍": 1.0, "helpful": 1.0}
BAD = {"bad": 0.0, "unsatisfied": 0.0, "dissatisfied": 0.0, "negative": 0.0, "thumbs down": 0.0, "👎": 0.0}
YES_NO = {"yes": 1.0, "y": 1.0, "true": 1.0, "no": 0.0, "n": 0.0, "false": 0.0}
#: Answers that mean "asked but not answered" or "not asked".
NOT_ANSWERED: dict[str, float | None] = {
    "offered": None, "unoffered": None, "n/a": None, "na": None, "-": None, "not rated": None, "skipped": None,
}  # fmt: skip
EMOJI = {
    "😡": 1.0, "😠": 1.0, "😫": 1.0, "🙁": 2.0, "😞": 2.0, "☹️": 2.0, "😕": 2.0, "😐": 3.0, "😶": 3.0,
    "🙂": 4.0, "😊": 4.0, "😃": 4.0, "😀": 5.0, "😍": 5.0, "🤩": 5.0, "😁": 5.0,
}  # fmt: skip
#: Names under which a yes/no column is a satisfaction answer rather than a plain attribute ("Finished").
SATISFACTION_NAME = re.compile(r"(csat|satisf|happy|rating|score|helpful|resolved.*\?|recommend)", re.I)


class _Profile(Protocol):
    small_values: frozenset[str]
    n: int


def word_score(p: _Profile, name: str, column: str) -> ScoreColumn | None:
    """A score read from words or emoji, or None. ``name`` may include the column's question text."""
    values = set(p.small_values)
    if not p.n or not values:
        return None
    answered = values - set(NOT_ANSWERED)
    if not answered:
        return None
    if answered <= set(GOOD) | set(BAD) and answered & set(GOOD) and answered & set(BAD):
        return ScoreColumn(column, "recommend", 0, 1, labels={**GOOD, **BAD, **NOT_ANSWERED})
    if answered <= set(YES_NO) and SATISFACTION_NAME.search(name) and len(answered) >= 2:
        return ScoreColumn(column, "recommend", 0, 1, labels={**YES_NO, **NOT_ANSWERED})
    if answered <= set(EMOJI) and len(answered) >= 2:
        return ScoreColumn(column, "csat", 1, 5, labels={**EMOJI, **NOT_ANSWERED})
    return None
