"""The ideas board: requests (units whose intent holds ``request``; it replaced ``suggestion``) grouped into themes
and ranked by volume, pain and (when scores exist) impact.

Pure functions over pandas frames. Grouping uses the themes stage's assignment when there is one; otherwise
suggestions are clustered by their embeddings (agglomerative, cosine) and named by their most frequent words.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pandas as pd

WORD = re.compile(r"[a-z][a-z'-]{2,}")
STOPWORDS = frozenset(
    [
        "the",
        "and",
        "for",
        "that",
        "this",
        "with",
        "you",
        "your",
        "are",
        "was",
        "were",
        "have",
        "has",
        "had",
        "but",
        "not",
        "they",
        "them",
        "their",
        "there",
        "would",
        "could",
        "should",
        "will",
        "wish",
        "please",
        "make",
        "more",
        "like",
        "love",
        "also",
        "just",
        "really",
        "very",
        "its",
        "it's",
        "too",
        "can",
        "get",
        "got",
        "one",
        "would've",
        "been",
        "being",
        "into",
        "out",
        "from",
        "what",
        "when",
        "which",
        "who",
        "why",
        "how",
        "all",
        "any",
        "some",
        "our",
        "ours",
        "would",
        "be",
        "i'd",
        "i'm",
        "we're",
        "they're",
        "add",
        "offer",
        "need",
        "needs",
        "want",
        "wanted",
        "hope",
        "maybe",
        "perhaps",
        "other",
        "than",
        "then",
        "only",
        "even",
        "much",
        "many",
        "such",
    ]
)
#: Cosine distance under which two suggestions are the same idea (agglomerative, average linkage).
CLUSTER_DISTANCE = 0.55
MAX_CLUSTERED = 2000


def keywords_label(texts: list[str], n: int = 3) -> str:
    """A short label from the most frequent content words (ties broken alphabetically)."""
    counts = Counter(w for t in texts for w in set(WORD.findall(t.lower())) if w not in STOPWORDS)
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    return " / ".join(w for w, _ in top) or "other ideas"


def cluster_suggestions(vectors: np.ndarray) -> np.ndarray:
    """int (n,) cluster ids of L2-normalised vectors (n, dim); deterministic (no random init)."""
    n = len(vectors)
    if n < 2:
        return np.zeros(n, dtype=int)
    from sklearn.cluster import AgglomerativeClustering

    keep = min(n, MAX_CLUSTERED)
    model = AgglomerativeClustering(
        n_clusters=None, distance_threshold=CLUSTER_DISTANCE, metric="cosine", linkage="average"
    )
    labels = np.full(n, -1, dtype=int)
    labels[:keep] = model.fit_predict(vectors[:keep])
    if keep < n:  # the rest join the nearest cluster centroid
        ids = np.unique(labels[:keep])
        cents = np.vstack([vectors[:keep][labels[:keep] == c].mean(axis=0) for c in ids])
        labels[keep:] = ids[(vectors[keep:] @ cents.T).argmax(axis=1)]
    return labels


def rank_ideas(
    suggestions: pd.DataFrame,
    *,
    n_comments_total: int,
    score_mean: float | None = None,
    min_group: int = 2,
    n_quotes: int = 3,
) -> pd.DataFrame:
    """One row per idea group, best first.

    Args:
        suggestions: one row per suggestion unit with ``group``, ``label``, ``feedback_id``, ``text``,
            ``sentiment`` (of the comment) and optional ``score`` (the comment's score scaled to 0..1).
        n_comments_total: comments in the workspace (for shares).
        score_mean: mean scaled score of all comments; with ``score`` it gives each group's impact.
        min_group: groups with fewer comments are merged into "other ideas".

    Returns:
        DataFrame with idea_group, label, n_comments, share, mean_sentiment, impact (score points below the
        average, None without scores), priority and quotes (list of {feedback_id, text}).
    """
    if suggestions.empty:
        return pd.DataFrame(
            columns=["idea_group", "label", "n_comments", "share", "mean_sentiment", "impact", "priority", "quotes"]
        )
    df = suggestions.copy()
    sizes = df.groupby("group")["feedback_id"].nunique()
    small = sizes[sizes < min_group].index
    df.loc[df["group"].isin(small), ["group", "label"]] = ["~other", "other ideas"]
    rows = []
    for group, g in df.groupby("group", sort=True):
        n = g["feedback_id"].nunique()
        sentiment = float(g.groupby("feedback_id")["sentiment"].first().mean())
        impact = None
        if score_mean is not None and "score" in g and g["score"].notna().any():
            impact = round(float(score_mean - g.groupby("feedback_id")["score"].first().mean()), 4)
        pain = max(0.0, -sentiment)
        priority = n / max(n_comments_total, 1) * (1 + pain) * (1 + max(0.0, impact or 0.0))
        quotes_df = g.assign(_len=g["text"].str.len()).sort_values(["sentiment", "_len", "feedback_id"])
        quotes = [
            {"feedback_id": r.feedback_id, "text": r.text}
            for r in quotes_df.drop_duplicates("text").head(n_quotes).itertuples()
        ]
        rows.append(
            {
                "idea_group": str(group),
                "label": g["label"].iloc[0],
                "n_comments": n,
                "share": round(n / max(n_comments_total, 1), 4),
                "mean_sentiment": round(sentiment, 4),
                "impact": impact,
                "priority": round(priority, 6),
                "quotes": quotes,
            }
        )
    out = pd.DataFrame(rows)
    out["_other"] = out["idea_group"] == "~other"
    out = out.sort_values(["_other", "priority", "n_comments", "idea_group"], ascending=[True, False, False, True])
    return out.drop(columns="_other").reset_index(drop=True)


#: Customer attributes that say what a customer is worth, in order of preference (for "top customers").
VALUE_ATTRIBUTES = (
    "arr",
    "mrr",
    "revenue",
    "annual_revenue",
    "ltv",
    "lifetime_value",
    "value",
    "spend",
    "contract_value",
)
#: A segment value is named among "who asks" only with at least this many asking comments (evidence rule) ...
MIN_SEGMENT_N = 3
#: ... and when it is over-represented among them (share at least this many times its overall share).
MIN_LIFT = 1.2
#: Attributes with more distinct values than this are identifiers, not segments.
MAX_SEGMENT_VALUES = 50


def who_asks(
    group_ids: dict[str, set[str]], attributes: pd.DataFrame, *, n_total: int, top: int = 3
) -> dict[str, list[dict]]:
    """Per idea group: the segment values over-represented among the comments that ask for it.

    Args:
        group_ids: idea group → the feedback ids asking for it.
        attributes: feedback_id, name, value (``feedback_attributes``).
        n_total: comments in the workspace (for overall shares).

    Returns:
        group → up to ``top`` dicts {attribute, value, n, share, overall_share, lift}, highest lift × n first. A value
        needs :data:`MIN_SEGMENT_N` asking comments and a lift of :data:`MIN_LIFT` (small groups say nothing).
    """
    out: dict[str, list[dict]] = {g: [] for g in group_ids}
    if attributes.empty or not n_total:
        return out
    distinct = attributes.groupby("name")["value"].nunique()
    attrs = attributes[attributes["name"].isin(distinct[distinct <= MAX_SEGMENT_VALUES].index)]
    overall = attrs.groupby(["name", "value"])["feedback_id"].nunique() / n_total
    for group, ids in group_ids.items():
        mine = attrs[attrs["feedback_id"].isin(ids)]
        if mine.empty:
            continue
        counts = mine.groupby(["name", "value"])["feedback_id"].nunique()
        rows = []
        for (name, value), n in counts.items():
            share = n / len(ids)
            lift = share / max(float(overall[(name, value)]), 1e-9)
            if n >= MIN_SEGMENT_N and lift >= MIN_LIFT:
                rows.append(
                    {
                        "attribute": name,
                        "value": value,
                        "n": int(n),
                        "share": round(share, 4),
                        "overall_share": round(float(overall[(name, value)]), 4),
                        "lift": round(lift, 2),
                    }
                )
        rows.sort(key=lambda r: (-r["lift"] * r["n"], r["attribute"], str(r["value"])))
        out[group] = rows[:top]
    return out


def top_customers(
    group_customers: dict[str, pd.Series], values: pd.DataFrame | None, *, top: int = 3
) -> dict[str, list[dict]]:
    """Per idea group: the linked customers asking, by their value when known (else by how often they ask).

    Args:
        group_customers: group → Series customer_id → asking comments in the group.
        values: customer_id, value_name, value (one value attribute per customer), or None.
    """
    lookup = {} if values is None or values.empty else dict(zip(values["customer_id"], values["value"], strict=True))
    name = None if values is None or values.empty else str(values["value_name"].iloc[0])
    out = {}
    for group, counts in group_customers.items():
        rows = [
            {"customer_id": str(c), "n_comments": int(n), **({name: lookup.get(c)} if name else {})}
            for c, n in counts.items()
        ]
        rows.sort(key=lambda r: (-(r.get(name) or 0) if name else 0, -r["n_comments"], r["customer_id"]))
        out[group] = rows[:top]
    return out
