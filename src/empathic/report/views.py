"""Read models shared by the web app, the REST API and the HTML report.

Each function takes the workspace's :class:`~empathic.store.Store` (never the Workspace) and returns plain
JSON-friendly dicts/lists built from the stored tables of the other stages (contract tables in
docs/architecture.md). A section whose stage has not run returns ``None`` so the caller can say "not analysed yet"
instead of failing. Text stays raw here; escaping is the renderer's job (Jinja2 autoescape, JSON encoding).
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from empathic.store import Store


def has_data(store: Store, *tables: str) -> bool:
    """True if every table exists and holds at least one row."""
    return all(store.count(t) > 0 for t in tables)


def _clean(value: Any) -> Any:
    """JSON-friendly scalar: NaN → None, timestamps → ISO strings, numpy scalars → Python."""
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def rows(store: Store, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    """Run a read query; rows as dicts of clean scalars."""
    table = store.read(sql, params)
    return [{k: _clean(v) for k, v in row.items()} for row in table.to_pylist()]


def _json(value: Any, default: Any) -> Any:
    if value is None:
        return default
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return default
    return value


# -- overview ----------------------------------------------------------------------------------------------------
def overview(store: Store) -> dict[str, Any]:
    """Volume, scores with intervals, sentiment mix, top themes with impact, alerts and the last runs."""
    n = int(store.scalar("SELECT count(*) FROM feedback") or 0)
    span = rows(store, "SELECT min(created_at) AS first, max(created_at) AS last FROM feedback")[0]
    return {
        "n_comments": n,
        "n_customers": int(store.scalar("SELECT count(DISTINCT customer_id) FROM feedback") or 0),
        "first": span["first"],
        "last": span["last"],
        "scores": scores(store),
        "sentiment": sentiment_mix(store),
        "top_themes": (themes_table(store) or [])[:10] or None,
        "alerts": alerts(store, limit=8),
        "runs": rows(store, "SELECT stage, status, started_at, finished_at FROM runs ORDER BY started_at DESC LIMIT 8"),
    }


def scores(store: Store) -> list[dict[str, Any]]:
    """One row per score: the analytics summary (with 95 % CI) when present, else the plain mean; each with its
    ``display_name`` (``empathic scores rename``) and ``measures`` (what the number means, e.g. NPS: % promoters −
    % detractors)."""
    from empathic.analytics.scores import describe_score, display_names

    if has_data(store, "score_summary"):
        out = rows(
            store,
            "SELECT s.score_name, s.kind, s.metric, s.n, s.value, s.ci_low, s.ci_high, s.mean, f.scale_min, "
            "f.scale_max FROM score_summary s LEFT JOIN (SELECT name AS score_name, min(scale_min) AS scale_min, "
            "max(scale_max) AS scale_max FROM feedback_scores GROUP BY 1) f USING (score_name) ORDER BY s.score_name",
        )
    else:
        out = rows(
            store,
            "SELECT name AS score_name, any_value(kind) AS kind, 'mean' AS metric, count(*) AS n, avg(value) AS value, "
            "NULL AS ci_low, NULL AS ci_high, avg(value) AS mean, min(scale_min) AS scale_min, "
            "max(scale_max) AS scale_max FROM feedback_scores GROUP BY name ORDER BY name",
        )
    names = display_names(store)
    for r in out:
        kind = r["kind"] if r["metric"] != "mean" or r["kind"] not in ("nps", "csat", "recommend") else "rating"
        r["display_name"] = names.get(r["score_name"], r["score_name"])
        r["measures"] = describe_score(kind, r.pop("scale_min"), r.pop("scale_max"))
    return out


def sentiment_mix(store: Store) -> list[dict[str, Any]] | None:
    """Comment counts per sentiment label, or None before the feelings stage ran."""
    if not has_data(store, "feedback_feelings"):
        return None
    return rows(
        store,
        "SELECT sentiment_label AS label, count(*) AS n, avg(sentiment) AS mean FROM feedback_feelings "
        "GROUP BY 1 ORDER BY n DESC, label",
    )


def alerts(store: Store, limit: int = 50) -> list[dict[str, Any]] | None:
    """Stored alerts, most severe and newest first."""
    if not has_data(store, "alerts"):
        return None
    return rows(
        store,
        "SELECT alert_id, kind, theme_id, message, severity, period, created_at FROM alerts "
        "ORDER BY CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, created_at DESC, alert_id "
        "LIMIT ?",
        [limit],
    )


# -- themes ------------------------------------------------------------------------------------------------------
def _primary_score(store: Store) -> str | None:
    if not has_data(store, "theme_impact"):
        return None
    return store.scalar("SELECT score_name FROM theme_impact GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")


def themes_table(store: Store) -> list[dict[str, Any]] | None:
    """Every live theme (both levels) with counts, share, mean sentiment, impact on the primary score, sparkline."""
    if not has_data(store, "themes"):
        return None
    sentiment_join = (
        "LEFT JOIN (SELECT ft.theme_id, avg(ff.sentiment) AS sentiment FROM feedback_themes ft "
        "JOIN feedback_feelings ff USING (feedback_id) GROUP BY 1) s USING (theme_id)"
        if has_data(store, "feedback_feelings")
        else "LEFT JOIN (SELECT NULL::VARCHAR AS theme_id, NULL::DOUBLE AS sentiment) s USING (theme_id)"
    )
    score = _primary_score(store)
    # the impact columns are filled below from the read layer's stored rows (one definition of a theme's impact)
    impact_join = (
        "LEFT JOIN (SELECT NULL::VARCHAR AS theme_id, NULL::DOUBLE AS impact, NULL::DOUBLE AS ci_low, "
        "NULL::DOUBLE AS ci_high, NULL::DOUBLE AS q_value) i USING (theme_id)"
    )
    out = rows(
        store,
        "SELECT t.theme_id, t.parent_id, t.level, t.label, t.n_comments, t.share, t.is_other, t.status, "
        f"s.sentiment, i.impact, i.ci_low, i.ci_high, i.q_value, {_SUMMARY} AS summary "
        f"FROM themes t {sentiment_join} {impact_join} {_summary_join(store)} "
        "WHERE coalesce(t.status, 'active') <> 'deleted' ORDER BY t.level, t.n_comments DESC, t.theme_id",
    )
    impacts = _theme_impacts(store, score)
    spark = _sparklines(store)
    for theme in out:
        theme.update(impacts.get(theme["theme_id"], {}))
        theme["score_name"] = score
        theme["sparkline"] = spark.get(theme["theme_id"], [])
    return out


def _theme_impacts(store: Store, score: str | None) -> dict[str, dict[str, Any]]:
    """theme_id → its stored impact on ``score`` (impact, interval, q): :func:`empathic.analytics.read.impact`,
    the rows the Drivers page shows."""
    if score is None:
        return {}
    from empathic.analytics import read
    from empathic.analytics.settings import AnalyticsSettings
    from empathic.report.sections import _records

    frame = read.impact(store, AnalyticsSettings(), score, source="stored")
    return {r.pop("theme_id"): r for r in _records(frame[["theme_id", "impact", "ci_low", "ci_high", "q_value"]])}


#: A theme's one-line summary (``theme_summaries``, written by the themes stage); NULL when there is none.
_SUMMARY = "ts.summary"


def _summary_join(store: Store) -> str:
    """The join that brings each theme's summary line (an empty stand-in in a workspace without the table)."""
    if store.has_table("theme_summaries"):
        return "LEFT JOIN theme_summaries ts ON ts.theme_id = t.theme_id"
    return "LEFT JOIN (SELECT NULL::VARCHAR AS theme_id, NULL::VARCHAR AS summary) ts ON ts.theme_id = t.theme_id"


