"""Read models of the later stages: segments, drivers, trends, ideas, personas, usage and one customer.

Same rules as :mod:`empathic.report.views`: plain dicts/lists from stored tables, ``None`` when the stage that
fills them has not run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from empathic.report.views import _clean, has_data, rows

if TYPE_CHECKING:
    from empathic.config import Settings
    from empathic.store import Store


#: What the web pages, REST and the report show of each stored analytics result (the read functions of
#: :mod:`empathic.analytics.read` give every column; these sections only choose, order and format).
SEGMENT_FIELDS = ["attribute", "segment", "metric", "theme_id", "theme", "score_name", "n_segment", "n_rest",
                  "value_segment", "ci_low", "ci_high", "value_rest", "lift", "diff", "test", "p_value", "q_value",
                  "significant"]  # fmt: skip
IMPACT_FIELDS = ["score_name", "metric", "theme_id", "label", "level", "n_with", "score_with", "score_without",
                 "impact", "ci_low", "ci_high", "q_value", "direction"]  # fmt: skip
KEY_DRIVER_FIELDS = ["score_name", "theme_id", "label", "feature", "coef", "ci_low", "ci_high", "relative_weight",
                     "r_squared", "n"]  # fmt: skip
TREND_FIELDS = ["grain", "period_start", "theme_id", "label", "n_comments", "n_period", "share", "sentiment"]


def _analytics_settings(settings: Settings | None) -> Any:
    """The analytics settings the read functions take (only their freshness check uses them: the sections read
    ``source="stored"``, which never computes)."""
    from empathic.analytics.settings import AnalyticsSettings

    return settings.analytics if settings is not None else AnalyticsSettings()


def segments(
    store: Store, *, attribute: str | None = None, limit: int = 200, settings: Settings | None = None
) -> dict[str, Any] | None:
    """Attributes with their values, and the segment differences (significant first) as stored
    (:func:`empathic.analytics.read.segments`: current theme labels, deleted themes left out)."""
    from empathic.analytics import read

    if not has_data(store, "feedback_attributes") and not has_data(store, "segment_differences"):
        return None
    attributes = rows(
        store,
        "SELECT name, count(DISTINCT value) AS n_values, count(*) AS n FROM feedback_attributes GROUP BY 1 ORDER BY 1",
    )
    differences = None
    if has_data(store, "segment_differences"):
        frame = read.segments(store, _analytics_settings(settings), attribute or None, source="stored")
        frame = frame.rename(columns={"label": "theme"}).sort_values(
            ["significant", "q_value", "attribute", "segment", "metric", "theme_id"],
            ascending=[False, True, True, True, True, True], na_position="last", kind="mergesort",
        )  # fmt: skip
        differences = _records(frame[SEGMENT_FIELDS].head(limit))
    return {"attributes": attributes, "differences": differences}


def drivers(
    store: Store, *, score: str | None = None, top: int | None = None, settings: Settings | None = None
) -> dict[str, Any] | None:
    """Theme impact on each score (leave-one-out) and key drivers (regression), or None before analytics.

    Rows are ranked by absolute impact (the themes that move a score most, both directions, first). With ``top``,
    only one score is shown — ``score``, or the main score (NPS first, see ``trends.primary_score``) — with its
    ``top`` themes each way (``direction`` = lowers / raises): what the report shows. The rows are the stored ones
    (:func:`empathic.analytics.read.impact` / :func:`~empathic.analytics.read.drivers`: labels from the themes
    table, deleted themes left out, so an edit made after the last analysis shows at once).
    """
    from empathic.analytics import read

    if not has_data(store, "theme_impact"):
        return None
    if top is not None or score is not None:
        from empathic.analytics.compare import resolve_score
        from empathic.errors import InputError

        try:
            score = resolve_score(store, score)[0]  # a column, display name or kind; default the main score
        except InputError:
            if score is not None:
                raise
            # no score column in the feedback (stored impacts only): the first stored score is the main one
            score = store.scalar("SELECT min(score_name) FROM theme_impact")
    cfg = _analytics_settings(settings)
    frame = read.impact(store, cfg, score, source="stored")
    frame["direction"] = ["lowers" if v < 0 else "raises" for v in frame.impact]
    frame = frame.assign(_size=frame.impact.abs()).sort_values(
        ["score_name", "_size", "theme_id"], ascending=[True, False, True], na_position="last", kind="mergesort"
    )
    impact = _records(frame[IMPACT_FIELDS])
    if top is not None:
        impact = [r for r in impact if r["level"] in (None, 1)]
        impact = [r for r in impact if r["direction"] == "lowers"][:top] + [
            r for r in impact if r["direction"] == "raises"
        ][:top]
        impact.sort(key=lambda r: (-abs(r["impact"] or 0.0), r["theme_id"]))
    key: list[dict[str, Any]] = []
    if has_data(store, "key_drivers"):
        model = read.drivers(store, cfg, score, source="stored").sort_values(
            ["score_name", "relative_weight", "theme_id", "feature"], ascending=[True, False, True, True],
            na_position="last", kind="mergesort",
        )  # fmt: skip
        key = _records(model[KEY_DRIVER_FIELDS])
    if top is not None:
        key = key[: 2 * top]
    return {"impact": impact, "key_drivers": key, "score_name": score}


def compare(
    store: Store,
    settings: Settings,
    *,
    score: str | None = None,
    a: str | None = None,
    b: str | None = None,
    last: str | None = None,
) -> dict[str, Any] | None:
    """Why the score moved between periods ``a`` and ``b`` (or the ``last`` N days vs the N before; default the
    last two complete periods), as the JSON of :meth:`PeriodComparison.to_dict`; None when comments are undated."""
    if not store.scalar("SELECT count(created_at) FROM feedback"):
        return None
    if (a is None) != (b is None):
        from empathic.errors import InputError

        raise InputError("give both periods a and b (or neither)", hint="e.g. ?a=2022&b=2023 or ?last=30d")
    from empathic.analytics import results

    return results.compare(store, settings.analytics, score, [a, b] if a else None, last).to_dict()


def score_trend(
    store: Store, settings: Settings, *, score: str | None = None, grain: str | None = None, last: int | None = None
) -> dict[str, Any] | None:
    """A score per period with its 95 % interval and n (``value`` null under the minimum n; ``partial`` marks the
    unfinished newest period); the ``last`` periods only when given. None when comments are undated."""
    from empathic.analytics import results
    from empathic.analytics.compare import resolve_score

    if not store.scalar("SELECT count(created_at) FROM feedback"):
        return None
    name = resolve_score(store, score)[0]
    frame = results.score_series(store, settings.analytics, grain, name)
    if last:
        frame = frame.tail(last)
    out = [{k: _clean(v) for k, v in r.items()} for r in frame.to_dict(orient="records")]
    return {"score_name": name, "grain": frame.attrs.get("grain"), "periods": out}


def score_change(
    store: Store, settings: Settings, *, score: str | None = None, rows_shown: int = 6
) -> dict[str, Any] | None:
    """The report's "Why the score moved" block: the main score's last two complete periods compared (change with
    interval and n, the largest waterfall contributions with intervals, the themes that moved, one quote each);
    None when comments are undated or there are no two periods to compare."""
    from empathic.errors import EmpathicError

    try:
        data = compare(store, settings, score=score)
    except EmpathicError:
        return None
    if data is None:
        return None
    waterfall = sorted(data["waterfall"], key=lambda r: -abs(r["contribution"] or 0.0))[:rows_shown]
    moved = [t for t in data["themes"] if t["status"] != "steady"][:rows_shown]
    for t in moved:
        t["quote"] = (data["quotes"].get(t["theme_id"]) or [None])[0]
    series = score_trend(store, settings, score=data["score_name"], last=8)
    return {**data, "waterfall": waterfall, "moved": moved, "series": series}


def trends(store: Store, *, settings: Settings | None = None) -> dict[str, Any] | None:
    """Per-period theme volumes/shares (long format) and the period totals, or None before analytics: the stored rows
    of :func:`empathic.analytics.read.trends` (labels from the themes table, so renames show at once; deleted or
    merged-away themes left out)."""
    from empathic.analytics import read

    if not has_data(store, "theme_trends"):
        return None
    return {"series": _records(read.trends(store, _analytics_settings(settings), source="stored")[TREND_FIELDS])}


def ideas(store: Store, settings: Settings, *, limit: int = 60) -> list[dict[str, Any]] | None:
    """The ideas board (``ws.ideas()``, :func:`empathic.feelings.queries.ideas`): requests grouped by theme/subtheme,
    most pressing first, with count,
    representative quotes (``examples``), who asks (segments, top customers), the pain around them and their score
    gap. ``n`` is the number of asking comments."""
    if not has_data(store, "sentence_feelings"):
        return None
    from empathic.feelings import queries

    board = queries.ideas(store, settings.feelings, settings.seed).head(limit)
    out = []
    for r in board.to_dict("records"):
        item = {k: _clean(v) for k, v in r.items() if k not in ("quotes", "segments", "customers")}
        item["n"] = item.pop("n_comments")
        item["examples"] = [q["text"] for q in r["quotes"]]
        item["quotes"] = [{k: _clean(v) for k, v in q.items()} for q in r["quotes"]]
        item["segments"] = [{k: _clean(v) for k, v in x.items()} for x in r.get("segments") or []]
        item["customers"] = [{k: _clean(v) for k, v in x.items()} for x in r.get("customers") or []]
        out.append(item)
    return out


def personas(store: Store) -> list[dict[str, Any]] | None:
    """Personas with traits, top themes, empathy map and quotes decoded from JSON (the personas area's
    :func:`empathic.personas.read.cards`, what ``ws.personas()`` returns); None before the personas stage."""
    from empathic.personas.read import cards

    frame = cards(store)
    if frame.empty:
        return None
    out = _records(frame)
    for p in out:
        for key in ("traits", "top_themes", "feelings", "quotes"):
            p[key] = p.get(key) or []
        p["empathy_map"] = p.get("empathy_map") or {}
    return out


def usage(store: Store) -> dict[str, Any] | None:
    """Feature adoption, retention curves (weekly if present), stickiness (with the partial months flagged) and the
    weekday × hour heatmap: the usage area's read functions (:mod:`empathic.usage.read`), as the API reads them."""
    from empathic.usage import read

    if not has_data(store, "usage_customers"):
        return None
    unit = read.finest_retention_unit(store)
    retention = read.retention(store, unit, "on")[["cohort", "period", "cohort_size", "rate"]] if unit else None
    return {
        "status": _records(read.status_counts(store)),
        "features": _records(read.features(store, limit=50)),
        "retention": _records(retention) if retention is not None else [],
        "retention_unit": unit,
        "stickiness": _records(read.stickiness(store)),
        "time_of_day": _records(read.time_of_day(store)[["weekday", "hour", "n_events"]]),
    }


