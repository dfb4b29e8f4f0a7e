"""A long comment counts under a theme only through sentences that name what the theme is about.

A unit of a multi-unit comment carries its comment's vector (context mixing, :mod:`empathic.themes.stage`), so in
long reviews every sentence lands in *some* leaf, near its review's subject: "Flew Leeds Bradford to Geneva via
London Heathrow." in "aircraft", "I wish I would have done a bit of research" in "flight times". Counting a review
under each theme one of its ten sentences reached made BA's top-level themes types of review holding 47–87 % of the
reviews each ("flight (general)" 86.5 %, "baggage" 55 %): a VP reading "55 % are about baggage" is misled.

So, in a comment of ``WHOLE_MIN_UNITS`` or more units, a unit keeps its leaf only when its label text names one
of that leaf's *aspect terms*: the content words of its keywords (what its members say most), without the words
that name the product itself (:func:`empathic.themes.labels.container_words`: "flight" in BA reviews). Other
units of such comments go to "other" (their comment keeps the themes its other sentences name). One-unit and
two-unit comments (tickets, tweets, survey answers, SemEval sentences) are untouched: there the unit *is* the
comment. Measured on the 1,324 BA reviews (docs/bench/themes-reviews.md, round 12): 49 % of their units name
their leaf's terms; counting also the units whose context-free vector is near their leaf's context-free centroid
(cosine ≥ 0.7 or ≥ 0.8) brought the narrative leaves back ("air", "flight times", "experience" 18–21 %), so it was
not kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from empathic.themes.assign import WHOLE_MIN_UNITS, Assignment
from empathic.themes.labels import TOKEN, _word_key
from empathic.themes.model import Theme
from empathic.themes.stopwords import STOP_WORDS


def aspect_terms(keywords: Sequence[str], containers: frozenset[str]) -> list[frozenset[str]]:
    """Each keyword's content words (word keys: "seats" → "seat"), without stop words and container words; a
    keyword left with none ("flight was full" in BA reviews) is no term."""
    terms = []
    for phrase in keywords:
        words = frozenset(
            _word_key(w)
            for w in TOKEN.findall(phrase.lower())
            if w not in STOP_WORDS and _word_key(w) not in containers
        )
        if words and words not in terms:
            terms.append(words)
    return terms


def names_any(text: str, terms: Sequence[frozenset[str]]) -> bool:
    """Whether ``text`` contains every word of at least one term (word keys, any order)."""
    words = {_word_key(w) for w in TOKEN.findall(text.lower())}
    return any(term <= words for term in terms)


def long_comment_units(comment_sizes: np.ndarray) -> np.ndarray:
    """bool per unit (units ordered by comment, ``comment_sizes`` the runs): its comment has ``WHOLE_MIN_UNITS`` or
    more units."""
    return np.repeat(comment_sizes >= WHOLE_MIN_UNITS, comment_sizes)


def named_only(
    result: Assignment,
    themes: list[Theme],
    texts: Sequence[str],
    comment_sizes: np.ndarray,
    containers: frozenset[str],
) -> tuple[Assignment, int]:
    """``result`` with the units of long comments that name none of their leaf's aspect terms moved to "other"
    (leaf −1), and their segment tags kept only where the unit names the tagged leaf's terms; returns the new
    assignment and how many units moved.

    A long comment none of whose units names its leaf's terms keeps its units' themes as they were: it says
    something, in words no theme's keywords hold (three-sentence Banking77 queries), and "other" would lose it.

    Args:
        texts: each unit's label text (the text its theme's keywords were counted on), in ``result``'s order.
        comment_sizes: units per comment (units are ordered by comment, each comment one run).
    """
    by_id = {t.theme_id: t for t in themes}
    terms = {tid: aspect_terms(by_id[tid].keywords or [by_id[tid].label], containers) for tid in result.leaf_ids}
    in_long = long_comment_units(comment_sizes)
    comment = np.repeat(np.arange(len(comment_sizes)), comment_sizes)
    unnamed = np.zeros(len(result.leaf), bool)
    for u in np.flatnonzero(in_long & (result.leaf >= 0)).tolist():
        theme = by_id[result.leaf_ids[result.leaf[u]]]
        if theme.origin == "guided" or theme.label_locked:
            continue  # the analyst's theme counts what its matcher (or the analyst) gave it
        unnamed[u] = not names_any(texts[u], terms[theme.theme_id])
    # a comment keeps its themes when it would keep none: every one of its themed units unnamed
    themed = np.bincount(comment, weights=result.leaf >= 0, minlength=len(comment_sizes))
    dropped = np.bincount(comment, weights=unnamed, minlength=len(comment_sizes))
    unnamed &= (dropped < themed)[comment]
    secondary = [
        (u, tid, sc)
        for u, tid, sc in result.secondary
        if not in_long[u] or tid not in terms or names_any(texts[u], terms[tid])
    ]
    return replace(result, leaf=np.where(unnamed, -1, result.leaf), secondary=secondary), int(unnamed.sum())
