"""Learn the themes' static embedder (``static-minilm-v2``) by regression on MiniLM sentence vectors.

The v1 static embedder (``training/distill_static.py``) runs each token through MiniLM *alone*: a token's vector never
learns how MiniLM reads it in a sentence, and its sentence vectors match MiniLM's only loosely (mean cosine 0.68 on
GoEmotions test comments, 0.78 on SemEval restaurant sentences, after the per-run mapping of the themes stage).
v2 keeps the same run-time model — a text's vector is the sum of its WordPiece tokens' vectors, L2-normalised, no
neural network — but fits the token vectors so that a text's *mean* token vector reproduces MiniLM's sentence
vector (the "tokenlearn" idea of model2vec), in MiniLM's own 384-d space:

    minimise  || A E − Y ||²  +  λ || E − E₀ ||²

A: texts × vocabulary token frequencies (each row sums to 1), Y: MiniLM vectors of the texts, E₀: the v1 vectors
mapped into MiniLM space by a ridge fitted on the same texts (so tokens the corpus never shows keep their v1
meaning). Solved by conjugate gradients on the normal equations (60 iterations, all 384 columns at once).

Training texts (no labels are read, only the texts; the teacher is MiniLM):
- GoEmotions **train** split comments (43k; Apache-2.0 per the monologg repo),
- Banking77 **train** queries (10k; CC-BY-4.0, Casanueva et al. 2020),
- the odd-numbered rows of the bundled Women's clothing reviews (CC0): their sentence units and the whole reviews.
Held out for the fidelity report: GoEmotions test, Banking77 test, the even-numbered clothing reviews, and two
domains never seen (airline tweets, SemEval-14 restaurant sentences).

Run from the repo root (needs /work/shared/data; about 10 minutes on 2 cores, mostly MiniLM on the texts)::

    .venv/bin/python training/learn_static.py            # writes src/empathic/text/embed/models/static-minilm-v2.npz
    .venv/bin/python training/learn_static.py --report   # fidelity of v1 and v2 on the held-out sets (no writing)
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))  # the shared helpers (data_root, …) stay in bench/

from data_root import data_root  # noqa: E402

OUT = ROOT / "src" / "empathic" / "text" / "embed" / "models" / "static-minilm-v2.npz"
DATA = data_root()
CACHE = Path("/tmp/empathic-learn-static")
CLOTHING = ROOT / "src" / "empathic" / "data" / "womens_clothing_reviews.csv.gz"
#: Ridge weight pulling each token towards its v1 vector (the fidelity figures move by < 0.005 from 1e-4 to 1e-2).
LAMBDA = 1e-2
CG_ITERATIONS = 60


def clothing_reviews() -> list[str]:
    with gzip.open(CLOTHING, "rt", encoding="utf-8") as f:
        return [r["Review Text"] for r in csv.DictReader(f) if r["Review Text"]]


def training_texts() -> list[str]:
    """The texts whose MiniLM vectors are regressed on (see the module docstring), theme-cleaned like the stage."""
    from empathic.text.sentences import split_units
    from empathic.themes.model import theme_texts

    with (DATA / "goemotions" / "original" / "train.tsv").open(encoding="utf-8") as f:
        go = [line.split("\t", 1)[0] for line in f]
    with (DATA / "banking77" / "train.csv").open(encoding="utf-8") as f:
        bank = [r["text"] for r in csv.DictReader(f)]
    reviews = clothing_reviews()[1::2]
    units = [t[a:b] for t in reviews for a, b in split_units(t)]
    return theme_texts(go + bank + units + reviews)


def held_out() -> dict[str, list[str]]:
    """Texts never trained on: same sources' held-out parts and two unseen domains."""
    from empathic.text.sentences import split_units
    from empathic.themes.model import theme_texts
    from themes import load

    with (DATA / "goemotions" / "original" / "test.tsv").open(encoding="utf-8") as f:
        go = [line.split("\t", 1)[0] for line in f]
    reviews = clothing_reviews()[0::2][:3000]
    sets = {
        "GoEmotions test comments": go,
        "Banking77 test queries": load("banking77_test")[0],
        "clothing reviews (even rows), sentence units": [t[a:b] for t in reviews for a, b in split_units(t)],
        "clothing reviews (even rows), whole reviews": reviews,
        "airline tweets, negative (unseen domain)": load("airline_negative")[0],
        "SemEval-14 restaurant sentences (unseen domain)": load("semeval14_restaurants")[0],
    }
    return {name: theme_texts(texts) for name, texts in sets.items()}


