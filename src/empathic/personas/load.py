"""Read what personas need from a workspace connection (every input optional except some customers)."""

from __future__ import annotations

import duckdb
import pandas as pd

from empathic.usage import sql as usage_sql

PRIOR_COMMENTS = 2.0


def _has_rows(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    exists = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]).fetchall()
    return bool(exists[0][0]) and bool(con.sql(f"SELECT count(*) FROM {table}").fetchall()[0][0])


def customer_universe(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Customers with usage; without events, customers with attributes or linked feedback."""
    if _has_rows(con, "usage_customers"):
        q = "SELECT customer_id FROM usage_customers"
    else:
        q = """SELECT customer_id FROM customer_attributes UNION
               SELECT customer_id FROM feedback WHERE customer_id IS NOT NULL"""
    return sorted(str(r[0]) for r in con.sql(q).fetchall())


def attributes(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """``(customer_id, name, value, value_num)``."""
    return con.sql("SELECT customer_id, name, value, value_num FROM customer_attributes ORDER BY 1, 2").df()


def usage(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The ``usage_customers`` table (empty when usage did not run)."""
    return con.sql("SELECT * FROM usage_customers ORDER BY customer_id").df()


def event_mix(con: duckdb.DuckDBPyConnection, time_zone: str) -> pd.DataFrame:
    """Per customer the share of events in each daypart, at weekends and of each feature: ``(customer_id, item,
    share)``."""
    if not _has_rows(con, "events"):
        return pd.DataFrame(columns=["customer_id", "item", "share"])
    local = usage_sql.local_events(usage_sql.Sources(), time_zone)
    return con.sql(f"""
        WITH ev AS (SELECT customer_id, event, hour(local_ts) AS h, isodow(local_ts) >= 6 AS weekend FROM ({local})),
        n AS (SELECT customer_id, count(*) AS n FROM ev GROUP BY 1)
        SELECT customer_id, item, count(*) / any_value(n.n) AS share FROM (
            SELECT customer_id, 'daypart=' || {usage_sql.DAYPARTS} AS item FROM ev
            UNION ALL SELECT customer_id, 'weekend' FROM ev WHERE weekend
            UNION ALL SELECT customer_id, 'feature=' || event FROM ev WHERE event IS NOT NULL
        ) JOIN n USING (customer_id) GROUP BY customer_id, item ORDER BY 1, 2""").df()


def said(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per customer the (shrunk) share of their comments mentioning each top-level theme and emotion, and their
    mean sentiment: ``(customer_id, item, share)``, plus ``_spoke`` for every customer with linked feedback."""
    parts = []
    if _has_rows(con, "feedback_themes"):
        parts.append("""SELECT f.customer_id, 'theme=' || ft.theme_id AS item, count(DISTINCT f.feedback_id) AS k
                        FROM feedback_themes ft JOIN feedback f USING (feedback_id)
                        JOIN themes t ON t.theme_id = ft.theme_id
                        WHERE ft.level = 1 AND coalesce(t.status, 'active') <> 'deleted' AND NOT coalesce(t.is_other,
                        false) GROUP BY 1, 2""")
    if _has_rows(con, "feedback_emotions"):
        parts.append("""SELECT f.customer_id, 'emotion=' || e.emotion, count(DISTINCT f.feedback_id)
                        FROM feedback_emotions e JOIN feedback f USING (feedback_id) GROUP BY 1, 2""")
    n = "SELECT customer_id, count(*) AS n FROM feedback WHERE customer_id IS NOT NULL GROUP BY 1"
    frames = [con.sql(f"SELECT customer_id, '_spoke' AS item, 1.0 AS share FROM ({n})").df()]
    if parts:
        # empirical-Bayes shrinkage towards the overall rate (PRIOR_COMMENTS pseudo-comments): one comment about
        # a theme is weaker evidence than five, and silent customers sit at the prior
        frames.append(
            con.sql(f"""
            WITH k AS ({" UNION ALL ".join(parts)}), nn AS ({n}),
            prior AS (SELECT item, sum(k) / (SELECT sum(n) FROM nn) AS rate FROM k GROUP BY item)
            SELECT nn.customer_id, prior.item,
                   (coalesce(k.k, 0) + {PRIOR_COMMENTS} * prior.rate) / (nn.n + {PRIOR_COMMENTS}) AS share
            FROM nn CROSS JOIN prior
            LEFT JOIN k ON k.customer_id = nn.customer_id AND k.item = prior.item""").df()
        )
    if _has_rows(con, "feedback_feelings"):
        frames.append(
            con.sql("""SELECT f.customer_id, 'sentiment' AS item, avg(ff.sentiment) AS share
                                 FROM feedback_feelings ff JOIN feedback f USING (feedback_id)
                                 WHERE f.customer_id IS NOT NULL GROUP BY 1""").df()
        )
    return pd.concat(frames, ignore_index=True).sort_values(["customer_id", "item"]).reset_index(drop=True)


def theme_labels(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """theme_id → label."""
    return {str(a): str(b) for a, b in con.sql("SELECT theme_id, label FROM themes").fetchall()}


def comments(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Linked comments: ``(customer_id, feedback_id, text, theme_ids, score)`` (score: the first NPS-like score)."""
    return con.sql("""
        WITH sc AS (SELECT feedback_id, value, kind,
                           row_number() OVER (PARTITION BY feedback_id ORDER BY kind <> 'nps', name) AS r
                    FROM feedback_scores),
             th AS (SELECT feedback_id, string_agg(theme_id, ';' ORDER BY theme_id) AS theme_ids
                    FROM feedback_themes WHERE level = 1 GROUP BY 1)
        SELECT f.customer_id, f.feedback_id, f.text, th.theme_ids, sc.value AS score, sc.kind AS score_kind
        FROM feedback f LEFT JOIN th USING (feedback_id) LEFT JOIN sc ON sc.feedback_id = f.feedback_id AND sc.r = 1
        WHERE f.customer_id IS NOT NULL ORDER BY f.feedback_id""").df()


def sentences(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Linked sentences with their feelings (empty when feelings did not run)."""
    if not _has_rows(con, "sentence_feelings"):
        return pd.DataFrame(
            columns=["customer_id", "feedback_id", "sentence_idx", "text", "quadrant", "pain", "gain", "sentiment"]
        )
    return con.sql("""
        SELECT f.customer_id, s.feedback_id, s.sentence_idx, s.text, sf.quadrant, sf.pain, sf.gain, sf.sentiment
        FROM sentence_feelings sf JOIN sentences s USING (feedback_id, sentence_idx)
        JOIN feedback f ON f.feedback_id = s.feedback_id WHERE f.customer_id IS NOT NULL
        ORDER BY s.feedback_id, s.sentence_idx""").df()
