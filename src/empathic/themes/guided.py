"""Guided themes: an analyst's theme from a few keywords and example sentences, matched sentence by sentence.

A guided theme used to be a set of prototypes (its examples' and keywords' vectors) that tagged every unit at least
``guided_similarity`` close. Measured on the keyword-checked BA set (docs/bench/themes-guided.md), no threshold on
that similarity gives both recall and precision: "customer service never answered" sits as close to "service was
good" as to "I spent an hour on hold", and a suitcase that never arrived as close to "the baggage allowance was
fine". So a unit now matches in two ways, and a comment matches when one of its units does:

1. **Keywords, by their words.** Each keyword is a phrase; each of its content words stands for itself, its
   inflections (same light stem: refund/refunds/refunded) and the corpus words the static embedder puts very close
   to it (``SYNONYM_SIMILARITY``: luggage → baggage, suitcase). A unit matches a keyword when every content word
   (or one of its stand-ins) occurs within ``WINDOW`` words of the others ("lost some of our luggage"), or anywhere
   in one clause of at most ``CLAUSE_WORDS`` words, with parenthetical asides skipped ("baggage damaged (one item)
   and lost"). A negated form ("uncomfortable"), a compound written as two words ("leg room") and the parts of a
   hyphenated one ("food-vouchers") stand in too, and so do the other members of a word's or a whole keyword's
   ``PARAPHRASE_FAMILIES`` (a small lexicon of general feedback paraphrases: "call centre", "helpline" for
   "customer service"; "did not arrive", "no sign of" for "lost", with "not" standing for any negator).
2. **Paraphrases, by self-training.** Units naming a keyword's head word or a stand-in, or one of the examples'
   rare words (``EXAMPLE_ANCHOR_SHARE``: the analyst's own "voucher", "suitcase") (*anchored* units: the
   theme is about bags, refunds, seats — the rest of the corpus cannot be about it; with examples and no keywords
   every unit is anchored) are scored by their accurate-model similarity to the
   examples *minus* half their similarity to the bare keyword words (a sentence merely about baggage is close to
   "baggage"; one about a lost suitcase is closer to the example than to the word). A long unit is also scored
   clause by clause (``unit_pieces``, less ``PIECE_MARGIN``) and keeps its best score: "my bag did not arrive"
   is buried in a sentence about the queue that followed, and the whole sentence's vector is a blend of both.
   Keyword matches, the examples themselves and anchored units scoring at least ``sure`` are the first
   positives; anchored units in the lower half of that score are negatives; a logistic regression over their words
   and word pairs (TF-IDF) learns which other words mark the theme ("never arrived", "delivered days later") and
   tags anchored units it gives at least ``CLASSIFIER_PROBABILITY``.

Pure functions over texts and two embedding callables; deterministic for the same input.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
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
#: The self-trained classifier tags anchored units with at least this probability. Dev grid 0.5 / 0.55 / 0.6 / 0.7
#: on the BA dev half (docs/bench/themes-guided.md, round 12): 0.6 keeps the lowest dev figure highest but loses a
#: plain paraphrase on a 16-sentence corpus (tests/themes/test_themes_guided.py), where the classifier has little
#: to learn from; 0.55 keeps both.
CLASSIFIER_PROBABILITY = 0.55
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
    "came": "come",
    "went": "go",
}
#: Words that negate what follows; they all read as "not" inside a paraphrase ("did not arrive", "never arrived").
NEGATORS = frozenset({"not", "never", "no", "nobody", "nothing", "none", "cannot", "without"})
#: Paraphrase families: when a keyword (or one of its words) is a member, every other member stands in for it. Written
#: for feedback in general (service, money back, things that do not arrive, broken goods, space to sit, waiting),
#: in base forms; a multi-word member matches its words in order with at most one word between them, and "not"
#: stands for any negator. Not drawn from any dataset's text.
PARAPHRASE_FAMILIES: tuple[tuple[str, ...], ...] = tuple(
    tuple(m.strip() for m in line.split(","))
    for line in (
        "customer service, customer care, customer support, customer relations, call centre, call center, "
        "contact centre, contact center, helpline, help desk, hotline, support team, service desk, "
        "complaints department",
        "refund, reimburse, reimbursement, money back, repay, repayment, chargeback",
        "compensation, compensate, goodwill gesture",
        "lose, missing, mislaid, misplaced, went astray, not arrive, not turn up, not show up, no sign, "
        "not make it, not deliver, not load, not come",
        "broken, damaged, faulty, defective, smashed, cracked",
        "legroom, leg room, knee room, seat pitch",
        "wait, queue, hold",
        "rude, impolite, unfriendly, dismissive",
    )
)
#: Tokens: words with inner apostrophes or hyphens.
WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
#: Keyword words anywhere in one clause of at most this many words match (a clause ends at , ; : ! ? or a dash).
CLAUSE_WORDS = 12
CLAUSE_BREAK = re.compile(r"[,;:!?\u2013\u2014]|\s-\s")
#: Where a long unit splits into clauses for scoring: clause punctuation and conjunctions.
PIECE_BREAK = re.compile(
    r"[,;:!?\u2013\u2014]|\s-\s|\b(?:and|but|so|because|before|after|when|while|although|though|then|until)\b",
    re.I,
)
#: A clause is scored on its own (step 2) when it has at least this many words and names an anchor word; its
#: contrasted similarity counts less this margin (a short clause sits closer to everything). Chosen on dev.
PIECE_WORDS = 3
PIECE_MARGIN = 0.04
#: A parenthetical aside, skipped when measuring the keyword window.
ASIDE = re.compile(r"\([^()]{0,80}\)")

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


@lru_cache(maxsize=1 << 16)
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
    for w in words:  # the other members of a word's paraphrase families ("missing" for "lost")
        for key in family_stand_ins(w):
            near[w] |= {key} | by_stem.get(key, set())
    groups = [[frozenset(near[w]) for w in content_words(k)] for k in keywords if content_words(k)]
    for k in keywords:  # a whole keyword's family members are keywords too ("call centre" for "customer service")
        if len(content_words(k)) > 1:
            groups += [
                [frozenset({key} | by_stem.get(key, set()))] for key in family_stand_ins(" ".join(content_words(k)))
            ]
    return groups


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


def phrase_hit(
    toks: Sequence[str], groups: list[list[frozenset]], window: int = WINDOW, forms: list[frozenset] | None = None
) -> bool:
    """Does some keyword occur: each of its words (or a stand-in) within ``window`` words of its first word?
    (``forms``: the tokens' :func:`word_forms`, when the caller has them.)"""
    forms = word_forms(toks) if forms is None else forms
    for group in groups:
        places = [[i for i, f in enumerate(forms) if not f.isdisjoint(g)] for g in group]
        if not all(places):
            continue
        if len(places) == 1 or any(
            all(any(abs(q - p) <= window for q in other) for other in places[1:]) for p in places[0]
        ):
            return True
    return False


def keyword_hit(
    text: str, toks: Sequence[str], groups: list[list[frozenset]], forms: list[frozenset] | None = None
) -> bool:
    """Does a keyword occur in the unit: within ``WINDOW`` words, with its parenthetical asides skipped, or anywhere
    in one short clause (``CLAUSE_WORDS``: "we waited for the baggage before we realised ours was missing")?"""
    if phrase_hit(toks, groups, forms=forms):
        return True
    if "(" in text and phrase_hit(tokens(aside_free(text)), groups):
        return True
    for clause in CLAUSE_BREAK.split(aside_free(text)):
        words = tokens(clause)
        if WINDOW < len(words) <= CLAUSE_WORDS and phrase_hit(words, groups, window=len(words)):
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
    counts = Counter(w for tk in toks for w in {p for t in tk for p in (t, *t.split("-")) if p})
    vocabulary = sorted(counts)
    groups = keyword_groups(spec.keywords or (spec.label,), vocabulary, word_embed)
    forms = [word_forms(tk) for tk in toks]
    hits = np.array([keyword_hit(t, tk, groups, f) for t, tk, f in zip(texts, toks, forms, strict=True)], dtype=bool)
    # a keyword's last word is its head in English ("lost *luggage*", "customer *service*"): what the unit must name
    anchor_words = frozenset().union(*[group[-1] for group in groups]) if groups else frozenset()
    if spec.keywords:
        anchor_words |= example_anchors(spec.examples, counts, len(texts))
        anchored = np.flatnonzero([any(not f.isdisjoint(anchor_words) for f in fs) for fs in forms])
    else:  # examples only: the analyst named no words, so any unit may be a paraphrase
        anchored = np.arange(len(texts))
    score = np.where(hits, 1.0, 0.0)
    if len(anchored) and (spec.examples or spec.keywords):
        prob, semantic = _self_trained(
            texts, toks, anchored, hits, spec, embed=embed, word_embed=word_embed, sure=sure, anchor_words=anchor_words
        )
        keep = (semantic >= sure) | ((prob >= CLASSIFIER_PROBABILITY) & (semantic >= FLOOR))
        score[anchored[keep]] = np.maximum(score[anchored[keep]], np.maximum(prob[keep], 0.5))
    positions = np.flatnonzero(score > 0)
    return GuidedMatch(positions, score[positions].astype(np.float32))


def word_forms(toks: Sequence[str]) -> list[frozenset]:
    """Per token, the forms that can name a keyword word there: the token, the parts of a hyphenated compound
    ("non-refundable" names "refundable", "food-vouchers" names "vouchers") and the token glued to the next one
    ("leg room" names "legroom")."""
    joined = [*_joined(toks), ""]
    stems = [stem(t) for t in toks]
    negated = [t in NEGATORS or t.endswith("n't") for t in toks]
    forms = [
        {t, joined[i], *(p for p in t.split("-") if p)} | ({"not"} if negated[i] else set()) for i, t in enumerate(toks)
    ]
    for i in range(len(toks)):
        for key in _PHRASES_BY_FIRST.get("not" if negated[i] else stems[i], ()):
            if _phrase_at(key.split(" "), i, stems, negated):
                forms[i].add(key)
    return [frozenset(f) for f in forms]


def _phrase_at(words: list[str], start: int, stems: list[str], negated: list[bool]) -> bool:
    """Do a family phrase's words (stems, "not" for any negator) occur from ``start`` on, in order, with at most one
    word between consecutive ones?"""
    at = start
    for word in words[1:]:
        nxt = next(
            (j for j in range(at + 1, min(at + 3, len(stems))) if (negated[j] if word == "not" else stems[j] == word)),
            None,
        )
        if nxt is None:
            return False
        at = nxt
    return True


def phrase_key(phrase: str) -> str:
    """A paraphrase family member as matched: its words' stems, "not" for a negator."""
    return " ".join("not" if (t in NEGATORS or t.endswith("n't")) else stem(t) for t in tokens(phrase))


def family_stand_ins(phrase: str) -> list[str]:
    """The other members (as keys) of every paraphrase family that ``phrase`` (a word or a keyword) belongs to."""
    key = phrase_key(phrase)
    return sorted({phrase_key(m) for f in PARAPHRASE_FAMILIES if key in map(phrase_key, f) for m in f} - {key})


def aside_free(text: str) -> str:
    """The text without its parenthetical asides: "Baggage damaged (one item) and lost (two items)" keeps its
    keyword words within the window."""
    return ASIDE.sub(" ", text)


def unit_pieces(text: str, anchor_words: frozenset = frozenset()) -> list[str]:
    """The clauses of a long unit (at , ; : and conjunctions) of at least ``PIECE_WORDS`` words that name an anchor
    word (any, when ``anchor_words`` is empty); none when the unit is one clause."""
    parts = [p.strip() for p in PIECE_BREAK.split(aside_free(text)) if p and p.strip()]
    if len(parts) < 2:
        return []
    out = []
    for part in parts:
        toks = tokens(part)
        if len(toks) >= PIECE_WORDS and (
            not anchor_words or any(not f.isdisjoint(anchor_words) for f in word_forms(toks))
        ):
            out.append(part)
    return out


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
    anchor_words: frozenset = frozenset(),
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
    target_vectors = _unit(embed(targets))
    word_vectors = _unit(embed(words)) if spec.keywords else None

    def contrasted(batch: list[str]) -> np.ndarray:
        if not batch:
            return np.zeros(0, np.float32)
        vectors = _unit(embed(batch))
        out = (vectors @ target_vectors.T).max(axis=1)
        if word_vectors is not None:  # the theme's own words are its generic background; a label alone is not
            out -= CONTRAST * (vectors @ word_vectors.T).max(axis=1)
        return out

    contrast = contrasted([texts[i] for i in scored])
    owners, pieces = [], []
    for k, i in enumerate(scored):
        for piece in unit_pieces(texts[i], anchor_words):
            owners.append(k)
            pieces.append(piece)
    if pieces:  # a long sentence is judged by its best clause too ("my bag did not arrive", then the queue)
        np.maximum.at(contrast, np.asarray(owners), contrasted(pieces) - PIECE_MARGIN)
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


#: Multi-word family members by their first word's key, for :func:`word_forms`.
_PHRASES_BY_FIRST: dict[str, tuple[str, ...]] = {}
for _family in PARAPHRASE_FAMILIES:
    for _member in _family:
        if " " in (_key := phrase_key(_member)):
            _PHRASES_BY_FIRST[_key.split(" ")[0]] = (*_PHRASES_BY_FIRST.get(_key.split(" ")[0], ()), _key)
