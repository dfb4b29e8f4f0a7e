"""Verbatim search: the query language's filters + BM25 ranking, or semantic similarity to the query words.

``search_comments`` returns the matching comments ranked best first, with their scores, primary theme and
sentiment alongside, ready for a table in the CLI, the web app or a notebook.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from empathic.analytics.fulltext import bm25_sql
from empathic.analytics.query_compile import QueryContext, compile_query
from empathic.analytics.scores import display_names
from empathic.errors import InputError
from empathic.store import Store

SEMANTIC_CANDIDATES = 500  # comments embedded on the fly at most (best BM25 / most recent first)


def _decorate(store: Store, ranked: pd.DataFrame, ctx: QueryContext) -> pd.DataFrame:
    """Add text, date, primary theme, sentiment and the comment's own score answers (``answers``, e.g. ``Rating 2 ·
    Recommended IND 0`` under display names) to ``feedback_id, score`` rows (keyed look-ups, order kept).
    ``relevance`` repeats ``score`` (the BM25 or cosine rank, not a satisfaction score) under a name that says so."""
    columns = ["feedback_id", "score", "text", "created_at", "primary_theme", "sentiment", "relevance", "answers"]
    if ranked.empty:
        return pd.DataFrame(columns=columns)
    ids = [ranked.feedback_id.tolist()]
    wanted = "IN (SELECT unnest(?::VARCHAR[]))"  # an id list probes the key index instead of scanning
    out = ranked[["feedback_id", "score"]].merge(
        store.read_df(f"SELECT feedback_id, text, created_at FROM feedback WHERE feedback_id {wanted}", ids),
        on="feedback_id",
        how="left",
    )
    themes = pd.DataFrame(columns=["feedback_id", "primary_theme"])
    if ctx.has_themes:
        themes = store.read_df(
            "SELECT ft.feedback_id, any_value(t.label) AS primary_theme FROM feedback_themes ft JOIN themes t "
            f"USING (theme_id) WHERE ft.is_primary AND t.level = 1 AND ft.feedback_id {wanted} GROUP BY 1",
            ids,
        )
    feelings = pd.DataFrame(columns=["feedback_id", "sentiment"])
    if ctx.has_feelings:
        feelings = store.read_df(
            f"SELECT feedback_id, sentiment_label AS sentiment FROM feedback_feelings WHERE feedback_id {wanted}", ids
        )
    out = out.merge(themes, on="feedback_id", how="left").merge(feelings, on="feedback_id", how="left")
    answers = store.read_df(
        f"SELECT feedback_id, name, value FROM feedback_scores WHERE feedback_id {wanted} AND value IS NOT NULL "
        "ORDER BY feedback_id, name",
        ids,
    )
    names = display_names(store)
    text = {
        fid: " · ".join(f"{names.get(n, n)} {v:g}" for n, v in zip(g.name, g.value, strict=True))
        for fid, g in answers.groupby("feedback_id", sort=False)
    }
    out["relevance"] = out.score
    out["answers"] = [text.get(fid, "") for fid in out.feedback_id]
    return out[columns]


def search_comments(
    store: Store,
    query: str,
    *,
    semantic: bool = False,
    limit: int = 50,
    embedder_name: str = "accurate",
    ctx: QueryContext | None = None,
) -> pd.DataFrame:
    """Comments matching ``query``, best first.

    Args:
        query: the query language (see :mod:`query_language`); free words rank the results (BM25) and, with
            ``semantic=True``, are embedded and compared to the comments' sentences instead of being required.
        semantic: rank by embedding similarity (cosine) to the query words.
        limit: at most this many rows.

    Returns:
        DataFrame ``feedback_id, score, text, created_at, primary_theme, sentiment, relevance, answers``;
        ``attrs['total']``: how many comments match in all (``None`` for semantic search).
    """
    if limit < 1:
        raise InputError(f"limit must be at least 1, got {limit}")
    ctx = ctx or QueryContext.from_store(store)
    compiled = compile_query(query, ctx) if not semantic else _semantic_filter(query, ctx)
    candidates = f"SELECT f.feedback_id FROM feedback f WHERE {compiled.where}"
    if ctx.has_index:
        ranked = store.read_df(
            f"SELECT * FROM ({bm25_sql(candidates)}) ORDER BY score DESC, feedback_id LIMIT ?",
            [*compiled.params, compiled.text_terms, limit if not semantic else SEMANTIC_CANDIDATES],
        )
    else:
        ranked = store.read_df(
            f"SELECT f.feedback_id, 0.0 AS score FROM feedback f WHERE {compiled.where} "
            "ORDER BY f.created_at DESC NULLS LAST, f.feedback_id LIMIT ?",
            [*compiled.params, limit if not semantic else SEMANTIC_CANDIDATES],
        )
    if semantic:
        ranked = _semantic_rank(store, ranked, " ".join(compiled.text_terms), embedder_name).head(limit)
        total = None  # semantic ranking has no "matching" set: every candidate is ranked
    elif ctx.has_index:
        total = store.scalar(f"SELECT count(*) FROM ({bm25_sql(candidates)})", [*compiled.params, compiled.text_terms])
    else:
        total = store.scalar(f"SELECT count(*) FROM feedback f WHERE {compiled.where}", compiled.params)
    out = _decorate(store, ranked, ctx)
    out.attrs["total"] = None if total is None else int(total)
    return out


def _semantic_filter(query: str, ctx: QueryContext):
    """Compile the query with free words lifted out: they become the semantic query, not required words."""
    from empathic.analytics.query_language import Bool, Text, parse

    tree = parse(query or "")
    words: list[str] = []

    def strip(node):
        if isinstance(node, Text):
            words.append(node.value)
            return None
        if isinstance(node, Bool) and node.op == "AND":
            kept = tuple(k for k in (strip(i) for i in node.items) if k is not None)
            return None if not kept else kept[0] if len(kept) == 1 else Bool("AND", kept)
        return node

    rest = strip(tree) if tree is not None else None
    if not words:
        raise InputError("semantic search needs some words to compare with", hint='e.g. "late parcel" plan:pro')
    from empathic.analytics.query_compile import _node_sql
    from empathic.analytics.query_language import Compiled

    out = Compiled(where="TRUE")
    if rest is not None:
        out.where = _node_sql(rest, ctx, out)
    out.text_terms = words
    return out


def _unit_vectors(store: Store, texts: list[str], embedder_name: str, embedder) -> np.ndarray:
    """Sentence vectors, from the themes stage's embedding cache where it has them (read-only use)."""
    try:
        from empathic.themes.embedding import cached_embed
        from empathic.themes.model import text_hash
    except ImportError:  # a build without the themes stage: embed everything
        return embedder.embed(texts)
    vectors, _new_rows = cached_embed(store, embedder_name, texts, [text_hash(t) for t in texts], lambda *a: None)
    return vectors


