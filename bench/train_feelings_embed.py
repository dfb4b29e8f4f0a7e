"""Step 1 of training the feelings heads: embed every labelled text once with both embedders (cached .npz).

    .venv/bin/python bench/train_feelings_embed.py [--out /tmp/feelings_train_cache] [--threads 1]

Writes one ``<corpus>.npz`` per corpus with ``texts``, ``labels`` (JSON strings, or plain labels / Banking77 intent
names) and ``fast``/``accurate`` embeddings of the cleaned texts; corpora already in the cache are skipped. Step 2
is ``bench/train_feelings.py``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import feelings_data as data
from empathic.feelings.textnorm import clean_texts
from empathic.text.embed import get_embedder
from empathic.text.embed.onnx_minilm import MiniLMEmbedder


def corpora() -> dict[str, tuple[list[str], list[str]]]:
    """Corpus name → (texts, JSON-encoded labels)."""
    out = {}
    for split in ("train", "dev", "test"):
        texts, labels, _ = data.goemotions(split)
        out[f"goemo_{split}"] = (texts, [json.dumps(x) for x in labels])
    for dom in ("restaurants", "laptops"):
        for split in ("train", "test"):
            df = data.semeval_sentences(dom, split)
            out[f"semeval_{dom}_{split}"] = (
                df["text"].tolist(),
                [
                    json.dumps({"label": lab, "aspects": asp})
                    for lab, asp in zip(df["label"], df["aspects"], strict=True)
                ],
            )
    cl = data.clothing_titles_and_short_reviews()
    cl = cl.sample(frac=1.0, random_state=0)
    cl = cl.groupby("label", group_keys=False).head(5000)
    out["clothing_weak"] = (cl["text"].tolist(), cl["label"].tolist())
    bq = data.banking_questions().sample(n=2500, random_state=0)
    out["banking_questions"] = (bq["text"].tolist(), bq["label"].tolist())
    bt = data.banking_train()  # labels: intent names (mapped to weak sentiment in train_feelings.py)
    out["banking_train"] = (bt["text"].tolist(), bt["category"].tolist())
    tw = data.airline_tweets()
    out["airline_tweets"] = (tw["text"].tolist(), tw["label"].tolist())
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="/tmp/feelings_train_cache")
    parser.add_argument("--threads", type=int, default=None, help="MiniLM intra-op threads (default: all cores)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    fast = get_embedder("fast")
    accurate = MiniLMEmbedder(threads=args.threads) if args.threads else get_embedder("accurate")
    for name, (texts, labels) in corpora().items():
        path = out / f"{name}.npz"
        if path.exists():
            continue
        clean = clean_texts(texts)
        t0 = time.time()
        vf = fast.embed(clean)
        va = accurate.embed(clean)
        np.savez(
            path,
            texts=np.array(texts, dtype=object),
            labels=np.array(labels, dtype=object),
            fast=vf.astype(np.float16),
            accurate=va.astype(np.float16),
        )
        print(f"{name}: {len(texts)} texts in {time.time() - t0:.0f}s", flush=True)


if __name__ == "__main__":
    main()
