"""Multi-label emotions per sentence unit, in the vocabulary product teams use.

Fast mode: the head (``models/emotions-fast.npz``) predicts the 28 GoEmotions labels (independent sigmoids, each
with a threshold tuned on the GoEmotions dev split); accurate mode: the emotions graph of the feelings encoder
(``feelings-encoder-v1``, :func:`empathic.feelings.encoder.get_emotions_encoder`) predicts the same 28 labels, with
its own dev-tuned thresholds. They are
grouped into product emotions, and each score is *calibrated* so that 0.5 is the emotion's decision threshold:
``score ≥ 0.5`` means "expressed".

A comment's emotion is rolled up from its units by :func:`comment_scores`. The plain maximum gave a 15-sentence
review 15 chances to cross each threshold by chance ("love" in 67 % of the BA reviews, "disappointment" in 71 %),
so the maximum is re-scored against the null: ``models/emotions-calibration.json`` holds, per mode and emotion,
the upper quantiles of the scores of GoEmotions dev texts that do *not* carry the emotion
(``training/emotions_calibration.py``), and a comment of k units gets the emotion only when its best unit would be as
rare among k null units as a 0.5 score is among one (a Šidák correction). A unit that names the emotion
(``NAMED_EMOTIONS``, passed to the roll-up as a flag, whatever its score) or scores at least ``STRONG_SCORE`` still
counts whatever the comment's length.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from empathic.feelings import rules
from empathic.feelings.encoder import get_emotions_encoder
from empathic.feelings.heads import embedder_name, load_head
from empathic.feelings.lexicon import lexicon_features
from empathic.feelings.textnorm import clean_texts

#: Product emotion → the GoEmotions labels it gathers (its score is the highest of theirs).
PRODUCT_EMOTIONS: dict[str, tuple[str, ...]] = {
    "anger": ("anger", "disgust"),
    "frustration": ("annoyance",),
    "disappointment": ("disappointment",),
    "sadness": ("sadness", "grief", "remorse"),
    "fear": ("fear", "nervousness"),
    "confusion": ("confusion",),
    "joy": ("joy", "amusement", "excitement"),
    "love": ("love", "admiration"),
    "gratitude": ("gratitude",),
    "surprise": ("surprise", "realization"),
    "trust": ("relief", "optimism", "caring"),
}
EMOTIONS: tuple[str, ...] = tuple(PRODUCT_EMOTIONS)

#: Words that *name* an emotion. A named emotion is expressed unless negated ("not disappointed"), so its score is
#: raised to NAMED_SCORE: Reddit-trained heads under-call emotions stated plainly in combination.
NAMED_EMOTIONS: dict[str, re.Pattern[str]] = {
    name: re.compile(rf"\b(?:{words})\b", re.IGNORECASE)
    for name, words in {
        "anger": r"angry|anger|furious|livid|outraged|enraged|infuriat\w*|mad at|pissed",
        "frustration": r"frustrat\w*|annoy\w*|irritat\w*|fed up|sick of|tired of",
        "disappointment": r"disappoint\w*|let down|letdown",
        "sadness": r"sad|sadly|unhappy|heartbroken|depress\w*|upset",
        "fear": r"worried|worry|worries|afraid|scared|nervous|anxious|fear|terrified|concerned",
        "confusion": r"confus\w*|puzzled|baffled|don'?t understand|unclear",
        "joy": r"happy|thrilled|delighted|excited|overjoyed|glad",
        "love": r"love|loved|adore|obsessed",
        "gratitude": r"thank\w*|grateful|appreciate\w*|kudos",
        "surprise": r"surprised|surprising\w*|shocked|amazed|unexpected\w*|wow",
        "trust": r"relieved|relief|reassur\w*|trust|confident|reliable",
    }.items()
}
NAMED_SCORE = 0.75
#: A unit this strong counts at any comment length (as does a unit that names the emotion, at any score).
STRONG_SCORE = 0.9
_NEGATED = re.compile(r"\b(?:not|never|no|n't|hardly|wasn'?t|isn'?t|aren'?t|weren'?t)\W+(?:\w+\W+){0,2}$", re.I)


_ANY_NAMED = re.compile("|".join(f"(?P<{name}>{p.pattern})" for name, p in NAMED_EMOTIONS.items()), re.IGNORECASE)


#: Any negator of ``_NEGATED`` anywhere in a text (a superset: no word boundaries). A text without one cannot have
#: a negated emotion name, so its named emotions are just which emotion patterns occur in it.
_ANY_NEGATOR = re.compile(r"not|never|no|n't|hardly|wasn'?t|isn'?t|aren'?t|weren'?t", re.IGNORECASE)


def _scan_named(texts: Sequence[str], rows: np.ndarray, out: np.ndarray) -> None:
    """The reference: every name match in ``texts[rows]``, set unless negated just before it."""
    column = {name: j for j, name in enumerate(EMOTIONS)}
    for i in rows:
        text = texts[i] or ""
        for m in _ANY_NAMED.finditer(text):
            if _NEGATED.search(text[max(0, m.start() - 40) : m.start()]) is None:
                out[i, column[m.lastgroup]] = True


def named_emotions(texts: Sequence[str]) -> np.ndarray:
    """bool (n, len(EMOTIONS)): the text names the emotion and the name is not negated just before it.

    One batch-wide search finds the texts that name any emotion; those holding a negator are scanned match by
    match (:func:`_scan_named`), the others get one batch search per emotion. The emotion patterns are whole words
    and no word of one emotion's names is a name of another, so a text's matches never overlap across emotions and
    "occurs" equals "``finditer`` reports it" (``tests/feelings/test_fast_path_parallel.py`` checks both ways agree).
    """
    out = np.zeros((len(texts), len(EMOTIONS)), dtype=bool)
    flagged = np.flatnonzero(rules.search_many(_ANY_NAMED, texts))
    if flagged.size == 0:
        return out
    named = [texts[i] or "" for i in flagged]
    negator = rules.search_many(_ANY_NEGATOR, named)
    _scan_named(texts, flagged[negator], out)
    plain = np.flatnonzero(~negator)
    if plain.size:
        column = rules.column([named[k] for k in plain])
        for j, name in enumerate(EMOTIONS):
            out[flagged[plain], j] = rules.search_many(NAMED_EMOTIONS[name], column)
    return out


def calibrate(proba: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Piecewise-linear map of probabilities so each label's threshold lands on 0.5 (monotone, 0→0, 1→1)."""
    t = np.clip(thresholds, 1e-3, 1 - 1e-3)[None, :]
    low = 0.5 * proba / t
    high = 0.5 + 0.5 * (proba - t) / (1 - t)
    return np.where(proba < t, low, high).astype(np.float32)


