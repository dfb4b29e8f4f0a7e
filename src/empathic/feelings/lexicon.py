"""Lexicon features from VADER: the part of a sentiment read that embeddings miss (negation, intensifiers, emoji).

Mean-pooled embeddings see "not good" close to "good". VADER's rules (negation scope, "but" weighting, boosters
such as "very"/"barely", ALL CAPS, "!!!", emoji) complement them, so every sentiment head takes
``[embedding, lexicon_features]`` as input.

:func:`lexicon_features` reproduces VADER 3.3.2's ``polarity_scores`` for a whole batch at once: the texts are
split into VADER's words once, each distinct word is looked up once (lexicon valence, booster, negation, caps), and
the per-word rules (the three-word window of boosters and negations, "no", "least", ALL CAPS, the special idioms)
run as numpy operations over every word of the batch. Only VADER's quirky "but" re-weighting runs per text, and
only for texts that contain "but". :func:`reference_lexicon_features` is the per-text VADER path it replaces; the
tests check that both agree on real sentences.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from functools import lru_cache
from itertools import chain

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from empathic.feelings.rules import search_many

#: Names of the columns returned by :func:`lexicon_features`, in order.
FEATURE_NAMES = ("compound", "pos", "neg", "neu", "negated", "question", "exclaim")
NEGATION = re.compile(
    r"\b(?:not|no|never|none|nobody|nothing|neither|nor|cannot|without|hardly|barely|"
    r"\w+n't|dont|didnt|doesnt|isnt|wasnt|wont|cant|couldnt|wouldnt|shouldnt|aint)\b",
    re.IGNORECASE,
)

# VADER 3.3.2 constants (vaderSentiment.vaderSentiment), repeated so the vectorised scorer reads on its own.
B_INCR, C_INCR, N_SCALAR = 0.293, 0.733, -0.74
#: Words the per-word rules compare against; each gets a small code (0 = none of these).
_CODE_WORDS = (
    "no", "or", "nor", "kind", "of", "least", "at", "very", "so", "this", "never", "without", "doubt", "but",
)  # fmt: skip
_MAX_CACHED_WORDS = 500_000


@lru_cache(maxsize=1)
def _analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=1)
def _tables():
    """VADER's lexicon, boosters, negations, special cases, emoji map and the word codes, loaded once."""
    from vaderSentiment import vaderSentiment as vs

    analyzer = _analyzer()
    multiword = [k for k in chain(vs.SPECIAL_CASES, vs.BOOSTER_DICT) if " " in k]
    words = list(_CODE_WORDS) + sorted({w for k in multiword for w in k.split()} - set(_CODE_WORDS))
    return {
        "lexicon": analyzer.lexicon,
        "booster": vs.BOOSTER_DICT,
        "negate": frozenset(vs.NEGATE),
        "special": vs.SPECIAL_CASES,
        "emojis": analyzer.emojis,
        "emoji_set": frozenset(e for e in analyzer.emojis if len(e) == 1),
        "code": {w: i + 1 for i, w in enumerate(words)},
        "cache": {},
    }


def vader_compound(texts: Sequence[str]) -> np.ndarray:
    """VADER's compound score (-1..1) per text: the baseline the benchmark compares against (reference VADER)."""
    analyzer = _analyzer()
    return np.array([analyzer.polarity_scores(t or "")["compound"] for t in texts], dtype=np.float32)


def reference_lexicon_features(texts: Sequence[str]) -> np.ndarray:
    """The same features as :func:`lexicon_features`, one ``polarity_scores`` call per text (slow reference)."""
    analyzer = _analyzer()
    out = np.zeros((len(texts), len(FEATURE_NAMES)), dtype=np.float32)
    for i, text in enumerate(texts):
        text = text or ""
        s = analyzer.polarity_scores(text)
        out[i, 0:4] = (s["compound"], s["pos"], s["neg"], s["neu"])
        out[i, 4] = 1.0 if NEGATION.search(text) else 0.0
        out[i, 5] = 1.0 if "?" in text else 0.0
        out[i, 6] = min(text.count("!"), 3) / 3.0
    return out


def lexicon_features(texts: Sequence[str]) -> np.ndarray:
    """float32 array (n_texts, len(FEATURE_NAMES)): VADER scores plus negation / question / exclamation flags.

    Args:
        texts: cleaned texts (``textnorm.clean_texts``); None counts as "".
    """
    texts = [t or "" for t in texts]
    out = np.zeros((len(texts), len(FEATURE_NAMES)), dtype=np.float32)
    if not texts:
        return out
    if not _all_utf8(texts):  # lone surrogates cannot go into Arrow: the per-text path takes them
        return reference_lexicon_features(texts)
    out[:, 0:4] = vader_scores(texts)
    arr = pa.array(texts, pa.string())
    out[:, 4] = search_many(NEGATION, texts)
    out[:, 5] = pc.greater(pc.count_substring(arr, "?"), 0).to_numpy(zero_copy_only=False)
    out[:, 6] = np.minimum(pc.count_substring(arr, "!").to_numpy(), 3) / 3.0
    return out


