"""Guided themes: an analyst's theme from a few keywords and example sentences, matched sentence by sentence.

A guided theme used to be a set of prototypes (its examples' and keywords' vectors) that tagged every unit at least
``guided_similarity`` close. Measured on the keyword-checked BA set (docs/bench/themes-guided.md), no threshold on
that similarity gives both recall and precision: "customer service never answered" sits as close to "service was
good" as to "I spent an hour on hold", and a suitcase that never arrived as close to "the baggage allowance was
fine". So a unit now matches in two ways, and a comment matches when one of its units does:

1. **Keywords, by their words.** Each keyword is a phrase; each of its content words stands for itself, its
   inflections (same light stem: refund/refunds/refunded) and the corpus words the static embedder puts very close
   to it (``SYNONYM_SIMILARITY``: luggage → baggage, suitcase). A unit matches a keyword when every content word
   (or one of its stand-ins) occurs within ``WINDOW`` words of the others ("lost some of our luggage"). A negated
   form ("uncomfortable") and a compound written as two words ("leg room") stand in too.
2. **Paraphrases, by self-training.** Units naming a keyword's head word or a stand-in, or one of the examples'
   rare words (``EXAMPLE_ANCHOR_SHARE``: the analyst's own "voucher", "suitcase") (*anchored* units: the
   theme is about bags, refunds, seats — the rest of the corpus cannot be about it; with examples and no keywords
   every unit is anchored) are scored by their accurate-model similarity to the
   examples *minus* half their similarity to the bare keyword words (a sentence merely about baggage is close to
   "baggage"; one about a lost suitcase is closer to the example than to the word). Keyword matches, the
   examples themselves and anchored units scoring at least ``sure`` are the first positives; anchored units in the
   lower half of that score are negatives; a logistic regression over their words and word pairs (TF-IDF) learns
   which other words mark the theme ("never arrived", "delivered days later") and tags anchored units it gives at
   least ``CLASSIFIER_PROBABILITY``.

Pure functions over texts and two embedding callables; deterministic for the same input.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from empathic.themes.stopwords import STOP_WORDS

#: Keyword words occur within this many words of each other in a matching unit.
WINDOW = 4
#: Static-embedder cosine at which a corpus word stands in for a keyword word (luggage ~ baggage 0.84,
#: suitcase 0.75; refund ~ refresh 0.56 and bag ~ pack 0.50 stay out). Chosen on the dev half of the BA set.
SYNONYM_SIMILARITY = 0.7
#: Weight of the similarity to the bare keyword words subtracted from the similarity to the examples.
CONTRAST = 0.5
#: The self-trained classifier tags anchored units with at least this probability.
CLASSIFIER_PROBABILITY = 0.5
#: ... and whose contrasted similarity to the examples reaches at least this (a unit only sharing the theme's words,
#: "I waited an hour to pick up my suitcase", is not enough).
FLOOR = 0.3
#: At most this many anchored units are scored with the accurate model (the ones nearest the examples in the
#: static model's space); the rest can still match through keywords and the classifier.
MAX_SCORED = 3000
#: An example's content word also anchors (step 2) when at most this share of the units name it: the analyst's own
#: words for the theme ("voucher", "on hold", "suitcase", "knees") that the keywords did not name. Frequent words
#: ("flight", "service") would anchor the whole corpus. Chosen on the dev half of the BA set.
EXAMPLE_ANCHOR_SHARE = 0.005
#: A keyword word's negated form ("un" + the word) stands in for it.
NEGATING_PREFIX = "un"
#: Irregular forms a light stem cannot join.
IRREGULAR = {
    "lost": "lose",
    "losing": "lose",
    "loses": "lose",
    "paid": "pay",
    "pays": "pay",
    "sat": "sit",
    "sitting": "sit",
    "broke": "break",
    "broken": "break",
    "left": "leave",
    "gave": "give",
    "given": "give",
    "told": "tell",
}
#: Tokens: words with inner apostrophes or hyphens.
WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")

Embed = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class GuidedSpec:
    """What the analyst gave: the theme's id and label, keyword phrases and example sentences."""

    theme_id: str
    label: str
    keywords: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class GuidedMatch:
    """The units a guided theme tags: positions into the texts matched on, and a score per position (1.0 for a
    keyword match, else the classifier's probability)."""

    positions: np.ndarray
    scores: np.ndarray


