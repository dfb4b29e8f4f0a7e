"""The fine-tuned feelings encoder: all-MiniLM-L6-v2 trained end to end for every feeling (ONNX, int8 weights).

``models/feelings-encoder.onnx`` holds the whole model — encoder, mean pooling and the heads — so one onnxruntime
call per batch maps token ids to ``sentiment_proba`` (n, 3: negative, neutral, positive; softmax),
``sentiment_score`` (n,: −1..+1), ``intent_proba`` (n, 6: bug, request, complaint, praise, question, churn;
sigmoids) and ``goemotions_proba`` (n, 28; sigmoids). ``models/feelings-encoder.json`` names the classes and holds
the decision thresholds. Built by ``training/train_encoder.py`` + ``training/export.py``; the accurate mode of the
feelings stage uses it. Runtime needs only onnxruntime + tokenizers (no torch). The weights are stored as int8 (one
scale per channel) and the graph computes in float32: unlike dynamic int8 quantization (which scales activations
per batch), a text's result does not depend on the texts batched with it.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from empathic.errors import StageError

MODELS_DIR = Path(__file__).parent / "models"
MODEL_PATH = MODELS_DIR / "feelings-encoder.onnx"
META_PATH = MODELS_DIR / "feelings-encoder.json"
#: The emotions graph: ``feelings-encoder-v1`` (trained 3 epochs on all of GoEmotions train; 28-label macro-F1 0.506
#: on GoEmotions test), re-stored with int8 weights. The v2 graph's own GoEmotions head saw 4,000 comments for one
#: pass (dev macro-F1 0.19), so emotions keep v1 until a longer training run holds its figures.
EMOTIONS_MODEL_PATH = MODELS_DIR / "feelings-emotions.onnx"
EMOTIONS_META_PATH = MODELS_DIR / "feelings-emotions.json"
TOKENIZER_PATH = Path(__file__).parents[1] / "text" / "embed" / "models" / "minilm-tokenizer.json"
#: Texts per onnxruntime call (sorted by length first, so padding stays small).
BATCH = 64
#: Texts whose unit vectors :class:`FeelingsEncoder` keeps from its latest runs (≈ 1.5 kB each).
VECTOR_MEMO = 60_000
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
    intent_labels: tuple[str, ...] = ()
    intent_thresholds: tuple[float, ...] = ()
    #: Intents the head adds to the rules' cues (chosen on our own labelled dev split, docs/bench/feelings.md).
    intent_decides: tuple[str, ...] = ()
    #: True when this graph's GoEmotions head is the one accurate mode reports (v4: one graph for every feeling);
    #: False: the emotions come from the separate emotions graph (v1).
    emotions_self: bool = False
    #: Width of the ``unit_vector`` output (v4: all-MiniLM-L6-v2's sentence vector reproduced), 0 without one.
    vector_dim: int = 0


@dataclass(frozen=True)
class EncoderOutput:
    """One run of the graph over n texts (rows in the order of the texts)."""

    sentiment: np.ndarray  # float32 (n, 3) negative / neutral / positive
    score: np.ndarray  # float32 (n,) −1..+1
    intent: np.ndarray  # float32 (n, len(meta.intent_labels)) independent probabilities
    emotions: np.ndarray  # float32 (n, 28)
    vector: np.ndarray | None = None  # float32 (n, meta.vector_dim), unit length; None without a unit_vector output

    def copy(self) -> EncoderOutput:
        return EncoderOutput(
            self.sentiment.copy(),
            self.score.copy(),
            self.intent.copy(),
            self.emotions.copy(),
            None if self.vector is None else self.vector.copy(),
        )


class FeelingsEncoder:
    """Lazy onnxruntime session over the packaged model (one per process: use :func:`get_encoder`).

    Args:
        threads: batches run at once, each on one onnxruntime thread (default: all cores, at most 4).

    Why batches on threads rather than onnxruntime's intra-op threads: the graphs' matrix products are small
    (64 texts × ~20 tokens × 384), so two intra-op threads spend much of their time synchronising, and their
    spin-waiting burns CPU on a shared machine; one thread per batch with no spinning computes the same numbers
    (each batch's arithmetic does not depend on the thread count) for ≈ 30 % fewer CPU seconds
    (docs/bench/feelings-speed.md, "Accurate mode on long reviews").
    """

    def __init__(self, *, threads: int | None = None, model: Path = MODEL_PATH, meta: Path = META_PATH) -> None:
        if not model.exists() or not meta.exists():
            raise StageError(
                f"the feelings encoder is missing ({model.name} / {meta.name} in {MODELS_DIR})",
                hint="reinstall empathic, or set feelings.mode = 'fast'",
            )
        self.model_path = model
        raw = json.loads(meta.read_text())
        self.meta = EncoderMeta(
            name=str(raw["model"]),
            max_tokens=int(raw["max_tokens"]),
            sentiment_classes=tuple(raw["sentiment_classes"]),
            goemotions_labels=tuple(raw["goemotions_labels"]),
            goemotions_thresholds=np.asarray(raw["goemotions_thresholds"], dtype=np.float32),
            intent_labels=tuple(raw.get("intent_labels", ())),
            intent_thresholds=tuple(
                float(t) for t in raw.get("intent_thresholds", [0.5] * len(raw.get("intent_labels", [])))
            ),
            intent_decides=tuple(raw.get("intent_decides", ())),
            emotions_self=raw.get("emotions") == "self",
            vector_dim=int(raw.get("vector_dim", 0)),
        )
        self.threads = threads or min(os.cpu_count() or 1, 4)
        self._session = None
        self._tokenizer = None
        self._lock = threading.Lock()
        self._last: tuple[tuple[str, ...], EncoderOutput] | None = None
        #: text → unit vector of the latest runs (at most VECTOR_MEMO texts), so the prototypes' vectors of units
        #: the sentiment pass already read cost no second run
        self._vectors: dict[str, np.ndarray] = {}

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
            options.intra_op_num_threads = 1
            options.inter_op_num_threads = 1
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            options.log_severity_level = 3
            tokenizer = Tokenizer.from_file(str(TOKENIZER_PATH))
            tokenizer.enable_truncation(max_length=self.meta.max_tokens)
            tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
            self._tokenizer = tokenizer
            self._session = ort.InferenceSession(str(self.model_path), options, providers=["CPUExecutionProvider"])

    def predict(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """``(sentiment_proba float32 (n, 3) neg/neu/pos, goemotions_proba float32 (n, 28))`` for cleaned texts."""
        out = self.predict_all(texts)
        return out.sentiment, out.emotions

    def predict_all(self, texts: Sequence[str]) -> EncoderOutput:
        """Every head's output for cleaned texts (one forward pass per text, shared by all feelings).

        Rows keep the order of ``texts``; the GoEmotions columns follow ``meta.goemotions_labels``, the intent
        columns ``meta.intent_labels``. The texts are read as they are (emoji → [UNK]); :meth:`sentiment` reads
        emoji as words.
        """
        key = tuple(texts)
        last = self._last
        if last is not None and last[0] == key:  # the feelings of one batch share one run
            return last[1].copy()
        plain = [t or "" for t in texts]
        out = self._run(plain)
        self._last = (key, out.copy())
        if out.vector is not None:
            with self._lock:
                if len(self._vectors) + len(plain) > VECTOR_MEMO:
                    self._vectors.clear()
                self._vectors.update(zip(plain, out.vector.copy(), strict=True))
        return out

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """float32 (n, meta.vector_dim) unit vectors for cleaned texts (the ``unit_vector`` output: v4 reproduces
        all-MiniLM-L6-v2's sentence vector, so the few-shot prototypes read it instead of running MiniLM). Texts a
        recent :meth:`predict_all` read are not run again; a text's vector does not depend on its batch."""
        if not self.meta.vector_dim:
            raise StageError(f"{self.name} has no unit_vector output", hint="use the MiniLM embedder")
        plain = [t or "" for t in texts]
        with self._lock:
            known = [self._vectors.get(t) for t in plain]
        missing = sorted({t for t, v in zip(plain, known, strict=True) if v is None})
        if missing:
            got = dict(zip(missing, self._run(missing).vector, strict=True))
            known = [v if v is not None else got[t] for t, v in zip(plain, known, strict=True)]
        if not known:
            return np.zeros((0, self.meta.vector_dim), np.float32)
        return np.vstack(known).astype(np.float32, copy=False)

    def sentiment(self, texts: Sequence[str]) -> np.ndarray:
        """float32 (n, 3) neg/neu/pos for cleaned texts; rows with an emoji are read again with the emoji as words
        (:data:`EMOJI_AS_WORDS`), the others come from the run :meth:`predict` shares with the emotions."""
        proba = self.predict(texts)[0]
        if not EMOJI_AS_WORDS:
            return proba
        read = emoji_as_words(texts)
        changed = [i for i, (t, r) in enumerate(zip(texts, read, strict=True)) if (t or "") != r]
        if changed:
            proba[changed] = self._run([read[i] for i in changed]).sentiment
        return proba

    def intent_flags(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """bool (n,) per intent the head decides (``meta.intent_decides``) at its threshold, for cleaned texts."""
        meta = self.meta
        if not meta.intent_decides:
            return {}
        proba = self.predict_all(texts).intent
        return {
            name: proba[:, meta.intent_labels.index(name)] >= meta.intent_thresholds[meta.intent_labels.index(name)]
            for name in meta.intent_decides
        }

    def _run(self, texts: list[str]) -> EncoderOutput:
        n = len(texts)
        out = EncoderOutput(
            np.zeros((n, 3), np.float32),
            np.zeros(n, np.float32),
            np.zeros((n, len(self.meta.intent_labels)), np.float32),
            np.zeros((n, len(self.meta.goemotions_labels)), np.float32),
            np.zeros((n, self.meta.vector_dim), np.float32) if self.meta.vector_dim else None,
        )
        if n == 0:
            return out
        self._load()
        names = [o.name for o in self._session.get_outputs()]
        order = np.argsort([len(t) for t in texts], kind="stable")
        batches = [order[start : start + BATCH] for start in range(0, n, BATCH)]

        def run(idx: np.ndarray) -> None:  # each batch writes its own rows; onnxruntime releases the GIL
            encs = self._tokenizer.encode_batch([texts[i] for i in idx])
            ids = np.array([e.ids for e in encs], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encs], dtype=np.int64)
            got = dict(zip(names, self._session.run(None, {"input_ids": ids, "attention_mask": mask}), strict=True))
            out.sentiment[idx] = got["sentiment_proba"]
            out.emotions[idx] = got["goemotions_proba"]
            if "sentiment_score" in got:
                out.score[idx] = got["sentiment_score"]
            else:
                out.score[idx] = got["sentiment_proba"][:, 2] - got["sentiment_proba"][:, 0]
            if "intent_proba" in got:
                out.intent[idx] = got["intent_proba"]
            if out.vector is not None:
                out.vector[idx] = got["unit_vector"]

        workers = min(self.threads, len(batches))
        if workers <= 1:
            for idx in batches:
                run(idx)
        else:
            with ThreadPoolExecutor(workers, thread_name_prefix="feelings-encoder") as pool:
                list(pool.map(run, batches))
        return out


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


@lru_cache(maxsize=1)
def get_emotions_encoder() -> FeelingsEncoder:
    """The process-wide graph whose GoEmotions head accurate mode reports: the feelings encoder itself when it
    carries the emotions (v4, ``meta.emotions_self``: one pass gives every feeling), else the separate emotions
    graph (:data:`EMOTIONS_MODEL_PATH`, v1)."""
    main = get_encoder()
    if main.meta.emotions_self:
        return main
    return FeelingsEncoder(model=EMOTIONS_MODEL_PATH, meta=EMOTIONS_META_PATH)


def encoder_available() -> bool:
    """True when the packaged model files are present."""
    if not (MODEL_PATH.exists() and META_PATH.exists()):
        return False
    if json.loads(META_PATH.read_text()).get("emotions") == "self":
        return True
    return EMOTIONS_MODEL_PATH.exists() and EMOTIONS_META_PATH.exists()
