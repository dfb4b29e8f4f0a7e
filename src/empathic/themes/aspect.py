"""The *aspect text* of a unit: what it is about, without how the customer felt about it or whom and where.

Themes say *what*, sentiment says *how*. Embedded as they are, "the food was awful" and "the food was great" sit
apart (MiniLM puts much of a sentence's polarity into its vector), so Leiden split a restaurant's food sentences by
polarity and labels read like verdicts ("food was good", "love this place"). Places and names pull the other way:
"we flew Hong Kong to London" lands with other routes, not with what the sentence says about the flight.

So the text used for clustering and labelling drops:

- **opinion words**: words whose meaning is a judgement (VADER's lexicon, |valence| ≥ ``OPINION_MIN``, less the
  ``TOPIC_WORDS`` that also name a thing or an event: "delay", "lost", "comfort", "fit", "charged"), a few common
  judgements VADER lacks, intensifiers ("very", "highly") and the negation right before a dropped word ("not good");
- **entities**: words the corpus capitalises inside sentences in most of their uses (places, people, brands:
  :func:`entity_words`), and the routes they form ("Hong Kong to London", "LHR-JFK").

A unit left with no content word keeps its judgement (a pure verdict such as "Highly recommended!" has nothing else
to be about), but not the names. Display texts (quotes) stay raw. Everything is regular expressions over the texts
(one polars pass for many texts): no tagger or model is shipped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from itertools import pairwise

from empathic.themes.stopwords import STOP_WORDS

#: VADER words at least this strong are judgements unless listed in ``TOPIC_WORDS``.
OPINION_MIN = 1.2

#: VADER-scored words that also say *what* (a thing, a service, an event): they stay in the aspect text.
TOPIC_WORDS: frozenset[str] = frozenset(
    """
top tops fit fits fitted cut cuts charged charge charges withdrawal cancel cancelled canceled cancellation
cancellations lost loss stolen credit credited credits problem problems error errors mistake mistakes fail failed
fails failing failure fraud scam dispute block blocked rejected reject denied declined missing stuck freeze frozen
broken broke damage damaged defective crash crashed crashes died dead death entertainment security safe safety
champagne holiday holidays comfort support supported supports care value free complimentary delay delays delayed
missed lack lacking worn party gift welcome help helps accept accepted accepts allow allowed number pay paid
payment hand hands matter play playing save saving savings no not none nor never united friend friends family
child children baby kids kid fun hard clear cleared clean cleaning warm cold hot low lower high higher cheap
prize win won winner reward rewards bonus benefit benefits insurance protection protect protected secure
trust pain hurt sick ill injury illness emergency risk danger dangerous warning warranty guarantee guaranteed
legal law lawsuit tax taxes fee fees fine fines penalty refund refunds compensation compensate complaint complaints
wrong incorrect sure unsure kind solution solutions beneficiary alert alerts accidentally accident strange weird
stop stopped stops trouble resolve resolved unsuccessful successful successfully progress fraudulent hacked hack
suspicious approved approve approval dispute disputing disputed attacked securing trapped difficulties difficulty
agreement saved ensure giving determined
""".split()  # noqa: SIM905
)

#: Judgements VADER does not score (it was built on social media text) but reviews use all the time.
EXTRA_OPINION_WORDS: frozenset[str] = frozenset(
    """
tasty yummy mediocre decent superb outstanding phenomenal incredible stellar lousy subpar exceptional impeccable
attentive courteous polite professional unprofessional unhelpful disappointing disappointed disappointment average
well worth
solid fabulous flawless flawlessly mediocrity overrated underwhelming underwhelmed spotless immaculate delightful
""".split()  # noqa: SIM905
)

#: Words that only make a judgement stronger or weaker.
INTENSIFIERS: frozenset[str] = frozenset(
    """
