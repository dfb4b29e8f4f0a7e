"""The keyword-checked evaluation set for guided themes: British Airways reviews labelled for three analyst themes.

Issue #17 item 7 asks that a guided theme built from 3–5 examples or keywords catch paraphrases, with recall ≥ 0.8 at
precision ≥ 0.8 on "refunds / customer service", "lost baggage" and "seat comfort". No human coding of these exists
for the BA reviews, so the labels come from *broad* hand-written keyword rules applied sentence by sentence (a review
is about a theme when one of its sentences is), which were then checked by reading samples of hits and near-misses
(``--check THEME``; the procedure and what the reading found are in docs/bench/themes-guided.md). The rules are much
wider than anything the guided theme is given (``bench/themes_guided.py`` gives it three example sentences written by
us and two keywords), so matching them is a real paraphrase test, not the rules scoring themselves.

The set is written as ids and labels only (no review text): ``bench/data/themes_guided_labels.csv`` with columns
``review_id`` (``ba`` + row number in ba_reviews.csv), ``content_sha1`` (first 12 hex digits, to detect a changed
source file), ``split`` (dev or test, by the hash, about half each) and one 0/1 column per theme. Run from the repo
root (needs /work/shared/data)::

    python bench/themes_guided_set.py              # writes the csv, prints the counts
    python bench/themes_guided_set.py --check lost_baggage --n 40   # read a sample of hits and near-misses
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from data_root import data_root
from empathic.text.sentences import split_units

SOURCE = data_root() / "ba_airline_reviews" / "ba_reviews.csv"
OUT = Path(__file__).resolve().parent / "data" / "themes_guided_labels.csv"
#: Sentences read by hand, per theme (:func:`read_labels`); ids and labels only, no text.
READ = Path(__file__).resolve().parent / "data" / "themes_guided_read.csv"
THEMES = ("refunds_customer_service", "lost_baggage", "seat_comfort")

_BAG = r"\b(?:bag|bags|baggage|luggage|lugagge|suitcases?|cases?|golf clubs|clubs)\b"
_LOST = (
    r"\b(?:lost|losing|lose (?:my|our|the|his|her|their)|missing|mislaid|misplaced|mishandled|went astray|"
    r"no sign of|left behind|whereabouts|"
    r"trace|not gotten|never (?:arrived|made it|turned up|been loaded|got)|"
    r"(?:did ?n[o']?t|didn't|failed to) (?:arrive|make it|turn up|make the)|"
    r"not (?:loaded|arrived)|until (?:\w+ ){0,2}days? later|arrived? (?:\w+ )?days? later|courier|"
    r"(?:put|placed) on the next flight|"
    r"delivered (?:\w+ )?(?:days?|the next day|to (?:my|our|the) (?:hotel|home|house)))"
)
#: "My bag was delayed" is a lost bag; "luggage was delayed 45 mins" (a slow belt) and "take-off was delayed as
#: luggage was loaded" are not.
_DELAYED = (
    r"(?:(?!collection|reclaim|delivery)\w+ ){0,2}(?:is|was|were|has been|had been|have been|got|are) delayed"
    r"(?! (?:by |for )?(?:a further |about |around |almost |over |half an? |an? |\d+ ?)+(?:min|hour|hr))"
)
RULES: dict[str, list[re.Pattern[str]]] = {
    "refunds_customer_service": [
        re.compile(r"\brefund", re.I),
        re.compile(r"\breimburs", re.I),
        re.compile(r"\bcompensat", re.I),
        re.compile(r"\bEU ?261\b|\b261/2004\b", re.I),
        re.compile(r"\bcustomer (?:services?|relations|care|support|team)\b", re.I),
        re.compile(r"\b(?:call|contact) cent(?:re|er)\b|\bhelpline\b|\bhelp desk\b", re.I),
        re.compile(r"\bon hold\b|\bhold music\b|\bhung up on\b|\bringing out\b", re.I),
        re.compile(
            r"\b(?:called|phoned|rang|emailed|wrote to|contacted) (?:\w+ ){0,2}(?:BA|British Airways|"
            r"the airline|customer)\b",
            re.I,
        ),
        re.compile(
            r"\b(?:made|make|raised|raise|filed|file|lodged|lodge|submitted|submit|entered|wrote|write|sent|send|"
            r"logged|log) (?:a |an |my |our |the )?(?:formal |official |written )?complaint",
            re.I,
        ),
        re.compile(r"\bcomplained to\b|\bcomplaints? (?:department|team|process|procedure|handling)\b", re.I),
        re.compile(
            r"\b(?:response|reply|answer|respon\w+|replied)\b (?:\w+ ){0,4}(?:to )?(?:my |our |the )?"
            r"(?:complaints?|emails?|letters?|claims?)\b",
            re.I,
        ),
        re.compile(
            r"\b(?:no|never|still no|without any) (?:reply|response|answer) (?:from|to) (?:BA|British Airways|them|my|"
            r"our|the airline|customer)",
            re.I,
        ),
        re.compile(r"(?<!companion )\bvouchers?\b", re.I),
    ],
    "lost_baggage": [
        re.compile(_BAG + r".{0,60}" + _LOST, re.I),
        re.compile(_LOST + r".{0,40}" + _BAG, re.I),
        re.compile(_BAG + r" " + _DELAYED, re.I),
        re.compile(r"\blost (?:property|luggage|baggage)\b|\bbaggage (?:services|tracing|claim form)\b|\bPIR\b", re.I),
    ],
    "seat_comfort": [
        re.compile(r"\bleg ?room\b|\bknee ?room\b|\bseat pitch\b|\bpitch\b", re.I),
        re.compile(r"\bseats?\b.{0,60}\b(?:un)?comf(?:ortable|ortably|ort|y)\b", re.I),
        re.compile(r"\b(?:un)?comf(?:ortable|ort|y)\b.{0,40}\bseats?\b", re.I),
        re.compile(
            r"\bseats?\b.{0,50}\b(?:cramped|narrow|tight|hard|rock hard|thin|padding|padded|cushion|"
            r"recline|reclined|reclining|wide|width|roomy|spacious|small|tiny|minuscule|lumpy|sore|"
            r"back ?ache|sleep|squashed|squeezed|no room|little room|plenty of room|lie flat|flat bed|bed)\b",
            re.I,
        ),
        re.compile(
            r"\b(?:cramped|narrow|tight|hard|recline|reclined|reclining|wide|roomy|spacious|squashed|"
            r"squeezed)\b.{0,30}\bseats?\b",
            re.I,
        ),
        re.compile(r"\b(?:in front|behind)\b.{0,30}\brecline|\brecline.{0,30}\b(?:in front|behind)\b", re.I),
        re.compile(
            r"\bknees\b|\bsardines?\b|\bbed was\b|\bbeds? (?:were|was|are|is) (?:very |really |quite )?"
            r"(?:un)?comf",
            re.I,
        ),
    ],
}
#: Words whose sentences are read as near-misses when a rule did not fire (to look for missed paraphrases).
NEAR = {
    "refunds_customer_service": re.compile(
        r"\b(?:money|pay|paid|claim|email|phone|call|complain|staff|agent|"
        r"help|service)\w*",
        re.I,
    ),
    "lost_baggage": re.compile(_BAG, re.I),
    "seat_comfort": re.compile(r"\bseats?\b|\bcomfort", re.I),
}


def sentences(text: str) -> list[str]:
    """The review's sentence units, as the product splits them."""
    return [text[a:b] for a, b in split_units(text)]


