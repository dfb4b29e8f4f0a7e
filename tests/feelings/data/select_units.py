"""Re-draw the Banking77 / GoEmotions rows of ``empathy_eval.csv`` (the draw is documented in README.md).

Run from the repo root: ``.venv/bin/python tests/feelings/data/select_units.py`` prints the drawn units as TSV
(``id, source, text``); the labels were then assigned by hand. ``--check`` instead compares the draw with the
rows in ``empathy_eval.csv`` (exit status 1 on any difference). Only the held-out splits are read (Banking77
``test.csv``, GoEmotions ``original/test.tsv``): the feelings models train on Banking77 train and GoEmotions
train/dev. Needs /work/shared/data.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from empathic.text.sentences import split_units

DATA = Path("/work/shared/data")
EVAL = Path(__file__).with_name("empathy_eval.csv")

#: people / reporting words (as for the earlier ``*_targeted`` rows; no "?": the random Banking77 rows already
#: bring questions)
TARGETED = re.compile(
    r"\b(?:friends?|husband|wife|boyfriend|girlfriend|mom|mum|dad|told|tells|said|says|asked|heard|reviewers?"
    r"|compliment\w*)\b",
    re.IGNORECASE,
)
#: capitalised words that are not an organisation or product (pronouns, question words, people)
_NOT_ORG = r"(?!(?:I|You|We|He|She|It|They|What|Who|Why|How|When|Where|Which|Guys|Dude|People|That|This)\b)"
#: a proposal for an organisation / product to change (not advice to another person: no "you should")
SUGGESTION = re.compile(
    rf"\b(?:wish (?:they|it|there|the|{_NOT_ORG}[A-Z]\w*)\b|would be (?:nice|great|good|better|cool) if"
    rf"|(?:they|someone|somebody|devs|mods|{_NOT_ORG}[A-Z]\w+) (?:should|needs? to) (?!have\b)"
    r"|should (?:add|make|bring|fix|allow|let|change|remove|offer|give|hire|fire|trade|sign|start|stop|ban|put)\b"
    r"|please (?:add|fix|make|bring|stop|let)\b)",
)
#: leaving a service, account, product or community (first person)
CHURN = re.compile(
    r"\b(?:(?:delete|close|terminate|cancel) (?:my |the |this )?account|never again|unsubscrib\w*"
    r"|(?:i'?m|i am|we'?re|we are) (?:so |completely |officially )?done with"
    r"|(?:i|we) (?:will |'ll )?(?:no longer|stopped|quit|never) "
    r"(?:buy|use|watch|play|support|listen|visit|go|follow)\w*"
    r"|(?:i|we) (?:just )?switched (?:to|over)"
    r"|won't be (?:buying|watching|playing|using|going back|returning|supporting)"
    r"|don't (?:want|need) (?:it|this|the|my|your) ?\w* anymore)\b",
    re.IGNORECASE,
)

#: (source name, corpus, seed, n, pattern or None, first id of the block); the ids are those the British
#: Airways rows had, so the odd (tuning) / even (test) split of every other row is unchanged.
DRAWS = (
    ("banking77", "banking77", 7, 24, None, 131),
    ("goemotions", "goemotions", 7, 36, None, 155),
    ("banking77_targeted", "banking77", 11, 9, TARGETED, 278),
    ("goemotions_targeted", "goemotions", 11, 18, TARGETED, 287),
    ("banking77_suggestion_targeted", "banking77", 11, 4, SUGGESTION, 346),
    ("goemotions_suggestion_targeted", "goemotions", 11, 10, SUGGESTION, 350),
    ("banking77_churn_targeted", "banking77", 11, 9, CHURN, 388),
    ("goemotions_churn_targeted", "goemotions", 11, 5, CHURN, 397),
)


def corpus(name: str) -> list[str]:
    if name == "banking77":
        return pd.read_csv(DATA / "banking77" / "test.csv")["text"].tolist()
    with (DATA / "goemotions" / "original" / "test.tsv").open(encoding="utf-8", newline="") as fh:
        return [row[0] for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)]


def draw(texts: list[str], seed: int, n: int, pattern: re.Pattern[str] | None, taken: set[str]) -> list[str]:
    """Random comment, then a random unit of it (12–260 chars, matching ``pattern`` if given), until ``n``."""
    rng = np.random.default_rng(seed)
    out: list[str] = []
    for _ in range(200_000):
        if len(out) == n:
            break
        text = texts[int(rng.integers(len(texts)))]
        units = [text[s:e] for s, e in split_units(text)]
        if pattern is not None:
            units = [u for u in units if pattern.search(u)]
        if not units:
            continue
        unit = units[int(rng.integers(len(units)))]
        if 12 <= len(unit) <= 260 and unit not in taken:
            taken.add(unit)
            out.append(unit)
    return out


def main() -> None:
    current = pd.read_csv(EVAL)
    drawn_sources = {d[0] for d in DRAWS}
    taken = set(current["text"][~current["source"].isin(drawn_sources)])  # the other rows, never re-drawn
    cache: dict[str, list[str]] = {}
    rows = []
    for source, name, seed, n, pattern, first_id in DRAWS:
        texts = cache.setdefault(name, corpus(name))
        rows += [(first_id + i, source, unit) for i, unit in enumerate(draw(texts, seed, n, pattern, taken))]
    if "--check" in sys.argv[1:]:
        stored = current[current["source"].isin(drawn_sources)]
        same = sorted(rows) == sorted(zip(stored["id"], stored["source"], stored["text"], strict=True))
        print("empathy_eval.csv matches the draw" if same else "empathy_eval.csv differs from the draw")
        raise SystemExit(0 if same else 1)
    csv.writer(sys.stdout, delimiter="\t").writerows(rows)


if __name__ == "__main__":
    main()