def goemotions_scores(
    texts: Sequence[str], embeddings: np.ndarray, *, embedder: str = "fast", lexicon: np.ndarray | None = None
) -> np.ndarray:
    """Calibrated float32 (n, 28) scores for the GoEmotions labels (column order: ``goemotions_labels()``).

    ``lexicon`` is the precomputed ``lexicon_features(clean_texts(texts))`` (computed here when None). In accurate
    mode the fine-tuned encoder reads the texts (``embeddings`` and ``lexicon`` are not used).
    """
    if embedder == "accurate":
        encoder = get_emotions_encoder()
        return calibrate(encoder.predict(clean_texts(texts))[1], encoder.meta.goemotions_thresholds)
    head = load_head(f"emotions-{embedder}")
    if lexicon is None:
        lexicon = lexicon_features(clean_texts(texts))
    return calibrate(head.predict_proba(embeddings, lexicon), head.thresholds)


def goemotions_labels(embedder: str = "fast") -> tuple[str, ...]:
    """The 28 GoEmotions label names in the head's (or, accurate mode, the encoder's) column order."""
    if embedder == "accurate":
        return get_emotions_encoder().meta.goemotions_labels
    return load_head(f"emotions-{embedder}").classes


def detect_emotions(
    texts: Sequence[str],
    embeddings: np.ndarray | None = None,
    *,
    embedder: str = "fast",
    lexicon: np.ndarray | None = None,
) -> np.ndarray:
    """Calibrated float32 (n, len(EMOTIONS)) product-emotion scores; ``≥ 0.5`` means the emotion is expressed."""
    if embeddings is None and embedder == "accurate":  # the encoder reads the texts
        embeddings = np.zeros((len(texts), 0), np.float32)
    elif embeddings is None:
        from empathic.text.embed import get_embedder

        embeddings = get_embedder(embedder_name(embedder)).embed(clean_texts(texts))
    fine = goemotions_scores(texts, embeddings, embedder=embedder, lexicon=lexicon)
    names = goemotions_labels(embedder)
    out = np.zeros((len(texts), len(EMOTIONS)), dtype=np.float32)
    for j, members in enumerate(PRODUCT_EMOTIONS.values()):
        cols = [names.index(m) for m in members]
        out[:, j] = fine[:, cols].max(axis=1)
    return np.where(named_emotions(texts), np.maximum(out, NAMED_SCORE), out).astype(np.float32)


def emotion_labels(scores: np.ndarray, threshold: float = 0.5) -> list[str]:
    """';'-joined emotions at or over ``threshold`` per row, strongest first ('' when none)."""
    if len(scores) == 0:
        return []
    import pyarrow as pa
    import pyarrow.compute as pc

    order = np.argsort(-scores, axis=1, kind="stable")
    keep = np.take_along_axis(scores, order, axis=1) >= threshold
    offsets = np.r_[0, np.cumsum(keep.sum(axis=1))].astype(np.int32)
    names = pa.array(np.array(EMOTIONS, dtype=object)[order[keep]].tolist(), pa.string())
    return pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets), names), ";").to_pylist()


CALIBRATION_FILE = Path(__file__).parent / "models" / "emotions-calibration.json"


@lru_cache(maxsize=1)
def load_calibration() -> dict:
    """The null quantiles of ``CALIBRATION_FILE``: ``{"tails": [...], "modes": {mode: {emotion: [...]}}}``."""
    return json.loads(CALIBRATION_FILE.read_text())