def sentence_label(theme: str, sentence: str) -> bool:
    """Does one of the theme's rules fire on the sentence?"""
    return any(rule.search(sentence) for rule in RULES[theme])


def build(source: Path = SOURCE) -> pd.DataFrame:
    """Ids, split and the 0/1 label of each theme for every review of ``source``."""
    reviews = pd.read_csv(source)
    rows = []
    for i, text in enumerate(reviews["content"].fillna("").astype(str)):
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()
        units = sentences(text)
        split = "dev" if int(digest, 16) % 2 else "test"
        row = {"review_id": f"ba{i:04d}", "content_sha1": digest[:12], "split": split}
        for theme in THEMES:
            row[theme] = int(any(sentence_label(theme, s) for s in units))
        rows.append(row)
    return pd.DataFrame(rows)


def check(theme: str, n: int, seed: int) -> None:
    """Print ``n`` random hit sentences and ``n`` near-miss sentences (no rule fired) of ``theme`` to read."""
    reviews = pd.read_csv(SOURCE)
    hits, near = [], []
    for text in reviews["content"].fillna("").astype(str):
        for s in sentences(text):
            (hits if sentence_label(theme, s) else near if NEAR[theme].search(s) else []).append(s)
    rng = random.Random(seed)
    print(f"== {theme}: {len(hits)} hit sentences; sample of {min(n, len(hits))}")
    for s in rng.sample(hits, min(n, len(hits))):
        print("  +", " ".join(s.split())[:300])
    print(f"== near-misses: {len(near)} sentences with a near word and no rule; sample of {min(n, len(near))}")
    for s in rng.sample(near, min(n, len(near))):
        print("  -", " ".join(s.split())[:300])


def read_labels(labels: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per theme read by hand (``READ``): a bool per review of ``labels``, true when a sentence of it was read as
    about the theme.

    ``READ`` holds one row per sentence read (``theme``, ``review_id``, ``sentence_sha1``, ``read`` 0/1, ``drawn``):
    ``pool`` rows are every sentence the rules or the matcher (round 12) flagged, read shuffled without knowing which
    flagged it; ``sample`` rows are a random sample of the theme's other candidate sentences (for lost baggage,
    sentences naming a bag word), read to see what both miss. Reviews with no sentence read as positive are
    negatives — a pooled judgement, so a review both the rules and the matcher miss can only be found by the sample.
    """
    if not READ.exists():
        return {}
    read = pd.read_csv(READ)
    out = {}
    for theme, rows in read.groupby("theme", sort=True):
        positive = set(rows.loc[rows["read"] == 1, "review_id"])
        out[str(theme)] = labels["review_id"].isin(positive).to_numpy()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", choices=THEMES)
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.check:
        check(args.check, args.n, args.seed)
        return
    labels = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    labels.to_csv(OUT, index=False)
    print(f"wrote {OUT} ({len(labels)} reviews)")
    print(labels.groupby("split")[list(THEMES)].agg(["sum", "count"]).to_string())


if __name__ == "__main__":
    main()
