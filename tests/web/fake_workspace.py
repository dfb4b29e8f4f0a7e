"""A small (or 100k-row) workspace filled directly through the contract tables, for web/report tests and the
load benchmark. Deterministic: the same arguments give the same rows. ``hostile=True`` plants XSS payloads in
comments, theme names, attribute values and customer ids.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa

from empathic.workspace import Workspace

XSS_PAYLOADS = (
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    '"><svg onload="window.__xss=1">',
    "javascript:window.__xss=1",
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    "{{ 7*7 }}{% raw %}",
    "</textarea><script>window.__xss=1</script>",
    '<a href="javascript:window.__xss=1">click</a>',
    '=HYPERLINK("http://evil","x")',
    "'-alert(1)-'",
)

THEMES = {
    "fit": ("Fit and sizing", ["runs small", "too tight", "size up"]),
    "fabric": ("Fabric quality", ["thin fabric", "soft material", "see-through"]),
    "colour": ("Colour", ["lovely colour", "colour faded", "not as pictured"]),
    "price": ("Price", ["great price", "too expensive", "worth it"]),
    "shipping": ("Shipping", ["arrived late", "fast delivery", "lost parcel"]),
}
SENTIMENT_BY_PHRASE = {
    "runs small": -0.5,
    "too tight": -0.6,
    "size up": -0.2,
    "thin fabric": -0.5,
    "soft material": 0.7,
    "see-through": -0.6,
    "lovely colour": 0.8,
    "colour faded": -0.5,
    "not as pictured": -0.7,
    "great price": 0.8,
    "too expensive": -0.5,
    "worth it": 0.6,
    "arrived late": -0.6,
    "fast delivery": 0.7,
    "lost parcel": -0.9,
}


REVIEWS = [
    ("The dress runs small, I had to order a size up", 2, "basic"),
    ("Runs small in the chest and too tight at the waist", 2, "pro"),
    ("Sizing is off, it runs small compared to other brands", 3, "plus"),
    ("Way too small, size up if you are between sizes", 2, "basic"),
    ("Lovely colour and the fabric feels soft", 5, "pro"),
    ("Beautiful colour, soft fabric and a great fit", 5, "plus"),
    ("The colour is gorgeous and the material is soft", 5, "basic"),
    ("Soft fabric, lovely colour, very happy", 5, "pro"),
    ("Arrived late and the parcel was damaged", 1, "basic"),
    ("Delivery took three weeks and the box was crushed", 1, "plus"),
    ("Shipping was slow and the parcel arrived late", 2, "pro"),
    ("Late delivery, the package was damaged on arrival", 1, "basic"),
    ("Great price for the quality", 5, "plus"),
    ("Good value, the price is fair for such quality", 4, "pro"),
    ("Cheap price but great quality, worth it", 5, "basic"),
    ("Worth the price, quality is excellent", 5, "plus"),
]


def reviews_csv(path: Path, copies: int = 3) -> Path:
    """A small real-looking review file (each review repeated ``copies`` times with a distinct suffix)."""
    header = ["id,review,rating,plan"]
    lines = header + [
        f'{i},"{t}{"" if i < len(REVIEWS) else f" (order {i})"}",{r},{p}'
        for i, (t, r, p) in enumerate(REVIEWS * copies)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _label(score: float) -> str:
    return "negative" if score < -0.2 else "positive" if score > 0.2 else "neutral"


def pii_of(i: int) -> tuple[str, str, str]:
    """The raw phone, e-mail and name planted in comment ``i`` of a ``pii=True`` workspace."""
    return f"07700 900{i % 1000:03d}", f"shopper{i}@example.com", "Priya Sharma"


def build(path: str | Path, *, n: int = 300, hostile: bool = False, seed: int = 7, pii: bool = False) -> Path:
    """Create a workspace at ``path`` holding ``n`` comments with themes, feelings and analytics results;
    ``pii=True`` keeps raw PII in every comment (as a workspace ingested with ``--redact-pii none``)."""
    rng = random.Random(seed)
    theme_ids = sorted(THEMES)
    labels = {t: THEMES[t][0] for t in theme_ids}
    if hostile:
        labels["colour"] = XSS_PAYLOADS[1] + " colour"
        labels["price"] = XSS_PAYLOADS[0]
    start = datetime(2024, 1, 1)
    cols: dict[str, list] = {
        k: [] for k in ("fid", "cust", "text", "date", "theme", "phrase", "sent", "rating", "plan")
    }
    for i in range(n):
        theme = theme_ids[i % len(theme_ids)] if i % 7 else theme_ids[rng.randrange(len(theme_ids))]
        phrase = rng.choice(THEMES[theme][1])
        text = f"Ordered the dress and it was {phrase}. Comment number {i}."
        if pii:
            phone, email, name = pii_of(i)
            text += f" Call me on {phone} or mail {email}, and ask {name} at the branch."
        if hostile and i % 10 == 0:
            text = f"{XSS_PAYLOADS[(i // 10) % len(XSS_PAYLOADS)]} {phrase} {i}"
        sent = SENTIMENT_BY_PHRASE[phrase]
        cols["fid"].append(f"f{i:06d}")
        customer = f"c{i % max(1, n // 3):05d}"
        if pii:  # customer ids that are e-mail addresses: they reach pages, links and exports
            customer = pii_of(i % max(1, n // 3))[1]
        cols["cust"].append(XSS_PAYLOADS[2] if hostile and i == 3 else customer)
        cols["text"].append(text)
        cols["date"].append(start + timedelta(days=i * 180 // max(n, 1), hours=i % 24))
        cols["theme"].append(theme)
        cols["phrase"].append(phrase)
        cols["sent"].append(sent)
        cols["rating"].append(float(min(5, max(1, round(3 + 2 * sent + rng.uniform(-0.8, 0.8))))))
        plan = ["basic", "plus", "pro"][i % 3]
        cols["plan"].append(XSS_PAYLOADS[0] if hostile and plan == "pro" else plan)
    ws = Workspace.open(path)
    try:
        with ws.store.write() as con:
            _insert_core(con, cols)
            _insert_themes(con, cols, labels, n)
            _insert_feelings(con, cols)
            _insert_analytics(con, cols, labels, n)
    finally:
        ws.close()
    return Path(path)


def _register(con, name: str, data: dict[str, list]) -> None:
    con.register(name, pa.table(data))


def _insert_core(con, c: dict[str, list]) -> None:
    now = datetime(2024, 7, 1)
    n = len(c["fid"])
    con.execute("INSERT INTO sources VALUES ('s1', 'feedback', 'reviews.csv', NULL, '{}', ?, ?, 0, ?)", [n, n, now])
    _register(
        con, "_f", {"feedback_id": c["fid"], "customer_id": c["cust"], "text": c["text"], "created_at": c["date"]}
    )
    con.execute(
        "INSERT INTO feedback SELECT feedback_id, 's1', customer_id, text, created_at, md5(text), ? FROM _f", [now]
    )
    con.execute("INSERT INTO sentences SELECT feedback_id, 0, text, 0, length(text) FROM _f")
    _register(con, "_s", {"feedback_id": c["fid"], "rating": c["rating"], "plan": c["plan"]})
    con.execute("INSERT INTO feedback_scores SELECT feedback_id, 'rating', 'rating', 1, 5, rating FROM _s")
    con.execute("INSERT INTO feedback_attributes SELECT feedback_id, 'plan', plan FROM _s")
    con.execute("INSERT INTO customers SELECT DISTINCT customer_id, 's1', NULL, ? FROM _f", [now])
    for tmp in ("_f", "_s"):
        con.unregister(tmp)


def _insert_themes(con, c: dict[str, list], labels: dict[str, str], n: int) -> None:
    now = datetime(2024, 7, 1)
    counts = {t: c["theme"].count(t) for t in labels}
    for t, label in labels.items():
        quotes = [
            {"feedback_id": f, "sentence_idx": 0, "text": x}
            for f, x, th in zip(c["fid"], c["text"], c["theme"], strict=True)
            if th == t
        ][:3]
        con.execute(
            "INSERT INTO themes VALUES (?, NULL, 1, ?, ?, ?, ?, FALSE, 'active', ?, ?, ?, ?)",
            [t, label, counts[t], counts[t], counts[t] / n, json.dumps(THEMES[t][1]), json.dumps(quotes), now, now],
        )
        for k, phrase in enumerate(THEMES[t][1]):
            sub_n = sum(1 for th, p in zip(c["theme"], c["phrase"], strict=True) if th == t and p == phrase)
            con.execute(
                "INSERT INTO themes VALUES (?, ?, 2, ?, ?, ?, ?, FALSE, 'active', '[]', '[]', ?, ?)",
                [f"{t}.{k}", t, phrase.capitalize(), sub_n, sub_n, sub_n / n, now, now],
            )
    sub = [f"{t}.{THEMES[t][1].index(p)}" for t, p in zip(c["theme"], c["phrase"], strict=True)]
    _register(con, "_t", {"feedback_id": c["fid"], "theme_id": c["theme"], "sub": sub})
    con.execute("INSERT INTO sentence_themes SELECT feedback_id, 0, theme_id, sub, 0.8 FROM _t")
    con.execute("INSERT INTO feedback_themes SELECT feedback_id, theme_id, 1, TRUE, 1 FROM _t")
    con.execute("INSERT INTO feedback_themes SELECT feedback_id, sub, 2, TRUE, 1 FROM _t")
    con.unregister("_t")


def _insert_feelings(con, c: dict[str, list]) -> None:
    sent_labels = [_label(s) for s in c["sent"]]
    emotions = ["joy" if s > 0 else "disappointment" for s in c["sent"]]
    quadrant = ["thinks_feels" if s < 0 else "says_does" for s in c["sent"]]
    intent = [
        "suggestion" if "size up" in p or "worth" in p else ("complaint" if s < 0 else "praise")
        for p, s in zip(c["phrase"], c["sent"], strict=True)
    ]
    _register(
        con,
        "_e",
        {"feedback_id": c["fid"], "s": c["sent"], "l": sent_labels, "e": emotions, "q": quadrant, "i": intent},
    )
    con.execute("INSERT INTO sentence_feelings SELECT feedback_id, 0, s, l, e, '{}', q, s < 0, s > 0, i FROM _e")
    con.execute("INSERT INTO feedback_feelings SELECT feedback_id, s, l, e, '{}', q, i, FALSE FROM _e")
    con.execute("INSERT INTO feedback_emotions SELECT feedback_id, e, 0.9 FROM _e")
    con.unregister("_e")


def _insert_analytics(con, c: dict[str, list], labels: dict[str, str], n: int) -> None:
    now = datetime(2024, 7, 1)
    mean = sum(c["rating"]) / n
    con.execute(
        "INSERT INTO score_summary VALUES ('rating', 'rating', 'mean', ?, ?, ?, ?, ?, ?)",
        [n, mean, mean - 0.1, mean + 0.1, mean, now],
    )
    for t, label in labels.items():
        with_t = [r for r, th in zip(c["rating"], c["theme"], strict=True) if th == t]
        without = [r for r, th in zip(c["rating"], c["theme"], strict=True) if th != t]
        s_with = sum(with_t) / max(1, len(with_t))
        s_without = sum(without) / max(1, len(without))
        con.execute(
            "INSERT INTO theme_impact VALUES ('rating', 'mean', ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, 0.01, 0.02, ?)",
            [
                t,
                label,
                len(with_t),
                len(without),
                mean,
                s_with,
                s_without,
                mean - s_without,
                mean - s_without - 0.05,
                mean - s_without + 0.05,
                now,
            ],
        )
        con.execute(
            "INSERT INTO segment_differences VALUES ('plan', ?, 'theme_share', ?, NULL, 100, 200, 0.3, 0.2, 1.5, "
            "0.1, 'two_proportion', 2.0, 0.01, 0.03, TRUE, ?, 0.22, 0.39)",  # … computed_at, ci_low, ci_high
            [c["plan"][0], t, now],
        )
        for month in range(6):
            period = datetime(2024, 1 + month, 1)
            con.execute(
                "INSERT INTO theme_trends VALUES ('month', ?, ?, ?, ?, ?, ?, ?, 'rating', 0.1, ?)",
                [period, t, label, 10 + month, 50, (10 + month) / 50, 0.1 * month - 0.2, now],
            )
    con.execute(
        "INSERT INTO alerts VALUES ('a1', 'rising', 'fit', ?, 'high', '2024-06', ?, '{}')",
        [f"{labels['fit']} is rising: +30 % vs last month", now],
    )
