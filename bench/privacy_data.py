"""Seeded generator of a labelled PII evaluation set for bench/privacy.py.

Real comments (read at run time from ../shared/data: BA airline reviews, banking77 queries, women's clothing
reviews; never copied into the repo) get PII planted in realistic positions and formats (UK, US, FR, DE, ES, IT,
NL, AU, IN) and hard negatives that must survive (flight numbers, prices, versions, purchase dates, brands).
Every planted piece is labelled ``(start, end, kind)``; hard negatives have kind ``NEG``.

The names come from a hand-written multi-country list below, NOT from the detector's census list, so the name
recall measured here is not the detector reading its own list back.
"""

from __future__ import annotations

import csv
import random
import re
from dataclasses import dataclass, field

from data_root import data_root

DATA = data_root()

FIRST = [
    "Sarah",
    "James",
    "Emily",
    "Oliver",
    "Priya",
    "Arjun",
    "Mohammed",
    "Fatima",
    "Siobhan",
    "Aoife",
    "Giulia",
    "Mateo",
    "Lucía",
    "Chloé",
    "Jürgen",
    "Wei",
    "Oluwaseun",
    "Chinedu",
    "Hannah",
    "Liam",
    "Noah",
    "Olivia",
    "Ava",
    "Isabella",
    "Sophie",
    "Grace",
    "Thomas",
    "Daniel",
    "Rebecca",
    "Laura",
    "Ananya",
    "Rahul",
    "Deepika",
    "Vikram",
    "Lakshmi",
    "Sanjay",
    "Kavya",
    "Pierre",
    "Camille",
    "Élodie",
    "Lukas",
    "Lena",
    "Felix",
    "Marta",
    "Javier",
    "Alejandro",
    "Francesca",
    "Marco",
    "Sven",
    "Ingrid",
    "Anika",
    "Tomasz",
    "Katarzyna",
    "Aleksandra",
    "Dmitri",
    "Yusuf",
    "Aisha",
    "Omar",
    "Layla",
    "Kwame",
    "Ama",
    "Kofi",
    "Jack",
    "Harry",
    "Charlotte",
    "Amelia",
    "Megan",
    "Ellie",
    "Ryan",
    "Connor",
    "Kieran",
    "Declan",
    "Niamh",
    "Bridget",
    "Patrick",
    "Kevin",
    "Brian",
    "Jessica",
    "Ashley",
    "Brittany",
    "Tyler",
    "Jordan",
    "Madison",
    "Austin",
    "Kayla",
    "Hunter",
    "Mia",
    "Zoe",
    "Ruby",
    "Lily",
    "Isla",
    "Freya",
    "Mason",
    "Ethan",
    "Lucas",
    "Chen",
    "Mei",
    "Hiroshi",
    "Yuki",
    "Kenji",
    "Sakura",
    "Nguyen",
    "Linh",
    "Minh",
    "Raj",
    "Neha",
    "Pooja",
    "Aditya",
    "Rohan",
    "Sneha",
    "Karthik",
    "Meera",
]
LAST = [
    "Smith",
    "Jones",
    "Williams",
    "Brown",
    "Taylor",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Roberts",
    "Johnson",
    "Walker",
    "Wright",
    "Robinson",
    "Thompson",
    "Patel",
    "Sharma",
    "Singh",
    "Kumar",
    "Gupta",
    "Iyer",
    "Reddy",
    "Nair",
    "Khan",
    "Ahmed",
    "Ali",
    "Hussain",
    "O'Brien",
    "Murphy",
    "Kelly",
    "Byrne",
    "Walsh",
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Dubois",
    "Martin",
    "Bernard",
    "Moreau",
    "Lefèvre",
    "García",
    "Martínez",
    "López",
    "Rossi",
    "Russo",
    "Bianchi",
    "Ferrari",
    "Jansen",
    "Visser",
    "Kowalski",
    "Nowak",
    "Okafor",
    "Adeyemi",
    "Mensah",
    "Chen",
    "Wang",
    "Li",
    "Zhang",
    "Tanaka",
    "Sato",
    "Nguyen",
    "Tran",
    "Anderson",
    "Miller",
    "Davis",
    "Garcia",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Moore",
    "Jackson",
    "Harris",
    "Clark",
    "Lewis",
    "Young",
]
CITIES = [
    "Leeds",
    "Manchester",
    "Bristol",
    "Glasgow",
    "Boston",
    "Chicago",
    "Lyon",
    "Munich",
    "Madrid",
    "Milan",
    "Utrecht",
    "Perth",
    "Pune",
    "Delhi",
]
DOMAINS = [
    "gmail.com",
    "yahoo.co.uk",
    "outlook.com",
    "hotmail.fr",
    "web.de",
    "icloud.com",
    "example.org",
    "btinternet.com",
]
STREETS = [
    "High",
    "Elm",
    "Station",
    "Church",
    "Victoria",
    "Park",
    "Mill",
    "Kings",
    "Queen",
    "Oak",
    "Maple",
    "Cedar",
    "Sunset",
    "Lakeview",
    "Green",
]
STREET_TYPES = [
    "Street",
    "Road",
    "Avenue",
    "Lane",
    "Drive",
    "Close",
    "Way",
    "Court",
    "Crescent",
    "Terrace",
    "Boulevard",
]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