def _records(frame: Any) -> list[dict[str, Any]]:
    """A DataFrame as JSON-friendly rows (NaN → None, timestamps → ISO strings)."""
    return [{k: _clean_scalar(v) for k, v in r.items()} for r in frame.to_dict(orient="records")]


def customers(store: Store, *, limit: int = 100) -> list[dict[str, Any]]:
    """Customers with the most comments (for the customer list)."""
    return rows(
        store,
        "SELECT customer_id, count(*) AS n_comments, max(created_at) AS last_comment FROM feedback "
        "WHERE customer_id IS NOT NULL GROUP BY 1 ORDER BY n_comments DESC, customer_id LIMIT ?",
        [limit],
    )


def customer(store: Store, customer_id: str) -> dict[str, Any] | None:
    """One customer's profile, None if unknown: who they are (attributes, signup, persona), what they are worth
    (``value_total`` and usage), one timeline of what they said and did (comments with score, themes and sentiment;
    weekly usage), the themes they raise most and their sentiment over time.

    Built on the usage area's voice of the customer (:func:`empathic.usage.voice.customer_voice`, what ``ws.customer``
    and ``empathic customer`` show).
    """
    from empathic.errors import InputError
    from empathic.usage.voice import customer_voice

    cur = store.cursor()
    try:
        voice = customer_voice(cur, str(customer_id))
    except InputError:
        return None
    finally:
        cur.close()
    usage = {k: _clean_scalar(v) for k, v in (voice["usage"] or {}).items()}
    timeline = [{k: _clean_scalar(v) for k, v in row.items()} for row in voice["timeline"].to_dict(orient="records")]
    for item in timeline:
        item["at"] = str(item["at"])[:10] if item.get("at") else None
    themes: dict[str, int] = {}
    for item in timeline:
        for label in (item.get("themes") or "").split("; "):
            if label:
                themes[label] = themes.get(label, 0) + 1
    trend = [
        {"at": str(r["at"])[:10], "sentiment": _clean_scalar(r["sentiment"]), "score": _clean_scalar(r["score"])}
        for r in voice["sentiment"].to_dict(orient="records")
    ]
    comments = [t for t in timeline if t.get("kind") == "feedback"]
    return {
        "customer_id": voice["customer_id"],
        "signup_at": str(voice["signup_at"])[:10] if voice["signup_at"] is not None else None,
        "attributes": [{"name": k, "value": v} for k, v in voice["attributes"].items()],
        "persona": voice["persona"],
        "usage": usage or None,
        "value": usage.get("value_total"),
        "timeline": timeline,
        "themes": sorted(themes.items(), key=lambda kv: (-kv[1], kv[0])),
        "sentiment_trend": trend,
        "comments": comments,
    }


