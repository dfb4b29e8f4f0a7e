"""A small synthetic-but-natural feedback corpus with known topics, for the themes tests (no external data)."""

from __future__ import annotations

import random

import pandas as pd

TOPICS: dict[str, list[str]] = {
    "delivery": [
        "My parcel arrived two weeks late.",
        "Delivery took forever and nobody told me why.",
        "The package was delayed by ten days.",
        "Shipping was so slow, I waited almost a month.",
        "The courier lost my order and it came very late.",
        "It took three weeks for the order to be delivered.",
        "My order still has not arrived after two weeks.",
        "Delivery was late again this time.",
    ],
    "sizing": [
        "The dress runs small, order a size up.",
        "It runs really small in the chest.",
        "Sizing is off, the medium fits like an extra small.",
        "Way too tight, I had to return it for a bigger size.",
        "The jeans run small in the waist.",
        "This top is much smaller than the size chart says.",
        "I usually wear a small but needed a large in this one.",
        "Runs a full size small, very tight around the hips.",
    ],
    "price": [
        "Far too expensive for what you get.",
        "The price is way too high for this quality.",
        "Overpriced, I would not pay this much again.",
        "It costs twice as much as in other shops.",
        "Nice but really pricey.",
        "I only bought it because it was on sale, full price is too much.",
        "Too expensive, the price went up again.",
        "Not worth the money at this price.",
    ],
    "service": [
        "Customer service never answered my emails.",
        "The support agent was rude and unhelpful.",
        "I called customer support three times and nobody helped.",
        "The service team ignored my complaint for weeks.",
        "Support was friendly and solved my problem quickly.",
        "Nobody at customer service could tell me where my refund was.",
        "The help desk kept me on hold for an hour.",
        "I got a very helpful answer from the support team.",
    ],
    "fabric": [
        "The fabric is thin and see-through.",
        "The material feels cheap and scratchy.",
        "Lovely soft fabric, very comfortable.",
        "The cotton pilled after one wash.",
        "The material is so thin you can see through it.",
        "The fabric shrank in the wash.",
        "Beautiful soft material that drapes nicely.",
        "The fabric quality is poor, it tore at the seam.",
    ],
    "colour": [
        "The colour is much darker than in the photos.",
        "The color faded after the first wash.",
        "The red is more orange than on the website.",
        "Gorgeous color, exactly like the picture.",
        "The blue looks completely different in person.",
        "The colour washed out after two washes.",
        "The print colours are vibrant and lovely.",
        "The shade of green is not what the photo showed.",
    ],
}

OPENERS = ["", "Honestly, ", "To be fair, ", "Overall, ", "Sadly, ", "Well, "]


def corpus(n_single: int = 240, n_double: int = 60, seed: int = 7) -> pd.DataFrame:
    """Comments with a known topic (``topic``) and, for two-topic comments, a second one (``topic2``)."""
    rng = random.Random(seed)
    names = sorted(TOPICS)
    rows = []
    for i in range(n_single):
        topic = names[i % len(names)]
        text = rng.choice(OPENERS) + rng.choice(TOPICS[topic])
        rows.append({"id": f"c{i:04d}", "text": text, "topic": topic, "topic2": None})
    for i in range(n_double):
        a, b = rng.sample(names, 2)
        text = rng.choice(TOPICS[a]) + " " + rng.choice(TOPICS[b])
        rows.append({"id": f"d{i:04d}", "text": text, "topic": a, "topic2": b})
    return pd.DataFrame(rows)


NEW_TOPIC = [
    "The mobile app crashes every time I open the checkout page.",
    "Your app keeps crashing when I try to log in.",
    "The app freezes and closes itself on my phone.",
    "Every update makes the app crash on startup.",
    "The iPhone app crashed twice while I was paying.",
    "The android app force closes whenever I search.",
    "App crashes constantly, I cannot even browse.",
    "The shopping app froze and then crashed again.",
]


def planted(n: int = 200, seed: int = 11) -> pd.DataFrame:
    """``n`` comments about a brand-new topic (a crashing app) that the base corpus never mentions."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        text = rng.choice(OPENERS) + rng.choice(NEW_TOPIC)
        rows.append({"id": f"n{i:04d}", "text": text, "topic": "app", "topic2": None})
    return pd.DataFrame(rows)