very really so too extremely quite pretty super highly absolutely totally incredibly truly definitely rather fairly
somewhat especially particularly utterly seriously genuinely remarkably exceptionally insanely ridiculously
""".split()  # noqa: SIM905
)

NEGATIONS = r"(?:not|no|never|hardly|barely|\w+n't|dont|didnt|doesnt|isnt|wasnt|cant|wont|arent|werent|couldnt|wouldnt)"


@lru_cache(maxsize=1)
def opinion_words() -> frozenset[str]:
    """Lower-case words dropped from aspect texts as judgements (VADER's strong words less the topic words)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    lexicon = SentimentIntensityAnalyzer().lexicon
    strong = {w for w, v in lexicon.items() if abs(v) >= OPINION_MIN and re.fullmatch(r"[a-z][a-z'\-]*", w)}
    return frozenset((strong | EXTRA_OPINION_WORDS) - TOPIC_WORDS - STOP_WORDS)


@lru_cache(maxsize=1)
def _opinion_pattern() -> str:
    words = sorted(opinion_words() | INTENSIFIERS, key=lambda w: (-len(w), w))
    alternation = "|".join(re.escape(w) for w in words)
    judged = rf"(?:(?:{'|'.join(sorted(INTENSIFIERS))})\s+)*(?:{alternation})"
    # a negation right before a judgement goes with it ("not good", "never very friendly")
    return rf"(?i)\b(?:{NEGATIONS}\s+)?{judged}\b"


WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*[A-Za-z]|[A-Za-z]")
#: A word is an entity word when at least this share of its mid-sentence uses are capitalised (and it has
#: ``ENTITY_MIN_USES`` of them).
ENTITY_CAPITAL_SHARE = 0.7
ENTITY_MIN_USES = 3
#: Units read for the capitalisation statistics (evenly spaced): enough for every frequent name, bounded in time.
ENTITY_SAMPLE = 20_000
_SENTENCE_SPLIT = re.compile(r"[.!?\n:;]+\s*|\s+[-–(]\s*|[\"“”]")


#: Words before a place name ("flew to London", "from Johannesburg", "in Rome", "via Doha").
PLACE_CUES = frozenset("to from in at via into through between around out near".split())  # noqa: SIM905
#: A name is a place when at least this share of its uses follow a place cue or another place name.
PLACE_SHARE = 0.3


def entity_words(texts: Sequence[str]) -> tuple[list[str], list[str]]:
    """Names in the corpus: words written capitalised inside sentences in most of their uses (sorted), and the
    subset of them that are places (sorted).

    A word at the start of a sentence (or after a colon, a dash, a quote) tells nothing and is not counted; nor
    is a word in capitals ("BA", "WORST"), nor "I". A name is a place when ``PLACE_SHARE`` of its uses follow a
    place cue ("to", "from", "in", …) or a place name ("Kong" after "Hong"): places and routes say where, never
    what, while a brand or a product may be what a comment is about ("Apple Pay", "Windows"). Only
    ``ENTITY_SAMPLE`` evenly spaced texts are read.
    """
    step = max(1, len(texts) // ENTITY_SAMPLE)
    seen: Counter[str] = Counter()
    upper: Counter[str] = Counter()
    before: dict[str, Counter[str]] = {}
    for text in texts[::step]:
        for sentence in _SENTENCE_SPLIT.split(text):
            words = WORD.findall(sentence)
            for prev, w in pairwise(words):
                if len(w) > 1 and w.isupper():
                    continue
                key = w.lower()
                seen[key] += 1
                if w[0].isupper():
                    upper[key] += 1
                    before.setdefault(key, Counter())[prev.lower()] += 1
    names = sorted(
        w
        for w, n in seen.items()
        if n >= ENTITY_MIN_USES and upper[w] >= ENTITY_CAPITAL_SHARE * n and w not in STOP_WORDS and len(w) > 1
    )
    places: set[str] = set()
    for _ in range(2):  # a second pass lets "Kong" follow "Hong"
        places |= {
            w
            for w in names
            if sum(c for p, c in before[w].items() if p in PLACE_CUES or p in places) >= PLACE_SHARE * seen[w]
        }
    return names, sorted(places)


def _entity_pattern(entities: Sequence[str], any_case: bool) -> str | None:
    """Capitalised uses of the entity words, and routes between them ("Hong Kong to London"), each with a "from"
    before it."""
    if not entities:
        return None
    names = "|".join(re.escape(w[:1].upper() + w[1:]) for w in sorted(entities, key=lambda w: (-len(w), w)))
    # a route's connecting words go with it ("Hong Kong to London"); a lone name is dropped alone. Codes in
    # capitals are left alone: "LHR-JFK" is a route, "GBP to AUD" the very topic of a currency question.
    route = rf"(?:{names})(?:\s+(?:{names}))*(?:\s*(?:to|-|–|/|and|via)\s*(?:{names})(?:\s+(?:{names}))*)+"
    return ("(?i)" if any_case else "") + rf"\b(?:[Ff]rom\s+)?(?:{route}|{names})\b"


def aspect_texts(
    texts: Sequence[str], entities: Sequence[str] = (), *, any_case: bool = False, keep_names: bool = True
) -> list[str]:
    """The aspect text of each text (see the module docstring); ``entities``: names to drop (from
    :func:`entity_words`: its places for the texts that are embedded, every name for the texts labels come from),
    where capitalised or, with ``any_case``, also in lower case ("windows" is the name "Windows" to a label, but a
    plane's windows to a vector). A text that is nothing but names keeps them when ``keep_names`` (a vector needs
    some text), else becomes empty (a label must never come from it).

    One vectorised polars pass per pattern; a text left without a content word keeps its judgements.
    """
    import polars as pl

    if not texts:
        return []
    s = pl.Series(list(texts), dtype=pl.String)
    pattern = _entity_pattern(entities, any_case)
    if pattern is not None:
        s = _tidy(s.str.replace_all(pattern, " "))
    unnamed = [t if keep_names and not _has_content(a) else a for a, t in zip(s.to_list(), texts, strict=True)]
    out = _tidy(s.str.replace_all(_opinion_pattern(), " ")).to_list()
    # a pure verdict has nothing else to be about: it keeps its judgement (never the names)
    return [a if _has_content(a) else u for a, u in zip(out, unnamed, strict=True)]


def _tidy(s):
    """Spaces left by removed words, and before punctuation, collapsed (a polars string Series)."""
    return s.str.replace_all(r"\s+([,.!?;:])", "$1").str.replace_all(r"\s{2,}", " ").str.strip_chars()


def _has_content(text: str) -> bool:
    return any(w.lower() not in STOP_WORDS for w in WORD.findall(text))
