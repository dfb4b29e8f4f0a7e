"""The digest: what changed in a window of the data, for a reader who was away.

``--since 7d`` counts back from the newest comment in the workspace, not from today (exports are often analysed
weeks later); ``--until DATE`` moves the end. The window is compared with the four windows before it:

- new and emerging themes, and themes that rose or fell, tested by :func:`empathic.analytics.alerts.theme_alerts`
  (two-proportion test, Benjamini–Hochberg q < 0.05, at least 10 comments) — the same rules as the alerts;
- the alerts of the last analysis;
- new requests and bugs (intent ``request`` — formerly ``suggestion`` — and ``bug``);
- the effect of fixes (:mod:`empathic.team.closed_loop`);
- notes that @mention the recipient;
- up to three quotes from the window per item. Every figure carries its n.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any

import pandas as pd

from empathic.analytics.alerts import theme_alerts
from empathic.analytics.evidence import EvidenceRules
from empathic.analytics.settings import AnalyticsSettings
from empathic.errors import InputError, StageError
from empathic.store import Store
from empathic.team import closed_loop, notes, owners
from empathic.team.activity import now_utc

REQUEST_INTENTS = ("request", "suggestion")  # "suggestion" is the older name of "request"
BUG_INTENTS = ("bug",)
QUOTES = 3
BASELINE_WINDOWS = 4
_SPAN = re.compile(r"^\s*(\d{1,4})\s*([hdwm])\s*$")
_UNIT_DAYS = {"h": 1 / 24, "d": 1, "w": 7, "m": 30}


def parse_span(text: str) -> timedelta:
    """``"7d"`` → 7 days (units h, d, w, m = 30 days); a clear error otherwise."""
    match = _SPAN.match(text or "")
    if not match or int(match.group(1)) == 0:
        raise InputError(f"--since {text!r} is not a span", hint="write a number and a unit: 12h, 7d, 2w, 1m")
    return timedelta(days=int(match.group(1)) * _UNIT_DAYS[match.group(2)])


def window(store: Store, since: str, until: datetime | None = None) -> tuple[datetime, datetime]:
    """(start, end] of the digest: ``end`` is ``until`` (end of that day) or the newest comment's time."""
    if not store.has_table("feedback") or not store.count("feedback"):
        raise StageError("this workspace has no comments yet", hint="ingest a file first: empathic ingest WS FILE")
    newest = store.scalar("SELECT max(created_at) FROM feedback")
    if newest is None:
        raise InputError("no comment has a date, so there is no window to digest", hint="map a date column on ingest")
    end = until + timedelta(days=1) - timedelta(microseconds=1) if until is not None else pd.Timestamp(newest)
    end = pd.Timestamp(end).to_pydatetime()
    return end - parse_span(since), end


def _comments(store: Store, start: datetime, end: datetime) -> pd.DataFrame:
    feel = store.has_table("feedback_feelings")
    cols = "ff.sentiment, ff.intent" if feel else "CAST(NULL AS DOUBLE) AS sentiment, CAST(NULL AS VARCHAR) AS intent"
    join = "LEFT JOIN feedback_feelings ff USING (feedback_id)" if feel else ""
    return store.read_df(
        f"SELECT f.feedback_id, f.text, f.created_at, {cols} FROM feedback f {join} "
        "WHERE f.created_at > ? AND f.created_at <= ? ORDER BY f.created_at",
        [start, end],
    )


def _quotes(frame: pd.DataFrame, k: int = QUOTES) -> list[dict[str, Any]]:
    """Up to ``k`` quotes, the most strongly felt first (ties by id), each cut to 280 characters."""
    if frame.empty:
        return []
    order = frame.assign(_s=frame["sentiment"].abs().fillna(0)).sort_values(["_s", "feedback_id"],
                                                                              ascending=[False, True])  # fmt: skip
    out = []
    for r in order.head(k).itertuples():
        text = " ".join(str(r.text).split())
        out.append({"feedback_id": r.feedback_id, "text": text if len(text) <= 280 else text[:279] + "…",
                    "date": pd.Timestamp(r.created_at).date().isoformat()})  # fmt: skip
    return out


