"""The fast embedders: static token vectors derived from MiniLM, no neural network at run time.

A text's vector is the mean of its WordPiece tokens' vectors, L2-normalised. Two artifacts, each int8 vectors plus
one float16 scale per token:

- ``get_embedder("fast")`` — ``models/static-minilm.npz`` (v1, 256-d): each token run through MiniLM alone, PCA,
  smooth-inverse-frequency weights (``training/distill_static.py``). The feelings stage's fast heads are trained on it.
- ``get_embedder("fast-minilm")`` — ``models/static-minilm-v2.npz`` (v2, 384-d, in MiniLM's own space): the v1
  vectors refitted so that a text's mean token vector reproduces MiniLM's sentence vector
  (``training/learn_static.py``). Closer to MiniLM on every held-out set; the themes stage's fast mode uses it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from empathic.text.embed.base import register_embedder
from empathic.text.embed.onnx_minilm import TOKENIZER_PATH

STATIC_PATH = Path(__file__).parent / "models" / "static-minilm.npz"
STATIC_V2_PATH = Path(__file__).parent / "models" / "static-minilm-v2.npz"
SPECIAL_IDS = (0, 100, 101, 102, 103)  # [PAD] [UNK] [CLS] [SEP] [MASK]
MAX_TOKENS = 256
#: Characters Python splits on but BERT's normaliser deletes or keeps inside a word (such texts are tokenised whole)
ODD_SPACE = re.compile("[\x0b\x0c\x1c-\x1f\x85\u2028\u2029]")


class StaticEmbedder:
    """Tens of thousands of texts per second on 2 cores; lower fidelity than MiniLM (see docs/bench/themes.md).

    Args:
        path: the ``.npz`` artifact (int8 ``vectors`` of shape (vocab, dim) and float16 ``scale`` (vocab,)).
        batch_size: texts tokenised per call of the (parallel, Rust) tokenizer.
    """

    def __init__(self, *, path: Path = STATIC_PATH, name: str = "static-minilm-v1", batch_size: int = 16384) -> None:
        from tokenizers import Tokenizer

        self.name = name
        with np.load(path) as data:
            self._vectors = data["vectors"].astype(np.float32) * data["scale"].astype(np.float32)[:, None]
        self._vectors[list(SPECIAL_IDS)] = 0.0
        self.dim = int(self._vectors.shape[1])
        self.batch_size = batch_size
        self._tokenizer = Tokenizer.from_file(str(TOKENIZER_PATH))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """float32 array of shape ``(len(texts), dim)``, rows L2-normalised (zero rows for empty texts)."""
        out = self.sums(texts)
        out /= np.clip(np.linalg.norm(out, axis=1, keepdims=True), 1e-12, None)
        return out

    def sums(self, texts: Sequence[str]) -> np.ndarray:
        """float32 ``(len(texts), dim)``: the *unnormalised* sum of each text's token vectors.

        Sums add up: the sum over a comment's sentences is (up to the separators) the comment's own sum, which is
        how the themes stage gets comment vectors without tokenising comments again.

        Whitespace-separated words are tokenised once per distinct word (a word's WordPiece tokens never depend
        on its neighbours), so each batch costs a dictionary lookup per distinct word plus one sparse
        (texts × words) product. Texts over ``MAX_TOKENS`` tokens, or with characters where Python's and BERT's idea of
        whitespace differ, go through the tokenizer whole, so the result equals tokenising every text.
        """
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        index: dict[str, int] = {}  # distinct word → id, in order of first appearance
        batches = []
        for start in range(0, len(texts), self.batch_size):
            chunk = [t or "" for t in texts[start : start + self.batch_size]]
            # Arrow splits exactly where str.split() does (checked on every code point) and finds the distinct
            # words in C++: Python only touches each batch's distinct words, not its millions of word tokens
            split = pc.utf8_split_whitespace(pa.array(chunk, pa.string()))
            encoded = pc.dictionary_encode(split.flatten())
            distinct = encoded.dictionary.to_pylist()
            gid = np.fromiter((index.setdefault(w, len(index)) for w in distinct), np.int32, count=len(distinct))
            local = encoded.indices.to_numpy(zero_copy_only=False)
            batches.append((start, len(chunk), split.offsets.to_numpy().astype(np.int64), gid[local]))
        # every distinct word tokenised once, in one parallel call; its vector is the sum of its tokens' vectors
        words = self._counts(list(index)) if index else sp.csr_matrix((0, len(self._vectors)), dtype=np.float32)
        word_vectors = np.asarray(words @ self._vectors, np.float32)
        word_tokens = np.diff(words.indptr).astype(np.float32)
        for start, n, indptr, ids in batches:
            counts = sp.csr_matrix((np.ones(len(ids), np.float32), ids, indptr), shape=(n, len(index)))
            out[start : start + n] = counts @ word_vectors
            total = counts @ word_tokens
            chunk = texts[start : start + n]
            odd = [i for i, t in enumerate(chunk) if total[i] >= MAX_TOKENS or (t and ODD_SPACE.search(t))]
            if odd:
                out[start + np.asarray(odd)] = self._token_sums([chunk[i] for i in odd])
        return out

    def _token_sums(self, texts: list[str]) -> np.ndarray:
        """Sum of token vectors per text through the tokenizer (truncated at ``MAX_TOKENS``)."""
        return np.asarray(self._counts(texts) @ self._vectors, dtype=np.float32)

    def _counts(self, texts: list[str]):
        """Sparse (texts × vocabulary) token counts and the token count per text."""
        encode = getattr(self._tokenizer, "encode_batch_fast", self._tokenizer.encode_batch)
        encs = encode(texts, add_special_tokens=False)
        lengths = np.fromiter((len(e.ids) for e in encs), dtype=np.int64, count=len(encs))
        ids = np.fromiter((i for e in encs for i in e.ids), dtype=np.int64, count=int(lengths.sum()))
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        return sp.csr_matrix((np.ones(len(ids), np.float32), ids, indptr), shape=(len(texts), self._vectors.shape[0]))


register_embedder("fast", StaticEmbedder)
register_embedder("fast-minilm", lambda: StaticEmbedder(path=STATIC_V2_PATH, name="static-minilm-v2"))