def _sparklines(store: Store) -> dict[str, list[float]]:
    if not has_data(store, "theme_trends"):
        return {}
    from empathic.analytics import read
    from empathic.analytics.settings import AnalyticsSettings

    series: dict[str, list[float]] = {}
    # the Trends page's stored rows (read.trends); periods under the minimum n have no share (evidence rules): left
    # out, neither a spike nor a drop to 0
    frame = read.trends(store, AnalyticsSettings(), source="stored")
    frame = frame[frame.share.notna()].sort_values(["theme_id", "period_start"], kind="mergesort")
    for theme_id, share in zip(frame.theme_id, frame.share, strict=True):
        series.setdefault(theme_id, []).append(float(share))
    return series


def theme_detail(store: Store, theme_id: str) -> dict[str, Any] | None:
    """One theme: its row, subthemes, quotes, keywords, trend, segments, emotions and empathy map; None if unknown."""
    if not has_data(store, "themes"):
        return None
    found = rows(
        store,
        f"SELECT t.*, {_SUMMARY} AS summary FROM themes t {_summary_join(store)} WHERE t.theme_id = ?",
        [theme_id],
    )
    if not found:
        return None
    theme = found[0]
    theme["keywords"] = _json(theme.get("keywords"), [])
    theme["quotes"] = _json(theme.get("quotes"), [])
    theme["subthemes"] = rows(
        store,
        f"SELECT t.theme_id, t.label, t.n_comments, t.share, {_SUMMARY} AS summary FROM themes t "
        f"{_summary_join(store)} "
        "WHERE t.parent_id = ? AND coalesce(t.status, 'active') <> 'deleted' ORDER BY t.n_comments DESC, t.theme_id",
        [theme_id],
    )
    theme["trend"] = _theme_trend(store, theme_id)
    theme["segments"] = _theme_segments(store, theme_id)
    theme["emotions"] = _theme_emotions(store, theme_id)
    theme["empathy_map"] = _theme_quadrants(store, theme_id)
    return theme


