"""Person names: capitalised words that a name list or the words before them mark as names.

Two ways in:

- **context**: after "my name is", "ask", "agent", "spoke to", "Mr" … a capitalised word is a name unless it is a
  common word ("spoke to Customer Services"), a brand ("asked Amazon") or a place;
- **list**: a capitalised word in the 1990 US Census first-name list (``data/first_names.txt``) is a name unless it
  is also a common word or a brand ("Will", "May", "Jordan", "Apple") and no context says otherwise.

A following capitalised word that is not a common word is taken as the surname ("Priya Sharma").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from importlib import resources

Span = tuple[int, int, str]


def _words(text: str) -> frozenset[str]:
    """A word set written as one space-separated string (keeps long lists readable)."""
    return frozenset(text.split())


_WORD = re.compile(r"\b[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+(?:[-'][A-Z]?[a-zß-öø-ÿ]+)?\b")
_STRONG = re.compile(
    r"(?i:\b(?:my name is|my name's|name is|i am|i'm|this is|ask for|asking for|asked for|ask|asked|"
    r"agent|advisor|adviser|rep|representative|colleague|manager|supervisor|assistant|cashier|driver|"
    r"engineer|technician|consultant|operator|stewardess|steward|pilot|captain|nurse|doctor|"
    r"spoke to|spoke with|speak to|speak with|speaking to|speaking with|talked to|talked with|talking to|"
    r"dealt with|served by|helped by|assisted by|handled by|called|named|dear|regards|cheers|signed|"
    r"thanks to|thank you|thanks)[\s,:;(\-–]{0,3})$"  # no "." "!" "?": a cue does not cross a sentence end
    r"|\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Herr|Frau|Mme|Mlle|Monsieur|Madame|Señor|Señora|Sri|Smt|Shri)\.? $"
)
#: words right after a capitalised word that make it a person ("Deepika from customer service", "Tom on the phone")
_AFTER = re.compile(
    r",? ?(?:(?:[A-Z][a-zß-öø-ÿ'-]+ )?(?:on the (?:phone|line|desk|chat)|from (?:customer|the (?:call|support|help))|"
    r"at the (?:desk|counter|check-in|gate|front|till|reception|branch|store)|in customer|"
    r"(?P<judged>(?:was|is|were) (?:so |very |really |extremely |super )?"
    r"(?:helpful|rude|lovely|kind|amazing|great|unhelpful|"
    r"polite|friendly|patient))|called me|sorted|helped me|who (?:helped|served|was))"
    r")"
)
#: a capitalised word after these is a place, not a person ("to Geneva", "St Lucia", "Denver, CO")
_PLACE_BEFORE = re.compile(
    r"(?:\b(?:to|from|in|via|at|near|of|St\.?|Saint|Leeds|Fort|Port|New|San|Santa|Los|Las|[Ss]torm|[Hh]urricane)"
    r"|, ) $"
)
#: "Sofia to London", "Venice - Gatwick": a route, so the first word is a place
_ROUTE_AFTER = re.compile(r" (?:to|-|–) [A-Z]")
_PLACES = _words(
    "sydney melbourne chelsea victoria florence austin dallas phoenix georgia virginia carolina madison lincoln "
    "jackson kennedy denver milan geneva bradford lucia hong kong orlando houston paris london"
)
_PARTICLE = re.compile(
    r" (?:de la|de|van der|van den|van|von|da|di|del|della|dos|du|le|bin|ibn|al|el|ter) [A-Z][\w'-]+"
)
_BRANDS = _words(
    "apple amazon jordan nike adidas puma gucci chanel prada zara primark tesco asda aldi lidl boots argos currys "
    "google microsoft samsung sony dell ford tesla mercedes porsche ferrari honda toyota virgin delta emirates qantas "
    "ryanair easyjet lufthansa alexa siri cortana kindle prime disney netflix hulu spotify uber lyft paypal visa "
    "mastercard amex monzo revolut barclays lloyds natwest halifax santander hsbc chase citi wells fargo tiffany "
    "harrods selfridges marks spencer john lewis debenhams macy costco walmart target heathrow gatwick stansted dubai "
    "india china jersey sterling avios executive club galleries boeing airbus concorde france air world"
)
_AMBIGUOUS = _words(
    "al alexandria aline an angel angle april art asia august autumn bee bell berry bill bo cami candy carry chance "
    "chase cherry china coral daisy desire diamond diego don dot drew dusty easter echo ed else emerald fairy fe "
    "flora florida forest francisco gala garnet golden grace guy ha hang heather holly honey hope hue hung hunter in "
    "irish ivory jade january jean jewel joy june lacy lady le lean li lon long love ma major man many mark max may "
    "mi miles miss moon my numbers ok olive pa page patience pearl penny precious princess queen rea rex rich rose "
    "royal rusty sage sandy season see september shin so son soo soon sparkle spring star su summer sun sunday sung "
    "sunny sunshine ta tad terra thi tiny tu un velvet violet will windy winter young sterling crystal amber ruby "
    "dawn faith gay pat sue nick bob rob norman german french english christian king price white brown green black "
    "gray grey hall wood lane dean doll jan ike ian"
)
_NOT_NAMES = _words(
    "i the a an and but or so if it its we you they he she my our your their this that these those there here monday "
    "tuesday wednesday thursday friday saturday sunday january february march april may june july august september "
    "october november december ok okay yes no hi hello dear thanks thank please customer customers service services "
    "staff team support crew cabin gate check business economy first premium club lounge flight flights airline "
    "airport hotel store shop branch bank app website online manager agent"
)


@cache
def _word_list(name: str) -> frozenset[str]:
    text = resources.files("empathic.text.pii").joinpath("data", name).read_text(encoding="utf-8")
    return frozenset(w.strip().lower() for w in text.splitlines() if w.strip())


def first_names() -> frozenset[str]:
    """Lower-case given names of the shipped list (public-domain 1990 US Census)."""
    return _word_list("first_names.txt")


def last_names() -> frozenset[str]:
    """Lower-case surnames (the 5,000 most frequent of the same census)."""
    return _word_list("last_names.txt")


def common_words() -> frozenset[str]:
    """Words common enough in lower case that a capital letter alone does not make them a name."""
    return _word_list("common_words.txt")


#: "my name is anna kowalska": after "my name is", a word in lower case is a name too (only this cue: "i am frank"
#: and "this is grace" are as often words as names)
_LOWER_INTRO = re.compile(r"(?i:\b(?:my name is|my name's|name is)) ([a-z][a-z'-]+)(?: ([a-z][a-z'-]+))?")


#: words that follow "my name is" without being a name ("my name is spelled wrong on the ticket")
_NAME_IS_WORDS = _words(
    "spelled spelt misspelled misspelt wrong missing incorrect correct listed printed shown written still also "
    "different same now already right mentioned given used changed there here"
)


def _lower_case_names(
    text: str, firsts: frozenset[str], lasts: frozenset[str], common: frozenset[str]
) -> Iterator[Span]:
    for m in _LOWER_INTRO.finditer(text):
        first, last = m.group(1), m.group(2)
        if (
            first in _NOT_NAMES
            or first in _BRANDS
            or first in _NAME_IS_WORDS
            or (first in common and first not in firsts)
        ):
            continue
        surname = last is not None and last not in _NOT_NAMES and (last in lasts or last not in common)
        yield m.start(1), m.end(2) if surname else m.end(1), "NAME"


def name_spans(text: str) -> Iterator[Span]:
    """Spans of person names in ``text`` (a first name, plus a surname when one follows)."""
    firsts, lasts, common = first_names(), last_names(), common_words()
    if "name" in text.lower():  # cheap gate for the lower-case introductions
        yield from _lower_case_names(text, firsts, lasts, common)
    if not any("A" <= ch <= "Z" or "À" <= ch <= "Þ" for ch in text):
        return
    words = list(_WORD.finditer(text))
    i = 0
    while i < len(words):
        m = words[i]
        low = m.group().lower()
        if low in _NOT_NAMES or (low in _BRANDS and not _strong_before(text, m.start())):
            i += 1
            continue
        before = _strong_before(text, m.start())
        after = _AFTER.match(text, m.end())
        # "X was helpful" makes a person only of a known first name ("Headrest was great", "Meals were great")
        judged_only = bool(after and after.group("judged"))
        strong = before or bool(after and not judged_only) or (judged_only and low in firsts and low not in _PLACES)
        listed = low in firsts and low not in _AMBIGUOUS and low not in common and low not in _PLACES
        if listed and not strong and _in_proper_noun(words, i, text, common, lasts):
            listed = False  # "Air France", "Ryan Air", "World Traveller"
        if listed and not strong and _ROUTE_AFTER.match(text, m.end()):
            listed = False
        if listed and not strong and _PLACE_BEFORE.search(text, max(0, m.start() - 10), m.start()):
            listed = False
        if listed and not strong and text[m.end() : m.end() + 2] == ", " and text[m.end() + 2 : m.end() + 4].isupper():
            listed = False  # "Denver, CO"
        if not listed and not (strong and _name_like(low, firsts, common)):
            i += 1
            continue
        end = m.end()
        particle = _PARTICLE.match(text, end)
        if particle:
            end = particle.end()
            while i + 1 < len(words) and words[i + 1].start() < end:
                i += 1
        nxt = words[i + 1] if i + 1 < len(words) else None
        if (
            nxt is not None
            and _only_space(text, end, nxt.start())
            and _surname_like(nxt.group().lower(), lasts, common)
        ):
            end = nxt.end()
            i += 1
        yield m.start(), end, "NAME"
        i += 1


def _in_proper_noun(
    words: list[re.Match[str]], i: int, text: str, common: frozenset[str], lasts: frozenset[str]
) -> bool:
    """Whether word ``i`` sits next to a capitalised common word or brand, i.e. inside a product or place name."""
    m = words[i]
    if i > 0 and _only_space(text, words[i - 1].end(), m.start()):
        prev = words[i - 1].group().lower()
        if (
            (prev in common or prev in _BRANDS)
            and prev not in _NOT_NAMES
            and not _sentence_start(text, words[i - 1].start())
        ):
            return True
    if i + 1 < len(words) and _only_space(text, m.end(), words[i + 1].start()):
        nxt = words[i + 1].group().lower()
        return (nxt in common or nxt in _BRANDS) and nxt not in lasts
    return False


def _sentence_start(text: str, start: int) -> bool:
    head = text[max(0, start - 3) : start].rstrip()
    return not head or head[-1] in ".!?\n"


def _strong_before(text: str, start: int) -> bool:
    return bool(_STRONG.search(text, max(0, start - 24), start))


def _name_like(low: str, firsts: frozenset[str], common: frozenset[str]) -> bool:
    """After a strong context: any capitalised word that is not a common word, a brand or a known non-name."""
    if low in _BRANDS or low in _NOT_NAMES:
        return False
    return low in firsts or low in _PLACES or low not in common


def _surname_like(low: str, lasts: frozenset[str], common: frozenset[str]) -> bool:
    if low in _NOT_NAMES or low in _BRANDS:
        return False
    return low in lasts or low not in common


def _only_space(text: str, a: int, b: int) -> bool:
    return b - a == 1 and text[a] == " "