def search(store: Store, query: str, *, semantic: bool = False, limit: int = 50) -> dict[str, Any]:
    """Comments matching a query-language query (``theme:"delivery" AND plan:pro AND nps<=6 refund``).

    The analytics area's search (:func:`empathic.analytics.search.search_comments`, what ``ws.search`` and
    ``empathic search`` run). Every result carries highlight segments for the free words of the query.
    """
    from empathic.analytics.search import search_comments
    from empathic.report.verbatims import query_spans
    from empathic.report.verbatims import segments as highlight

    frame = search_comments(store, query, semantic=semantic, limit=limit)
    items = [{k: _clean_scalar(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]
    words = " ".join(
        w
        for w in query.replace('"', " ").split()
        if ":" not in w and "<" not in w and ">" not in w and w.upper() not in ("AND", "OR", "NOT")
    )
    for item in items:
        text = item.get("text") or ""
        item["segments"] = highlight(text, query_spans(text, words))
    total = frame.attrs.get("total")
    return {"available": True, "items": items, "total": int(total) if total is not None else len(items)}


def saved_filters(store: Store) -> list[dict[str, Any]]:
    """Named queries saved by analysts (:func:`empathic.analytics.search.saved_filters`, what
    ``ws.saved_filters()`` returns)."""
    from empathic.analytics.search import saved_filters as stored_filters

    return _records(stored_filters(store))


def _clean_scalar(value: Any) -> Any:
    from empathic.report.views import _clean

    try:
        import pandas as pd

        if value is pd.NaT:
            return None
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    return _clean(value.to_pydatetime() if hasattr(value, "to_pydatetime") else value)