# A theme's trend and segment rows are the stored rows every other reader shows (:mod:`empathic.analytics.read`,
# ``source="stored"``): a theme deleted after the last analysis has none, as on the Trends and Segments pages.
def _theme_trend(store: Store, theme_id: str) -> list[dict[str, Any]]:
    """The theme's share, volume and sentiment per stored period, oldest first."""
    if not has_data(store, "theme_trends"):
        return []
    from empathic.analytics import read
    from empathic.analytics.settings import AnalyticsSettings
    from empathic.report.sections import _records

    frame = read.trends(store, AnalyticsSettings(), source="stored")
    frame = frame[frame.theme_id == theme_id].sort_values("period_start", kind="mergesort")
    return _records(frame[["period_start", "n_comments", "share", "sentiment"]])


def _theme_segments(store: Store, theme_id: str, limit: int = 30) -> list[dict[str, Any]]:
    """The segments where the theme's share differs: significant first, then the largest lift either way."""
    if not has_data(store, "segment_differences"):
        return []
    from empathic.analytics import read
    from empathic.analytics.settings import AnalyticsSettings
    from empathic.report.sections import _records

    frame = read.segments(store, AnalyticsSettings(), source="stored")
    frame = frame[(frame.metric == "theme_share") & (frame.theme_id == theme_id)]
    frame = frame.assign(_away=(frame.lift - 1).abs()).sort_values(
        ["significant", "_away", "attribute", "segment"], ascending=[False, False, True, True], na_position="last",
        kind="mergesort",
    )  # fmt: skip
    columns = ["attribute", "segment", "n_segment", "value_segment", "value_rest", "lift", "q_value", "significant"]
    return _records(frame[columns].head(limit))


def _theme_emotions(store: Store, theme_id: str) -> list[dict[str, Any]]:
    if not has_data(store, "feedback_emotions"):
        return []
    return rows(
        store,
        "SELECT e.emotion, count(*) AS n FROM feedback_emotions e JOIN feedback_themes ft USING (feedback_id) "
        "WHERE ft.theme_id = ? GROUP BY 1 ORDER BY n DESC, e.emotion LIMIT 12",
        [theme_id],
    )


def _theme_quadrants(store: Store, theme_id: str) -> dict[str, list[str]]:
    """Up to three example sentences per empathy-map quadrant among the theme's sentences."""
    if not has_data(store, "sentence_feelings", "sentence_themes"):
        return {}
    found = rows(
        store,
        "SELECT quadrant, text FROM (SELECT sf.quadrant, s.text, row_number() OVER (PARTITION BY sf.quadrant "
        "ORDER BY st.score DESC, s.feedback_id, s.sentence_idx) AS k FROM sentence_themes st "
        "JOIN sentence_feelings sf USING (feedback_id, sentence_idx) "
        "JOIN sentences s USING (feedback_id, sentence_idx) "
        "WHERE (st.theme_id = ? OR st.subtheme_id = ?) AND sf.quadrant IS NOT NULL) WHERE k <= 3 ORDER BY quadrant, k",
        [theme_id, theme_id],
    )
    out: dict[str, list[str]] = {}
    for r in found:
        out.setdefault(r["quadrant"], []).append(r["text"])
    return out
