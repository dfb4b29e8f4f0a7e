"""Step 1 of training the feelings heads: embed every labelled text once per embedder (cached .npz).

    .venv/bin/python training/train_feelings_embed.py [--out /tmp/feelings_train_cache] [--threads 1]
        [--embedders fast,fast-minilm,accurate]

Writes one ``<corpus>.npz`` per corpus with ``texts``, ``labels`` (JSON strings, or plain labels / Banking77 intent
names) and one float16 array of embeddings of the cleaned texts per embedder, keyed by its registered name
(``get_embedder(name)``: ``fast`` = static v1, ``fast-minilm`` = static v2, ``accurate`` = MiniLM). Embeddings
already in the cache are kept; a corpus file missing an embedder gets it added. Step 2 is
``training/train_feelings.py``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))  # feelings_data, data_root
import feelings_data as data
from empathic.feelings.textnorm import clean_texts
from empathic.text.embed import Embedder, get_embedder
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
    parser.add_argument("--embedders", default="fast,fast-minilm,accurate", help="registered embedder names")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    wanted = args.embedders.split(",")

    def embedder(name: str) -> Embedder:
        if name == "accurate" and args.threads:
            return MiniLMEmbedder(threads=args.threads)
        return get_embedder(name)

    for name, (texts, labels) in corpora().items():
        path = out / f"{name}.npz"
        arrays = {"texts": np.array(texts, dtype=object), "labels": np.array(labels, dtype=object)}
        if path.exists():
            with np.load(path, allow_pickle=True) as z:
                if [str(t) for t in z["texts"]] != list(texts):
                    raise SystemExit(f"{path}: cached texts differ from the corpus; delete the file to re-embed")
                arrays.update({k: z[k] for k in z.files if k not in ("texts", "labels")})
        missing = [e for e in wanted if e not in arrays]
        if not missing:
            continue
        clean = clean_texts(texts)
        for e in missing:
            t0 = time.time()
            arrays[e] = embedder(e).embed(clean).astype(np.float16)
            print(f"{name}: {len(texts)} texts, {e} in {time.time() - t0:.1f}s", flush=True)
        np.savez(path, **arrays)


if __name__ == "__main__":
    main()