def _rescore(score: np.ndarray, k: np.ndarray, tails: np.ndarray, quantiles: np.ndarray) -> np.ndarray:
    """Map a best-of-k score to the single-unit score with the same chance under the null (monotone in ``score``).

    ``quantiles[i]`` is exceeded by a fraction ``tails[i]`` of null units. A score's tail probability p becomes
    ``1 − (1 − p)^k`` (the chance that one of k null units scores as high), read back through the quantiles. Above
    the highest stored quantile (rarer than the smallest tail) the map goes linearly to 1 at 1.
    """
    order = np.lexsort((-tails, quantiles))  # scores ascending, tails descending (also within tied scores)
    q_up, t_down = quantiles[order], tails[order]
    p = np.interp(score, q_up, t_down)
    p_k = 1.0 - (1.0 - p) ** k
    back = np.interp(-p_k, -t_down, q_up)  # tails descending → interp on the negated axis
    top, smallest = q_up[-1], t_down[-1]
    top_k = np.interp(-(1.0 - (1.0 - smallest) ** k), -t_down, q_up)
    above = top_k + (score - top) * (1.0 - top_k) / max(1.0 - top, 1e-6)
    return np.where(score >= top, above, back)


def roll_up(
    best: np.ndarray,
    n_units: np.ndarray,
    mode: str,
    *,
    named: np.ndarray | None = None,
    calibration: dict | None = None,
) -> np.ndarray:
    """Calibrated comment scores from each comment's best unit score per emotion.

    Two steps, both fitted on GoEmotions dev (``training/emotions_calibration.py``): the best-of-k score is re-scored to
    the single-unit score with the same chance under the null (:func:`_rescore`), then each emotion's decision
    threshold moves up to the score at which it flags as many dev texts as carry the emotion (never below the
    F1-tuned 0.5): an emotion the heads over-call (disappointment: 3× its true rate) is not reported 3× too often.

    Args:
        best: float (n_comments, len(EMOTIONS)), the maximum unit score of each comment.
        n_units: int (n_comments,), how many units each comment has (k).
        mode: the feelings mode that scored the units ("fast" | "accurate"), whose calibration applies.
        named: bool (n_comments, len(EMOTIONS)), a unit of the comment names the emotion (:func:`named_emotions`).
            Without it, a best unit of at least ``NAMED_SCORE`` stands in for "named" (a named unit scores at
            least that), which keeps the map monotone but also keeps strong unnamed units.
        calibration: the calibration table (default: :func:`load_calibration`).

    Returns:
        float32 (n_comments, len(EMOTIONS)) with the threshold again at 0.5; ``≥ 0.5`` means expressed. A named
        emotion or a best unit of at least ``STRONG_SCORE`` is never lowered below ``NAMED_SCORE``: it counts at any
        length. Named-ness is a flag, not a score: it used to be read off the score (exactly ``NAMED_SCORE``), so a
        named unit the model also scored higher lost it — "I'm very happy with my purchase" at 0.89 in an
        8-sentence review fell to 0.2 while a weaker 0.75 kept 0.75, and joy was in 4.4 % of the clothing
        reviews, 59 % of them positive. For a given ``named`` the map is monotone in the unit score at every k.
    """
    table = calibration or load_calibration()
    fitted = table["modes"].get(mode) or table["modes"]["fast"]
    tails = np.asarray(table["tails"], dtype=float)
    k = np.maximum(np.asarray(n_units, dtype=float), 1.0)
    out = np.empty(best.shape, dtype=np.float32)
    for j, name in enumerate(EMOTIONS):
        score = best[:, j].astype(float)
        single = np.where(k > 1, _rescore(score, k, tails, np.asarray(fitted["null"][name], dtype=float)), score)
        single = np.minimum(single, score)
        tau = float(np.clip(fitted["thresholds"][name], 0.5, 0.999))
        moved = np.where(single < tau, 0.5 * single / tau, 0.5 + 0.5 * (single - tau) / (1.0 - tau))
        strong = score >= STRONG_SCORE
        kept = strong | (named[:, j] if named is not None else score >= np.float32(NAMED_SCORE))
        out[:, j] = np.maximum(moved, np.where(kept, NAMED_SCORE, 0.0))
    return out


def comment_scores(
    unit_scores: np.ndarray, starts: np.ndarray, mode: str, named_units: np.ndarray | None = None
) -> np.ndarray:
    """float32 (n_comments, len(EMOTIONS)) comment emotion scores from unit scores grouped by comment.

    ``unit_scores`` rows are ordered by comment; ``starts`` holds each comment's first row; ``named_units`` (bool,
    like ``unit_scores``) says which units name which emotion (:func:`named_emotions` of the unit texts). See
    :func:`roll_up`.
    """
    if len(unit_scores) == 0:
        return np.zeros((0, len(EMOTIONS)), dtype=np.float32)
    best = np.maximum.reduceat(unit_scores, starts, axis=0)
    n_units = np.diff(np.r_[starts, len(unit_scores)])
    named = None
    if named_units is not None:
        named = np.maximum.reduceat(np.asarray(named_units, dtype=np.int8), starts, axis=0).astype(bool)
    return roll_up(best, n_units, mode, named=named)
