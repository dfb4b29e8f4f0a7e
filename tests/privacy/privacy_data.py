"""Real comments (the bundled CC0 sample) with PII planted in them, as a CSV file."""

from __future__ import annotations

import gzip
from importlib import resources
from pathlib import Path

import pandas as pd

#: (planted value, where it goes): every one of them must be gone from everything a redacted workspace produces
PLANTED = [
    "07700 900123", "+44 7700 900456", "(212) 555-0134", "4111 1111 1111 1111", "5555-5555-5555-4444",
    "GB82 WEST 1234 5698 7654 32", "DE89370400440532013000", "jane.doe@example.com", "r.patel@example.co.uk",
    "192.168.10.77", "123-45-6789", "AB 12 34 56 C", "LS1 4AP", "221B Baker Street", "12/03/1985",
    "https://shop.example.com/track?email=jane@example.com", "ORD-12345678", "Oluwaseun", "Priya Sharma",
]  # fmt: skip
TEMPLATES = [
    "Call me on {}.", "My number is {} if you need it.", "US line {} did not answer.", "My card {} was charged twice.",
    "Card {} was declined.", "Refund to {} please.", "IBAN {} for the refund.", "Email me at {}.",
    "Or write to {}.", "The site blocked my IP {}.", "They asked for my SSN {} on the phone.",
    "My NI number is {}.", "Send it to {} please.", "I live at {}, London.", "I was born on {} and still got carded.",
    "The link {} did not work.", "Order {} never arrived.", "The agent, {}, was rude.",
    "My name is {} and I want a refund.",
]  # fmt: skip
SURVIVORS = [
    "Flight BA117 was late.", "It cost £1,299.99 in the end.", "The app v2.3.1 crashes.", "Love my Apple watch.",
]  # fmt: skip


def sample_reviews(n: int) -> list[str]:
    """``n`` real reviews from the bundled CC0 sample (shipped in the package, so always present)."""
    ref = resources.files("empathic").joinpath("data", "womens_clothing_reviews.csv.gz")
    with ref.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
        frame = pd.read_csv(fh, usecols=["Review Text"]).dropna()
    return [t.replace("\n", " ") for t in frame["Review Text"].head(n)]


def write_pii_csv(tmp_path: Path) -> Path:
    """60 comments by 20 customers; comments 0..18 carry one planted PII value each, 19..22 a hard negative."""
    texts = sample_reviews(60)
    for i, (value, template) in enumerate(zip(PLANTED, TEMPLATES, strict=True)):
        texts[i] = f"{texts[i]} {template.format(value)}"
    for j, survivor in enumerate(SURVIVORS):
        texts[len(PLANTED) + j] = f"{texts[len(PLANTED) + j]} {survivor}"
    frame = pd.DataFrame(
        {
            "customer": [f"cust-{i % 20:03d}" for i in range(len(texts))],
            "date": pd.date_range("2024-01-01", periods=len(texts), freq="D").strftime("%Y-%m-%d"),
            "comment": texts,
            "rating": [1 + i % 5 for i in range(len(texts))],
        }
    )
    path = tmp_path / "feedback.csv"
    frame.to_csv(path, index=False)
    return path
