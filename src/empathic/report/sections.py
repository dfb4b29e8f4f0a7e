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


def segments(store: Store, *, attribute: str | None = None, limit: int = 200) -> dict[str, Any] | None:
    """Attributes with their values, and the segment differences (significant first)."""
    if not has_data(store, "feedback_attributes") and not has_data(store, "segment_differences"):
        return None
    attributes = rows(
        store,
        "SELECT name, count(DISTINCT value) AS n_values, count(*) AS n FROM feedback_attributes GROUP BY 1 ORDER BY 1",
    )
    differences = None
    if has_data(store, "segment_differences"):
        where, params = ("WHERE d.attribute = ?", [attribute]) if attribute else ("", [])
        differences = rows(
            store,
            "SELECT d.attribute, d.segment, d.metric, d.theme_id, t.label AS theme, d.score_name, d.n_segment, "
            "d.n_rest, d.value_segment, d.ci_low, d.ci_high, d.value_rest, d.lift, d.diff, d.test, d.p_value, "
            "d.q_value, d.significant "
            "FROM segment_differences d LEFT JOIN themes t USING (theme_id) "
            f"{where} ORDER BY d.significant DESC, d.q_value NULLS LAST, d.attribute, d.segment, d.metric, "
            "d.theme_id LIMIT ?",
            [*params, limit],
        )
    return {"attributes": attributes, "differences": differences}


def drivers(store: Store, *, score: str | None = None, top: int | None = None) -> dict[str, Any] | None:
    """Theme impact on each score (leave-one-out) and key drivers (regression), or None before analytics.

    Rows are ranked by absolute impact (the themes that move a score most, both directions, first). With ``top``,
    only one score is shown — ``score``, or the main score (NPS first, see ``trends.primary_score``) — with its
    ``top`` themes each way (``direction`` = lowers / raises): what the report shows.
    """
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
    # labels from the themes table and deleted themes left out: a rename, merge, delete or split made after the
    # last analysis shows at once instead of the stored (stale) labels
    where, params = ("AND i.score_name = ?", [score]) if score else ("", [])
    live = "LEFT JOIN themes t USING (theme_id) WHERE coalesce(t.status, 'active') <> 'deleted'"
    impact = rows(
        store,
        "SELECT i.score_name, i.metric, i.theme_id, coalesce(t.label, i.label) AS label, i.level, i.n_with, "
        "i.score_with, i.score_without, i.impact, i.ci_low, i.ci_high, i.q_value, "
        "CASE WHEN i.impact < 0 THEN 'lowers' ELSE 'raises' END AS direction "
        f"FROM theme_impact i {live} {where} ORDER BY i.score_name, abs(i.impact) DESC NULLS LAST, i.theme_id",
        params,
    )
    if top is not None:
        impact = [r for r in impact if r["level"] in (None, 1)]
        impact = [r for r in impact if r["direction"] == "lowers"][:top] + [
            r for r in impact if r["direction"] == "raises"
        ][:top]
        impact.sort(key=lambda r: (-abs(r["impact"] or 0.0), r["theme_id"]))
    key = (
        rows(
            store,
            "SELECT i.score_name, i.theme_id, coalesce(t.label, i.label) AS label, i.feature, i.coef, i.ci_low, "
            f"i.ci_high, i.relative_weight, i.r_squared, i.n FROM key_drivers i {live} {where} "
            "ORDER BY i.score_name, i.relative_weight DESC NULLS LAST, i.theme_id, i.feature",
            params,
        )
        if has_data(store, "key_drivers")
        else []
    )
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


def trends(store: Store) -> dict[str, Any] | None:
    """Per-period theme volumes/shares (long format) and the period totals, or None before analytics. Labels come
    from the themes table (renames show at once) and deleted or merged-away themes are left out."""
    if not has_data(store, "theme_trends"):
        return None
    series = rows(
        store,
        "SELECT r.grain, r.period_start, r.theme_id, coalesce(t.label, r.label) AS label, r.n_comments, r.n_period, "
        "r.share, r.sentiment FROM theme_trends r LEFT JOIN themes t USING (theme_id) "
        "WHERE coalesce(t.status, 'active') <> 'deleted' ORDER BY r.period_start, r.theme_id",
    )
    return {"series": series}


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