NEGATIVES = (
    "flight BA117",
    "BA 283",
    "flight EK 7",
    "£1,299.99",
    "$49.99",
    "€20.50",
    "v2.3.1",
    "version 14.2",
    "iPhone 15 Pro",
    "Galaxy S23",
    "Apple",
    "Amazon",
    "Jordan 4s",
    "Nike Air Max 90",
    "seat 23A",
    "gate B32",
    "Terminal 5",
    "size 10",
    "Boeing 777-300",
    "A380",
    "room 1204",
    "24/7",
    "10:30am",
    "order of 3 items",
    "3 March 2024",
    "12/03/2024",
    "2024-01-15",
    "Kindle Paperwhite",
    "Amazon Prime",
    "Apple Pay",
    "Windows 11",
    "PS5",
    "4K TV",
    "USB-C",
    "Avios",
    "Club Europe",
    "Marks & Spencer",
    "Samsung 65 inch",
)
NEG_TEMPLATES = (
    "I was on {} and it was late.",
    "It cost {} which felt steep.",
    "Bought it on {} and it arrived quickly.",
    "I use {} every day.",
    "The update to {} broke things.",
    "Compared with {} it's fine.",
)


@dataclass
class Item:
    """One labelled comment: the text and its planted spans ``(start, end, kind)``."""

    text: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)


def real_comments(limit: int = 4000, seed: int = 0) -> list[str]:
    """Real feedback texts from ../shared/data (raises FileNotFoundError when absent)."""
    out: list[str] = []
    with open(DATA / "ba_airline_reviews" / "ba_reviews.csv", newline="", encoding="utf-8") as fh:
        out += [re.sub(r"\s+", " ", r["content"]).strip()[:600] for r in csv.DictReader(fh)]
    with open(DATA / "banking77" / "train.csv", newline="", encoding="utf-8") as fh:
        out += [r["text"].strip() for r in csv.DictReader(fh)]
    path = DATA / "womens_clothing_reviews" / "Womens Clothing E-Commerce Reviews.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        out += [r["Review Text"].strip() for r in csv.DictReader(fh) if r["Review Text"].strip()]
    rng = random.Random(seed)
    rng.shuffle(out)
    return [t for t in out if t][:limit]


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    body = prefix + _digits(rng, length - len(prefix) - 1)
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return body + str((10 - total % 10) % 10)


def _iban(country: str, bban: str) -> str:
    num = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = 98 - int(num) % 97
    return f"{country}{check:02d}{bban}"