def _all_utf8(texts: list[str]) -> bool:
    """Every text encodes as UTF-8 (no lone surrogates). One join + encode of the batch: Python never merges two
    surrogates that meet at a join into a pair, so the batch fails exactly when some text would on its own."""
    joined = "".join(texts)
    if joined.isascii():
        return True
    try:
        joined.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _replace_emojis(texts: list[str]) -> list[str]:
    """VADER's emoji → description step (exactly its loop), run only on texts that hold an emoji character."""
    t = _tables()
    emojis, emoji_set = t["emojis"], t["emoji_set"]
    out = [text.strip() for text in texts]
    for i, text in enumerate(texts):
        if text.isascii() or emoji_set.isdisjoint(text):
            continue
        pieces, prev_space = [], True
        for ch in text:
            if ch in emojis:
                if not prev_space:
                    pieces.append(" ")
                pieces.append(emojis[ch])
                prev_space = False
            else:
                pieces.append(ch)
                prev_space = ch == " "
        out[i] = "".join(pieces).strip()
    return out


def _word_features(tokens: list[str]) -> np.ndarray:
    """float64 (n_tokens, 5): valence (NaN when not in the lexicon), booster, is-upper, negation word, word code."""
    t = _tables()
    cache, lexicon, booster, negate, code = t["cache"], t["lexicon"], t["booster"], t["negate"], t["code"]
    if len(cache) > _MAX_CACHED_WORDS:
        cache.clear()
    rows = []
    for tok in tokens:
        row = cache.get(tok)
        if row is None:
            stripped = tok.strip(string.punctuation)
            word = tok if len(stripped) <= 2 else stripped
            low = word.lower()
            row = (
                lexicon.get(low, np.nan),
                booster.get(low, 0.0),
                float(word.isupper()),
                float(low in negate or "n't" in low),
                float(code.get(low, 0)),
            )
            cache[tok] = row
        rows.append(row)
    return np.array(rows, dtype=np.float64).reshape(len(tokens), 5)


def vader_scores(texts: Sequence[str]) -> np.ndarray:
    """float64 (n, 4): VADER's compound, pos, neg, neu for every text, computed for the whole batch at once."""
    prepared = _replace_emojis(list(texts))
    # Arrow splits on exactly the characters str.split() treats as whitespace (checked over all of Unicode)
    # (Arrow also yields empty strings for leading, trailing and repeated spaces: dropped, as str.split() does)
    words = pc.utf8_split_whitespace(pa.array(prepared, pa.string()))
    flat, parent = pc.list_flatten(words), pc.list_parent_indices(words)
    nonempty = pc.greater(pc.utf8_length(flat), 0)
    flat, parent = flat.filter(nonempty), parent.filter(nonempty)
    lengths = np.bincount(parent.to_numpy(zero_copy_only=False), minlength=len(prepared)).astype(np.int64)
    encoded = flat.dictionary_encode()
    unique = _word_features(encoded.dictionary.to_pylist())
    batch = _Words(unique, encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64), lengths)
    sentiments = _apply_but(_valences(batch), batch.codes, lengths)
    return _score(sentiments, lengths, prepared)


class _Words:
    """Every word of a batch: per-word features gathered from the distinct words, and where each word sits."""

    def __init__(self, unique: np.ndarray, index: np.ndarray, lengths: np.ndarray) -> None:
        self.unique, self.index, self.lengths = unique, index, lengths
        self.n = len(index)
        self.text_of = np.repeat(np.arange(len(lengths)), lengths)
        self.pos = np.arange(self.n) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        self.codes = unique[index, 4]

    def column(self, j: int, at: np.ndarray) -> np.ndarray:
        return self.unique[self.index[at], j]

    def near(self, j: int, at: np.ndarray, k: int, fill: float) -> np.ndarray:
        """Column ``j`` of the word ``k`` places before (k > 0) or after (k < 0) each word ``at``, else ``fill``."""
        pos, length = self.pos[at], self.lengths[self.text_of[at]]
        ok = pos >= k if k > 0 else pos < length + k
        out = np.full(len(at), fill)
        out[ok] = self.unique[self.index[at[ok] - k], j]
        return out


