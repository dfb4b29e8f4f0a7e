"""An automatic audit of theme labels: what a reader would reject, flagged from the labels and the corpus alone.

Four checks (issue 17, "labels a reader accepts"):

- **entity**: a label word that the corpus writes capitalised inside a sentence in most of its uses (a place, a
  person, a brand: "london", "toshiba", "ale the attendant"), or a route ("X to Y" with X or Y such a word).
- **sentiment**: the label carries a judgement: VADER's compound score of the label is at least 0.3 in magnitude
  ("food was awful", "comfortable", "love this dress"). Event words that VADER scores ("lost luggage", "delay")
  are flagged too: the audit is strict, and a reader reading the list decides.
- **fragment**: the label opens or closes on a function word, or the corpus nearly always extends it by the same
  word on one side ("kong to london" ← "hong", "easy to set" → "up"): it was cut where the meaning goes on.
- **duplicate**: two labels a reader takes as the same: equal after dropping function words, plural -s and past
  -d ("seat was comfortable" / "seats were comfortable"), or one word apart in a two-word label of the same head.

Run it on a workspace: ``.venv/bin/python bench/label_audit.py WORKSPACE.empathic``; bench/themes_reviews.py calls
:func:`audit` on every tree it builds.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*[A-Za-z]|[A-Za-z]")
#: A word is an entity word when at least this share of its mid-sentence uses are capitalised (and it has ≥ 3).
ENTITY_CAPITAL_SHARE = 0.7
#: A label is a fragment when at least this share of its uses are extended by one same word on one side.
FRAGMENT_SHARE = 0.7
SENTIMENT_MIN = 0.3


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from empathic.themes.stopwords import STOP_WORDS

    return STOP_WORDS


@lru_cache(maxsize=1)
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def capitalised_words(texts: Sequence[str]) -> set[str]:
    """Lower-cased words the corpus capitalises in most of their mid-sentence uses (not after . ! ? or at the start)."""
    seen: Counter[str] = Counter()
    upper: Counter[str] = Counter()
    for text in texts:
        for sentence in re.split(r"[.!?\n]+", text):
            words = WORD.findall(sentence)
            for w in words[1:]:
                if w.isupper() and len(w) > 1:  # SHOUTING or an acronym tells nothing
                    continue
                key = w.lower()
                seen[key] += 1
                upper[key] += w[0].isupper()
    return {w for w, n in seen.items() if n >= 3 and upper[w] >= ENTITY_CAPITAL_SHARE * n and w != "i"}


def _extensions(label: str, lowered: Sequence[str]) -> tuple[int, Counter[str], Counter[str]]:
    """Uses of ``label`` (as whole words) in the lower-cased texts, and the words right before and after it."""
    pattern = re.compile(
        r"(?:([a-z][a-z'\-]*)\W+)?" + r"\W+".join(map(re.escape, label.split())) + r"\b(?:\W+([a-z][a-z'\-]*))?"
    )
    before: Counter[str] = Counter()
    after: Counter[str] = Counter()
    n = 0
    for text in lowered:
        for m in pattern.finditer(text):
            start = m.start(0) if m.group(1) is None else m.end(1)
            if start and text[start - 1 : start].isalpha():
                continue  # inside a word
            n += 1
            if m.group(1):
                before[m.group(1)] += 1
            if m.group(2):
                after[m.group(2)] += 1
    return n, before, after


def _key(label: str) -> str:
    stop = _stop_words()
    words = [w for w in label.lower().replace("-", " ").split() if w not in stop]
    return " ".join(sorted(_stem(w) for w in words))


def _stem(word: str) -> str:
    for end in ("ies", "es", "s", "ed", "ing"):
        if len(word) > len(end) + 2 and word.endswith(end) and not word.endswith("ss"):
            return word[: -len(end)]
    return word


def audit(labels: Sequence[tuple[str, int]], texts: Sequence[str]) -> dict:
    """Flag the labels (label, level) a reader would reject; ``texts``: the corpus the themes came from."""
    stop = _stop_words()
    entity_words = capitalised_words(texts)
    lowered = [t.lower() for t in texts[:5000]]
    flagged: dict[str, list[str]] = {"entity": [], "sentiment": [], "fragment": [], "duplicate": []}
    keys: dict[str, str] = {}
    for label, _level in labels:
        words = label.lower().split()
        if not words:
            continue
        if any(w in entity_words for w in words):
            flagged["entity"].append(label)
        if abs(_vader().polarity_scores(label)["compound"]) >= SENTIMENT_MIN:
            flagged["sentiment"].append(label)
        if words[0] in stop or words[-1] in stop:
            flagged["fragment"].append(label)
        else:
            n, before, after = _extensions(label.lower(), lowered)
            for side in (before, after):
                if n >= 3 and side and side.most_common(1)[0][1] >= FRAGMENT_SHARE * n:
                    word = side.most_common(1)[0][0]
                    if word not in stop or side is after:
                        flagged["fragment"].append(f"{label} [{word}]")
                        break
        key = _key(label)
        if key and key in keys:
            flagged["duplicate"].append(f"{keys[key]} / {label}")
        elif key:
            keys[key] = label
    counts = {k: len(v) for k, v in flagged.items()}
    summary = ", ".join(f"{k} {v}" for k, v in counts.items()) + f" of {len(labels)} labels"
    return {"counts": counts, "flagged": flagged, "summary": summary, "n_labels": len(labels)}


def main() -> None:
    import empathic

    with empathic.Workspace.open(Path(sys.argv[1])) as ws:
        tree = ws.themes()
        texts = ws.sql("SELECT text FROM feedback").text.tolist()
    tree = tree[~tree.is_other]
    result = audit(list(zip(tree.label, tree.level, strict=True)), texts)
    print(result["summary"])
    for kind, items in result["flagged"].items():
        print(f"{kind}: {items}")


if __name__ == "__main__":
    main()
