"""Rebuild the name detector's word lists in src/empathic/text/pii/data/ (see its README.md for provenance).

python training/privacy_wordlists.py /path/to/names-0.3.0/names   # the unpacked `names` sdist (MIT, US Census 1990)
"""

from __future__ import annotations

import csv
import gzip
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "empathic" / "text" / "pii" / "data"


def main(names_dir: Path) -> None:
    first = set()
    for name in ("dist.male.first", "dist.female.first"):
        first |= {line.split()[0].capitalize() for line in (names_dir / name).read_text().splitlines() if line.strip()}
    last = [line.split()[0].capitalize() for line in (names_dir / "dist.all.last").read_text().splitlines()[:5000]]
    (OUT / "first_names.txt").write_text("\n".join(sorted(first)) + "\n")
    (OUT / "last_names.txt").write_text("\n".join(last) + "\n")
    low: Counter[str] = Counter()
    with gzip.open(ROOT / "src" / "empathic" / "data" / "womens_clothing_reviews.csv.gz", "rt") as fh:
        for row in csv.DictReader(fh):
            for field in (row["Title"], row["Review Text"]):
                low.update(re.findall(r"\b[a-z][a-z']+\b", field or ""))
    (OUT / "common_words.txt").write_text("\n".join(sorted(w for w, c in low.items() if c >= 3)) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