def _valences(w: _Words) -> np.ndarray:
    """float64 (n_words,): VADER's per-word sentiment (``sentiment_valence`` and the skips before it).

    Only lexicon words that are not boosters (nor "kind" in "kind of") get a valence; the rules run on those.
    """
    code = _tables()["code"]
    u = w.unique
    candidate = ~np.isnan(u[:, 0]) & (u[:, 1] == 0)
    at = np.flatnonzero(candidate[w.index])
    codes = {k: w.near(4, at, k, -1.0) for k in (1, 2, 3, -1, -2)}

    def is_(a: np.ndarray, *names: str) -> np.ndarray:
        return np.isin(a, [code[n] for n in names])

    keep = ~(is_(w.column(4, at), "kind") & is_(codes[-1], "of"))
    at = at[keep]
    codes = {k: c[keep] for k, c in codes.items()}
    c1, c2, c3 = codes[1], codes[2], codes[3]
    pos = w.pos[at]
    n_upper = np.bincount(w.text_of, weights=w.unique[w.index, 2], minlength=len(w.lengths))
    cap_diff = ((w.lengths - n_upper > 0) & (w.lengths - n_upper < w.lengths))[w.text_of[at]]
    base = w.column(0, at)
    v = base.copy()
    v[is_(w.column(4, at), "no") & ~np.isnan(w.near(0, at, -1, np.nan))] = 0.0
    no_before = is_(c1, "no") | is_(c2, "no") | (is_(c3, "no") & is_(c1, "or", "nor"))
    v = np.where(no_before, base * N_SCALAR, v)
    caps = (w.column(2, at) > 0) & cap_diff
    v = np.where(caps, np.where(v > 0, v + C_INCR, v - C_INCR), v)
    lex_before = {k: ~np.isnan(w.near(0, at, k, 0.0)) for k in (1, 2, 3)}
    for k, damp in ((1, 1.0), (2, 0.95), (3, 0.9)):
        cond = (pos >= k) & ~lex_before[k]
        b = w.near(1, at, k, 0.0)
        s = np.where(v < 0, -b, b)
        b_caps = (b != 0) & (w.near(2, at, k, 0.0) > 0) & cap_diff
        s = np.where(b_caps, np.where(v > 0, s + C_INCR, s - C_INCR), s)
        s = s * damp if damp != 1.0 else s
        v = np.where(cond, v + s, v)
        v = _negation_check(v, cond, k, (c1, c2, c3), w.near(3, at, k, 0.0) > 0, is_)
        if k == 3 and cond.any():
            sub = np.flatnonzero(cond)
            v[sub] = _special_idioms(
                v[sub], w.column(4, at[sub]), tuple(c[sub] for c in (c1, c2, c3)), (codes[-1][sub], codes[-2][sub])
            )
    least1 = (pos > 0) & ~lex_before[1] & is_(c1, "least")
    v = np.where(least1 & ((pos == 1) | ~is_(c2, "at", "very")), v * N_SCALAR, v)
    out = np.zeros(w.n)
    out[at] = v
    return out


def _negation_check(v, cond, k, before, negw, is_):
    """VADER's ``_negation_check`` for the word ``k`` places before, where ``cond`` holds."""
    c1, c2, c3 = before
    if k == 1:
        return np.where(cond & negw, v * N_SCALAR, v)
    if k == 2:
        boost = is_(c2, "never") & is_(c1, "so", "this")
        keep = is_(c2, "without") & is_(c1, "doubt")
    else:
        boost = (is_(c3, "never") & is_(c2, "so", "this")) | is_(c1, "so", "this")
        keep = is_(c3, "without") & (is_(c2, "doubt") | is_(c1, "doubt"))
    v = np.where(cond & boost, v * 1.25, v)
    return np.where(cond & ~boost & ~keep & negw, v * N_SCALAR, v)


@lru_cache(maxsize=1)
def _phrases() -> tuple[list[tuple[tuple[int, ...], float]], list[tuple[tuple[int, ...], float]]]:
    """Multi-word special cases and booster phrases as tuples of word codes, with their values."""
    t = _tables()

    def encode(d: dict) -> list[tuple[tuple[int, ...], float]]:
        return [(tuple(t["code"][x] for x in k.split()), float(v)) for k, v in d.items() if " " in k]

    return encode(t["special"]), encode(t["booster"])


