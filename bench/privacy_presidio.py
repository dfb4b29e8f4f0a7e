"""Presidio-analyzer's pattern recognisers on the same labelled set, for the choice recorded in docs/bench/privacy.md.

Needs ``pip install presidio-analyzer`` in a separate environment (it pulls spaCy; not an empathic dependency):

    PYTHONPATH=src /tmp/presidio-venv/bin/python bench/privacy_presidio.py --n 1000 --seed 1

Only the recognisers that need no NLP model run (AnalyzerEngine itself insists on a spaCy pipeline, whose English
models download from outside PyPI); each gets ``nlp_artifacts=None``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from privacy_data import generate

KIND_OF = {
    "EMAIL_ADDRESS": "EMAIL", "PHONE_NUMBER": "PHONE", "CREDIT_CARD": "CARD", "IBAN_CODE": "IBAN",
    "IP_ADDRESS": "IP", "URL": "URL", "US_SSN": "SSN", "UK_NINO": "NI",
}  # fmt: skip


def recognisers() -> list:
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        EmailRecognizer,
        IbanRecognizer,
        IpRecognizer,
        PhoneRecognizer,
        UrlRecognizer,
        UsSsnRecognizer,
    )  # fmt: skip

    regions = ("GB", "US", "FR", "DE", "ES", "IT", "NL", "AU", "IN")
    out = [EmailRecognizer(), CreditCardRecognizer(), IbanRecognizer(), IpRecognizer(), UrlRecognizer(),
           UsSsnRecognizer(), PhoneRecognizer(supported_regions=regions)]  # fmt: skip
    try:
        from presidio_analyzer.predefined_recognizers import UkNinoRecognizer

        out.append(UkNinoRecognizer())
    except ImportError:
        pass
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    items = generate(args.n, seed=args.seed)
    recs = recognisers()
    planted, found, predicted, correct = Counter(), Counter(), Counter(), Counter()
    t0, c0 = time.perf_counter(), time.process_time()
    results = []
    for item in items:
        spans = []
        for rec in recs:
            for r in rec.analyze(item.text, rec.supported_entities, None) or []:
                if r.score >= 0.4 and r.entity_type in KIND_OF:
                    spans.append((r.start, r.end, KIND_OF[r.entity_type]))
        results.append(spans)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    for item, spans in zip(items, results, strict=True):
        for s, e, kind in item.spans:
            if kind in KIND_OF.values():
                planted[kind] += 1
                found[kind] += any(k == kind and a <= s and b >= e for a, b, k in spans)
        for a, b, k in spans:
            predicted[k] += 1
            correct[k] += any(kk == k and s < b and a < e for s, e, kk in item.spans)
    print(f"# presidio-analyzer pattern recognisers: n={len(items)}, seed={args.seed}")
    print("| type | planted | recall | predicted | precision |\n|---|---:|---:|---:|---:|")
    for k in sorted(planted):
        recall, precision = found[k] / planted[k], correct[k] / max(predicted[k], 1)
        print(f"| {k} | {planted[k]} | {recall:.3f} | {predicted[k]} | {precision:.3f} |")
    print(f"throughput: {len(items) / wall:,.0f} comments/s wall, {len(items) / cpu:,.0f} comments/CPU-s")


if __name__ == "__main__":
    main()
