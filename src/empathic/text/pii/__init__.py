"""PII detection and redaction, offline and deterministic.

``Redactor(mode="all")`` finds structured PII (:mod:`.structured`, checked by :mod:`.checks`), person names
(:mod:`.names`) and a workspace's own patterns (``ORD-\\d{8}`` → ``[ID]``), and replaces each with a typed
placeholder in square brackets (``[EMAIL]``, ``[PHONE]`` …). Placeholders are bracketed upper-case tokens so that
later stages can tell them from words (themes must not label a theme "EMAIL").

Why our own detectors and not presidio-analyzer: see ``docs/bench/privacy.md`` (presidio's AnalyzerEngine needs a
spaCy pipeline even for its pattern recognisers, which pulls spaCy into a core dependency and runs an order of
magnitude slower than the 20,000 comments/s target; its recognisers lack UK NI, international phone formats
without the ``phonenumbers`` package, and postcodes).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from empathic.errors import InputError
from empathic.text.pii.names import name_spans
from empathic.text.pii.structured import Span, structured_spans

Mode = Literal["all", "structured", "none"]
MODES: tuple[str, ...] = ("all", "structured", "none")

#: every placeholder kind, in the order ``empathic info`` lists them
KINDS: tuple[str, ...] = (
    "EMAIL", "PHONE", "CARD", "IBAN", "IP", "URL", "SSN", "NI", "POSTCODE", "ADDRESS", "DOB", "NAME", "ID",
)  # fmt: skip
STRUCTURED_KINDS = frozenset(KINDS) - {"NAME", "ID"}

#: when spans overlap, the earlier kind here wins (a card number inside a URL is still the URL)
_PRIORITY = {k: i for i, k in enumerate(("ID", "EMAIL", "URL", "IBAN", "CARD", "SSN", "NI", "IP", "DOB", "PHONE",
                                          "ADDRESS", "POSTCODE", "NAME"))}  # fmt: skip
PLACEHOLDER = re.compile(r"\[(?:" + "|".join(KINDS) + r")(?::[0-9a-f]{8})?\]")


def placeholder(kind: str) -> str:
    """The token that replaces a finding of ``kind`` ("EMAIL" → "[EMAIL]")."""
    return f"[{kind}]"


def compile_custom(patterns: Sequence[str]) -> list[re.Pattern[str]]:
    """Compile a workspace's own patterns (``--pii-pattern``); a bad one is an InputError naming it."""
    compiled = []
    for p in patterns:
        try:
            rx = re.compile(p)
        except re.error as exc:
            raise InputError(
                f"--pii-pattern {p!r} is not a valid regular expression: {exc}",
                hint=r"write a Python regular expression, e.g. --pii-pattern 'ORD-\d{8}'",
            ) from None
        if rx.search(""):
            raise InputError(f"--pii-pattern {p!r} matches the empty string", hint="make it match at least one char")
        compiled.append(rx)
    return compiled


@dataclass
class Redactor:
    """Replace PII in texts by typed placeholders and count what was replaced.

    Args:
        mode: "all" (structured + names + custom), "structured" (no names), "none" (no change).
        custom_patterns: regular expressions whose matches become ``[ID]`` (order and account numbers).
        email_token: when given, an e-mail becomes ``[EMAIL:<token>]`` (a keyed pseudonym, 8 hex digits) so that
            comments of one address can still be joined.
    """

    mode: Mode = "structured"
    custom_patterns: Sequence[str] = ()
    email_token: Callable[[str], str] | None = None
    counts_: Counter[str] = field(default_factory=Counter, init=False)

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise InputError(f"unknown PII redaction mode {self.mode!r}", hint=f"choose one of: {', '.join(MODES)}")
        self._custom = compile_custom(self.custom_patterns)

    def spans(self, text: str) -> list[Span]:
        """Non-overlapping PII spans of ``text``, in order (what :meth:`redact` replaces)."""
        if self.mode == "none" or not text:
            return []
        found: list[Span] = [(m.start(), m.end(), "ID") for rx in self._custom for m in rx.finditer(text) if m.end()]
        found.extend(structured_spans(text))
        if self.mode == "all":
            found.extend(name_spans(text))
        return resolve(found)

    def redact(self, text: str) -> str:
        """``text`` with each PII span replaced by its placeholder; counts accumulate in ``counts_``."""
        spans = self.spans(text)
        if not spans:
            return text
        out, pos = [], 0
        for start, end, kind in spans:
            out.append(text[pos:start])
            if kind == "EMAIL" and self.email_token is not None:
                out.append(f"[EMAIL:{self.email_token(text[start:end])[:8]}]")
            else:
                out.append(placeholder(kind))
            self.counts_[kind] += 1
            pos = end
        out.append(text[pos:])
        return "".join(out)

    def redact_many(self, texts: Iterable[str | None]) -> list[str | None]:
        """:meth:`redact` over a column (None stays None)."""
        return [t if t is None else self.redact(t) for t in texts]


def resolve(spans: list[Span]) -> list[Span]:
    """Keep non-overlapping spans: by start; on overlap the longer, then the higher-priority kind, wins."""
    spans = sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]), _PRIORITY[s[2]]))
    kept: list[Span] = []
    for span in spans:
        if kept and span[0] < kept[-1][1]:
            last = kept[-1]
            better = (span[1] - span[0], -_PRIORITY[span[2]]) > (last[1] - last[0], -_PRIORITY[last[2]])
            if better and span[0] == last[0]:
                kept[-1] = span
            elif span[1] > last[1] and _PRIORITY[span[2]] < _PRIORITY[last[2]]:
                kept[-1] = (last[0], span[1], span[2])
            continue
        kept.append(span)
    return kept


def redact(text: str, mode: Mode = "all", custom_patterns: Sequence[str] = ()) -> str:
    """One-off convenience: ``text`` with its PII replaced (see :class:`Redactor`)."""
    return Redactor(mode=mode, custom_patterns=custom_patterns).redact(text)


__all__ = ["KINDS", "MODES", "PLACEHOLDER", "Redactor", "compile_custom", "placeholder", "redact", "resolve"]
