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
import string
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from itertools import pairwise

from empathic.text.pii import PLACEHOLDER
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

#: Negations dropped with the judgement right after them ("not good", "never very friendly").
NEGATIONS: frozenset[str] = frozenset(
    """not no never hardly barely don't didn't doesn't isn't wasn't can't won't aren't weren't couldn't wouldn't
    dont didnt doesnt isnt wasnt cant wont arent werent couldnt wouldnt""".split()  # noqa: SIM905
)
#: Words that join the names of a route ("Hong Kong to London", "Rome via Doha").
ROUTE_JOINERS: frozenset[str] = frozenset(("to", "and", "via", "-", "–", "/", "&"))


@lru_cache(maxsize=1)
def opinion_words() -> frozenset[str]:
    """Lower-case words dropped from aspect texts as judgements (VADER's strong words less the topic words)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    lexicon = SentimentIntensityAnalyzer().lexicon
    strong = {w for w, v in lexicon.items() if abs(v) >= OPINION_MIN and re.fullmatch(r"[a-z][a-z'\-]*", w)}
    return frozenset((strong | EXTRA_OPINION_WORDS) - TOPIC_WORDS - STOP_WORDS)


WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*[A-Za-z]|[A-Za-z]")
#: A word is an entity word when at least this share of its mid-sentence uses are capitalised (and it has
#: ``ENTITY_MIN_USES`` of them).
ENTITY_CAPITAL_SHARE = 0.7
ENTITY_MIN_USES = 3
#: Units read for the capitalisation statistics (evenly spaced): enough for every frequent name, bounded in time.
ENTITY_SAMPLE = 20_000
_SENTENCE_SPLIT = re.compile(r"[.!?\n:;]+\s*|\s+[-–(]\s*|[\"“”]")


#: Acronym lengths read as possible names ("BA", "LHR", "NYC"; not "A380" or "SHOUTING").
ACRONYM_MIN_LEN, ACRONYM_MAX_LEN = 2, 4
#: An all-capitals word is a name when fewer than this share of its uses follow a determiner (see
#: :func:`_acronym_names`).
ACRONYM_DET_SHARE = 0.18
_DETERMINERS = frozenset("a an the this that these those my your our their his her its".split())  # noqa: SIM905

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
    caps: Counter[str] = Counter()  # acronym candidates: every use, its capitals, its uses after a determiner
    caps_seen: Counter[str] = Counter()
    caps_after_det: Counter[str] = Counter()
    for text in texts[::step]:
        for sentence in _SENTENCE_SPLIT.split(text):
            words = WORD.findall(sentence)
            for i, w in enumerate(words):
                if ACRONYM_MIN_LEN <= len(w) <= ACRONYM_MAX_LEN:
                    key = w.lower()
                    caps_seen[key] += 1
                    if w.isupper():
                        caps[key] += 1
                        caps_after_det[key] += i > 0 and words[i - 1].lower() in _DETERMINERS
                        if i > 0:
                            before.setdefault(key, Counter())[words[i - 1].lower()] += 1
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
    acronyms = _acronym_names(caps, caps_seen, caps_after_det)
    names = sorted(set(names) | set(acronyms))
    seen.update({w: caps[w] for w in acronyms})  # an acronym's uses, for the place share below
    places: set[str] = set()
    for _ in range(2):  # a second pass lets "Kong" follow "Hong"
        places |= {
            w
            for w in names
            if w in before
            and sum(c for p, c in before[w].items() if p in PLACE_CUES or p in places) >= PLACE_SHARE * seen[w]
        }
    return names, sorted(places)


def _acronym_names(caps: Counter[str], seen: Counter[str], after_det: Counter[str]) -> list[str]:
    """Acronyms that name something: written in capitals in most uses and seldom after a determiner.

    Airlines and airports ("BA", "LHR", "JFK", "NYC") follow "the", "a", "my" in 0–15 % of their capitalised
    uses; things customers talk about ("the RAM", "the IFE", "the TV", "the OS", "a PC") in 20–65 %
    (BA reviews and SemEval-16 laptops/restaurants, 2026-12-04). Names never label a theme.
    """
    return sorted(
        w
        for w, c in caps.items()
        if c >= ENTITY_MIN_USES
        and c >= ENTITY_CAPITAL_SHARE * seen[w]
        and after_det[w] < ACRONYM_DET_SHARE * c
        and w not in STOP_WORDS
    )


def aspect_texts(
    texts: Sequence[str], entities: Sequence[str] = (), *, any_case: bool = False, keep_names: bool = True
) -> list[str]:
    """The aspect text of each text (see the module docstring); ``entities``: names to drop (from
    :func:`entity_words`: its places for the texts that are embedded, every name for the texts labels come from),
    where capitalised or, with ``any_case``, also in lower case ("windows" is the name "Windows" to a label, but a
    plane's windows to a vector). A text that is nothing but names keeps them when ``keep_names`` (a vector needs
    some text), else becomes empty (a label must never come from it). A text left without a content word keeps
    its judgements.
    """
    return _aspect_variants(texts, [(entities, any_case, keep_names)])[0]


def vector_and_label_texts(texts: Sequence[str], places: Sequence[str], names: Sequence[str]):
    """The aspect texts to embed (places dropped) and to label from (every name dropped, in any case, never kept):
    one pass for both."""
    return _aspect_variants(texts, [(places, False, True), (names, True, False)])


#: a word that is a PII placeholder, with any punctuation around it
_PLACEHOLDER_WORD = r"^[^\w\[]*" + PLACEHOLDER.pattern + r"\W*$"
_PUNCTUATION = string.punctuation.replace("'", "") + "“”‘’…–"


def _aspect_variants(texts: Sequence[str], variants: list[tuple[Sequence[str], bool, bool]]) -> list[list[str]]:
    """:func:`aspect_texts` of ``texts`` for each (entities, any_case, keep_names), sharing the word split.

    One vectorised polars pass over the words of all texts (texts are split at single spaces, as the stage
    normalises them): a word is looked up without the punctuation around it, and a dropped word leaves the
    punctuation mark that ended it ("great, and" → ", and").
    """
    import polars as pl

    if not texts:
        return [[] for _ in variants]
    words = (
        pl.DataFrame({"text": list(texts)}, schema={"text": pl.String})
        .with_row_index("row")
        .with_columns(pl.col("text").str.split(" "))
        .explode("text")
        .with_columns(core=pl.col("text").str.strip_chars(_PUNCTUATION))
        .with_columns(lower=pl.col("core").str.to_lowercase())
    )
    row, lower, text = pl.col("row"), pl.col("lower"), pl.col("text")
    same_next = (row.shift(-1) == row).fill_null(False)
    same_prev = (row.shift(1) == row).fill_null(False)
    judged = lower.is_in(list(opinion_words() | INTENSIFIERS))
    last = text.str.slice(-1)
    words = words.with_columns(
        opinion=judged | (lower.is_in(list(NEGATIONS)) & same_next & judged.shift(-1).fill_null(False)),
        joiner=lower.is_in(list(ROUTE_JOINERS)),
        residue=pl.when(last.is_in(list(",.;:!?"))).then(last).otherwise(pl.lit("")),
        content=pl.col("core").str.contains("[A-Za-z]") & ~lower.is_in(list(STOP_WORDS)),
    )
    # a PII placeholder ("[EMAIL]", "[NAME]," …) is dropped like a name: it says nothing about what the comment is
    # about, and a label must never read it as its word ("ask name", "wrong email")
    placeholder = text.str.contains(_PLACEHOLDER_WORD)
    results = []
    for entities, any_case, keep_names in variants:
        named = placeholder
        if entities:
            written = [w[:1].upper() + w[1:] for w in entities] + [w.upper() for w in entities]
            # a flight number or a website of a name ("BA16", "BA.com") is the name too
            base = pl.col("core").str.replace(r"(?:\d+|\.com)$", "")
            named = placeholder | pl.col("core").is_in(written) | base.is_in(written)
            if any_case:
                named = named | lower.is_in(list(entities)) | base.str.to_lowercase().is_in(list(entities))
            # a hyphenated route of names ("Cairo-London", "LHR-JFK", "london-amman-london" for labels)
            parts = (lower if any_case else pl.col("core")).str.split("-")
            route_word = (parts.list.len() > 1) & parts.list.eval(
                pl.element().is_in(list(entities) if any_case else written)
            ).list.all()
            named = named | route_word
        v = words.with_columns(named=named)
        n = pl.col("named")
        route = pl.col("joiner") & same_prev & n.shift(1).fill_null(False) & same_next & n.shift(-1).fill_null(False)
        before = (lower == "from") & same_next & n.shift(-1).fill_null(False)
        v = v.with_columns(unnamed=n | route | before).with_columns(keep=~pl.col("unnamed") & ~pl.col("opinion"))
        rows = v.group_by("row", maintain_order=True).agg(
            aspect=pl.when(pl.col("keep")).then(text).otherwise(pl.col("residue")).str.join(" "),
            named_content=(~pl.col("unnamed") & pl.col("content")).any(),
            aspect_content=(pl.col("keep") & pl.col("content")).any(),
        )
        out = _tidy(rows["aspect"]).to_list()
        # a pure verdict keeps its judgement, never the names: only those few rows are joined again
        bare = rows.filter(~pl.col("aspect_content"))
        unnamed = (
            v.filter(row.is_in(bare["row"].implode()))
            .group_by("row", maintain_order=True)
            .agg(joined=pl.when(pl.col("unnamed")).then(pl.col("residue")).otherwise(text).str.join(" "))
        )
        for r, has_named, joined in zip(
            bare["row"].to_list(), bare["named_content"].to_list(), _tidy(unnamed["joined"]).to_list(), strict=True
        ):
            out[r] = joined if has_named or not keep_names else texts[r]
        results.append(out)
    return results


def _tidy(series):
    """Spaces left by removed words, and before punctuation, collapsed (a polars string Series)."""
    return series.str.replace_all(r"\s+([,.!?;:])", "$1").str.replace_all(r"\s{2,}", " ").str.strip_chars()


def entity_mentions(texts: Sequence[str], names: Sequence[str]) -> list[list[str]]:
    """The names each text mentions as the corpus writes them (capitalised; a run of names is one: "Hong Kong"),
    distinct and sorted per text. One vectorised pass; only the few name words are looked at again."""
    import polars as pl

    if not texts or not names:
        return [[] for _ in texts]
    words = (
        pl.DataFrame({"text": list(texts)}, schema={"text": pl.String})
        .with_row_index("row")
        .with_columns(pl.col("text").str.split(" "))
        .with_columns(pos=pl.int_ranges(pl.col("text").list.len()))
        .explode("text", "pos")
        .with_columns(core=pl.col("text").str.strip_chars(_PUNCTUATION))
        .filter(pl.col("core").is_in([w[:1].upper() + w[1:] for w in names] + [w.upper() for w in names]))
    )
    out: list[set[str]] = [set() for _ in texts]
    run: list[str] = []
    last = (-1, -1)
    for row, pos, core, text in zip(*(words[c].to_list() for c in ("row", "pos", "core", "text")), strict=True):
        if run and (row, pos) != (last[0], last[1] + 1):
            out[last[0]].add(" ".join(run))
            run = []
        run.append(core)
        last = (row, pos)
        if text != core and text.rstrip(_PUNCTUATION) == core and run:  # "London," ends the run
            out[row].add(" ".join(run))
            run = []
    if run:
        out[last[0]].add(" ".join(run))
    return [sorted(s) for s in out]