def teacher(name: str, texts: list[str]) -> np.ndarray:
    """MiniLM vectors of ``texts`` (cached in /tmp by name and a digest of the texts)."""
    import hashlib

    from empathic.text.embed import get_embedder

    CACHE.mkdir(exist_ok=True)
    digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    path = CACHE / f"{name}-{digest}.npy"
    if path.exists():
        return np.load(path)
    t0 = time.perf_counter()
    vectors = get_embedder("accurate").embed(texts)
    print(f"  MiniLM on {len(texts):,} texts ({name}): {time.perf_counter() - t0:.0f}s", flush=True)
    np.save(path, vectors)
    return vectors


def frequencies(texts: list[str]) -> sp.csr_matrix:
    """Texts × vocabulary token frequencies, each non-empty row summing to 1 (same tokenizer for v1 and v2)."""
    from empathic.text.embed import get_embedder

    counts = get_embedder("fast")._counts(texts).tocsr()
    n_tokens = np.asarray(counts.sum(axis=1)).ravel()
    return sp.diags(1.0 / np.maximum(n_tokens, 1.0)).astype(np.float32) @ counts


def learn(a: sp.csr_matrix, y: np.ndarray, e0: np.ndarray, lam: float = LAMBDA) -> np.ndarray:
    """argmin_E ||A E − Y||² + λ||E − E₀||² by conjugate gradients (columns solved together)."""
    at = a.T.tocsr()
    b = at @ (y - a @ e0)
    d = np.zeros_like(e0)
    r = b.copy()
    p = r.copy()
    rs = np.einsum("ij,ij->j", r, r)
    for _ in range(CG_ITERATIONS):
        ap = at @ (a @ p) + lam * p
        alpha = rs / np.maximum(np.einsum("ij,ij->j", p, ap), 1e-30)
        d += p * alpha
        r -= ap * alpha
        rs_new = np.einsum("ij,ij->j", r, r)
        p = r + p * (rs_new / np.maximum(rs, 1e-30))
        rs = rs_new
    return (e0 + d).astype(np.float32)


def v1_in_minilm_space(a: sp.csr_matrix, y: np.ndarray, v1: np.ndarray) -> np.ndarray:
    """E₀: the v1 token vectors times a ridge map (v1 dim → 384) fitted on the training texts' mean vectors."""
    x = np.asarray(a @ v1, np.float64)
    gram = x.T @ x
    ridge = 1e-3 * np.trace(gram) / len(gram)
    return (v1 @ np.linalg.solve(gram + ridge * np.eye(len(gram)), x.T @ y)).astype(np.float32)


def fidelity(vectors: np.ndarray, freqs: sp.csr_matrix, y: np.ndarray, *, seed: int = 0) -> tuple[float, float]:
    """Mean cosine to MiniLM: raw (v2 only, same space) and after the themes stage's mapping fitted on 2,500 texts.

    ``freqs``: the texts' :func:`frequencies` (tokenised once for both embedders)."""
    from empathic.themes.embedding import apply_mapping, fit_mapping, normalise_rows

    x = normalise_rows(np.asarray(freqs @ vectors, np.float32))
    order = np.random.default_rng(seed).permutation(len(x))
    fit, rest = order[:2500], order[2500:]
    raw = float(np.mean(np.einsum("ij,ij->i", x[rest], y[rest]))) if x.shape[1] == y.shape[1] else float("nan")
    mapped = apply_mapping(x[rest].copy(), fit_mapping(x[fit], y[fit]))
    return raw, float(np.mean(np.einsum("ij,ij->i", mapped, y[rest])))


def quantise(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scale = np.abs(vectors).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    return np.round(vectors / scale[:, None]).astype(np.int8), scale.astype(np.float16)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--report", action="store_true", help="only print v1/v2 fidelity on the held-out sets")
    args = parser.parse_args()
    from empathic.text.embed.static import SPECIAL_IDS, StaticEmbedder

    v1 = StaticEmbedder()._vectors
    if not args.report:
        t0 = time.perf_counter()
        texts = training_texts()
        y = teacher("train", texts)
        a = frequencies(texts)
        keep = np.asarray(a.sum(axis=1)).ravel() > 0
        a, y = a[keep], y[keep]
        e = learn(a, y, v1_in_minilm_space(a, y, v1))
        e[list(SPECIAL_IDS)] = 0.0
        q, scale = quantise(e)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(args.out, vectors=q, scale=scale)
        print(
            f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB) from {a.shape[0]:,} texts "
            f"in {time.perf_counter() - t0:.0f}s",
            flush=True,
        )
    v2 = StaticEmbedder(path=args.out)._vectors
    rows = {}
    for name, texts in held_out().items():
        y = teacher(name.split()[0].lower() + str(len(texts)), texts)
        freqs = frequencies(texts)
        rows[name] = {"n": len(texts), "v1_mapped": fidelity(v1, freqs, y)[1]} | dict(
            zip(("v2_raw", "v2_mapped"), fidelity(v2, freqs, y), strict=True)
        )
        print(name, {k: round(v, 3) for k, v in rows[name].items()}, flush=True)
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
