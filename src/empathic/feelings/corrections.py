"""Analyst corrections of sentiment and intent: stored with who and when, applied verbatim, and used few-shot.

An analyst marks a comment's (or one sentence's) sentiment or intent as wrong. The correction is kept in
``feelings_corrections`` with the text it was made on, so it survives re-analysis and new data:

- **verbatim**: the corrected unit or comment carries the analyst's label after every feelings run;
- **few-shot**: the workspace's other units borrow a corrected sentence's labels when they are its near neighbours
  (cosine of their sentence vectors ≥ :data:`NEIGHBOUR_MIN`, and the corrected side outvotes the rest of the
  neighbours): a nearest-neighbour adjustment of the heads, local to this workspace. The gain is measured in
  ``bench/feelings_corrections.py`` (docs/bench/feelings-corrections.md).

Who may correct is the front door's business (analysts and admins in the web app); the front door also passes
``log`` to record the correction in the team activity log inside the same transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from empathic.errors import InputError, NotFoundError
from empathic.feelings.intent import INTENTS, canonical_intent
from empathic.store import Store
from empathic.store.tables import TABLES

SENTIMENTS = ("positive", "neutral", "mixed", "negative")
#: A corrected positive/negative unit or comment scores at least this far on its side (so comment means, pains
#: and gains follow the label); a corrected neutral one scores 0; a mixed one keeps its score.
LABEL_SCORE = 0.6
#: Few-shot: an uncorrected unit borrows a corrected unit's label only above this cosine of the mode's unit vectors
#: (chosen on clothing review titles, bench/feelings_corrections.py: looser thresholds spread the analysts' hard
#: cases to their neighbours and lowered agreement with the stars) ...
NEIGHBOUR_MIN_OF = {"accurate": 0.8, "fast": 0.9}
NEIGHBOUR_MIN = NEIGHBOUR_MIN_OF["accurate"]
#: ... looking at this many corrected neighbours (similarity-weighted vote).
NEIGHBOURS = 3
COLUMNS = list(TABLES["feelings_corrections"].column_names)


class UnknownComment(NotFoundError):
    """The corrected comment or sentence is not in this workspace (front doors answer 404)."""


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC).replace(tzinfo=None)


def score_for(label: str, score: float) -> float:
    """The −1..1 score a unit or comment corrected to ``label`` carries (its old score when already consistent)."""
    if label == "positive":
        return max(score, LABEL_SCORE)
    if label == "negative":
        return min(score, -LABEL_SCORE)
    return 0.0 if label == "neutral" else score


def parse_intents(value: str | Sequence[str] | None) -> str | None:
    """The contract form (``;``-joined, :data:`INTENTS` order) of intents typed by a user; None when not given.

    Accepts ``"request"``, ``"request;bug"``, ``"request,bug"`` or a list; ``suggestion`` is read as ``request``.
    """
    if value is None:
        return None
    parts = value if not isinstance(value, str) else value.replace(",", ";").split(";")
    names = {canonical_intent(p) for p in parts if p and p.strip()}
    unknown = sorted(names - set(INTENTS))
    if unknown or not names:
        raise InputError(
            f"unknown intent {', '.join(unknown) or '(empty)'}",
            hint=f"use one or more of: {', '.join(INTENTS)} (';'-separated)",
        )
    if "other" in names and len(names) > 1:
        raise InputError("'other' means no intent: it cannot be combined", hint="drop 'other'")
    return ";".join(i for i in INTENTS if i in names)


def parse_sentiment(value: str | None) -> str | None:
    """A sentiment label typed by a user, checked against :data:`SENTIMENTS`; None when not given."""
    if value is None:
        return None
    label = value.strip().lower()
    if label not in SENTIMENTS:
        raise InputError(f"unknown sentiment {value!r}", hint=f"use one of: {', '.join(SENTIMENTS)}")
    return label


def _target_text(store: Store, feedback_id: str, sentence_idx: int | None) -> str:
    if sentence_idx is None:
        text = store.scalar("SELECT text FROM feedback WHERE feedback_id = ?", [feedback_id])
        if text is None and not store.scalar("SELECT count(*) FROM feedback WHERE feedback_id = ?", [feedback_id]):
            raise UnknownComment(f"no comment {feedback_id!r} in this workspace", hint="check the comment id")
        return text or ""
    text = store.scalar(
        "SELECT text FROM sentences WHERE feedback_id = ? AND sentence_idx = ?", [feedback_id, int(sentence_idx)]
    )
    if text is None:
        raise UnknownComment(
            f"no sentence {sentence_idx} in comment {feedback_id!r}",
            hint="sentences are numbered from 0 (see `empathic export WS sentences`); run `empathic analyze` first",
        )
    return text


def add_correction(
    store: Store,
    feedback_id: str,
    *,
    sentence_idx: int | None = None,
    sentiment: str | None = None,
    intent: str | Sequence[str] | None = None,
    author: str | None = None,
    log: Callable[[duckdb.DuckDBPyConnection, dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Store one correction of a comment (``sentence_idx`` None) or of one of its sentences; returns it.

    Args:
        sentiment: the right sentiment label (one of :data:`SENTIMENTS`), or None to leave it.
        intent: the right intents (``;``-joined or a list; ``other`` for none), or None to leave them.
        author: who corrects (recorded; None for a script).
        log: called inside the write transaction with the stored correction (the team activity log).

    The next feelings run applies it (the stage reads ``feelings_corrections``, so its results go stale now).
    """
    sentiment_label = parse_sentiment(sentiment)
    intents = parse_intents(intent)
    if sentiment_label is None and intents is None:
        raise InputError("nothing to correct", hint="give --sentiment and/or --intent")
    text = _target_text(store, str(feedback_id), sentence_idx)
    row = {
        "correction_id": "fc-" + secrets.token_hex(6),
        "feedback_id": str(feedback_id),
        "sentence_idx": None if sentence_idx is None else int(sentence_idx),
        "text": text,
        "sentiment_label": sentiment_label,
        "intent": intents,
        "author": author,
        "created_at": _now(),
    }
    with store.write() as con:
        con.execute("INSERT INTO feelings_corrections (correction_id, feedback_id, sentence_idx, text, "
            "sentiment_label, intent, author, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [row[c] for c in COLUMNS])
        if log is not None:
            log(con, row)
    return row


def corrections(store: Store, feedback_id: str | None = None) -> pd.DataFrame:
    """Every stored correction, oldest first (``feedback_id`` narrows to one comment)."""
    if not store.has_table("feelings_corrections"):
        return pd.DataFrame(columns=COLUMNS)
    where, params = ("WHERE feedback_id = ?", [feedback_id]) if feedback_id is not None else ("", [])
    return store.read_df(
        f"SELECT {', '.join(COLUMNS)} FROM feelings_corrections {where} ORDER BY created_at, correction_id", params
    )


def effective(table: pd.DataFrame) -> pd.DataFrame:
    """One row per corrected target (feedback_id, sentence_idx): the newest non-null sentiment and intent each."""
    if table.empty:
        return pd.DataFrame(columns=["feedback_id", "sentence_idx", "text", "sentiment_label", "intent"])
    t = table.sort_values(["created_at", "correction_id"]).assign(_key=table["sentence_idx"].fillna(-1).astype(int))
    rows = []
    for (fid, key), g in t.groupby(["feedback_id", "_key"], sort=True):
        sentiment = g["sentiment_label"].dropna()
        intent = g["intent"].dropna()
        rows.append(
            {
                "feedback_id": fid,
                "sentence_idx": None if key < 0 else int(key),
                "text": g["text"].iloc[-1],
                "sentiment_label": sentiment.iloc[-1] if len(sentiment) else None,
                "intent": intent.iloc[-1] if len(intent) else None,
            }
        )
    return pd.DataFrame(rows)


def rematch(fixed: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Sentence corrections pointed at the sentence that still carries their text.

    A re-analysis with another sentence splitter can renumber a comment's sentences: a correction whose
    (feedback_id, sentence_idx) now holds another text moves to the sentence of that comment with its text, and is
    dropped from the verbatim pass when none has (it still counts as a few-shot example). ``units``: feedback_id,
    sentence_idx, text.
    """
    sentence = fixed["sentence_idx"].notna() if not fixed.empty else pd.Series(dtype=bool)
    if fixed.empty or not sentence.any():
        return fixed
    by_key = {
        (f, int(i)): t for f, i, t in zip(units["feedback_id"], units["sentence_idx"], units["text"], strict=True)
    }
    by_text = {}
    for f, i, t in zip(units["feedback_id"], units["sentence_idx"], units["text"], strict=True):
        by_text.setdefault((f, t), int(i))
    out = fixed.copy()
    for row in out.index[sentence.to_numpy()]:
        fid, idx, text = out.at[row, "feedback_id"], int(out.at[row, "sentence_idx"]), out.at[row, "text"]
        if by_key.get((fid, idx)) == text:
            continue
        out.at[row, "sentence_idx"] = by_text.get((fid, text), -1)
    return out


@dataclass
class Examples:
    """Corrected sentences as few-shot examples: their unit vectors and labels (None where not corrected)."""

    vectors: np.ndarray
    sentiment: list[str | None]
    intent: list[str | None]

    def __len__(self) -> int:
        return len(self.sentiment)


def examples_of(fixed: pd.DataFrame, units: pd.DataFrame, embed: Callable[[list[str]], np.ndarray]) -> Examples:
    """The few-shot examples: sentence corrections, and comment corrections of one-sentence comments.

    Args:
        fixed: :func:`effective` corrections.
        units: the workspace's units (feedback_id, sentence_idx), to find one-sentence comments.
        embed: cleaned-text → unit vectors (the same embedder as the units it will adjust).
    """
    if fixed.empty:
        return Examples(np.zeros((0, 0), np.float32), [], [])
    n_units = units.groupby("feedback_id")["sentence_idx"].size()
    single = fixed["sentence_idx"].isna() & fixed["feedback_id"].map(n_units).eq(1)
    chosen = fixed[fixed["sentence_idx"].notna() | single]
    texts = chosen["text"].fillna("").tolist()
    vectors = embed(texts) if texts else np.zeros((0, 0), np.float32)
    return Examples(
        vectors,
        [v if isinstance(v, str) else None for v in chosen["sentiment_label"]],
        [v if isinstance(v, str) else None for v in chosen["intent"]],
    )


def neighbour_labels(
    vectors: np.ndarray,
    examples: Examples,
    labels: list[str | None],
    *,
    k: int = NEIGHBOURS,
    min_sim: float = NEIGHBOUR_MIN,
) -> np.ndarray:
    """object (n,): the label the corrected neighbours vote for each unit (None when none is near enough).

    Of the ``k`` most similar examples that carry a label, those at or above ``min_sim`` vote with their cosine;
    the heaviest label wins (ties: the nearest example's). Deterministic.
    """
    out = np.full(len(vectors), None, dtype=object)
    have = np.array([v is not None for v in labels], bool)
    if not len(vectors) or not have.any():
        return out
    ex = examples.vectors[have]
    names = np.array([v for v in labels if v is not None], dtype=object)
    sims = vectors @ ex.T
    kk = min(k, ex.shape[0])
    top = np.argsort(-sims, axis=1, kind="stable")[:, :kk]
    top_sims = np.take_along_axis(sims, top, axis=1)
    near = top_sims[:, 0] >= min_sim
    for i in np.flatnonzero(near):
        votes: dict[str, float] = {}
        for j, s in zip(top[i], top_sims[i], strict=True):
            if s >= min_sim:
                votes[names[j]] = votes.get(names[j], 0.0) + float(s)
        best = max(votes.values())
        winners = [names[j] for j in top[i] if votes.get(names[j]) == best]
        out[i] = winners[0]
    return out


def adjust_units(
    units: pd.DataFrame,
    fixed: pd.DataFrame,
    *,
    vectors: np.ndarray | None = None,
    examples: Examples | None = None,
    pain_below: float = -0.2,
    gain_above: float = 0.2,
    min_sim: float = NEIGHBOUR_MIN,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Units (feedback_id, sentence_idx, sentiment, sentiment_label, intent, pain, gain) after the corrections.

    First the few-shot pass (units near a corrected example take its labels; needs ``vectors`` of the units and
    ``examples``), then the verbatim pass (a corrected sentence carries exactly the analyst's labels). A
    sentiment changed this way also moves the unit's score to the label's side and recomputes pain and gain.

    Returns (the adjusted frame, counts ``verbatim`` / ``neighbours``).
    """
    from empathic.feelings.empathy import pains_and_gains

    out = units.copy()
    counts = {"verbatim": 0, "neighbours": 0}
    if fixed.empty or out.empty:
        return out, counts
    sentiment = out["sentiment_label"].to_numpy(dtype=object).copy()
    intents = out["intent"].to_numpy(dtype=object).copy()
    keys = pd.MultiIndex.from_frame(out[["feedback_id", "sentence_idx"]].astype({"sentence_idx": int}))
    verbatim = fixed[fixed["sentence_idx"].notna()]
    positions = keys.get_indexer(list(zip(verbatim["feedback_id"], verbatim["sentence_idx"].astype(int), strict=True)))
    if vectors is not None and examples is not None and len(examples):
        by_sentiment = neighbour_labels(vectors, examples, examples.sentiment, min_sim=min_sim)
        by_intent = neighbour_labels(vectors, examples, examples.intent, min_sim=min_sim)
        moved = (by_sentiment != None) & (by_sentiment != sentiment)  # noqa: E711 - elementwise on objects
        moved |= (by_intent != None) & (by_intent != intents)  # noqa: E711
        moved[positions[positions >= 0]] = False  # those are corrected verbatim below
        sentiment = np.where(by_sentiment != None, by_sentiment, sentiment)  # noqa: E711
        intents = np.where(by_intent != None, by_intent, intents)  # noqa: E711
        counts["neighbours"] = int(moved.sum())
    for r, pos in zip(verbatim.itertuples(), positions, strict=True):
        if pos < 0:
            continue
        if isinstance(r.sentiment_label, str):
            sentiment[pos] = r.sentiment_label
        if isinstance(r.intent, str):
            intents[pos] = r.intent
        counts["verbatim"] += 1
    score = out["sentiment"].to_numpy(dtype=np.float64).copy()
    changed = sentiment != out["sentiment_label"].to_numpy(dtype=object)
    score[changed] = [score_for(label, s) for label, s in zip(sentiment[changed], score[changed], strict=True)]
    pain, gain = pains_and_gains(score, intents, pain_below=pain_below, gain_above=gain_above)
    return out.assign(sentiment=score, sentiment_label=sentiment, intent=intents, pain=pain, gain=gain), counts


def adjust_comments(comments: pd.DataFrame, fixed: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Comments (FEEDBACK_FEELINGS_SCHEMA frame) with the comment-level corrections applied verbatim.

    Sentence corrections already reached the comments through their adjusted units; returns (frame, count).
    """
    out = comments.copy()
    whole = fixed[fixed["sentence_idx"].isna()] if not fixed.empty else fixed
    if whole.empty or out.empty:
        return out, 0
    n = 0
    index = {fid: i for i, fid in enumerate(out["feedback_id"])}
    for r in whole.itertuples():
        i = index.get(r.feedback_id)
        if i is None:
            continue
        row = out.index[i]
        if isinstance(r.sentiment_label, str):
            out.loc[row, "sentiment"] = score_for(r.sentiment_label, float(out.loc[row, "sentiment"]))
            out.loc[row, "sentiment_label"] = r.sentiment_label
        if isinstance(r.intent, str):
            out.loc[row, "intent"] = r.intent
            out.loc[row, "churn_signal"] = "churn" in r.intent.split(";")
        n += 1
    return out, n
