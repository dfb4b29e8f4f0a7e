"""Readable labels, keywords and quotes for themes, from the comments' own words.

Labels are frequent phrases (1–3 words, never starting or ending with a stop word) scored c-TF-IDF-style: how many
of a theme's units use the phrase times how rare the phrase is across themes, with a bonus for multi-word phrases
("runs small" reads better than "small"); among a theme's best-counted phrases, the one nearest the theme's centroid in
meaning is preferred (:func:`rerank_by_meaning`). Labels are made distinct across the tree. Quotes are picked for
typicality (close to the centroid) and variety (maximal marginal relevance).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from empathic.text.sentences import LINK_OR_HANDLE
from empathic.themes.stopwords import (
    ATTRIBUTE_WORDS,
    COPULAS,
    GENERIC_WORDS,
    IRREGULAR_PAST,
    LABEL_JOINERS,
    LABEL_NEVER_ENDS,
    LIGHT_VERBS,
    MEASURE_WORDS,
    NARRATIVE_MODIFIERS,
    NOT_ALONE,
    POPULATION_WORDS,
    STOP_WORDS,
    TRAILING_ADVERBS,
)

TOKEN = re.compile(r"[a-z][a-z'\-]*[a-z]|[a-z]")
#: A number with the letters written onto it ("13th", "A380", "4k"): no word of it is a label's word ("th").
_NUMBERED = re.compile(r"\w*\d\w*")
MAX_NGRAM = 3
#: Extra score per extra word: "runs small" reads better than "small".
MULTIWORD_BONUS = 0.5


#: Words that turn what follows around: "can't wait to wear", "didn't fit", "no pockets". A phrase right after one
#: is only counted with it ("wait to wear" alone would read the opposite of what was said).
NEGATIONS = frozenset(
    """no not never cannot can't cant don't dont didn't didnt doesn't doesnt won't wont isn't isnt wasn't wasnt
    couldn't couldnt wouldn't wouldnt aren't arent weren't werent hasn't haven't""".split()  # noqa: SIM905
)
#: Particles that may end a phrase after a content word: "size up", "sized down", "sold out", "came off".
PARTICLES = frozenset(("up", "down", "out", "off"))


def phrases(text: str) -> set[str]:
    """The distinct candidate phrases of one unit: lower-cased 1–3-grams that do not start or end with a stop word
    and do not start and end with the same word; links and @handles are not words.

    Two kinds of stop word are kept because they carry the meaning: a negation leads the phrase it turns around
    ("no pockets", "didn't fit"; the phrase is then never counted without it), and a particle may end a phrase
    after a content word ("size up", "sold out").
    """
    tokens = TOKEN.findall(_NUMBERED.sub(" ", LINK_OR_HANDLE.sub(" ", text).lower().replace("’", "'")))
    out: set[str] = set()
    for n in range(1, MAX_NGRAM + 1):
        for i in range(len(tokens) - n + 1):
            gram = tokens[i : i + n]
            if not _is_phrase(gram):
                continue
            if i > 0 and tokens[i - 1] in NEGATIONS:
                gram = [tokens[i - 1], *gram]
            out.add(" ".join(gram))
    return out


def _is_phrase(gram: list[str]) -> bool:
    first, last, n = gram[0], gram[-1], len(gram)
    if first in STOP_WORDS or len(first) < 2 or len(last) < 2:
        return False
    if last in STOP_WORDS and not (last in PARTICLES and n >= 2 and gram[-2] not in STOP_WORDS):
        return False
    if n == 3 and gram[1] not in STOP_WORDS:  # "runs too small" reads as a phrase, "sale full price" not
        return False
    if n > 1 and ((first in LIGHT_VERBS and gram[1] in STOP_WORDS) or last in TRAILING_ADVERBS or last in LIGHT_VERBS):
        return False  # "need to cancel", "order a new", "service is always", "lbs and bought"
    return not (n > 1 and first == last)  # "love love", "dress this dress": an echo, not a label


def phrase_counts(group: Sequence[str]) -> Counter[str]:
    """Units of ``group`` containing each candidate phrase."""
    return Counter(p for text in group for p in phrases(text))


def phrase_scores(
    groups: Sequence[Sequence[str]], *, min_count: int = 2, counts: Sequence[Counter[str]] | None = None
) -> list[list[tuple[str, float]]]:
    """For each group of unit texts, its candidate phrases sorted by c-TF-IDF score (best first).

    score = (units of the group containing the phrase / units of the group) × log(1 + mean units per group /
    units containing the phrase overall) × (1 + ``MULTIWORD_BONUS`` × (words − 1)): coverage times
    distinctiveness, so a word every theme uses ("dress" in dress reviews) loses to what sets the group apart.
    Single generic words (``GENERIC_WORDS``: "brought", "love", "idea") are never candidates alone, and modifiers
    (``_modifier_words``: "slightly", "reinforced", "speaks") are not either, nor end one unless a participle.
    A phrase cut out of a longer name is not a candidate (:func:`_bound_words`: "kong to london", "class seat",
    "haul flight", "customer" alone).
    Ties break alphabetically.
    ``counts``: the groups' :func:`phrase_counts` when the caller already has them (a tree's leaves and their
    unions).
    """
    per_group = list(counts) if counts is not None else [phrase_counts(group) for group in groups]
    modifiers, tails, heads, qualifiers = _word_contexts(groups)
    overall: Counter[str] = Counter()
    for counts in per_group:
        overall.update(counts)
    mean_size = max(1.0, sum(len(g) for g in groups) / max(1, len(groups)))
    ranked = []
    for group, counts in zip(groups, per_group, strict=True):
        size = max(1, len(group))
        usable = {  # not "brought", not "slightly"; not "food speaks", "laptop runs", "product for nearly" either
            p: c
            for p, c in counts.items()
            if (
                (" " in p and not _ends_on_modifier(p, modifiers))
                or (" " not in p and p not in GENERIC_WORDS and p not in modifiers and p not in qualifiers)
            )
            and not _cut(p, tails, heads)
        }
        floor = min(min_count, size) if any(c >= min(min_count, size) for c in usable.values()) else 1
        scored = []
        for phrase, c in usable.items():
            words = phrase.count(" ") + 1
            score = (c / size) * math.log(1 + mean_size / overall[phrase]) * (1 + MULTIWORD_BONUS * (words - 1))
            scored.append((phrase, score, c))
        # phrases seen fewer than ``floor`` times come last: a fallback when the frequent ones are taken
        scored.sort(key=lambda t: (t[2] < floor, -t[1], t[0]))
        ranked.append(_prefer_longer([(p, s) for p, s, _ in scored], counts))
    return ranked


#: A phrase "runs through" a subtheme when at least this share of the subtheme's units use it.
SPREAD_SHARE = 0.15
#: Weight of a phrase's c-TF-IDF score that does not depend on its spread (see :func:`rerank_by_spread`).
SPREAD_FLOOR = 0.2


def rerank_by_spread(
    ranked: Sequence[Sequence[tuple[str, float]]],
    children: Sequence[Sequence[tuple[Counter[str], int]]],
    *,
    top: int = 40,
) -> list[list[tuple[str, float]]]:
    """Re-rank each top-level theme's phrases by how many of its subthemes they run through.

    A top-level theme groups subthemes; its label should name what they share ("size" over "xs and bust dd",
    "return" over "fell in love"), not the loudest phrase of one child. Each of the ``top`` best phrases gets
    score × (``SPREAD_FLOOR`` + share of the theme's units that sit in subthemes the phrase runs through).

    Args:
        ranked: ``phrase_scores`` of the top-level groups.
        children: per top-level group, each subtheme's :func:`phrase_counts` and number of units.
    """
    out = []
    for phrases_scored, subs in zip(ranked, children, strict=True):
        total = sum(n for _, n in subs)
        if len(subs) < 2 or not total:
            out.append(list(phrases_scored))
            continue
        through: Counter[str] = Counter()
        for counts, n in subs:
            for p, c in counts.items():
                if c >= SPREAD_SHARE * n:
                    through[p] += n
        head = [(p, sc * (SPREAD_FLOOR + through[p] / total)) for p, sc in phrases_scored[:top]]
        head.sort(key=lambda t: (-t[1], t[0]))
        out.append(head + list(phrases_scored[top:]))
    return out


#: Phrases per theme whose score is weighed by meaning (see :func:`rerank_by_meaning`).
MEANING_HEAD = 20
#: Exponent of the similarity to the theme's centroid in :func:`rerank_by_meaning`: 3 lets a phrase 26 % closer
#: in meaning beat one twice as frequent. Picked on label hit (Banking77 test, airline, SemEval: 1, 2, 3, 4, 8 tried;
#: docs/bench/themes.md, round 6).
MEANING_POWER = 3.0
#: Similarity floor: a phrase at or below it keeps this weight, so an unknown or empty centroid leaves the counted
#: order as it was instead of tying every phrase at zero.
MEANING_FLOOR = 0.05


def rerank_by_meaning(
    ranked: Sequence[Sequence[tuple[str, float]]],
    centroids: Sequence[np.ndarray],
    phrase_vectors: dict[str, np.ndarray],
    *,
    head: int = MEANING_HEAD,
    power: float = MEANING_POWER,
) -> list[list[tuple[str, float]]]:
    """Weigh each theme's ``head`` best phrases by how close their meaning is to the theme's centroid.

    Counting alone favours what is frequent and distinctive in a theme's units, which can be one loud detail
    ("dim sum" for a theme of recommendations); the phrase whose own vector sits nearest the centroid names what
    the units mean together. score × max(``MEANING_FLOOR``, cos(phrase, centroid)) ** ``power``, as BERTopic's
    KeyBERT-inspired representation re-ranks its c-TF-IDF words.
    """
    out = []
    for scored, cent in zip(ranked, centroids, strict=True):
        weighed = [(p, s * max(MEANING_FLOOR, float(phrase_vectors[p] @ cent)) ** power) for p, s in scored[:head]]
        weighed.sort(key=lambda t: (-t[1], t[0]))
        out.append(weighed + list(scored[head:]))
    return out


def summed_counts(parts: Sequence[Counter[str]]) -> Counter[str]:
    """The :func:`phrase_counts` of a union of groups, from theirs (a top-level theme from its subthemes)."""
    total: Counter[str] = Counter()
    for part in parts:
        total.update(part)
    return total


#: Words that can stand for a thing follow a determiner now and then ("the lining", "a fitted blazer").
DETERMINERS = frozenset(
    ("a", "an", "the", "this", "that", "these", "those", "my", "your", "our", "their", "his", "her", "its")
)
#: Share of determiner-led uses below which an -ly / -ed / -s word is a modifier or a verb form, not a label
#: ("slightly", "reinforced", "runs").
MODIFIER_DET_SHARE = 0.05
#: Endings of words that are often modifiers or verb forms ("slightly", "hoped", "runs", "adds") and as often
#: nouns ("the embroidered collar", "these pants"): the texts tell which. Not -ing: "flattering", "stunning" are
#: adjectives that label well and rarely follow a determiner.
AMBIGUOUS_ENDINGS = ("ly", "ed", "s")


def _ends_on_modifier(phrase: str, modifiers: set[str]) -> bool:
    """A phrase ending on an adverb or a verb's -s form ("food speaks", "product for nearly"); a participle may end
    one ("card declined", "flight cancelled": what happened is the theme)."""
    last = phrase[phrase.rfind(" ") + 1 :]
    return last in modifiers and not last.endswith("ed")


def _modifier_words(groups: Sequence[Sequence[str]]) -> set[str]:
    """Words ending in -ly, -ed or -s that (almost) never follow a determiner in these texts: adverbs, participles
    and verb forms ("slightly", "reinforced", "runs", "adds") say how or what happens, not what customers talk
    about, and never label a theme alone. No tagger is shipped; the texts themselves tell "the embroidered collar"
    and "these pants" from "slightly" and "runs"."""
    return _word_contexts(groups)[0]


#: A word is bound to its neighbour when at least this share of its uses (and ``BOUND_MIN_USES`` of them) have a
#: content word on that side (see :func:`_bound_words`).
BOUND_SHARE = 0.7
BOUND_MIN_USES = 5
_CLAUSE = re.compile(r"[.,;:!?()\"]+")


def _word_contexts(groups: Sequence[Sequence[str]]) -> tuple[set[str], set[str], set[str], set[str]]:
    """One pass over the texts: :func:`_modifier_words` and :func:`_qualifiers` (never a label alone), and the words
    bound to a neighbour (:func:`_bound_words`): (modifiers, tails, heads, qualifiers)."""
    seen: Counter[str] = Counter()
    after_det: Counter[str] = Counter()
    uses: Counter[str] = Counter()
    content_before: Counter[str] = Counter()
    content_after: Counter[tuple[str, str]] = Counter()
    for group in groups:
        for text in group:
            for clause in _CLAUSE.split(text.lower()):
                tokens = TOKEN.findall(clause)
                prev = ""
                for i, tok in enumerate(tokens):
                    if tok.endswith(AMBIGUOUS_ENDINGS) and not tok.endswith("ss"):
                        seen[tok] += 1
                        if prev in DETERMINERS:
                            after_det[tok] += 1
                    if tok not in STOP_WORDS:
                        uses[tok] += 1
                        content_before[tok] += bool(prev) and prev not in STOP_WORDS
                        if i + 1 < len(tokens) and tokens[i + 1] not in STOP_WORDS:
                            content_after[tok, tokens[i + 1]] += 1
                    prev = tok
    modifiers = {w for w, n in seen.items() if after_det[w] < MODIFIER_DET_SHARE * n}
    tails, heads = _bound_words(uses, content_before, content_after)
    return modifiers, tails, heads, _qualifiers(uses, content_after)


def _bound_words(
    uses: Counter[str], before: Counter[str], after: Counter[tuple[str, str]]
) -> tuple[set[str], set[str]]:
    """Words that are one part of a longer name in these texts: *tails* follow a content word in most of their uses
    ("kong" in "hong kong", "class" in "business class" / "first class", "haul" in "long haul", "life" in "battery
    life"), *heads* precede one and the same word in most of theirs ("customer" in "customer service", "aisle" in
    "aisle seat"; not "class", which precedes "seat", "cabin", "lounge"). A phrase that starts with a tail or ends
    with a head was cut out of the name ("kong to london", "class seat", "customer"), so it never labels a theme;
    the whole name still can ("business class", "aisle seat").

    Args:
        uses: uses of each content word; before: its uses after a content word; after: (word, next content word)
            pairs.
    """
    enough = {w for w, n in uses.items() if n >= BOUND_MIN_USES}
    tails = {w for w in enough if before[w] >= BOUND_SHARE * uses[w]}
    heads = {w for (w, _), n in after.items() if w in enough and n >= BOUND_SHARE * uses[w]}
    return tails, heads


def _qualifiers(uses: Counter[str], after: Counter[tuple[str, str]]) -> set[str]:
    """Words that precede *some* content word in most of their uses ("absolute disgrace", "absolute joke",
    "absolute pleasure"): they qualify what follows and alone name nothing. Only a one-word label is barred:
    "class" precedes "seat", "lounge", "cabin" yet ends the name "business class"."""
    followed: Counter[str] = Counter()
    for (w, _), n in after.items():
        followed[w] += n
    return {w for w, n in uses.items() if n >= BOUND_MIN_USES and followed[w] >= BOUND_SHARE * n}


def _cut(phrase: str, tails: set[str], heads: set[str]) -> bool:
    """Whether ``phrase`` starts with a tail or ends with a head (:func:`_bound_words`)."""
    words = phrase.split()
    return words[0] in tails or words[-1] in heads


def _prefer_longer(
    scored: list[tuple[str, float]], counts: Counter[str], *, head: int = 200
) -> list[tuple[str, float]]:
    """Drop a phrase when a longer phrase containing it covers ≥ 60% of its uses (keeps "runs small" over "runs").

    Only the ``head`` best phrases are checked (labels and keywords come from the top; the tail is a fallback kept
    as it is), against the 40 best: a group of 400 varied units has thousands of phrases.
    """
    best = [f" {p} " for p, _ in scored[:40]]
    keep = []
    for phrase, score in scored[:head]:
        padded = f" {phrase} "
        longer = any(b != padded and padded in b and counts[b[1:-1]] >= 0.6 * counts[phrase] for b in best)
        if not longer:
            keep.append((phrase, score))
    return keep + list(scored[head:])


def label_key(label: str) -> str:
    """What a reader compares two labels by: case, hyphens, a plural -s and a past -d do not make labels distinct
    ("top-up" / "top up", "fee" / "fees", "love this dress" / "loved this dress" read as the same theme)."""
    words = label.lower().replace("-", " ").split()
    return " ".join(_word_key(w) for w in words)


def _word_key(word: str) -> str:
    """A word without a plural -s or -es or a past -d after e ("fees" → "fee", "dresses" → "dress", "loved" →
    "love")."""
    if len(word) > 4 and word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if len(word) > 2 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    if len(word) > 4 and word.endswith("ed") and word[-3] != "e":
        return word[:-1]
    return word


def labelable(phrase: str) -> bool:
    """Whether a phrase reads as an aspect a reader accepts as a theme's name ("seat comfort", "wine list"): a noun
    phrase, not a clause ("service is fast"), a verdict ("not worth the prices", "great food"), a cut ("kong to
    london"), a state ("slow", "full flight"), a story ("turned out", "flight back", "flight landed", "earlier
    flight") or a duration or size ("hour flight", "time flying", "feet tall").

    No copula, no negation in front, no judgement (:func:`empathic.themes.aspect.opinion_words`), no attribute word
    anywhere, no narrative modifier or unit of measure in front, no particle or direction adverb at the end, no
    past form at the end unless it names an event ("flight cancelled", "card declined": ``TOPIC_WORDS``), and a
    three-word phrase joins its ends with "of", "and", "for", "in", "on" or "with". General English word lists: no
    domain's words.
    """
    from empathic.themes.aspect import opinion_words

    words = phrase.split()
    if any(w.endswith(("'s", "’s", "s'")) for w in words):
        return False  # a possessive names whose, not what ("ba's", "gatwick's morning")
    if len(words) == 1 and words[0] in NOT_ALONE:
        return False  # "nobody", "least": a pronoun or quantifier names nothing
    if not words or words[0] in NEGATIONS or words[0] in NARRATIVE_MODIFIERS or words[0] in MEASURE_WORDS:
        return False
    if words[-1] in POPULATION_WORDS:
        return False  # "customers", "premium passengers": whom, not what
    if words[-1] in LABEL_NEVER_ENDS or is_past_form(words[-1]) or (len(words) > 1 and is_past_form(words[0])):
        return False  # "flight landed", "lacked experience", "landed on time"
    if len(words) == 1 and words[0] in TRAILING_ADVERBS:
        return False  # "far", "overall": how, not what
    if len(words) > 1 and words[0] in LIGHT_VERBS:
        return False  # "go hungry", "get help": a verb phrase
    judged = opinion_words()
    if any(w in COPULAS or w in judged or _is_attribute(w) for w in phrase.replace("-", " ").split()):
        return False  # a hyphen does not hide a judgement ("food-awesome")
    if len(words) < 3:
        return True
    # "quality of food", "room for improvement"; not "kong to london", "landed on time"
    # a gerund ends a clause ("plan on stopping"), a unit a duration ("landed on time")
    return (
        all(w in LABEL_JOINERS for w in words[1:-1])
        and words[-1] not in MEASURE_WORDS
        and not words[-1].endswith("ing")
    )


def _is_attribute(word: str) -> bool:
    """An attribute word or its comparative or superlative ("cheaper", "larger", "hottest", "busiest")."""
    if word in ATTRIBUTE_WORDS:
        return True
    for suffix in ("est", "er", "st", "r"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)]
            stems = {stem, stem[:-1] + "y" if stem.endswith("i") else stem}
            if len(stem) > 2 and stem[-1] == stem[-2]:
                stems.add(stem[:-1])  # "hotter", "biggest"
            if stems & ATTRIBUTE_WORDS:
                return True
    return False


def is_past_form(word: str) -> bool:
    """A past tense or participle that tells what happened ("landed", "appeared", "left"), not one that names an
    event customers report ("cancelled", "delayed", "declined", "lost": ``aspect.TOPIC_WORDS``). Words in -eed
    ("speed", "need") and short ones ("bed", "red") are not past forms."""
    from empathic.themes.aspect import TOPIC_WORDS

    if word in TOPIC_WORDS:
        return False
    return word in IRREGULAR_PAST or (len(word) > 4 and word.endswith("ed") and not word.endswith("eed"))


#: Phrases per group a label is chosen from before the fallbacks (:func:`distinct_labels`): further down come
#: phrases its units use once or twice.
LABEL_HEAD = 60


def distinct_labels(
    ranked: Sequence[Sequence[tuple[str, float]]], order: Sequence[int], taken: set[str]
) -> dict[int, str]:
    """Pick one label per group, visiting groups in ``order``; a label already ``taken`` (or one a reader would
    take for it, :func:`label_key`) is never reused. The labels picked are added to ``taken``.

    The best :func:`labelable` phrase among the ``LABEL_HEAD`` best wins. When every such phrase of a group is
    taken, two of its best are joined ("lining and zipper"); then its best phrase with "(general)" (a theme of
    short overall remarks about what other themes are named after: "flight (general)", never a phrase its units
    use once, "celebratory with mince"); then any labelable phrase, then the best phrase at all; only a group with
    no usable phrase gets ``"theme <n>"`` (n = position in order + 1) — rare, and visibly so.
    """
    keys = {label_key(t) for t in taken}
    out: dict[int, str] = {}
    for pos, g in enumerate(order):
        head = [p for p, _ in ranked[g][:LABEL_HEAD] if labelable(p)]
        label = next((p for p in head if label_key(p) not in keys), None)
        if label is None:
            label = _joined_label(head[:12], keys)
        if label is None and head and label_key(f"{head[0]} (general)") not in keys:
            label = f"{head[0]} (general)"
        if label is None:
            label = next((p for p, _ in ranked[g] if labelable(p) and label_key(p) not in keys), None)
        if label is None:
            label = next((p for p, _ in ranked[g] if label_key(p) not in keys), None)
        if label is None:
            label = f"theme {pos + 1}"
            while label_key(label) in keys:
                label += "+"
        taken.add(label)
        keys.add(label_key(label))
        out[g] = label
    return out


def contested_labels(
    ranked: Sequence[Sequence[tuple[str, float]]], order: Sequence[int], taken: set[str], *, head: int = 12
) -> dict[int, str]:
    """Like :func:`distinct_labels`, but a phrase two groups want goes to the group it scores highest in.

    :func:`distinct_labels` lets the group visited first take a shared phrase ("flight"), so which theme is called
    "flight" followed the order of the groups' sizes: two BA files that differ in 5 % of their rows kept all 7 top
    themes by members but only 2 of them with the same label. Here every (group, labelable phrase) among each
    group's ``head`` best is visited best score first; a group takes its phrase when the phrase (or one a reader
    takes for it) is still free. Groups left without a label fall back to :func:`distinct_labels`. Ties break by
    the order given, then by phrase, so the result is deterministic.
    """
    keys = {label_key(t) for t in taken}
    candidates = sorted(
        (-score, pos, phrase) for pos, g in enumerate(order) for phrase, score in ranked[g][:head] if labelable(phrase)
    )
    out: dict[int, str] = {}
    for _, pos, phrase in candidates:
        g = order[pos]
        key = label_key(phrase)
        if g in out or key in keys:
            continue
        out[g] = phrase
        keys.add(key)
        taken.add(phrase)
    rest = [g for g in order if g not in out]
    if rest:
        out.update(distinct_labels(ranked, rest, taken))
    return out


def _joined_label(best: Sequence[str], keys: set[str]) -> str | None:
    """The first "a and b" of two distinct single-or-double-word phrases whose :func:`label_key` is not taken."""
    short = [p for p in best if p.count(" ") <= 1]
    for i, a in enumerate(short):
        for b in short[i + 1 :]:
            if a in b or b in a:
                continue
            label = f"{a} and {b}"
            if label_key(label) not in keys:
                return label
    return None


def pick_quotes(
    vectors: np.ndarray,
    centroid: np.ndarray,
    texts: Sequence[str],
    *,
    n: int,
    pool: int = 60,
    lam: float = 0.7,
    n_words: np.ndarray | None = None,
) -> list[int]:
    """Indices of up to ``n`` representative units: typical (cosine to centroid) yet varied (MMR, λ = ``lam``).

    Very short (< 4 words) or very long (> 60 words) units are only used when nothing else is left. Identical
    texts are never quoted twice. ``n_words``: each text's word count when the caller has them (a top-level theme
    of 100k units need not split them all again); only the ``pool`` most typical texts are then read.
    """
    if len(texts) == 0:
        return []
    sims = vectors @ centroid
    words = np.array([len(t.split()) for t in texts]) if n_words is None else n_words
    good = (words >= 4) & (words <= 60)
    order = np.lexsort((np.arange(len(texts)), -sims, ~good))[:pool]
    chosen: list[int] = []
    seen: set[str] = set()
    while len(chosen) < n:
        best, best_score = -1, -np.inf
        for i in order:
            key = texts[i].strip().lower()
            if key in seen:
                continue
            redundancy = max((float(vectors[i] @ vectors[j]) for j in chosen), default=0.0)
            score = lam * sims[i] - (1 - lam) * redundancy + (0.0 if good[i] else -1.0)
            if score > best_score + 1e-12:
                best, best_score = int(i), score
        if best < 0:
            break
        chosen.append(best)
        seen.add(texts[best].strip().lower())
    return chosen


#: A word in at least this share of the comments names what the corpus is about, not one aspect of it.
CONTAINER_SHARE = 0.6
#: Fewer comments than this are too few to tell the product from a common aspect.
CONTAINER_MIN_COMMENTS = 50


def container_words(comments: Sequence[Sequence[str]]) -> frozenset[str]:
    """The label keys of the words that name the product or service itself: content words used in at least
    ``CONTAINER_SHARE`` of the comments (each comment given as its unit texts).

    In 1,324 British Airways reviews "flight" is in 77 % of them (the next content word, "service", in 52 %); a
    theme called "flight" holding 79 % of the comments tells a reader nothing, as "review" would. Labels never
    consist of such a word alone (:func:`drop_containers`), phrases with it stay ("flight delayed", "return
    flight"). On short texts (tickets, intents, single sentences) no word reaches the share.
    """
    if len(comments) < CONTAINER_MIN_COMMENTS:
        return frozenset()
    seen: Counter[str] = Counter()
    for units in comments:
        seen.update({_word_key(w) for text in units for w in TOKEN.findall(text.lower()) if w not in STOP_WORDS})
    return frozenset(w for w, n in seen.items() if n >= CONTAINER_SHARE * len(comments))


#: A top-level theme led by a container word whose best other phrase scores below this has no aspect of its own.
GENERAL_MAX_SCORE = 0.05


def general_labels(ranked: Sequence[Sequence[tuple[str, float]]], containers: frozenset[str]) -> list[str | None]:
    """Per top-level theme, "<container> (general)" when it is the catch-all of the product itself, else None.

    Such a theme is led by the container word ("flight") and no other phrase stands out (all score below
    ``GENERAL_MAX_SCORE``; a real aspect's name scores well above: "bags" 0.08, "food" 0.22, "seat" 0.61 in BA
    reviews). Labelled by its next phrase it would claim an aspect it does not hold: the catch-all of BA reviews
    (87 % of them, children from "boarding" to "inflight entertainment") read "cabin crew". Named after the product
    and marked general, it says what it is.
    """
    out: list[str | None] = []
    for scored in ranked:
        lead = scored[0][0] if scored else ""
        others = [sc for p, sc in scored if " " in p or _word_key(p) not in containers]
        is_general = bool(lead) and " " not in lead and _word_key(lead) in containers
        out.append(f"{lead} (general)" if is_general and max(others, default=0.0) < GENERAL_MAX_SCORE else None)
    return out


def drop_containers(ranked: list[list[tuple[str, float]]], containers: frozenset[str]) -> list[list[tuple[str, float]]]:
    """``ranked`` without the phrases that name the product itself (:func:`container_words`): the container word
    alone, a phrase whose head is one ("budget airline", "return flight": a kind of the product, not a part of it),
    and a phrase whose other words are generic or stop words ("flight experience", "whole flight")."""
    if not containers:
        return ranked
    return [[(p, sc) for p, sc in scored if not names_the_product(p, containers)] for scored in ranked]


def names_the_product(phrase: str, containers: frozenset[str]) -> bool:
    """Whether a label phrase names the product itself or a kind of it rather than an aspect (see
    :func:`drop_containers`); "flight delayed", "flight attendant", "seat" do not."""
    words = phrase.lower().split()
    keys = [_word_key(w) for w in words]
    if not keys or keys[-1] in containers:
        return bool(keys)
    hollow = all(k in containers or w in GENERIC_WORDS or w in STOP_WORDS for w, k in zip(words, keys, strict=True))
    return hollow and any(k in containers for k in keys)
