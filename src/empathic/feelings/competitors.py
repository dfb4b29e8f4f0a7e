"""Competitor mentions: sentences that look at the market ("other airlines offer…", "unlike Emirates",
"compared to Virgin") belong to the empathy map's **sees** quadrant (issue #17, item 3).

The quadrant rules decide in the order hears → says & does → thinks & feels → sees, so "I think other airlines
offer more legroom" or "we flew Qatar instead, much better" landed in thinks & feels or says & does, and the
"sees" quadrant never showed what customers compare the product with. A sentence is a competitor mention when

- it names the competition generically: "other / another / rival airlines (carriers, stores, brands, banks…)",
  "competitor(s)", "the competition"; or
- a comparison cue ("unlike", "compared to/with", "in comparison to", "versus", "vs", "better/worse than",
  "rather than", "instead of") is followed by a capitalised name, or a name is followed by "instead"/"next time"
  after "fly/book/stick/switch with". The name must not be the corpus's **own brand**: the capitalised name
  mentioned by at least ``OWN_BRAND_SHARE`` of the texts (in BA reviews "BA" is the subject,
  "Emirates" a competitor), nor a generic capitalised word (a month, "I", a weekday).

Rules over the raw text (names need their capitals); deterministic; no model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

#: A name that this share of the texts mention is the corpus's own brand, not a competitor.
OWN_BRAND_SHARE = 0.05

_GENERIC = re.compile(
    r"\b(?:other|another|rival|competing|competitor)\s+(?:\w+\s+)?(?:airlines?|carriers?|stores?|shops?|brands?|"
    r"retailers?|banks?|companies|providers?|apps?|operators?|websites?)\b"
    r"|\bcompetitors?\b|\bthe competition\b",
    re.IGNORECASE,
)
_NAME = r"(?P<name>(?:[A-Z][\w&'\-]*|[A-Z]{2,})(?:\s+(?:[A-Z][\w&'\-]*|[A-Z]{2,}))*)"
_COMPARED = re.compile(
    r"\b(?:[Uu]nlike|[Cc]ompared (?:to|with)|[Ii]n comparison (?:to|with)|[Vv]ersus|vs\.?|(?:better|worse|"
    r"cheaper|nicer|superior|inferior|more \w+|less \w+) than|[Rr]ather than|[Ii]nstead of)\s+(?:the\s+)?(?:on\s+|"
    r"with\s+)?" + _NAME
)
_INSTEAD = re.compile(
    r"\b(?:fly|flew|flying|book|booked|booking|stick|stuck|switch(?:ed)?|use|used|shop|shopped)"
    r"\s+(?:with|to)\s+" + _NAME + r"\s+(?:instead|next time|from now on|in future|in the future)\b"
)
#: Texts without one of these words cannot mention a competitor (a cheap vectorised pre-filter).
_CUE = re.compile(
    r"\b(?:other|another|rival|competing|competitors?|competition|unlike|compared|comparison|versus|vs|than|"
    r"instead)\b",
    re.IGNORECASE,
)
#: Capitalised words that are never a competitor's name.
_NOT_NAMES = frozenset(
    """I I'm I've I'd Im The A An This That These Those It Its My Our We They He She You Your Their His Her
    Mr Mrs Ms Dr Sir Madam OK Ok Yes No Not But And Or So Then Also However Overall Economy Business First Premium
    Club World Europe Traveller Plus Class Cabin Lounge Terminal Airport Monday Tuesday Wednesday Thursday
    Friday Saturday Sunday January February
    March April May June July August September October November December Christmas Easter
    """.split()  # noqa: SIM905
)


def competitor_names(texts: Sequence[str]) -> list[str | None]:
    """Per text: the competitor it mentions (the name, or "other …" for a generic mention), else None.

    Only texts with a cue word are parsed (one vectorised scan finds them); a name's share of all ``texts`` decides
    whether it is the corpus's own brand.
    """
    from empathic.feelings.rules import search_many

    out: list[str | None] = [None] * len(texts)
    candidates = np.flatnonzero(search_many(_CUE, texts))
    names_of: dict[int, list[str]] = {}
    for i in candidates.tolist():
        text = texts[i] or ""
        names = [_clean(m.group("name")) for p in (_COMPARED, _INSTEAD) for m in p.finditer(text)]
        names_of[i] = [n for n in names if n]
    distinct = sorted({n for names in names_of.values() for n in names})
    own = {n for n in distinct if _is_own(n, texts)}
    for i in candidates.tolist():
        found = next((n for n in names_of[i] if n not in own), None)
        if found is None:
            generic = _GENERIC.search(texts[i] or "")
            found = " ".join(generic.group(0).split()).lower() if generic else None
        out[i] = found
    return out


def _is_own(name: str, texts: Sequence[str]) -> bool:
    """Is ``name`` the subject of the feedback: mentioned by at least ``OWN_BRAND_SHARE`` of the texts (and twice)?"""
    from empathic.feelings.rules import search_many

    n = int(search_many(re.compile(r"\b" + re.escape(name) + r"\b"), texts).sum())
    return n >= max(2, OWN_BRAND_SHARE * len(texts))


def competitor_mentions(texts: Sequence[str]) -> np.ndarray:
    """bool (n,): does each text mention a competitor (see the module docstring)?"""
    return np.array([n is not None for n in competitor_names(texts)], dtype=bool)


def _clean(name: str) -> str | None:
    """The name without leading or trailing non-name words ("Emirates" from "Emirates The"); None if nothing is left."""
    words = [w for w in name.split() if w not in _NOT_NAMES]
    return " ".join(words) if words else None
