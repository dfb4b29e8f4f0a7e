"""Distil the "fast" static embedder from the accurate MiniLM model (model2vec-style), and write the artifact.

How the shipped ``src/empathic/text/embed/models/static-minilm.npz`` is built (run from the repo root)::

    .venv/bin/python training/distill_static.py --dim 256

1. Every WordPiece token of the MiniLM vocabulary is run through MiniLM alone (``[CLS] token [SEP]``, mean
   pooling), giving one 384-d vector per token.
2. PCA to ``--dim`` dimensions (fitted on the token vectors), which also removes the common direction.
3. Token weights by smooth inverse frequency ``a / (a + p(token))`` with ``p`` counted on in-domain review text
   (Women's clothing reviews + GoEmotions from /work/shared/data, if present; otherwise no
   weighting). No benchmark-labelled data (Banking77, airline tweets, SemEval) is used.
4. Stored as int8 with one float16 scale per token (``np.savez_compressed``), a few MB.

At run time a text's vector is the weighted mean of its tokens' vectors, L2-normalised.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))  # the shared helpers (data_root) stay in bench/

from data_root import data_root  # noqa: E402

OUT = ROOT / "src" / "empathic" / "text" / "embed" / "models" / "static-minilm.npz"
DATA = data_root()


def corpus_texts(limit: int = 200_000) -> list[str]:
    """In-domain, unlabelled review text used only to count token frequencies: the CC0 clothing reviews and the
    GoEmotions comments. The British Airways reviews were listed here until 2026-11-26 (their SOURCE.md allows
    internal evaluation only) but never read: no column of theirs contains "review", so the shipped artifact never
    had them — rebuilt without the listing, it is byte-identical."""
    texts: list[str] = []
    csv.field_size_limit(sys.maxsize)
    clothing = DATA / "womens_clothing_reviews" / "Womens Clothing E-Commerce Reviews.csv"
    if clothing.exists():
        with clothing.open(encoding="utf-8", errors="replace") as f:
            texts += [r.get("Review Text") or "" for r in csv.DictReader(f)]
    for path in sorted((DATA / "goemotions" / "original").glob("*.tsv")):
        with path.open(encoding="utf-8", errors="replace") as f:
            texts += [line.split("\t", 1)[0] for line in f]
    return [t for t in texts if t.strip()][:limit]


def token_vectors(embedder, vocab_size: int, batch: int = 512) -> np.ndarray:
    """(vocab_size, 384): MiniLM output for each token alone, mean-pooled over [CLS] token [SEP]."""
    session = embedder._session
    out = np.zeros((vocab_size, 384), dtype=np.float32)
    for start in range(0, vocab_size, batch):
        ids = np.arange(start, min(start + batch, vocab_size))
        inp = np.stack([np.full_like(ids, 101), ids, np.full_like(ids, 102)], axis=1).astype(np.int64)
        mask = np.ones_like(inp)
        hidden = session.run(None, {"input_ids": inp, "attention_mask": mask, "token_type_ids": np.zeros_like(inp)})[0]
        out[ids] = hidden.mean(axis=1)
    return out


def sif_weights(tokenizer, texts: list[str], vocab_size: int, a: float = 1e-3) -> np.ndarray:
    """Smooth inverse frequency weight per token id (1.0 everywhere when there is no corpus)."""
    counts = Counter()
    for enc in tokenizer.encode_batch(texts, add_special_tokens=False):
        counts.update(enc.ids)
    if not counts:
        return np.ones(vocab_size, dtype=np.float32)
    freq = np.zeros(vocab_size, dtype=np.float64)
    for tok, c in counts.items():
        freq[tok] = c
    p = freq / freq.sum()
    return (a / (a + p)).astype(np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dim", type=int, default=256)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    from tokenizers import Tokenizer

    from empathic.text.embed.onnx_minilm import TOKENIZER_PATH, MiniLMEmbedder

    t0 = time.perf_counter()
    embedder = MiniLMEmbedder()
    tokenizer = Tokenizer.from_file(str(TOKENIZER_PATH))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    vocab_size = tokenizer.get_vocab_size()
    vectors = token_vectors(embedder, vocab_size)
    print(f"token vectors {vectors.shape} in {time.perf_counter() - t0:.1f}s")
    mean = vectors.mean(axis=0)
    centered = vectors - mean
    _, _, vt = np.linalg.svd(centered, full_matrices=False)
    reduced = centered @ vt[: args.dim].T
    weights = sif_weights(tokenizer, corpus_texts(), vocab_size)
    reduced *= weights[:, None]
    scale = np.abs(reduced).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    q = np.round(reduced / scale[:, None]).astype(np.int8)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, vectors=q, scale=scale.astype(np.float16))
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f}s")


if __name__ == "__main__":
    main()