def _semantic_rank(store: Store, ranked: pd.DataFrame, text: str, embedder_name: str) -> pd.DataFrame:
    """Re-rank candidates by the best cosine similarity between the query and any of their sentences."""
    from empathic.text.embed import get_embedder

    if ranked.empty:
        return ranked
    embedder = get_embedder(embedder_name)
    query_vec = embedder.embed([text])[0]
    cur = store.cursor()
    try:
        cur.register("_cand", ranked[["feedback_id"]])
        units = cur.execute(
            "SELECT s.feedback_id, s.text FROM sentences s JOIN _cand USING (feedback_id) "
            "UNION ALL SELECT f.feedback_id, f.text FROM feedback f JOIN _cand USING (feedback_id) "
            "WHERE f.feedback_id NOT IN (SELECT feedback_id FROM sentences) ORDER BY 1"
        ).df()
    finally:
        cur.close()
    sims = _unit_vectors(store, units.text.tolist(), embedder_name, embedder) @ query_vec
    best = units.assign(score=sims).groupby("feedback_id", as_index=False).score.max()
    return best.sort_values(["score", "feedback_id"], ascending=[False, True]).reset_index(drop=True)


def saved_filters(store: Store) -> pd.DataFrame:
    """The named queries analysts saved (name, query, created_at), by name; empty when none were saved."""
    if not store.has_table("saved_filters"):
        return pd.DataFrame(columns=["name", "query", "created_at"])
    return store.read_df("SELECT name, query, created_at FROM saved_filters ORDER BY name")
