"""Checksums and shape checks that turn a pattern match into a confident PII finding.

Pure functions over strings; each says why a look-alike (an order number, a price, a version) is not PII.
"""

from __future__ import annotations

import ipaddress

#: IBAN length per country (ISO 13616 registry, the countries customers of an EU/UK business mostly have).
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29, "CH": 21,
    "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18,
    "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23,
    "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27,
    "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29,
    "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TN": 24, "TR": 26,
    "UA": 29, "VG": 24, "XK": 20,
}  # fmt: skip


def digits_of(text: str) -> str:
    """The decimal digits of ``text`` in order ("4111-1111 1111" → "411111111111")."""
    return "".join(ch for ch in text if "0" <= ch <= "9")


def luhn_ok(number: str) -> bool:
    """Luhn (mod 10) check of a digit string: what every payment card number satisfies."""
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def card_ok(number: str) -> bool:
    """A payment card: 13–19 digits, an issuer prefix (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay,
    Maestro) and a valid Luhn digit. The prefix check removes most of the 1-in-10 random numbers that pass Luhn."""
    n = len(number)
    if not 13 <= n <= 19 or len(set(number)) == 1:
        return False
    two, four = int(number[:2]), int(number[:4])
    issuer = (
        number[0] == "4"
        or 51 <= two <= 55
        or 2221 <= four <= 2720
        or two in (34, 37, 36, 38, 39, 30, 35, 62, 50, 56, 57, 58, 63, 67, 60, 64, 65)
    )
    return issuer and luhn_ok(number)


def iban_ok(compact: str) -> bool:
    """An IBAN (spaces removed, upper case): known country, its exact length, and ISO 7064 mod-97 == 1."""
    if len(compact) < 15 or not compact[:2].isalpha() or not compact[2:4].isdigit():
        return False
    if IBAN_LENGTHS.get(compact[:2]) != len(compact) or not compact.isalnum():
        return False
    rearranged = compact[4:] + compact[:4]
    as_digits = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(as_digits) % 97 == 1


def ip_ok(candidate: str) -> bool:
    """A syntactically valid IPv4 or IPv6 address (``ipaddress`` decides; "12:30:45" is not one)."""
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return False
    return True


def ssn_ok(text: str) -> bool:
    """US SSN shape rules: area not 000, 666 or 9xx; group not 00; serial not 0000."""
    d = digits_of(text)
    if len(d) != 9:
        return False
    area, group, serial = d[:3], d[3:5], d[5:]
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


def phone_ok(text: str, *, context: bool) -> bool:
    """Whether a run of digits and separators is a phone number.

    International (``+``/``00``): 8–15 digits (E.164). National with a trunk ``0`` (UK, DE, FR, IT, NL, AU, IN):
    10–12 digits, or 9 when grouped. North American: 10 digits grouped as 3-3-4 with valid area/exchange codes, or
    11 starting with 1. Spanish/Indian mobiles: 9 digits grouped 3-3-3 / 10 grouped 5-5 starting 6–9. ``context``
    (a preceding "call", "phone", "mobile"…) accepts any 9–13 digit run. Dates, prices, versions and order numbers
    fail these rules because of their digit count, leading digit or grouping.
    """
    stripped = text.strip()
    d = digits_of(stripped)
    n = len(d)
    if stripped.startswith("+"):
        return 8 <= n <= 15 and not d.startswith("0")
    if stripped.startswith("00") and not stripped.startswith("000"):
        return 10 <= n <= 17
    if context and 9 <= n <= 13:
        return True
    groups = [g for g in _split_groups(stripped) if g]
    sizes = [len(g) for g in groups]
    if d.startswith("0"):
        if 10 <= n <= 12:
            return len(groups) >= 2 or n in (10, 11)
        return n == 9 and len(groups) >= 2
    if n == 10 and sizes in ([3, 3, 4], [5, 5]) and d[0] in "23456789":
        # 3-3-4 is North American (made-up numbers often break the exchange rule: "555-123-4567", keep them)
        return (sizes == [5, 5] and d[0] in "6789") or sizes == [3, 3, 4]
    if n == 11 and d[0] == "1" and sizes in ([1, 3, 3, 4],):
        return d[1] in "23456789"
    return n == 9 and sizes == [3, 3, 3] and d[0] in "6789"


def _split_groups(text: str) -> list[str]:
    out, cur = [], []
    for ch in text:
        if "0" <= ch <= "9":
            cur.append(ch)
        elif cur:
            out.append("".join(cur))
            cur = []
    if cur:
        out.append("".join(cur))
    return out