def make_value(kind: str, rng: random.Random) -> str:
    """A realistic value of ``kind`` in one of several national formats."""
    if kind == "EMAIL":
        f, last = rng.choice(FIRST).lower(), rng.choice(LAST).lower().replace("'", "")
        local = rng.choice([f"{f}.{last}", f"{f}{rng.randint(1, 99)}", f"{f[0]}{last}", f"{f}_{last}"])
        return f"{local}@{rng.choice(DOMAINS)}".encode("ascii", "ignore").decode()
    if kind == "PHONE":
        d = lambda n: _digits(rng, n)  # noqa: E731
        return rng.choice([
            f"07{d(3)} {d(6)}", f"+44 7{d(3)} {d(6)}", f"020 {d(4)} {d(4)}", f"0161 {d(3)} {d(4)}",
            f"({rng.randint(2, 9)}{d(2)}) {rng.randint(2, 9)}{d(2)}-{d(4)}",
            f"{rng.randint(2, 9)}{d(2)}-{rng.randint(2, 9)}{d(2)}-{d(4)}",
            f"+1 {rng.randint(2, 9)}{d(2)} {rng.randint(2, 9)}{d(2)} {d(4)}", f"1-800-{rng.randint(2, 9)}{d(2)}-{d(4)}",
            f"06 {d(2)} {d(2)} {d(2)} {d(2)}", f"+33 6 {d(2)} {d(2)} {d(2)} {d(2)}", f"0151 {d(8)}", f"+49 30 {d(7)}",
            f"6{d(2)} {d(3)} {d(3)}", f"+34 6{d(2)} {d(3)} {d(3)}", f"+39 3{d(2)} {d(3)} {d(4)}", f"06-{d(8)}",
            f"04{d(2)} {d(3)} {d(3)}", f"+61 4{d(2)} {d(3)} {d(3)}", f"(02) {d(4)} {d(4)}", f"+91 9{d(4)} {d(5)}",
            f"9{d(4)} {d(5)}", f"+44 (0)20 {d(4)} {d(4)}",
        ])  # fmt: skip
    if kind == "CARD":
        kind_ = rng.choice(["visa", "mc", "amex", "visa"])
        if kind_ == "amex":
            n = _luhn_complete(rng.choice(["34", "37"]), 15, rng)
            return rng.choice([f"{n[:4]} {n[4:10]} {n[10:]}", n])
        n = _luhn_complete("4" if kind_ == "visa" else str(rng.randint(51, 55)), 16, rng)
        sep = rng.choice([" ", "-", "", " "])
        return sep.join(n[i : i + 4] for i in range(0, 16, 4))
    if kind == "IBAN":
        country, bban = rng.choice([
            ("GB", "NWBK" + _digits(rng, 14)), ("DE", _digits(rng, 18)), ("FR", _digits(rng, 23)),
            ("ES", _digits(rng, 20)), ("IT", "X" + _digits(rng, 22)), ("NL", "ABNA" + _digits(rng, 10)),
        ])  # fmt: skip
        iban = _iban(country, bban)
        return rng.choice([iban, " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))])
    if kind == "IP":
        if rng.random() < 0.7:
            return ".".join(str(rng.randint(1, 254)) for _ in range(4))
        return ":".join(f"{rng.randint(0, 65535):x}" for _ in range(8))
    if kind == "URL":
        tok = "".join(rng.choice("abcdefghijkmnopqrstuvwxyzABCDEFGH0123456789") for _ in range(24))
        return rng.choice([
            f"https://account.example.com/reset?token={tok}",
            f"https://shop.example.co.uk/track?order=1&email={make_value('EMAIL', rng)}",
            f"http://links.example.net/u/{tok}", f"www.example.com/verify?code={tok[:12]}",
        ])  # fmt: skip
    if kind == "SSN":
        return f"{rng.randint(100, 665)}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}"
    if kind == "NI":
        a = rng.choice("ABCEGHJKLMNOPRSTWXYZ") + rng.choice("ABCEGHJKLMNPRSTWXYZ")
        if a in ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ"):
            a = "AB"
        n = _digits(rng, 6)
        return rng.choice([f"{a}{n}{rng.choice('ABCD')}", f"{a} {n[:2]} {n[2:4]} {n[4:]} {rng.choice('ABCD')}"])
    if kind == "DOB":
        day, mon, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(1940, 2005)
        month = MONTHS[mon - 1]
        return rng.choice([f"{day:02d}/{mon:02d}/{year}", f"{year}-{mon:02d}-{day:02d}", f"{day} {month} {year}",
                           f"{MONTHS[mon - 1]} {day}, {year}"])  # fmt: skip
    if kind == "ID":
        return f"ORD-{_digits(rng, 8)}"
    raise ValueError(kind)


def _uk_postcode(rng: random.Random) -> str:
    area = rng.choice(["LS", "M", "SW1A", "B", "EH", "BS", "G", "CF", "NW", "E"])
    out = area + (str(rng.randint(1, 9)) if area != "SW1A" else "")
    return f"{out} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"


def _address_parts(rng: random.Random) -> list[tuple[str, str | None]]:
    """An address as (text, kind) pieces: kind ADDRESS / POSTCODE for labelled parts, None for glue."""
    num = str(rng.randint(1, 250)) + rng.choice(["", "", "", "B"])
    street = f"{num} {rng.choice(STREETS)} {rng.choice(STREET_TYPES)}"
    style = rng.choice(["uk", "us", "de", "fr", "au", "in", "ca"])
    if style == "uk":
        return [(street, "ADDRESS"), (f", {rng.choice(CITIES[:4])} ", None), (_uk_postcode(rng), "POSTCODE")]
    if style == "us":
        return [(street, "ADDRESS"), (f", {rng.choice(['Springfield', 'Austin', 'Denver'])}, ", None),
                (f"{rng.choice(['IL', 'TX', 'CO', 'NY'])} ", None), (f"{_digits(rng, 5)}", "POSTCODE")]  # fmt: skip
    if style == "de":
        return [(f"{rng.choice(['Haupt', 'Bahnhof', 'Linden', 'Goethe'])}straße {rng.randint(1, 99)}", "ADDRESS"),
                (", ", None), (f"{rng.randint(10, 99)}{_digits(rng, 3)}", "POSTCODE"), (" Berlin", None)]  # fmt: skip
    if style == "fr":
        return [(f"{rng.randint(1, 99)} rue de la {rng.choice(['Paix', 'Gare', 'République'])}", "ADDRESS"),
                (", ", None), (f"{rng.randint(10, 95)}{_digits(rng, 3)}", "POSTCODE"), (" Paris", None)]  # fmt: skip
    if style == "au":
        return [(street, "ADDRESS"), (", Sydney ", None), ("NSW ", None), (f"2{_digits(rng, 3)}", "POSTCODE")]
    if style == "ca":
        pc = f"{rng.choice('KMHLT')}{rng.randint(1, 9)}{rng.choice('ABCEGH')} "
        pc += f"{rng.randint(1, 9)}{rng.choice('ABCEGH')}{rng.randint(1, 9)}"
        return [(street, "ADDRESS"), (", Toronto, ON ", None), (pc, "POSTCODE")]
    return [
        (f"{rng.randint(1, 99)} MG Road", "ADDRESS"),
        (", Bengaluru - ", None),
        (f"560{_digits(rng, 3)}", "POSTCODE"),
    ]


def _name(rng: random.Random) -> str:
    return rng.choice(FIRST) if rng.random() < 0.55 else f"{rng.choice(FIRST)} {rng.choice(LAST)}"


NAME_TEMPLATES = (
    "Ask for {} at the {} branch, she sorted it.",
    "{} on the phone was really helpful.",
    "The agent, {}, was rude.",
    "I spoke to {} twice and nothing happened.",
    "My name is {} and I want a refund.",
    "Huge thanks to {} in {}.",
    "{} at the desk was lovely.",
    "Our steward {} made the flight.",
    "Regards, {}",
    "I was served by {} in {}.",
    "{} from customer service called me back.",
    "Please pass my thanks to {}.",
)
STRUCT_TEMPLATES = {
    "EMAIL": ("Please email me at {}.", "My email is {} if you need it.", "Contact: {}"),
    "PHONE": ("Call me on {} please.", "My number is {}.", "You can reach me at {} after 5pm.", "Ring {} asap."),
    "CARD": ("My card {} was charged twice.", "They took money from card number {}.", "Card: {}, please refund."),
    "IBAN": ("Refund to IBAN {} please.", "My account is {}.", "Send it to {}."),
    "IP": ("The site blocked my IP {}.", "Login attempt from {} was not me."),
    "URL": ("The link {} did not work.", "I clicked {} and got an error."),
    "SSN": ("They asked for my SSN {} on the phone.", "My social security number is {}."),
    "NI": ("My NI number is {}.", "They wanted my national insurance number {} again."),
    "DOB": ("I was born on {} and still got carded.", "My date of birth is {}.", "DOB: {}"),
    "ID": ("Order {} never arrived.", "Re: {} - still waiting."),
}


def _insert(base: str, pieces: list[tuple[str, str | None]], rng: random.Random) -> Item:
    """Put a sentence made of ``pieces`` at the start, the end, or between two sentences of ``base``."""
    cuts = [m.end() for m in re.finditer(r"[.!?] ", base)]
    where = rng.choice(["start", "end", "mid"] if cuts else ["start", "end"])
    pos = 0 if where == "start" else len(base) if where == "end" else rng.choice(cuts)
    before = base[:pos] + ("" if pos == 0 or base[:pos].endswith(" ") else " ")
    text, spans = before, []
    for piece, kind in pieces:
        if kind:
            spans.append((len(text), len(text) + len(piece), kind))
        text += piece
    after = base[pos:]
    text += (" " if after and not after.startswith(" ") else "") + after
    return Item(text, spans)


def _template_pieces(template: str, values: list[tuple[str, str]]) -> list[tuple[str, str | None]]:
    parts = template.split("{}")
    out: list[tuple[str, str | None]] = []
    for i, part in enumerate(parts):
        out.append((part, None))
        if i < len(values):
            out.append(values[i])
    return out


def generate(n: int = 1200, seed: int = 1) -> list[Item]:
    """``n`` labelled comments: ~60% structured PII, ~25% names, ~15% hard negatives only (all with real text)."""
    rng = random.Random(seed)
    base = real_comments(limit=max(n, 100), seed=seed)
    items = []
    kinds = [*STRUCT_TEMPLATES, "ADDRESS"]
    for i in range(n):
        text = base[i % len(base)]
        r = rng.random()
        if r < 0.6:
            kind = rng.choice(kinds)
            if kind == "ADDRESS":
                pieces = [("I live at ", None), *_address_parts(rng), (".", None)]
            else:
                pieces = _template_pieces(rng.choice(STRUCT_TEMPLATES[kind]), [(make_value(kind, rng), kind)])
        elif r < 0.85:
            template = rng.choice(NAME_TEMPLATES)
            values = [(_name(rng), "NAME")] + [(rng.choice(CITIES), "")] * template.count("{}")
            pieces = _template_pieces(template, values[: template.count("{}")])
            pieces = [(p, k or None) for p, k in pieces]
        else:
            pieces = _template_pieces(rng.choice(NEG_TEMPLATES), [(rng.choice(NEGATIVES), "NEG")])
        if rng.random() < 0.3:  # a hard negative next to the PII as well
            neg = _template_pieces(rng.choice(NEG_TEMPLATES), [(rng.choice(NEGATIVES), "NEG")])
            pieces = [*pieces, (" ", None), *neg] if rng.random() < 0.5 else [*neg, (" ", None), *pieces]
        items.append(_insert(text, pieces, rng))
    return items