def stem(word: str) -> str:
    """A light stem (lower case, one common suffix off) so that refund, refunds and refunded meet; a few irregular
    verbs that complaints use are mapped to one form (lost, losing → lose)."""
    w = word.lower().strip("'-")
    if w in IRREGULAR:
        return IRREGULAR[w]
    for suffix in ("ing", "ed", "es", "s", "ly"):
        if len(w) > len(suffix) + 2 and w.endswith(suffix):
            return w[: -len(suffix)]
    return w


def tokens(text: str) -> list[str]:
    """Lower-case word tokens of a text."""
    return [w.lower() for w in WORD.findall(text)]


def content_words(phrase: str) -> list[str]:
    """The words of a keyword phrase that carry its meaning (stop words dropped; all of them if none is left)."""
    words = tokens(phrase)
    kept = [w for w in words if w not in STOP_WORDS]
    return kept or words


def keyword_groups(keywords: Sequence[str], vocabulary: Sequence[str], word_embed: Embed) -> list[list[frozenset]]:
    """Per keyword, per content word: the set of corpus words that stand for it (itself, inflections, synonyms)."""
    words = sorted({w for k in keywords for w in content_words(k)})
    if not words:
        return []
    by_stem: dict[str, set[str]] = {}
    for v in vocabulary:
        by_stem.setdefault(stem(v), set()).add(v)
    near: dict[str, set[str]] = {w: {w} | by_stem.get(stem(w), set()) for w in words}
    word_of_stem = {stem(w): w for w in words}
    for v in vocabulary:  # a negated form names the same topic (themes say what, not how): uncomfortable ~ comfortable
        if v.startswith(NEGATING_PREFIX) and (s := stem(v[len(NEGATING_PREFIX) :])) in word_of_stem:
            near[word_of_stem[s]].add(v)
    if len(vocabulary):
        vocab_vectors = _unit(word_embed(list(vocabulary)))
        word_vectors = _unit(word_embed(words))
        sims = word_vectors @ vocab_vectors.T
        for i, w in enumerate(words):
            near[w] |= {vocabulary[j] for j in np.flatnonzero(sims[i] >= SYNONYM_SIMILARITY)}
    return [[frozenset(near[w]) for w in content_words(k)] for k in keywords if content_words(k)]


def example_anchors(examples: Sequence[str], counts: Counter, n_units: int) -> frozenset:
    """Corpus words sharing a stem with an example's content word that few units name (``EXAMPLE_ANCHOR_SHARE``).

    ``counts`` holds, per corpus word, how many units name it; a stem's share is that of its words together.
    """
    wanted = {stem(w) for e in examples for w in content_words(e) if w not in STOP_WORDS}
    by_stem: dict[str, list[str]] = {}
    for word in counts:
        s = stem(word)
        if s in wanted:
            by_stem.setdefault(s, []).append(word)
    limit = EXAMPLE_ANCHOR_SHARE * max(1, n_units)
    return frozenset(w for words in by_stem.values() if sum(counts[w] for w in words) <= limit for w in words)


def phrase_hit(toks: Sequence[str], groups: list[list[frozenset]], window: int = WINDOW) -> bool:
    """Does some keyword occur: each of its words (or a stand-in) within ``window`` words of its first word?"""
    joined = [*_joined(toks), ""]
    for group in groups:
        places = [[i for i, t in enumerate(toks) if t in g or joined[i] in g] for g in group]
        if not all(places):
            continue
        if len(places) == 1 or any(
            all(any(abs(q - p) <= window for q in other) for other in places[1:]) for p in places[0]
        ):
            return True
    return False


