"""Comments with all their annotations, assembled from whatever stages have run (one SQL query)."""

from __future__ import annotations

import pandas as pd

from empathic.store import Store, ident


def _pivot(store: Store, table: str, value: str) -> tuple[str, list[str]]:
    """A ``SELECT feedback_id, max(value) FILTER (WHERE name = ?) AS c0, ...`` pivot of a long name/value table.

    Returns the SQL and the names; the names are also the SQL's bound parameters, in order, and name ``i`` is the
    column ``c{i}``. The outer query gives each its own spelling (quotes and all, through :func:`ident`); the
    positional alias keeps names that differ only in case ("Plan", "plan") apart, as DuckDB identifiers ignore case.
    """
    names = [n["name"] for n in store.read(f"SELECT DISTINCT name FROM {ident(table)} ORDER BY name").to_pylist()]
    if not names:
        return "", []
    cols = ", ".join(f"max({ident(value)}) FILTER (WHERE name = ?) AS c{int(i)}" for i in range(len(names)))
    return f"SELECT feedback_id, {cols} FROM {ident(table)} GROUP BY feedback_id", names


def comments_frame(store: Store, *, limit: int | None = None) -> pd.DataFrame:
    """See :meth:`empathic.Workspace.comments`. Sorted by id, so exports are deterministic."""
    joins: list[str] = []
    params: list[str] = []
    select = ["f.feedback_id AS id", "f.text", "f.customer_id", "f.created_at", "f.source_id"]
    #: the frame's column names, one per select item: DuckDB renames a name that repeats another but for case
    #: ("plan" after "Plan") to "plan_1", so the user's spellings are set on the frame afterwards
    labels = ["id", "text", "customer_id", "created_at", "source_id"]
    scores_sql, score_names = _pivot(store, "feedback_scores", "value")
    if score_names:
        joins.append(f"LEFT JOIN ({scores_sql}) sc ON sc.feedback_id = f.feedback_id")
        params += score_names
        select += [f"sc.c{int(i)}" for i in range(len(score_names))]
        labels += score_names
    attrs_sql, attr_names = _pivot(store, "feedback_attributes", "value")
    if attr_names:
        joins.append(f"LEFT JOIN ({attrs_sql}) attrs ON attrs.feedback_id = f.feedback_id")
        params += attr_names
        kept = [(i, n) for i, n in enumerate(attr_names) if n not in score_names]
        select += [f"attrs.c{int(i)}" for i, _ in kept]
        labels += [n for _, n in kept]
    if store.has_table("feedback_themes") and store.has_table("themes"):
        joins.append(
            """LEFT JOIN (
                SELECT ft.feedback_id,
                       max(CASE WHEN ft.is_primary AND ft.level = 1 THEN t.theme_id END) AS primary_theme_id,
                       max(CASE WHEN ft.is_primary AND ft.level = 1 THEN t.label END) AS primary_theme,
                       max(CASE WHEN ft.is_primary AND ft.level = 2 THEN t.theme_id END) AS primary_subtheme_id,
                       max(CASE WHEN ft.is_primary AND ft.level = 2 THEN t.label END) AS primary_subtheme,
                       coalesce(max(CASE WHEN ft.is_primary AND ft.level = 2 THEN ts.summary END),
                                max(CASE WHEN ft.is_primary AND ft.level = 1 THEN ts.summary END)) AS theme_summary,
                       string_agg(t.label, ';' ORDER BY ft.is_primary DESC, t.label)
                           FILTER (WHERE ft.level = 1) AS themes,
                       string_agg(t.theme_id, ';' ORDER BY ft.is_primary DESC, t.label)
                           FILTER (WHERE ft.level = 1) AS theme_ids,
                       string_agg(t.label, ';' ORDER BY ft.is_primary DESC, t.label)
                           FILTER (WHERE ft.level = 2) AS subthemes
                FROM feedback_themes ft JOIN themes t ON t.theme_id = ft.theme_id
                LEFT JOIN theme_summaries ts ON ts.theme_id = ft.theme_id
                WHERE coalesce(t.status, 'active') <> 'deleted'
                GROUP BY ft.feedback_id
            ) th ON th.feedback_id = f.feedback_id"""
        )
        select += ["th.primary_theme_id", "th.primary_theme", "th.themes", "th.theme_ids", "th.subthemes"]
        labels += ["primary_theme_id", "primary_theme", "themes", "theme_ids", "subthemes"]
        select += ["th.primary_subtheme_id", "th.primary_subtheme", "th.theme_summary"]
        labels += ["primary_subtheme_id", "primary_subtheme", "theme_summary"]
    if store.has_table("feedback_entities"):
        joins.append(
            """LEFT JOIN (SELECT feedback_id, string_agg(entity, ';' ORDER BY entity) AS entities
                FROM feedback_entities GROUP BY feedback_id) ents ON ents.feedback_id = f.feedback_id"""
        )
        select.append("ents.entities")
        labels.append("entities")
    if store.has_table("feedback_feelings"):
        joins.append("LEFT JOIN feedback_feelings ff ON ff.feedback_id = f.feedback_id")
        select += ["ff.sentiment", "ff.sentiment_label", "ff.emotions", "ff.empathy_quadrants", "ff.intent"]
        labels += ["sentiment", "sentiment_label", "emotions", "empathy_quadrants", "intent"]
    sql = f"SELECT {', '.join(select)} FROM feedback f {' '.join(joins)} ORDER BY f.feedback_id"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    df = store.read_df(sql, params)
    df.columns = labels
    return df