def _special_idioms(v: np.ndarray, w0: np.ndarray, before: tuple, after: tuple) -> np.ndarray:
    """VADER's ``_special_idioms_check`` (special-case phrases and booster bigrams such as "kind of")."""
    special, boosters = _phrases()
    c1, c2, c3 = before
    a1, a2 = after

    def hit(seq: tuple[np.ndarray, ...], phrase: tuple[int, ...]) -> np.ndarray:
        if len(phrase) != len(seq):
            return np.zeros(len(v), bool)
        return np.logical_and.reduce([s == c for s, c in zip(seq, phrase, strict=True)])

    # in VADER's order: the first of these sequences that is a special case sets the valence
    chosen = np.full(len(v), np.nan)
    for seq in ((c1, w0), (c2, c1, w0), (c2, c1), (c3, c2, c1), (c3, c2)):
        for phrase, value in special:
            chosen = np.where(np.isnan(chosen) & hit(seq, phrase), value, chosen)
    v = np.where(np.isnan(chosen), v, chosen)
    for seq in ((w0, a1), (w0, a1, a2)):
        for phrase, value in special:
            v = np.where(hit(seq, phrase), value, v)
    for seq in ((c3, c2, c1), (c3, c2), (c2, c1)):
        for phrase, value in boosters:
            v = np.where(hit(seq, phrase), v + value, v)
    return v


def _apply_but(sentiments: np.ndarray, codes: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """VADER's ``_but_check``: words before a text's first "but" × 0.5, after it × 1.5.

    VADER finds each word by ``list.index(value)``, so when a value repeats (or equals an already re-weighted
    one) it may re-weight another word; texts where that can happen take VADER's own function, the rest are
    re-weighted as arrays.
    """
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    is_but = codes == _tables()["code"]["but"]
    if not is_but.any():
        return sentiments
    text_of = np.repeat(np.arange(len(lengths)), lengths)
    starts = np.cumsum(lengths) - lengths
    pos = np.arange(len(codes)) - starts[text_of]
    but_at = np.flatnonzero(is_but)
    texts, first = np.unique(text_of[but_at], return_index=True)
    first_but = np.full(len(lengths), -1)
    first_but[texts] = pos[but_at[first]]
    bi = first_but[text_of]
    factor = np.where(bi < 0, 1.0, np.where(pos < bi, 0.5, np.where(pos > bi, 1.5, 1.0)))
    out = sentiments * factor
    # values that could collide inside a text: every non-zero original value and every re-weighted one
    nz = np.flatnonzero((bi >= 0) & (sentiments != 0))
    moved = nz[factor[nz] != 1.0]
    keys_text = np.r_[text_of[nz], text_of[moved]]
    keys_value = np.r_[sentiments[nz], out[moved]]
    order = np.lexsort((keys_value, keys_text))
    same = (np.diff(keys_text[order]) == 0) & (np.diff(keys_value[order]) == 0)
    for i in np.unique(keys_text[order][1:][same]):
        start, end = int(starts[i]), int(starts[i] + lengths[i])
        words = ["but" if b else "" for b in is_but[start:end]]
        out[start:end] = SentimentIntensityAnalyzer._but_check(words, sentiments[start:end].tolist())
    return out


def _score(sentiments: np.ndarray, lengths: np.ndarray, texts: list[str]) -> np.ndarray:
    """VADER's ``score_valence`` for every text at once: (n, 4) compound, pos, neg, neu."""
    n = len(lengths)
    text_of = np.repeat(np.arange(n), lengths)
    sum_s = np.bincount(text_of, weights=sentiments, minlength=n)
    pos_sum = np.bincount(text_of, weights=np.where(sentiments > 0, sentiments + 1, 0.0), minlength=n)
    neg_sum = np.bincount(text_of, weights=np.where(sentiments < 0, sentiments - 1, 0.0), minlength=n)
    neu = np.bincount(text_of, weights=(sentiments == 0).astype(float), minlength=n)
    arr = pa.array(texts, pa.string())
    ep = np.minimum(pc.count_substring(arr, "!").to_numpy(), 4) * 0.292
    qm_count = pc.count_substring(arr, "?").to_numpy()
    qm = np.where(qm_count > 1, np.where(qm_count <= 3, qm_count * 0.18, 0.96), 0.0)
    amp = ep + qm
    sum_s = np.where(sum_s > 0, sum_s + amp, np.where(sum_s < 0, sum_s - amp, sum_s))
    compound = np.clip(sum_s / np.sqrt(sum_s * sum_s + 15), -1.0, 1.0)
    neg_abs = np.abs(neg_sum)
    pos_sum2 = np.where(pos_sum > neg_abs, pos_sum + amp, pos_sum)
    neg_sum2 = np.where(pos_sum < neg_abs, neg_sum - amp, neg_sum)
    total = pos_sum2 + np.abs(neg_sum2) + neu
    safe = np.where(total > 0, total, 1.0)
    out = np.column_stack(
        [
            np.round(compound, 4),
            np.round(np.abs(pos_sum2 / safe), 3),
            np.round(np.abs(neg_sum2 / safe), 3),
            np.round(np.abs(neu / safe), 3),
        ]
    )
    out[lengths == 0] = 0.0
    return out
