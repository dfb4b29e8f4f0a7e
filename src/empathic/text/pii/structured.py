"""Structured PII: patterns that find candidates, checks (:mod:`.checks`) that confirm them.

Each detector yields ``(start, end, kind)`` spans over the original text. Cheap guards (an ``@``, a digit, ``http``)
skip the regexes a comment cannot match, which is what keeps the structured pass above 20,000 comments/s.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from empathic.text.pii.checks import card_ok, digits_of, iban_ok, ip_ok, phone_ok, ssn_ok

Span = tuple[int, int, str]

EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}\b")
URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"')\]]+", re.IGNORECASE)
# a URL is personal when it carries a query/fragment value, an e-mail, or a long random path segment (a token)
_URL_TOKEN = re.compile(r"[?#&;][^=\s]*=|@|/[A-Za-z0-9_-]*(?=[A-Za-z_-]*\d)(?=\d*[A-Za-z])[A-Za-z0-9_-]{16,}")
IPV4 = re.compile(
    r"(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w.]\w)"
)
IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")
CARD = re.compile(r"(?<![\w+.,-])\d(?:[ -]?\d){12,18}(?![\w]|[.,]\d)")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
SSN = re.compile(
    r"(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])"
    r"|(?i:ssn|social security(?: number| no\.?)?)\W{0,3}(?:is |was |number |no\.? |# ?)?(\d{3} ?\d{2} ?\d{4})\b"
)
NI = re.compile(r"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b")
#: after "national insurance"/"NI number"/"NINO" any two letters pass (documentation-style "QQ 12 34 56 C")
NI_ANY = re.compile(r"\b[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b")
_NI_WORDS = ("national insurance", "ni number", "ni no", "nino", "ni:")
PHONE = re.compile(r"(?<![\w+./-])(?:\+|00)?\(?\d[\d ().\-\u00a0]{6,20}\d(?![\w/]|[.,]\d)")
#: words that make a bare digit run a phone number when they appear within 40 characters before it
_PHONE_WORDS = ("call", "ring", "phone", "tel", "mobile", "mob", "cell", "whatsapp", "text", "sms", "number",
                "no.", "contact", "reach")  # fmt: skip
_UK_POSTCODE = (
    r"(?:GIR ?0AA|[A-PR-UWYZ](?:\d[A-HJKPSTUW]?|\d\d|[A-HK-Y]\d[ABEHMNPRV-Y]?|[A-HK-Y]\d\d) ?\d[ABD-HJLNP-UW-Z]{2})"
)
#: Irish Eircode: routing key (letter + 2 digits, or D6W) and a 4-character unique identifier
EIRCODE = re.compile(r"\b((?:[AC-FHKNPRTV-Y]\d{2}|D6W) ?[0-9AC-FHKNPRTV-Y]{4})\b")
_CA_POSTCODE = r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d"
_STATES = (
    r"AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|"
    r"OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC|NSW|VIC|QLD|TAS|ACT|NT|SA"
)
#: postcode patterns; group 1 is the postcode (the rest is the context that makes a bare number one)
POSTCODES: tuple[re.Pattern[str], ...] = (
    re.compile(rf"\b({_UK_POSTCODE})\b"),
    re.compile(rf"\b({_CA_POSTCODE})\b"),
    re.compile(rf"\b(?:{_STATES}),? (\d{{4,5}}(?:-\d{{4}})?)\b"),
    re.compile(
        r"(?i:\b(?:zip|zip ?code|post ?code|postal code|pin ?code|plz|code postal))"
        r"\W{1,3}([A-Z0-9](?:[A-Z0-9 -]{2,8})[A-Z0-9])\b"
    ),
    re.compile(r", (\d{5}) [A-ZÄÖÜ][a-zäöüé]+"),
    re.compile(r"(?<=[a-z])(?: -|,) ?([1-9]\d{5})\b"),
    re.compile(r"\b(\d{4} ?[A-Z]{2}) [A-Z][a-z]+"),
)
_STREET_WORDS = (
    r"Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Close|Way|Court|Ct|Place|Pl|Crescent|Cres|Terrace|Tce|Boulevard|"
    r"Blvd|Gardens|Grove|Square|Sq|Parade|Row|Mews|Walk|Highway|Hwy|Parkway|Pkwy|Circle|Cir|Nagar|Marg"
)
ADDRESS = re.compile(
    rf"(?:\b(?:Flat|Apt\.?|Apartment|Unit|Suite) \w{{1,5}},? )?\b\d{{1,5}}[A-Za-z]?,? (?:[A-Z][A-Za-z'-]+ ){{1,3}}"
    rf"(?:{_STREET_WORDS})\b\.?(?: (?:NW|NE|SW|SE|N|S|E|W)\b)?"
    r"|\b[A-ZÄÖÜ][a-zäöüß-]+(?:straße|strasse|str\.|weg|allee|platz|gasse|ring|damm) \d{1,4}[a-z]?\b"
    r"|\b\d{1,4}(?: ?bis| ?ter)?,? (?:rue|avenue|boulevard|bd|place|chemin|allée|impasse|quai|calle|via|viale|piazza)"
    r" (?:(?:de la|de l'|du|des|de|d'|del|della|di) ?)?[A-ZÉ][\w'-]+(?: [A-Z][\w'-]+)?"
)
_MONTHS = (
    r"Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|"
    r"Nov(?:ember)?|Dec(?:ember)?"
)
_DATE = (
    rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:19|20)?\d\d|(?:19|20)\d\d-\d\d-\d\d"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?(?: of)? (?:{_MONTHS}),? (?:19|20)\d\d"
    rf"|(?:{_MONTHS}) \d{{1,2}}(?:st|nd|rd|th)?,? (?:19|20)\d\d)"
)
DOB = re.compile(
    rf"(?i:\b(?:born(?: on)?|date of birth|d\.?o\.?b\.?|birth ?date|birthday(?: is)?)\W{{0,3}}(?:is |was |on |of )?)"
    rf"({_DATE})"
)
#: digit runs joined by single separators: every digit-bearing detector starts from one of these clusters, so a
#: comment is scanned once for digits and each detector's regex runs only on a short window around a cluster
_CLUSTER = re.compile(r"\d[\d \-.()/:\u00a0]*")
_STATE_BEFORE = re.compile(rf"\b(?:{_STATES}),? $")
_ADDR_NEXT = re.compile(
    r"[A-Za-z]?,? (?:[A-Z]|rue|avenue|boulevard|bd|place|chemin|allée|impasse|quai|calle|via|viale|piazza)"
)
_ADDR_BEFORE = re.compile(r"(?:straße|strasse|str\.|weg|allee|platz|gasse|ring|damm) $")
#: "version 10.2.3.4", "firmware 1.2.3.4": four dotted numbers after these words are a version, not an IP address
_VERSION_BEFORE = re.compile(r"(?i:\b(?:v|ver|version|firmware|build|release|update|ios|android|os)\.?:? ?)$")
_NI_FIX = re.compile(r"\b[A-Z]{2} ?$")


def structured_spans(text: str) -> Iterator[Span]:
    """Every structured PII span in ``text`` (overlaps allowed; :func:`resolve` picks among them)."""
    at = text.find("@")
    while at >= 0:  # an e-mail is searched for only around each "@"
        for m in EMAIL.finditer(text, max(0, at - 64), at + 256):
            if m.start() < at < m.end():
                yield m.start(), m.end(), "EMAIL"
        at = text.find("@", at + 1)
    if "http" in text or "www." in text or "HTTP" in text or "WWW." in text:
        for m in URL.finditer(text):
            if _URL_TOKEN.search(m.group()):
                yield m.start(), m.end(), "URL"
    if text.count(":") >= 2:
        for m in IPV6.finditer(text):
            if m.group().count(":") >= 2 and ip_ok(m.group()) and any(c.isdigit() for c in m.group()):
                yield m.start(), m.end(), "IP"
    clusters = [m for m in _CLUSTER.finditer(text)]
    if not clusters:
        return
    lower = text.lower()
    yield from _after_keywords(text, lower, _DOB_WORDS, DOB, "DOB")
    yield from _after_keywords(text, lower, _POSTCODE_WORDS, POSTCODES[3], "POSTCODE")
    for m in clusters:
        yield from _cluster_spans(text, m.start(), m.start() + len(m.group().rstrip(" -.()/:\u00a0")))


_DOB_WORDS = ("born", "date of birth", "birth", "dob", "d.o.b")
_POSTCODE_WORDS = ("zip", "post", "pin", "plz", "code postal")


def _after_keywords(
    text: str, lower: str, words: tuple[str, ...], pattern: re.Pattern[str], kind: str
) -> Iterator[Span]:
    """Group 1 of ``pattern`` matched where one of ``words`` starts (a context-led detector, run only there)."""
    for word in words:
        i = lower.find(word)
        while i >= 0:
            m = pattern.match(text, i)
            if m and any(ch.isdigit() for ch in m.group(1)):
                yield m.start(1), m.end(1), kind
            i = lower.find(word, i + 1)


def _cluster_spans(text: str, start: int, end: int) -> Iterator[Span]:
    """The digit-bearing detectors that a cluster ``text[start:end]`` can be part of, run on a window around it."""
    n = len(text)
    chunk = text[start:end]
    nd = len(chunk) if chunk.isdigit() else sum(ch.isdigit() for ch in chunk)
    if nd >= 13:
        for m in CARD.finditer(text, max(0, start - 1), min(n, end + 2)):
            if card_ok(digits_of(m.group())):
                yield m.start(), m.end(), "CARD"
    if 8 <= nd <= 17:
        for m in PHONE.finditer(text, max(0, start - 3), min(n, end + 2)):
            a, b = _trim_phone(text, m.start(), m.end())
            before = text[max(0, a - 40) : a].lower()
            context = any(word in before for word in _PHONE_WORDS)
            if b - a >= 8 and phone_ok(text[a:b], context=context):
                yield a, b, "PHONE"
    if nd == 9:
        for m in SSN.finditer(text, max(0, start - 30), min(n, end + 2)):
            a, b = (m.start(1), m.end(1)) if m.group(1) else (m.start(), m.end())
            if ssn_ok(text[a:b]):
                yield a, b, "SSN"
    if nd >= 4 and chunk.count(".") == 3 and not _VERSION_BEFORE.search(text, max(0, start - 12), start):
        yield from ((m.start(), m.end(), "IP") for m in IPV4.finditer(text, max(0, start - 1), min(n, end + 2)))
    before = text[max(0, start - 3) : start]
    if before[-1:].isupper() or before[-2:-1].isupper():
        yield from _letter_digit_spans(text, start, end, nd)
    elif nd >= 2 and before[-2:].isascii() and before[-2:].isalpha() and before[-2:].islower():
        yield from _lower_iban(text, start)
    if nd in (4, 5, 9) and _STATE_BEFORE.search(text, max(0, start - 5), start):
        yield from ((m.start(1), m.end(1), "POSTCODE") for m in POSTCODES[2].finditer(text, max(0, start - 5), end + 1))
    if 4 <= nd <= 6:
        yield from _postcode_after_city(text, start, end, nd)
    if nd <= 5 and (_ADDR_NEXT.match(text, end) or _ADDR_BEFORE.search(text, max(0, start - 9), start)):
        for m in ADDRESS.finditer(text, max(0, start - 30), min(n, end + 60)):
            if m.start() <= end and m.end() >= start:
                yield m.start(), m.end(), "ADDRESS"


def _postcode_after_city(text: str, start: int, end: int, nd: int) -> Iterator[Span]:
    """German/French "…, 10115 Berlin", Indian "Bengaluru - 560001", Dutch "1012 AB Amsterdam"."""
    n = len(text)
    two = text[max(0, start - 2) : start]
    if two in (", ", "- ") or two[-1:] in (",", "-"):
        for pattern in POSTCODES[4:6]:
            yield from (
                (m.start(1), m.end(1), "POSTCODE") for m in pattern.finditer(text, max(0, start - 3), min(n, end + 30))
            )
    if nd == 4 and text[end : end + 1] == " " and text[end + 1 : end + 3].isupper():
        yield from ((m.start(1), m.end(1), "POSTCODE") for m in POSTCODES[6].finditer(text, start, min(n, end + 30)))


def _letter_digit_spans(text: str, start: int, end: int, nd: int) -> Iterator[Span]:
    """IBANs, UK NI numbers and UK/Canadian postcodes: upper-case letters right before the digits."""
    n = len(text)
    if nd >= 2 and text[start - 2 : start].isupper():
        for m in IBAN.finditer(text, start - 2, min(n, start + 42)):
            yield from _iban_span(m.group(), m.start())
    if nd == 6 and _NI_FIX.search(text, max(0, start - 3), start):
        before = text[max(0, start - 40) : start].lower()
        pattern = NI_ANY if any(w in before for w in _NI_WORDS) else NI
        yield from ((m.start(), m.end(), "NI") for m in pattern.finditer(text, max(0, start - 3), min(n, end + 3)))
    if nd <= 3:
        yield from (
            (m.start(1), m.end(1), "POSTCODE") for m in POSTCODES[0].finditer(text, max(0, start - 4), min(n, end + 6))
        )
        yield from (
            (m.start(1), m.end(1), "POSTCODE") for m in POSTCODES[1].finditer(text, max(0, start - 1), min(n, end + 6))
        )
        yield from (
            (m.start(1), m.end(1), "POSTCODE") for m in EIRCODE.finditer(text, max(0, start - 1), min(n, end + 6))
        )


def _lower_iban(text: str, start: int) -> Iterator[Span]:
    """An IBAN typed in lower case ("gb82 west 1234 …"): the same pattern and checksum on the upper-cased text."""
    window = text[start - 2 : start + 42]
    if not window.isascii():
        return
    m = IBAN.match(window.upper())
    if m and (start - 2 == 0 or not text[start - 3].isalnum()):
        yield from _iban_span(m.group(), start - 2)


def _iban_span(candidate: str, offset: int) -> Iterator[Span]:
    """An IBAN may run into the next word ("GB82 WEST 1234 5698 7654 32 THANKS"): cut at the country's length."""
    compact = candidate.replace(" ", "")
    from empathic.text.pii.checks import IBAN_LENGTHS

    want = IBAN_LENGTHS.get(compact[:2])
    if want is None or len(compact) < want or not iban_ok(compact[:want]):
        return
    seen = end = 0
    for end, ch in enumerate(candidate, start=1):  # noqa: B007 - end is the cut position after the loop
        if ch != " ":
            seen += 1
        if seen == want:
            break
    yield offset, offset + end, "IBAN"


def _trim_phone(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop separators a greedy match took at its edges ("(" without ")", a trailing ")" or "-")."""
    while end > start and text[end - 1] in " .-(\u00a0":
        end -= 1
    if text[start] == "(" and ")" not in text[start:end]:
        start += 1
    if text[end - 1] == ")" and "(" not in text[start:end]:
        end -= 1
    return start, end
