"""Empathy briefs: one page about the customers for an audience.

- ``exec``: the scores (NPS/CSAT… with their intervals) and the themes that move them, the top pains and
  requests, and one customer's voice;
- ``team`` NAME: the themes that team owns, with their status, requests, bugs, the effect of fixes and the
  team's latest notes on them;
- ``newhire``: "meet our customers": personas and their empathy maps, real quotes, the top customers and what
  they say.

Plain data from the store (JSON-ready); :mod:`empathic.team.brief_render` lays it out as HTML and prints the PDF.
Every figure carries its n; a section whose stage has not run is left out, never invented.
"""

from __future__ import annotations

import json
from typing import Any

from empathic.errors import InputError
from empathic.store import Store
from empathic.team import closed_loop, notes, owners
from empathic.team.digest import BUG_INTENTS, REQUEST_INTENTS

AUDIENCES = ("exec", "team", "newhire")
TOP = 5


def _records(store: Store, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    return [{str(k): owners.plain(v) for k, v in r.items()} for r in store.read_df(sql, params).to_dict("records")]


def _has(store: Store, *tables: str) -> bool:
    return all(store.has_table(t) and store.count(t) for t in tables)


def _quote(text: str, limit: int = 240) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _facts(store: Store) -> dict[str, Any]:
    row = store.read_df("SELECT count(*) AS n, min(created_at) AS first, max(created_at) AS last FROM feedback")
    r = row.iloc[0]
    return {"n_comments": int(r.n), "first": owners.plain(r["first"]), "last": owners.plain(r["last"])}


def _theme_quotes(store: Store, theme_id: str, k: int, *, negative: bool = False) -> list[str]:
    if not _has(store, "feedback_themes"):
        return []
    feel = _has(store, "feedback_feelings")
    order = "ff.sentiment ASC NULLS LAST, f.feedback_id" if feel and negative else "f.feedback_id"
    join = "LEFT JOIN feedback_feelings ff USING (feedback_id)" if feel else ""
    df = store.read_df(
        f"SELECT f.text FROM feedback_themes ft JOIN feedback f USING (feedback_id) {join} "
        f"WHERE ft.theme_id = ? ORDER BY {order} LIMIT ?",
        [theme_id, k],
    )
    return [_quote(t) for t in df.text]


def _movers(store: Store) -> list[dict[str, Any]]:
    """The primary themes that move a score significantly, largest first: the stored impacts as the analytics read
    layer gives them (:func:`empathic.analytics.read.impact`, what the Drivers page shows: current labels, deleted
    themes left out)."""
    from empathic.analytics import read
    from empathic.analytics.settings import AnalyticsSettings

    impact = read.impact(store, AnalyticsSettings(), source="stored")
    shown = impact[(impact.level == 1) & (impact.q_value < 0.05)]
    shown = shown.assign(_size=shown.impact.abs()).sort_values(["_size", "label"], ascending=[False, True],
                                                                 kind="mergesort")  # fmt: skip
    columns = ["label", "score_name", "impact", "ci_low", "ci_high", "n_with", "q_value"]
    return [{k: owners.plain(v) for k, v in r.items()} for r in shown[columns].head(TOP).to_dict("records")]


def _exec(store: Store) -> dict[str, Any]:
    out: dict[str, Any] = {"scores": [], "movers": [], "pains": [], "requests": [], "voice": None}
    if _has(store, "score_summary"):
        out["scores"] = _records(store, "SELECT score_name, kind, metric, n, value, ci_low, ci_high FROM score_summary "
                                        "ORDER BY score_name")  # fmt: skip
    if _has(store, "theme_impact"):
        out["movers"] = _movers(store)
    if _has(store, "feedback_themes", "feedback_feelings", "themes"):
        out["pains"] = _records(
            store,
            "SELECT t.theme_id, t.label, count(*) AS n_negative, avg(ff.sentiment) AS sentiment "
            "FROM feedback_themes ft JOIN themes t USING (theme_id) JOIN feedback_feelings ff USING (feedback_id) "
            "WHERE ft.level = 1 AND ff.sentiment < 0 AND coalesce(t.status, 'active') <> 'deleted' "
            "AND NOT coalesce(t.is_other, false) "
            "GROUP BY ALL ORDER BY n_negative DESC, t.label LIMIT ?",
            [TOP],
        )
        out["requests"] = _records(
            store,
            "SELECT t.theme_id, t.label, count(*) AS n_requests FROM feedback_themes ft JOIN themes t USING (theme_id) "
            "JOIN feedback_feelings ff USING (feedback_id) WHERE ft.level = 1 AND list_contains(?, ff.intent) "
            "AND coalesce(t.status, 'active') <> 'deleted' GROUP BY ALL ORDER BY n_requests DESC, t.label LIMIT ?",
            [list(REQUEST_INTENTS), TOP],
        )
        for item in out["pains"]:
            item["quote"] = next(iter(_theme_quotes(store, item["theme_id"], 1, negative=True)), None)
        if out["pains"]:
            voice = _theme_quotes(store, out["pains"][0]["theme_id"], 1, negative=True)
            out["voice"] = {"theme": out["pains"][0]["label"], "text": voice[0]} if voice else None
    return out


def _team(store: Store, team: str) -> dict[str, Any]:
    table = owners.owners(store, team=team)
    if table.empty:
        teams = sorted({str(t) for t in owners.owners(store).team.dropna()})
        hint = f"teams with themes: {', '.join(teams) or 'none yet'}; assign one with `empathic owners WS set`"
        raise InputError(f"team {team!r} owns no theme", hint=hint)
    feel = _has(store, "feedback_feelings")
    themes = []
    for r in table.itertuples():
        counts = {"n_comments": 0, "n_requests": 0, "n_bugs": 0}
        if _has(store, "feedback_themes"):
            if feel:
                sql = ("SELECT count(*), count(*) FILTER (WHERE list_contains(?, ff.intent)), count(*) FILTER "
                       "(WHERE list_contains(?, ff.intent)) FROM feedback_themes ft "
                       "LEFT JOIN feedback_feelings ff USING (feedback_id) WHERE ft.theme_id = ?")  # fmt: skip
                params = [list(REQUEST_INTENTS), list(BUG_INTENTS), r.theme_id]
            else:
                sql, params = "SELECT count(*), 0, 0 FROM feedback_themes WHERE theme_id = ?", [r.theme_id]
            row = store.read_df(sql, params).iloc[0]
            counts = {"n_comments": int(row.iloc[0]), "n_requests": int(row.iloc[1]), "n_bugs": int(row.iloc[2])}
        effect = closed_loop.fix_effect(store, str(r.theme_id))
        noted = notes.notes(store, kind="theme", object_id=str(r.theme_id), limit=2)
        latest = [{"author": n.author, "body": _quote(n.body, 200)} for n in noted.itertuples()]
        themes.append({"theme_id": r.theme_id, "label": r.label or r.theme_id, "person": owners.plain(r.person),
                       "status": r.status, "since": r.status_on, **counts,
                       "fix": effect.message if effect else None,
                       "quotes": _theme_quotes(store, str(r.theme_id), 2, negative=True), "notes": latest})  # fmt: skip
    return {"team": team, "themes": themes}


def _newhire(store: Store) -> dict[str, Any]:
    out: dict[str, Any] = {"personas": [], "quotes": [], "customers": []}
    if _has(store, "personas"):
        for p in _records(store, "SELECT name, size, share, description, CAST(empathy_map AS VARCHAR) AS empathy_map, "
                                 "CAST(quotes AS VARCHAR) AS quotes FROM personas "
                                 "ORDER BY size DESC, name LIMIT 4"):  # fmt: skip
            emap = json.loads(p["empathy_map"]) if isinstance(p["empathy_map"], str) else {}
            quotes = json.loads(p["quotes"]) if isinstance(p["quotes"], str) else []
            p["empathy_map"] = {k: [_quote(q if isinstance(q, str) else q.get("text", ""), 140) for q in v[:2]]
                                for k, v in (emap or {}).items() if v}  # fmt: skip
            p["quotes"] = [_quote(q if isinstance(q, str) else q.get("text", "")) for q in quotes[:2]]
            out["personas"].append(p)
    if _has(store, "themes"):
        sql = ("SELECT label, CAST(quotes AS VARCHAR) AS quotes FROM themes WHERE level = 1 AND NOT "
               "coalesce(is_other, false) AND coalesce(status, 'active') <> 'deleted' ORDER BY n_comments DESC, label "
               "LIMIT 3")  # fmt: skip
        for t in _records(store, sql):
            first = (json.loads(t["quotes"]) if isinstance(t["quotes"], str) else [])[:1]
            out["quotes"] += [{"theme": t["label"], "text": _quote(q["text"])} for q in first if q.get("text")]
    customers = store.read_df(
        "SELECT customer_id, count(*) AS n, arg_max(text, length(text)) AS said FROM feedback "
        "WHERE customer_id IS NOT NULL GROUP BY customer_id ORDER BY n DESC, customer_id LIMIT ?",
        [TOP],
    )
    out["customers"] = [{"customer_id": c.customer_id, "n_comments": int(c.n), "said": _quote(c.said, 160)}
                        for c in customers.itertuples()]  # fmt: skip
    return out


def build_brief(store: Store, audience: str, *, team: str | None = None) -> dict[str, Any]:
    """The content of a brief for ``audience`` (``exec``, ``team`` with ``team=NAME``, or ``newhire``)."""
    if audience not in AUDIENCES:
        raise InputError(f"unknown audience {audience!r}", hint="use --for exec, --for team NAME or --for newhire")
    if not _has(store, "feedback"):
        raise InputError("this workspace has no comments yet", hint="ingest and analyse first")
    if audience == "team" and not team:
        raise InputError("a team brief needs the team's name", hint="e.g. --for team Logistics")
    body = _exec(store) if audience == "exec" else _team(store, team or "") if audience == "team" else _newhire(store)
    return {"audience": audience, "facts": _facts(store), **body}
