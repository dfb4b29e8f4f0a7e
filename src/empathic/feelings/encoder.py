"""The fine-tuned feelings encoder: all-MiniLM-L6-v2 trained end to end for sentiment and emotions (ONNX).

``models/feelings-encoder.onnx`` holds the whole model — encoder, mean pooling and both heads — so one onnxruntime
call maps token ids to ``sentiment_proba`` (n, 3: negative, neutral, positive; softmax) and ``goemotions_proba``
(n, 28; independent sigmoids). ``models/feelings-encoder.json`` names the classes and holds the per-label
thresholds tuned on GoEmotions dev. Built by ``bench/train_feelings_encoder.py``; the accurate mode of the feelings
stage uses it. Runtime needs only onnxruntime + tokenizers (no torch). The weights are stored as float16 and the graph
computes in float32: unlike dynamic int8 quantization (which scales activations per batch), a text's result does
not depend on the texts batched with it.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from empathic.errors import StageError

MODELS_DIR = Path(__file__).parent / "models"
MODEL_PATH = MODELS_DIR / "feelings-encoder.onnx"
META_PATH = MODELS_DIR / "feelings-encoder.json"
TOKENIZER_PATH = Path(__file__).parents[1] / "text" / "embed" / "models" / "minilm-tokenizer.json"
#: Texts per onnxruntime call (sorted by length first, so padding stays small).
BATCH = 64
#: Sentiment reads each emoji as VADER's description of it ("😡" → "pouting face")? The MiniLM vocabulary has no
#: emoji (they become [UNK], so "😍" and "😡" read alike). On data neither trained on nor reported, sentiment macro-F1
#: of the GoEmotions dev rows with an emoji goes 0.732 → 0.775 (n = 94; all dev rows 0.7545 → 0.7550); texts without
#: an emoji are untouched. Emotions keep reading the emoji as [UNK]: with the words, 28-label macro-F1 on GoEmotions
#: dev went 0.511 → 0.507 (docs/bench/feelings.md, "emoji and plain facts").
EMOJI_AS_WORDS = True


@dataclass(frozen=True)
class EncoderMeta:
    """What ``feelings-encoder.json`` says about the graph's outputs."""

    name: str
    max_tokens: int
    sentiment_classes: tuple[str, ...]
    goemotions_labels: tuple[str, ...]
    goemotions_thresholds: np.ndarray


class FeelingsEncoder:
    """Lazy onnxruntime session over the packaged model (one per process: use :func:`get_encoder`).

    Args:
        threads: intra-op threads (default: all cores, at most 4).
    """

    def __init__(self, *, threads: int | None = None) -> None:
        if not MODEL_PATH.exists() or not META_PATH.exists():
            raise StageError(
                f"the feelings encoder is missing ({MODEL_PATH.name} / {META_PATH.name} in {MODELS_DIR})",
                hint="reinstall empathic, or set feelings.mode = 'fast'",
            )
        raw = json.loads(META_PATH.read_text())
        self.meta = EncoderMeta(
            name=str(raw["model"]),
            max_tokens=int(raw["max_tokens"]),
            sentiment_classes=tuple(raw["sentiment_classes"]),
            goemotions_labels=tuple(raw["goemotions_labels"]),
            goemotions_thresholds=np.asarray(raw["goemotions_thresholds"], dtype=np.float32),
        )
        self.threads = threads or min(os.cpu_count() or 1, 4)
        self._session = None
        self._tokenizer = None
        self._lock = threading.Lock()
        self._last: tuple[tuple[str, ...], tuple[np.ndarray, np.ndarray]] | None = None

    @property
    def name(self) -> str:
        """Model name recorded in run messages (e.g. ``feelings-encoder-v1``)."""
        return self.meta.name

    def _load(self) -> None:
        with self._lock:
            if self._session is not None:
                return
            import onnxruntime as ort
            from tokenizers import Tokenizer

            options = ort.SessionOptions()
            options.intra_op_num_threads = self.threads
            options.inter_op_num_threads = 1
            options.log_severity_level = 3
            tokenizer = Tokenizer.from_file(str(TOKENIZER_PATH))
            tokenizer.enable_truncation(max_length=self.meta.max_tokens)
            tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
            self._tokenizer = tokenizer
            self._session = ort.InferenceSession(str(MODEL_PATH), options, providers=["CPUExecutionProvider"])

    def predict(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """``(sentiment_proba float32 (n, 3) neg/neu/pos, goemotions_proba float32 (n, 28))`` for cleaned texts.

        Rows keep the order of ``texts``; the GoEmotions columns follow ``meta.goemotions_labels``. The texts are read
        as they are (emoji → [UNK]); :meth:`sentiment` reads emoji as words.
        """
        key = tuple(texts)
        last = self._last
        if last is not None and last[0] == key:  # sentiment and emotions of one batch share one run
            return last[1][0].copy(), last[1][1].copy()
        sentiment, emotions = self._run([t or "" for t in texts])
        self._last = (key, (sentiment.copy(), emotions.copy()))
        return sentiment, emotions

    def sentiment(self, texts: Sequence[str]) -> np.ndarray:
        """float32 (n, 3) neg/neu/pos for cleaned texts; rows with an emoji are read again with the emoji as words
        (:data:`EMOJI_AS_WORDS`), the others come from the run :meth:`predict` shares with the emotions."""
        proba = self.predict(texts)[0]
        if not EMOJI_AS_WORDS:
            return proba
        read = emoji_as_words(texts)
        changed = [i for i, (t, r) in enumerate(zip(texts, read, strict=True)) if (t or "") != r]
        if changed:
            proba[changed] = self._run([read[i] for i in changed])[0]
        return proba

    def _run(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        n = len(texts)
        sentiment = np.zeros((n, 3), np.float32)
        emotions = np.zeros((n, len(self.meta.goemotions_labels)), np.float32)
        if n == 0:
            return sentiment, emotions
        self._load()
        order = np.argsort([len(t) for t in texts], kind="stable")
        for start in range(0, n, BATCH):
            idx = order[start : start + BATCH]
            encs = self._tokenizer.encode_batch([texts[i] for i in idx])
            ids = np.array([e.ids for e in encs], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encs], dtype=np.int64)
            s, e = self._session.run(None, {"input_ids": ids, "attention_mask": mask})
            sentiment[idx] = s
            emotions[idx] = e
        return sentiment, emotions


@lru_cache(maxsize=1)
def _emoji_words() -> tuple[dict[str, str], frozenset[str]]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    emojis = SentimentIntensityAnalyzer().emojis
    return emojis, frozenset(e for e in emojis if len(e) == 1)


def emoji_as_words(texts: Sequence[str]) -> list[str]:
    """The texts with each emoji VADER knows replaced by its description words; texts without one are unchanged."""
    out = [t or "" for t in texts]
    if all(t.isascii() for t in out):
        return out
    emojis, singles = _emoji_words()
    for i, text in enumerate(out):
        if text.isascii() or singles.isdisjoint(text):
            continue
        out[i] = " ".join("".join(f" {emojis[ch]} " if ch in emojis else ch for ch in text).split())
    return out


@lru_cache(maxsize=1)
def get_encoder() -> FeelingsEncoder:
    """The process-wide encoder (the ONNX session is created on first use)."""
    return FeelingsEncoder()


def encoder_available() -> bool:
    """True when the packaged model files are present."""
    return MODEL_PATH.exists() and META_PATH.exists()
