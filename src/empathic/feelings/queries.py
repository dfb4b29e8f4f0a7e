"""Read-side queries over the feelings tables (used by the notebook API, the CLI and any other front door).

Each function takes a :class:`~empathic.store.Store` and returns a pandas DataFrame; none writes.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from empathic.errors import InputError, StageError
from empathic.feelings.competitors import competitor_mentions
from empathic.feelings.empathy import QUADRANTS
from empathic.feelings.ideas import (
    VALUE_ATTRIBUTES,
    cluster_suggestions,
    keywords_label,
    rank_ideas,
    top_customers,
    who_asks,
)
from empathic.feelings.intent import has_intent_sql
from empathic.feelings.settings import FeelingsSettings
from empathic.store import Store

CELLS = (*QUADRANTS, "pains", "gains")


def require_feelings(store: Store) -> None:
    """Raise a helpful error when the feelings stage has not run on this workspace."""
    if store.count("sentence_feelings") == 0:
        raise StageError(
            "no feelings in this workspace yet", hint="run `empathic analyze WORKSPACE` (or ws.analyze()) first"
        )


def has_themes(store: Store) -> bool:
    """True when the themes stage has assigned units to themes."""
    return store.count("sentence_themes") > 0 and store.count("themes") > 0


def units_frame(store: Store, where: str = "TRUE", params: list | None = None) -> pd.DataFrame:
    """Unit feelings joined with their text (and primary theme when themes ran)."""
    require_feelings(store)
    theme_cols = (
        "NULL::VARCHAR AS theme_id, NULL::VARCHAR AS theme, NULL::VARCHAR AS subtheme_id, NULL::VARCHAR AS subtheme"
    )
    theme_join = ""
    if has_themes(store):
        theme_cols = "st.theme_id, t.label AS theme, st.subtheme_id, sub.label AS subtheme"
        theme_join = """LEFT JOIN (SELECT feedback_id, sentence_idx, arg_max(theme_id, score) AS theme_id,
                                          arg_max(subtheme_id, score) AS subtheme_id
                                   FROM sentence_themes GROUP BY ALL) st USING (feedback_id, sentence_idx)
                        LEFT JOIN themes t ON t.theme_id = st.theme_id
                        LEFT JOIN themes sub ON sub.theme_id = st.subtheme_id"""
    return store.read_df(
        f"""SELECT sf.*, s.text, {theme_cols} FROM sentence_feelings sf
            JOIN sentences s USING (feedback_id, sentence_idx) {theme_join}
            WHERE {where} ORDER BY sf.feedback_id, sf.sentence_idx""",
        params,
    )


def scaled_scores(store: Store) -> pd.DataFrame:
    """feedback_id → score scaled to 0..1 of the preferred score (nps > csat > rating > others), may be empty."""
    return store.read_df(
        """SELECT feedback_id, (value - scale_min) / nullif(scale_max - scale_min, 0) AS score FROM feedback_scores
           WHERE name = (SELECT name FROM feedback_scores GROUP BY name
                         ORDER BY min(CASE kind WHEN 'nps' THEN 0 WHEN 'csat' THEN 1 WHEN 'rating' THEN 2 ELSE 3 END),
                                  name LIMIT 1)"""
    )


def _quotes(group: pd.DataFrame, n: int, order: str) -> list[dict]:
    """Representative quotes, deduplicated and deterministic.

    ``order``: "negative" (most negative first: pains), "positive" (most positive first: gains) or "typical"
    (closest to the cell's median sentiment: quadrants). Ties go to texts of 40–160 characters, then ids.
    """
    g = group.assign(_len=group["text"].str.len())
    g = g[g["_len"].between(15, 240)] if g["_len"].between(15, 240).any() else g
    if order == "typical":
        key = (g["sentiment"] - g["sentiment"].median()).abs().round(2)
    else:
        key = g["sentiment"] * (1 if order == "negative" else -1)
    g = g.assign(_key=key, _fit=(g["_len"] - 100).abs() // 60)
    g = g.sort_values(["_key", "_fit", "feedback_id", "sentence_idx"]).drop_duplicates("text").head(n)
    return [{"feedback_id": r.feedback_id, "sentence_idx": int(r.sentence_idx), "text": r.text} for r in g.itertuples()]


def _sees_quotes(group: pd.DataFrame, n: int) -> list[dict]:
    """Quotes of the "sees" quadrant: competitor mentions first (up to half of ``n``: what customers compare the
    product with is the market view a product team looks for there), then the typical ones."""
    if group.empty:
        return []
    mentions = group[competitor_mentions(group["text"].fillna("").tolist())]
    first = _quotes(mentions, max(1, n // 2), "typical") if len(mentions) else []
    taken = {q["text"] for q in first}
    rest = _quotes(group[~group["text"].isin(taken)], n - len(first), "typical") if n > len(first) else []
    return first + rest


def empathy_map(
    store: Store, settings: FeelingsSettings, *, by: str | None = None, theme_id: str | None = None
) -> pd.DataFrame:
    """Rows (group, cell, n_sentences, n_comments, share, mean_sentiment, quotes) for cells = quadrants + pains/gains.

    ``by``: None (one map), "theme" (per top-level theme) or a feedback attribute name (per segment value).
    ``theme_id``: restrict to units of one theme (top-level or subtheme).
    """
    units = units_frame(store)
    if theme_id is not None:
        if not has_themes(store):
            raise InputError("theme filter given but the themes stage has not run", hint="run `empathic analyze`")
        ids = store.read_df(
            "SELECT DISTINCT feedback_id, sentence_idx FROM sentence_themes WHERE theme_id = ? OR subtheme_id = ?",
            [theme_id, theme_id],
        )
        if ids.empty:
            raise InputError(f"no sentences in theme {theme_id!r}", hint="list themes with `empathic themes`")
        units = units.merge(ids, on=["feedback_id", "sentence_idx"])
    units = _add_group(store, units, by)
    rows = []
    for group, g in units.groupby("group", sort=True, dropna=False):
        cells = {q: g[g["quadrant"] == q] for q in QUADRANTS}
        cells["pains"], cells["gains"] = g[g["pain"]], g[g["gain"]]
        for cell in CELLS:
            c = cells[cell]
            rows.append(
                {
                    "group": group,
                    "cell": cell,
                    "n_sentences": len(c),
                    "n_comments": c["feedback_id"].nunique(),
                    "share": round(len(c) / max(len(g), 1), 4),
                    "mean_sentiment": round(float(c["sentiment"].mean()), 4) if len(c) else None,
                    "quotes": _sees_quotes(c, settings.n_quotes)
                    if cell == "sees"
                    else _quotes(c, settings.n_quotes, {"pains": "negative", "gains": "positive"}.get(cell, "typical")),
                }
            )
    return pd.DataFrame(rows)


def _add_group(store: Store, units: pd.DataFrame, by: str | None) -> pd.DataFrame:
    if by is None:
        return units.assign(group="all")
    if by == "theme":
        if not has_themes(store):
            raise InputError("cannot group by theme: the themes stage has not run", hint="run `empathic analyze`")
        return units.assign(group=units["theme"].fillna("(no theme)"))
    attrs = store.read_df("SELECT feedback_id, value AS group FROM comment_attributes WHERE name = ?", [by])
    if attrs.empty:
        names = store.read_df("SELECT DISTINCT name FROM comment_attributes ORDER BY name")["name"].tolist()
        raise InputError(f"unknown grouping {by!r}", hint=f"use 'theme' or an attribute: {', '.join(names) or 'none'}")
    return units.merge(attrs, on="feedback_id", how="left").fillna({"group": "(missing)"})


#: The themes stage's id for the units no theme holds (``themes.model.OTHER_ID``; sibling stages do not import each
#: other).
NO_THEME_ID = "other"


def grouped_units(store: Store, units: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Units with ``group``/``label``: their theme when themes ran, else clusters of their fast embeddings."""
    if units.empty:
        return units.assign(group=pd.Series(dtype=str), label=pd.Series(dtype=str))
    if units["theme_id"].notna().any():  # the finest theme level the themes stage assigned
        # a unit the themes stage left in its "other" theme is no idea of its own: pooled with the unthemed ones
        # ("other ideas", ranked last), so the board never leads with "other"
        themed = units["theme_id"].ne(NO_THEME_ID)
        group = units["subtheme_id"].fillna(units["theme_id"]).where(themed).fillna("~other")
        label = units["subtheme"].fillna(units["theme"]).where(themed).fillna("other ideas")
        return units.assign(group=group, label=label)
    from empathic.feelings.heads import FAST_EMBEDDER
    from empathic.feelings.textnorm import clean_texts
    from empathic.text.embed import get_embedder

    np.random.seed(seed)
    vectors = get_embedder(FAST_EMBEDDER).embed(clean_texts(units["text"].tolist()))
    clusters = cluster_suggestions(vectors)
    labels = {c: keywords_label(units["text"][clusters == c].tolist()) for c in np.unique(clusters)}
    return units.assign(group=[f"c{c:04d}" for c in clusters], label=[labels[c] for c in clusters])


def _with_comment_context(store: Store, units: pd.DataFrame) -> tuple[pd.DataFrame, float | None]:
    comments = store.read_df("SELECT feedback_id, sentiment AS comment_sentiment FROM feedback_feelings")
    units = units.merge(comments, on="feedback_id", how="left")
    scores = scaled_scores(store)
    score_mean = None
    if not scores.empty:
        units = units.merge(scores, on="feedback_id", how="left")
        score_mean = float(scores["score"].mean())
    return units, score_mean


def ideas(store: Store, settings: FeelingsSettings, seed: int = 42) -> pd.DataFrame:
    """The ideas board: requests grouped by theme/subtheme, ranked by volume, pain and impact (see
    :func:`rank_ideas`), with who asks (over-represented segments, top linked customers), the pain around the
    request and its score gap in the score's own points.

    Columns beyond :func:`rank_ideas`: theme_id, theme, subtheme; share_pain (asking comments that also report a
    pain: a bug, complaint, churn or a negative sentence); context_sentiment (mean sentiment of the asking
    comments' other sentences, None when they say nothing else); score, score_gap (group mean − overall mean in
    the score's points) and n_scored; segments and customers (lists of dicts, see :func:`who_asks`).
    """
    units = grouped_units(store, units_frame(store, has_intent_sql("sf.intent", "request")), seed)
    units, score_mean = _with_comment_context(store, units)
    units = units.assign(sentiment=units.get("comment_sentiment", units["sentiment"]))
    n_total = store.count("feedback_feelings")
    board = rank_ideas(
        units,
        n_comments_total=n_total,
        score_mean=score_mean,
        min_group=settings.ideas_min_group,
        n_quotes=settings.n_quotes,
    )
    return _ideas_context(store, board, units, settings)


def _group_of_units(units: pd.DataFrame, board: pd.DataFrame, min_group: int) -> pd.DataFrame:
    """Units with the board's group ids (small groups pooled as "~other", as :func:`rank_ideas` does)."""
    sizes = units.groupby("group")["feedback_id"].nunique()
    small = set(sizes[sizes < min_group].index)
    return units.assign(idea_group=[("~other" if g in small else str(g)) for g in units["group"]])


def _ideas_context(store: Store, board: pd.DataFrame, units: pd.DataFrame, settings: FeelingsSettings) -> pd.DataFrame:
    extra = ["theme_id", "theme", "subtheme", "share_pain", "context_sentiment", "score", "score_gap", "n_scored",
             "segments", "customers"]  # fmt: skip
    if board.empty:
        return board.assign(**{c: pd.Series(dtype=object) for c in extra})
    units = _group_of_units(units, board, settings.ideas_min_group)
    ids = units.groupby("idea_group")["feedback_id"].agg(lambda s: set(s))
    asking = sorted(set(units["feedback_id"]))
    store_units = store.read_df(
        "SELECT feedback_id, sentence_idx, sentiment, pain, intent FROM sentence_feelings "
        "WHERE feedback_id IN (SELECT unnest(?::VARCHAR[]))",
        [asking],
    )
    pains = set(store_units.loc[store_units["pain"], "feedback_id"])
    others = store_units[~store_units["intent"].str.split(";").apply(lambda v: "request" in v)]
    context = others.groupby("feedback_id")["sentiment"].mean()
    attributes = store.read_df(
        "SELECT feedback_id, name, value FROM feedback_attributes WHERE value IS NOT NULL AND value <> ''"
    )
    segments = who_asks(ids.to_dict(), attributes, n_total=store.count("feedback"))
    linked = store.read_df(
        "SELECT feedback_id, customer_id FROM feedback WHERE customer_id IS NOT NULL "
        "AND feedback_id IN (SELECT unnest(?::VARCHAR[]))",
        [asking],
    )
    per_group = units[["idea_group", "feedback_id"]].drop_duplicates().merge(linked, on="feedback_id")
    group_customers = {g: d["customer_id"].value_counts() for g, d in per_group.groupby("idea_group")}
    customers = top_customers(group_customers, _customer_values(store, sorted(set(linked["customer_id"]))))
    score_name, span, overall = _score_scale(store)
    theme_of = units.groupby("idea_group")[["theme_id", "theme", "subtheme"]].first()
    rows = []
    for r in board.itertuples():
        g = r.idea_group
        fids = ids.get(g, set())
        scored = units[units["idea_group"].eq(g)].drop_duplicates("feedback_id")
        scored = scored["score"].dropna() if "score" in scored else pd.Series(dtype=float)
        ctx = context.reindex(sorted(fids)).dropna()
        t = theme_of.loc[g] if g in theme_of.index else None
        rows.append(
            {
                "theme_id": None if t is None or pd.isna(t["theme_id"]) else t["theme_id"],
                "theme": None if t is None or pd.isna(t["theme"]) else t["theme"],
                "subtheme": None if t is None or pd.isna(t["subtheme"]) else t["subtheme"],
                "share_pain": round(len(fids & pains) / max(len(fids), 1), 4),
                "context_sentiment": round(float(ctx.mean()), 4) if len(ctx) else None,
                "score": score_name,
                "score_gap": round(float((scored.mean() - overall) * span), 3) if len(scored) and span else None,
                "n_scored": len(scored),
                "segments": segments.get(g, []),
                "customers": customers.get(g, []),
            }
        )
    return pd.concat([board.reset_index(drop=True), pd.DataFrame(rows)], axis=1)


def _score_scale(store: Store) -> tuple[str | None, float | None, float | None]:
    """(name, scale span, mean scaled score) of the preferred score that :func:`scaled_scores` uses."""
    row = store.read_df(
        """SELECT name, max(scale_max) - min(scale_min) AS span,
                  avg((value - scale_min) / nullif(scale_max - scale_min, 0)) AS mean
           FROM feedback_scores GROUP BY name
           ORDER BY min(CASE kind WHEN 'nps' THEN 0 WHEN 'csat' THEN 1 WHEN 'rating' THEN 2 ELSE 3 END), name LIMIT 1"""
    )
    if row.empty:
        return None, None, None
    return str(row["name"].iloc[0]), float(row["span"].iloc[0]), float(row["mean"].iloc[0])


def _customer_values(store: Store, customer_ids: list[str]) -> pd.DataFrame | None:
    """customer_id, value_name, value of the first :data:`VALUE_ATTRIBUTES` attribute the customers carry."""
    if not customer_ids:
        return None
    found = store.read_df(
        "SELECT customer_id, lower(name) AS value_name, value_num AS value FROM customer_attributes "
        "WHERE value_num IS NOT NULL AND lower(name) IN (SELECT unnest(?::VARCHAR[])) "
        "AND customer_id IN (SELECT unnest(?::VARCHAR[]))",
        [list(VALUE_ATTRIBUTES), customer_ids],
    )
    for name in VALUE_ATTRIBUTES:
        pick = found[found["value_name"] == name]
        if not pick.empty:
            return pick.reset_index(drop=True)
    return None


def pain_points(store: Store, settings: FeelingsSettings, seed: int = 42) -> pd.DataFrame:
    """Pains grouped like ideas (by theme, else by clusters), ranked by volume × negativity × impact."""
    units = grouped_units(store, units_frame(store, "sf.pain"), seed)
    units, score_mean = _with_comment_context(store, units)
    ranked = rank_ideas(
        units,
        n_comments_total=store.count("feedback_feelings"),
        score_mean=score_mean,
        min_group=settings.ideas_min_group,
        n_quotes=settings.n_quotes,
    )
    return ranked.rename(columns={"idea_group": "pain_group"})


def emotions_summary(store: Store) -> pd.DataFrame:
    """Per emotion: comments expressing it, their share, mean score, and mean comment sentiment."""
    require_feelings(store)
    return store.read_df(
        """SELECT e.emotion, count(*) AS n_comments,
                  round(count(*) / (SELECT count(*) FROM feedback_feelings), 4) AS share,
                  round(avg(e.score), 4) AS mean_score, round(avg(f.sentiment), 4) AS mean_sentiment
           FROM feedback_emotions e JOIN feedback_feelings f USING (feedback_id)
           GROUP BY e.emotion ORDER BY n_comments DESC, e.emotion"""
    )


def parse_scores(frame: pd.DataFrame) -> pd.DataFrame:
    """Decode the ``emotion_scores`` JSON column into dicts (DuckDB returns JSON as text)."""
    if "emotion_scores" in frame:
        frame = frame.assign(
            emotion_scores=[json.loads(s) if isinstance(s, str) else s for s in frame["emotion_scores"]]
        )
    return frame


def theme_feelings(store: Store) -> pd.DataFrame:
    """Per theme (both levels): mentions, mean mention sentiment, negative/positive shares, top emotions, pains.

    Each theme mention (a unit assigned to the theme) carries its own sentiment, so a theme's score is the
    average over its mentions, not over whole comments. Empty when the themes stage has not run.
    """
    require_feelings(store)
    if not has_themes(store):
        return pd.DataFrame(
            columns=[
                "theme_id",
                "label",
                "level",
                "n_mentions",
                "n_comments",
                "mean_sentiment",
                "share_negative",
                "share_positive",
                "share_pain",
                "top_emotions",
            ]
        )
    return store.read_df(
        """WITH mentions AS (
               SELECT theme_id, feedback_id, sentence_idx FROM sentence_themes
               UNION SELECT subtheme_id, feedback_id, sentence_idx FROM sentence_themes WHERE subtheme_id IS NOT NULL),
           joined AS (
               SELECT m.theme_id, m.feedback_id, sf.* EXCLUDE (feedback_id, sentence_idx)
               FROM mentions m JOIN sentence_feelings sf USING (feedback_id, sentence_idx)),
           emo AS (
               SELECT theme_id, string_agg(emotion, ';' ORDER BY n DESC, emotion) AS top_emotions FROM (
                   SELECT theme_id, e.emotion, count(*) AS n,
                          row_number() OVER (PARTITION BY theme_id ORDER BY count(*) DESC, e.emotion) AS r
                   FROM joined, unnest(string_split(emotions, ';')) AS e(emotion)
                   WHERE emotions <> '' GROUP BY theme_id, e.emotion) WHERE r <= 3 GROUP BY theme_id)
           SELECT t.theme_id, t.label, t.level, count(*) AS n_mentions, count(DISTINCT j.feedback_id) AS n_comments,
                  round(avg(j.sentiment), 4) AS mean_sentiment,
                  round(avg(CASE WHEN j.sentiment_label = 'negative' THEN 1 ELSE 0 END), 4) AS share_negative,
                  round(avg(CASE WHEN j.sentiment_label = 'positive' THEN 1 ELSE 0 END), 4) AS share_positive,
                  round(avg(CASE WHEN j.pain THEN 1 ELSE 0 END), 4) AS share_pain,
                  coalesce(any_value(emo.top_emotions), '') AS top_emotions
           FROM joined j JOIN themes t ON t.theme_id = j.theme_id LEFT JOIN emo ON emo.theme_id = j.theme_id
           GROUP BY t.theme_id, t.label, t.level ORDER BY t.level, n_mentions DESC, t.theme_id"""
    )


def calibration(store: Store) -> dict | None:
    """The last calibration attempt (``feelings_calibration``) as a dict, or None before the feelings stage ran."""
    if not store.has_table("feelings_calibration") or store.count("feelings_calibration") == 0:
        return None
    row = store.read_df("SELECT * FROM feelings_calibration ORDER BY computed_at DESC LIMIT 1").iloc[0]
    out = {k: (None if pd.isna(v) else v.item() if hasattr(v, "item") else v) for k, v in row.items() if k != "detail"}
    out["classes"] = json.loads(row["detail"]).get("classes", {}) if isinstance(row["detail"], str) else {}
    out["applied"] = bool(out["applied"])
    return out
