"""Teacher outputs for the v4 multi-task encoder: what the three graphs accurate mode ran until v3 say per text.

feelings-encoder-v4 replaces three graphs with one, so it learns, besides the labels of ``training/data.py``:

- v3's sentiment and intent probabilities (``feelings-encoder.onnx``, shipped until v4): keeps v3's sentiment
  where the labels say nothing, so the one pass does not lose what v3 had;
- v1's GoEmotions probabilities (``feelings-emotions.onnx``) on every row, not just the GoEmotions comments: the
  emotion head learns how v1 reads customer sentences too (soft targets teach more per example than 0/1 labels);
- all-MiniLM-L6-v2's unit vector (``get_embedder("accurate")``): v4's ``unit_vector`` output is trained to
  reproduce it, so the empathy-quadrant / intent prototypes and the corrections' few-shot vote, which compare
  MiniLM vectors, read v4's output instead of a third graph.

Run through the *package's* graphs (the same numbers the stage used), with the shipped (v3) files in ``src/``
before v4 is exported. Cached as ``/tmp/fv4/teachers-<key>.npz`` keyed by the texts' hash. Training only.
"""

from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
CACHE = Path("/tmp/fv4")


def text_key(texts: list[str]) -> str:
    h = hashlib.sha256()
    for t in texts:
        h.update(t.encode("utf-8", "replace") + b"\0")
    return h.hexdigest()[:16]


def compute(texts: list[str]) -> dict[str, np.ndarray]:
    """{sentiment (n, 3), score (n,), intent (n, 6), emotions (n, 28), vector (n, 384)} from v3, v1 and MiniLM."""
    from empathic.feelings.encoder import EMOTIONS_META_PATH, EMOTIONS_MODEL_PATH, FeelingsEncoder
    from empathic.text.embed import get_embedder

    v3 = FeelingsEncoder(threads=2)
    if not v3.name.startswith("feelings-encoder-v3"):
        raise SystemExit(f"teachers must come from v3, the shipped graph is {v3.name}")
    t0 = time.perf_counter()
    out3 = v3.predict_all(texts)
    print(f"v3 {len(texts)} texts {time.perf_counter() - t0:.0f}s", flush=True)
    t0 = time.perf_counter()
    emo = FeelingsEncoder(threads=2, model=EMOTIONS_MODEL_PATH, meta=EMOTIONS_META_PATH).predict_all(texts).emotions
    print(f"v1 emotions {time.perf_counter() - t0:.0f}s", flush=True)
    t0 = time.perf_counter()
    embedder = get_embedder("accurate")
    vec = np.vstack([embedder.embed(texts[s : s + 256]) for s in range(0, len(texts), 256)]).astype(np.float32)
    print(f"minilm {time.perf_counter() - t0:.0f}s", flush=True)
    return {"sentiment": out3.sentiment, "score": out3.score, "intent": out3.intent, "emotions": emo, "vector": vec}


def teachers(texts: list[str]) -> dict[str, np.ndarray]:
    """Cached :func:`compute`."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"teachers-{text_key(texts)}.npz"
    if path.exists():
        with np.load(path) as z:
            return {k: z[k] for k in z.files}
    got = compute(texts)
    np.savez(path, **got)
    return got


if __name__ == "__main__":
    import train_encoder as te

    import data

    ds = data.build(te.MIXES[sys.argv[1] if len(sys.argv) > 1 else "v4"])
    got = teachers(ds["texts"])
    print({k: v.shape for k, v in got.items()})