def match_guided(
    texts: Sequence[str], spec: GuidedSpec, *, embed: Embed, word_embed: Embed, sure: float
) -> GuidedMatch:
    """The positions of ``texts`` (sentence units) that the guided theme ``spec`` tags.

    Args:
        texts: unit texts as written (duplicates allowed; each is judged on its own words).
        embed: the accurate sentence embedder (the caller may serve it from a cache); called on the examples, the
            keyword words and at most ``MAX_SCORED`` anchored units.
        word_embed: the static embedder, used for single words (synonyms) and to rank anchored units.
        sure: an anchored unit whose contrasted similarity reaches this is a first positive of the self-training
            (``themes.guided_similarity``).
    """
    toks = [tokens(t) for t in texts]
    counts = Counter(w for tk in toks for w in set(tk))
    vocabulary = sorted(counts)
    groups = keyword_groups(spec.keywords or (spec.label,), vocabulary, word_embed)
    hits = np.array([phrase_hit(tk, groups) for tk in toks], dtype=bool)
    # a keyword's last word is its head in English ("lost *luggage*", "customer *service*"): what the unit must name
    anchor_words = frozenset().union(*[group[-1] for group in groups]) if groups else frozenset()
    if spec.keywords:
        anchor_words |= example_anchors(spec.examples, counts, len(texts))
        anchored = np.flatnonzero([bool(anchor_words.intersection(tk + _joined(tk))) for tk in toks])
    else:  # examples only: the analyst named no words, so any unit may be a paraphrase
        anchored = np.arange(len(texts))
    score = np.where(hits, 1.0, 0.0)
    if len(anchored) and (spec.examples or spec.keywords):
        prob, semantic = _self_trained(texts, toks, anchored, hits, spec, embed=embed, word_embed=word_embed, sure=sure)
        keep = (semantic >= sure) | ((prob >= CLASSIFIER_PROBABILITY) & (semantic >= FLOOR))
        score[anchored[keep]] = np.maximum(score[anchored[keep]], np.maximum(prob[keep], 0.5))
    positions = np.flatnonzero(score > 0)
    return GuidedMatch(positions, score[positions].astype(np.float32))


def _joined(toks: Sequence[str]) -> list[str]:
    """Each word glued to the next: a keyword's compound written as two words ("leg room" names "legroom")."""
    return [a + b for a, b in pairwise(toks)]


def _keyword_words(spec: GuidedSpec) -> list[str]:
    return [w for k in spec.keywords or (spec.label,) for w in content_words(k)]


def _unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    return v / np.clip(np.linalg.norm(v, axis=-1, keepdims=True), 1e-12, None)


def _self_trained(
    texts: Sequence[str],
    toks: list[list[str]],
    anchored: np.ndarray,
    hits: np.ndarray,
    spec: GuidedSpec,
    *,
    embed: Embed,
    word_embed: Embed,
    sure: float,
) -> tuple[np.ndarray, np.ndarray]:
    """The classifier's probability and the contrasted similarity of each anchored unit (module docstring, step 2);
    units not scored with the accurate model have similarity −inf."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    targets = list(spec.examples) or list(spec.keywords)
    words = sorted(set(_keyword_words(spec)))
    scored = anchored
    if len(anchored) > MAX_SCORED:  # the anchored units nearest the examples in the cheap space
        near = (_unit(word_embed([texts[i] for i in anchored])) @ _unit(word_embed(targets)).T).max(axis=1)
        scored = np.sort(anchored[np.argsort(-near, kind="stable")[:MAX_SCORED]])
    vectors = _unit(embed([texts[i] for i in scored]))
    contrast = (vectors @ _unit(embed(targets)).T).max(axis=1)
    if spec.keywords:  # the theme's own words are its generic background; a label alone is not (often a paraphrase)
        contrast -= CONTRAST * (vectors @ _unit(embed(words)).T).max(axis=1)
    semantic = np.full(len(anchored), -np.inf)
    semantic[np.searchsorted(anchored, scored)] = contrast
    positive = hits[anchored] | (semantic >= sure)
    negative = ~positive & (semantic < np.median(contrast))
    example_docs = [" ".join(stem(w) for w in tokens(e)) for e in spec.examples]
    docs = [" ".join(stem(w) for w in toks[i]) for i in anchored]
    if not (positive.any() or example_docs) or not negative.any():
        return positive.astype(np.float64), semantic
    vectoriser = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\S+").fit(docs + example_docs)
    train = np.flatnonzero(positive | negative)
    x = vectoriser.transform([docs[i] for i in train] + example_docs)
    y = np.r_[positive[train].astype(int), np.ones(len(example_docs), int)]
    if len(set(y.tolist())) < 2:
        return positive.astype(np.float64), semantic
    model = LogisticRegression(C=4.0, class_weight="balanced", max_iter=1000).fit(x, y)
    return model.predict_proba(vectoriser.transform(docs))[:, 1], semantic