def _theme_changes(
    store: Store, start: datetime, end: datetime, span: timedelta, analytics: AnalyticsSettings
) -> list[dict[str, Any]]:
    """New, rising and falling themes: the window against the windows before it, by the workspace's alert and
    evidence rules (the same minimum n and lift as the overview's alerts)."""
    if not store.has_table("feedback_themes") or not store.count("themes"):
        return []
    base_start = start - BASELINE_WINDOWS * span
    counts = store.read_df(
        "SELECT t.theme_id, t.label, coalesce(t.status, 'active') AS status, f.created_at > ? AS in_window, "
        "count(DISTINCT ft.feedback_id) AS n FROM feedback_themes ft JOIN themes t USING (theme_id) "
        "JOIN feedback f USING (feedback_id) WHERE f.created_at > ? AND f.created_at <= ? "
        "AND coalesce(t.status, 'active') <> 'deleted' GROUP BY ALL",
        [start, base_start, end],
    )
    totals = store.read_df(
        "SELECT f.created_at > ? AS in_window, count(*) AS n FROM feedback f WHERE f.created_at > ? "
        "AND f.created_at <= ? GROUP BY ALL",
        [start, base_start, end],
    )
    n_of = {bool(r.in_window): int(r.n) for r in totals.itertuples()}
    if not n_of.get(True) or not n_of.get(False):
        return []
    labels = counts.drop_duplicates("theme_id").set_index("theme_id")
    rows = []
    for theme_id, label in labels["label"].items():
        for in_window, period in ((False, base_start), (True, start)):
            hit = counts[(counts.theme_id == theme_id) & (counts.in_window == in_window)]
            x = int(hit.n.sum()) if not hit.empty else 0
            rows.append({"grain": "window", "period_start": period, "theme_id": theme_id, "label": label,
                         "n_comments": x, "n_period": n_of[in_window], "share": x / n_of[in_window]})  # fmt: skip
    statuses = {str(k): str(v) for k, v in labels["status"].items()}
    alerts = theme_alerts(
        pd.DataFrame(rows), statuses, now_utc(), rules=EvidenceRules.from_settings(analytics),
        min_count=analytics.alert_min_count, min_lift=analytics.alert_min_lift,
    )  # fmt: skip
    out: dict[str, dict[str, Any]] = {}
    for a in alerts:  # a theme both new and rising is one "new" item that keeps the test's figures
        p = json.loads(a["payload"]) if isinstance(a["payload"], str) else a["payload"]
        kind = {"new_theme": "new", "rising": "rose", "falling": "fell"}[a["kind"]]
        item = out.setdefault(a["theme_id"], {"kind": kind, "theme_id": a["theme_id"], "label": p["label"], **p})
        item["text"] = (
            f"{p['label']}: {100 * p['share']:.1f} % of comments in the window ({p['count']:,} of {n_of[True]:,}), "
            f"against {100 * p['share_before']:.1f} % in the {BASELINE_WINDOWS} windows before (n = {n_of[False]:,})"
        )
        if p.get("q_value") is not None and p["q_value"] <= 0.05:
            item["text"] += f"; ×{p['lift']:.1f}, q = {p['q_value']:.2g}"
    return list(out.values())


def build_digest(
    store: Store,
    *,
    since: str = "7d",
    until: datetime | None = None,
    recipient: str | None = None,
    quotes: int = QUOTES,
    analytics: AnalyticsSettings | None = None,
) -> dict[str, Any]:
    """Everything a digest says, as plain data (JSON-ready); renderers and deliveries only format it.

    ``analytics``: the workspace's analytics settings, whose evidence and alert rules decide what rose or fell
    (defaults when not given)."""
    span = parse_span(since)
    start, end = window(store, since, until)
    comments = _comments(store, start, end)
    themes = _theme_changes(store, start, end, span, analytics or AnalyticsSettings())
    mentions = store.read_df(
        "SELECT DISTINCT ft.feedback_id, ft.theme_id FROM feedback_themes ft JOIN feedback f USING (feedback_id) "
        "WHERE f.created_at > ? AND f.created_at <= ?",
        [start, end],
    ) if store.has_table("feedback_themes") else pd.DataFrame(columns=["feedback_id", "theme_id"])  # fmt: skip
    for item in themes:
        ids = set(mentions.loc[mentions.theme_id == item["theme_id"], "feedback_id"])
        item["quotes"] = _quotes(comments[comments.feedback_id.isin(ids)], quotes)
    intents = comments["intent"].fillna("")
    asks = {
        "requests": comments[intents.isin(REQUEST_INTENTS)],
        "bugs": comments[intents.isin(BUG_INTENTS)],
    }
    fixes = [e.to_dict() for e in closed_loop.fix_effects(store)]
    for fix in fixes:
        fix["label"] = (owners.owner(store, fix["theme_id"]) or {}).get("label") or fix["theme_id"]
        ids = set(mentions.loc[mentions.theme_id == fix["theme_id"], "feedback_id"])
        fix["quotes"] = _quotes(comments[comments.feedback_id.isin(ids)], quotes)
    stored_alerts = (
        store.read_df("SELECT kind, theme_id, message, severity, period FROM alerts ORDER BY severity, alert_id")
        if store.has_table("alerts") else pd.DataFrame()
    )  # fmt: skip
    noted = []
    if recipient:
        table = notes.notes(store, mentioning=recipient)
        since_real = now_utc() - span
        noted = [notes.note_record(r) for _, r in table.iterrows() if pd.Timestamp(r.created_at) >= since_real]
    return {
        "window": {"since": since, "start": start.isoformat(), "end": end.isoformat(), "n_comments": len(comments)},
        "recipient": recipient,
        "themes": themes,
        "alerts": stored_alerts.to_dict("records"),
        "requests": {"n": len(asks["requests"]), "quotes": _quotes(asks["requests"], quotes)},
        "bugs": {"n": len(asks["bugs"]), "quotes": _quotes(asks["bugs"], quotes)},
        "fixes": fixes,
        "notes": noted,
    }


def to_json(digest: dict[str, Any]) -> str:
    """The digest as indented JSON."""
    return json.dumps(digest, indent=2, default=str, ensure_ascii=False)
