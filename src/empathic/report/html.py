"""``empathic report WORKSPACE -o report.html``: one self-contained, offline HTML file a CX lead can email.

No JavaScript at all: charts are inline SVG bars drawn server-side, CSS is inline, every number sits in a table.
All customer text goes through Jinja2 autoescaping.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from empathic.analytics.stored import provenance_text, stale_note
from empathic.privacy.read import redaction_note
from empathic.report import sections, views
from empathic.team.report_notes import notes_for_report

if TYPE_CHECKING:
    from empathic.config import Settings
    from empathic.store import Store

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def format_number(value: Any, digits: int = 2) -> str:
    """Numbers as people read them (thousands separators, fixed decimals, "–" for missing); a template filter."""
    if value is None:
        return "–"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def _pct(value: Any) -> str:
    return "–" if value is None else f"{100 * float(value):.1f} %"


_ENV.filters["num"] = format_number
_ENV.filters["pct"] = _pct


def bars(items: list[tuple[str, float]], *, width: int = 520, bar_height: int = 18) -> dict[str, Any]:
    """Geometry of a horizontal bar chart (drawn by the template as SVG); negative values extend left of 0."""
    values = [v for _, v in items if v is not None]
    lo, hi = min([0.0, *values]), max([0.0, *values])
    span = (hi - lo) or 1.0
    label_w, plot_w = 200, width - 260
    zero = label_w + plot_w * (0 - lo) / span
    out = []
    for i, (label, value) in enumerate(items):
        v = value or 0.0
        x1 = label_w + plot_w * (min(v, 0) - lo) / span
        x2 = label_w + plot_w * (max(v, 0) - lo) / span
        out.append({"label": label[:40], "value": value, "y": i * (bar_height + 6), "x": x1, "w": max(1.0, x2 - x1)})
    return {"bars": out, "zero": zero, "width": width, "height": len(items) * (bar_height + 6) + 4, "bh": bar_height}


def member_quotes(store: Store, theme_id: str, quotes: list[dict[str, Any]], *, n: int = 3) -> list[dict[str, Any]]:
    """Up to ``n`` quotes that are sentences of the theme itself (``sentence_themes``): the stored typical quotes that
    still belong to it (an edit can move a sentence elsewhere), topped up with its highest-scoring member sentences.
    """
    if not views.has_data(store, "sentence_themes", "sentences"):
        return quotes[:n]
    members = views.rows(
        store,
        "SELECT st.feedback_id, st.sentence_idx, s.text FROM sentence_themes st JOIN sentences s "
        "USING (feedback_id, sentence_idx) WHERE (st.theme_id = ? OR st.subtheme_id = ?) "
        "AND length(trim(s.text)) >= 20 ORDER BY st.score DESC NULLS LAST, st.feedback_id, st.sentence_idx LIMIT 200",
        [theme_id, theme_id],
    )
    keys = {(m["feedback_id"], m["sentence_idx"]) for m in members}
    kept = [q for q in quotes if (q.get("feedback_id"), q.get("sentence_idx")) in keys][:n]
    have = {(q.get("feedback_id"), q.get("sentence_idx")) for q in kept}
    for m in members:
        if len(kept) >= n:
            break
        quoted = {q["feedback_id"] for q in kept}
        if (m["feedback_id"], m["sentence_idx"]) not in have and m["feedback_id"] not in quoted:
            kept.append(m)
    return kept


def report_context(
    store: Store, settings: Settings, *, title: str | None = None, max_themes: int = 12, score: str | None = None
) -> dict[str, Any]:
    """Everything the report shows, as plain data (also handy for tests); ``score``: the score of the drivers and
    "why it moved" sections (default: the main score)."""
    data = views.overview(store)
    themes = [t for t in views.themes_table(store) or [] if t["level"] == 1 and (t["n_comments"] or not t["is_other"])]
    themes = themes[:max_themes]
    details = [views.theme_detail(store, t["theme_id"]) for t in themes]
    for theme, detail in zip(themes, details, strict=True):
        theme["quotes"] = member_quotes(store, theme["theme_id"], (detail or {}).get("quotes", []), n=3)
    drv = sections.drivers(store, score=score, top=10)  # one score, top 10 each way (not every score × theme)
    impact = [r for r in (drv or {}).get("impact", []) if r["level"] in (None, 1)]
    seg = sections.segments(store)
    significant = [d for d in (seg or {}).get("differences") or [] if d["significant"]][:20]
    usage = sections.usage(store)
    return {
        "title": title or f"Customer feedback report — {Path(store.path).stem}",
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "data": data,
        "themes": themes,
        "themes_chart": bars([(t["label"], t["n_comments"] or 0) for t in themes]),
        "impact": impact,
        "impact_chart": bars([(r["label"], r["impact"]) for r in impact[:15]]) if impact else None,
        "segments": significant,
        "trends": _trend_table(sections.trends(store)),
        "score_change": sections.score_change(store, settings, score=score),
        "alerts": views.alerts(store, limit=15) or [],
        "personas": sections.personas(store) or [],
        "ideas": (sections.ideas(store, settings, limit=10) or []),
        "usage": usage,
        "privacy": redaction_note(store),
        "stale": stale_note(store, settings.analytics),  # drivers, segments, trends: stored, maybe stale
        "provenance": provenance_text(store),  # the runs and edits the stored results came from
    }


def _trend_table(trends: dict[str, Any] | None, periods: int = 6, max_themes: int = 10) -> dict[str, Any] | None:
    """Theme × last ``periods`` periods share table, with each period's number of comments (its n) as the first
    row: a share is never shown without the n it is a share of."""
    if not trends or not trends["series"]:
        return None
    all_periods = sorted({r["period_start"] for r in trends["series"]})[-periods:]
    shares: dict[str, dict[str, float]] = {}
    totals: dict[str, int] = {}
    period_n: dict[str, int] = {}
    for r in trends["series"]:
        name = r["label"] or r["theme_id"]
        totals[name] = totals.get(name, 0) + (r["n_comments"] or 0)
        if r["period_start"] in all_periods:
            shares.setdefault(name, {})[r["period_start"]] = r["share"]
            period_n[r["period_start"]] = max(period_n.get(r["period_start"], 0), int(r["n_period"] or 0))
    names = sorted(totals, key=lambda k: (-totals[k], k))[:max_themes]
    return {
        "periods": [p[:10] for p in all_periods],
        "n": [period_n.get(p, 0) for p in all_periods],
        "rows": [(n, [shares.get(n, {}).get(p) for p in all_periods]) for n in names],
    }


def render_report(store: Store, settings: Settings, *, title: str | None = None, score: str | None = None) -> str:
    """The report as one HTML string (with the team's notes beside what they are on).

    It reads the workspace's :class:`~empathic.store.Store` through the areas' read functions (the same the CLI,
    the Python API and the web app call) with the workspace's ``settings`` (the evidence rules, the feelings mode),
    and never the :class:`~empathic.workspace.Workspace` (``tests/core/test_import_direction.py``)."""
    context = report_context(store, settings, title=title, score=score)
    context["notes"] = notes_for_report(store, context)
    return _ENV.get_template("report.html").render(**context)


def write_report(
    store: Store, settings: Settings, path: str | Path, *, title: str | None = None, score: str | None = None
) -> Path:
    """Write the report to ``path`` (parent folder must exist) and return the path."""
    return save_html(render_report(store, settings, title=title, score=score), path)


def save_html(html: str, path: str | Path) -> Path:
    """Write an HTML string to ``path`` with a clear error when the folder is missing."""
    from empathic.errors import InputError

    target = Path(path)
    if not target.parent.exists():
        raise InputError(f"folder {target.parent} does not exist", hint="create it or choose another -o path")
    target.write_text(html, encoding="utf-8")
    return target
