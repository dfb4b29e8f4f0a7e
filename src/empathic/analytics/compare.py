"""Period comparison: why did the score move between two periods?

``compare_periods`` answers it in one result that every front door renders (CLI ``empathic compare``,
``ws.compare(...)``, ``GET /api/v1/w/{ws}/compare``):

- the score in each period with its interval and n, and the change with its interval and p (Welch on score points,
  variances shrunk toward the pooled one — see :mod:`empathic.analytics.evidence`);
- the waterfall of primary-theme contributions with bootstrap intervals (:mod:`empathic.analytics.waterfall`);
- themes that rose or fell (share of comments, two-proportion test, Benjamini–Hochberg, minimum share change and
  volume), new themes and themes that disappeared;
- a few quotes of the themes that moved, from the period where they are most present.

Periods: ``2023`` (a year), ``2023Q1``, ``2023-01`` (a month), ``2023-01-05`` (a day), ``2023-01-01..2023-03-31``
(whole days, both ends included), or the last N days/weeks vs the N before (``--last 30d``, ``12w``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from empathic import stats
from empathic.analytics import evidence
from empathic.analytics import waterfall as waterfall_mod
from empathic.analytics.evidence import EvidenceRules
from empathic.analytics.sql import LIVE_THEMES_CTE, POINTS_CTE, SCORE_KINDS
from empathic.analytics.trends import SCORE_PREFERENCE, primary_score
from empathic.errors import InputError
from empathic.store import Store

Period = tuple[datetime, datetime]
THEME_COLUMNS = ["theme_id", "label", "x_a", "n_a", "x_b", "n_b", "share_a", "share_b", "diff", "ci_low", "ci_high",
                 "p_value", "q_value", "status"]  # fmt: skip

PERIOD_SCORE_SQL = f"""
WITH {POINTS_CTE}
SELECT CASE WHEN f.created_at >= $a_start AND f.created_at < $a_end THEN 'a' ELSE 'b' END AS period,
       count(*) AS n, sum(p.x) AS s, sum(p.x * p.x) AS ss
FROM feedback f JOIN points p ON p.feedback_id = f.feedback_id AND p.score_name = $score
WHERE (f.created_at >= $a_start AND f.created_at < $a_end) OR (f.created_at >= $b_start AND f.created_at < $b_end)
GROUP BY 1 ORDER BY 1
"""

THEME_SHARES_SQL = f"""
WITH {LIVE_THEMES_CTE},
fb AS (
    SELECT feedback_id, CASE WHEN created_at >= $a_start AND created_at < $a_end THEN 'a' ELSE 'b' END AS period
    FROM feedback
    WHERE (created_at >= $a_start AND created_at < $a_end) OR (created_at >= $b_start AND created_at < $b_end)
)
SELECT fb.period, ft.theme_id, any_value(t.label) AS label, count(DISTINCT fb.feedback_id) AS x
FROM fb JOIN feedback_themes ft USING (feedback_id) JOIN live_themes t USING (theme_id)
WHERE t.level = 1 GROUP BY ALL ORDER BY ALL
"""

QUOTES_SQL = """
SELECT ft.theme_id, f.text, f.created_at FROM feedback f JOIN feedback_themes ft USING (feedback_id)
WHERE ft.theme_id = ? AND f.created_at >= ? AND f.created_at < ? AND length(trim(f.text)) >= 20
ORDER BY abs(length(f.text) - 160), f.feedback_id LIMIT ?
"""

#: The theme's own sentences (when the themes stage annotated sentences): a quote about the theme, not a comment
#: that also mentions it somewhere.
SENTENCE_QUOTES_SQL = """
SELECT st.theme_id, s.text FROM sentence_themes st JOIN sentences s USING (feedback_id, sentence_idx)
JOIN feedback f USING (feedback_id)
WHERE (st.theme_id = ? OR st.subtheme_id = ?) AND f.created_at >= ? AND f.created_at < ? AND length(trim(s.text)) >= 20
ORDER BY abs(length(s.text) - 100), st.feedback_id, st.sentence_idx LIMIT ?
"""


@dataclass
class PeriodComparison:
    """Everything :func:`compare_periods` found; ``to_dict()`` is the JSON shape of the REST endpoint."""

    score_name: str
    kind: str
    period_a: Period
    period_b: Period
    label_a: str
    label_b: str
    a: dict[str, Any]
    b: dict[str, Any]
    change: dict[str, Any]
    waterfall: pd.DataFrame
    themes: pd.DataFrame
    quotes: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-friendly dict (``nan`` → ``None``, timestamps → ISO)."""
        return _clean({
            "score_name": self.score_name, "kind": self.kind, "label_a": self.label_a, "label_b": self.label_b,
            "period_a": [t.isoformat() for t in self.period_a], "period_b": [t.isoformat() for t in self.period_b],
            "a": self.a, "b": self.b, "change": self.change, "waterfall": self.waterfall.to_dict(orient="records"),
            "themes": self.themes.to_dict(orient="records"), "quotes": self.quotes, "warnings": self.warnings,
        })  # fmt: skip


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, datetime | pd.Timestamp):
        return value.isoformat()
    return value


# -- what to compare -----------------------------------------------------------------------------------------------
def period_label(period: Period) -> str:
    """A short label: ``2023``, ``2023Q1``, ``2023-01``, ``2023-01-05`` when the period is one, else ``a..b``."""
    start, end = (pd.Timestamp(t) for t in period)
    for freq, fmt in (("Y", "%Y"), ("Q", None), ("M", "%Y-%m"), ("D", "%Y-%m-%d")):
        p = pd.Period(start, freq=freq)
        if p.start_time == start and (p + 1).start_time == end:
            return str(p) if fmt is None else start.strftime(fmt)
    return f"{start:%Y-%m-%d}..{(end - pd.Timedelta(days=1)):%Y-%m-%d}"


def last_periods(store: Store, spec: str) -> tuple[Period, Period]:
    """``"30d"`` / ``"12w"``: the last N days (weeks) up to the newest comment's day vs the N before."""
    match = re.fullmatch(r"\s*(\d+)\s*([dw])\s*", spec or "")
    if not match or int(match.group(1)) == 0:
        raise InputError(f"cannot read --last {spec!r}", hint="use a number of days or weeks, e.g. 30d or 12w")
    newest = store.scalar("SELECT max(created_at) FROM feedback")
    if newest is None:
        raise InputError("the comments have no dates, so there are no periods to compare", hint="ingest with date=")
    span = timedelta(days=int(match.group(1)) * (7 if match.group(2) == "w" else 1))
    end = pd.Timestamp(newest).normalize().to_pydatetime() + timedelta(days=1)
    return (end - 2 * span, end - span), (end - span, end)


def resolve_score(store: Store, score: str | None) -> tuple[str, str]:
    """``(name, kind)`` of the score to compare: a column name, its display name, or a kind (``nps`` picks the
    workspace's NPS column); default: the main score (NPS first, see ``trends.primary_score``)."""
    names = store.read_df(
        "SELECT name, any_value(kind) AS kind FROM feedback_scores WHERE kind IN (SELECT unnest(?::VARCHAR[])) "
        "GROUP BY name ORDER BY name",
        [list(SCORE_KINDS)],
    )
    if names.empty:
        raise InputError("the workspace has no score column to compare", hint="ingest with --score COLUMN")
    kinds = dict(zip(names.name, names.kind, strict=True))
    if score is None:
        name = primary_score(store)
        return str(name), kinds[name]
    if score in kinds:
        return score, kinds[score]
    if store.has_table("score_labels"):
        named = store.read_df("SELECT score_name FROM score_labels WHERE lower(display_name) = lower(?)", [score])
        if len(named) and named.score_name.iloc[0] in kinds:
            return str(named.score_name.iloc[0]), kinds[named.score_name.iloc[0]]
    by_kind = names[names.kind == score.lower()]
    if len(by_kind):
        by_kind = by_kind.assign(pref=by_kind.kind.map(SCORE_PREFERENCE)).sort_values(["pref", "name"])
        return str(by_kind.name.iloc[0]), str(by_kind.kind.iloc[0])
    raise InputError(f"no score {score!r} in this workspace", hint=f"choose from: {', '.join(names.name)}")


# -- the statistics (pure) -------------------------------------------------------------------------------------------
def score_change(moments: pd.DataFrame, *, conf: float = 0.95, rules: EvidenceRules | None = None):
    """Score per period and its change (pure).

    Args:
        moments: ``period ('a'|'b'), n, s, ss`` of score points.

    Returns:
        ``(a, b, change)`` dicts: ``n, value, ci_low, ci_high, enough`` per period; ``value, ci_low, ci_high,
        p_value, significant`` for the change (significant needs p ≤ alpha and both periods ≥ ``min_period_n``).
    """
    rules = rules or EvidenceRules()
    got = {r.period: r for r in moments.itertuples(index=False)}
    sides = {}
    n_all = sum(float(r.n) for r in got.values())
    var_all = stats.moments_variance(n_all, sum(float(r.s) for r in got.values()),
                                     sum(float(r.ss) for r in got.values()))  # fmt: skip
    z = float(stats.sps.norm.ppf(0.5 + conf / 2))
    for side in ("a", "b"):
        r = got.get(side)
        n, s, ss = (float(r.n), float(r.s), float(r.ss)) if r is not None else (0.0, 0.0, 0.0)
        var = float(evidence.shrunk_variance(n, stats.moments_variance(n, s, ss), var_all, rules.prior_strength))
        mean = s / n if n else float("nan")
        half = z * np.sqrt(var / n) if n else float("nan")
        sides[side] = {"n": int(n), "value": mean, "ci_low": float(mean - half), "ci_high": float(mean + half),
                       "var": var, "enough": bool(n >= rules.min_period_n)}  # fmt: skip
    a, b = sides["a"], sides["b"]
    diff, _, p = stats.welch_test(a["n"], a["value"], a["var"], b["n"], b["value"], b["var"])
    diff = b["value"] - a["value"]
    half = z * np.sqrt(a["var"] / a["n"] + b["var"] / b["n"]) if a["n"] and b["n"] else float("nan")
    change = {"value": diff, "ci_low": float(diff - half), "ci_high": float(diff + half), "p_value": float(p),
              "significant": bool(np.isfinite(p) and p <= rules.alpha and a["enough"] and b["enough"])}  # fmt: skip
    for side in (a, b):
        side.pop("var")
    return a, b, change


def theme_changes(
    shares: pd.DataFrame, n_a: int, n_b: int, *, conf: float = 0.95, rules: EvidenceRules | None = None
) -> pd.DataFrame:
    """Share of comments mentioning each top-level theme in both periods, tested (pure).

    Args:
        shares: ``period, theme_id, label, x`` (comments of the period mentioning the theme).
        n_a, n_b: comments in each period.

    Returns:
        DataFrame with :data:`THEME_COLUMNS`: ``diff`` = share_b − share_a with its Wald interval; ``status`` is
        ``rose`` / ``fell`` (q ≤ alpha, |diff| ≥ ``min_share_change``, ≥ ``min_cell_n`` mentions), ``new`` /
        ``gone`` (absent from one period, ≥ ``min_cell_n`` mentions in the other) or ``steady``; sorted by |diff|.
    """
    rules = rules or EvidenceRules()
    if shares.empty or not n_a or not n_b:
        return pd.DataFrame(columns=THEME_COLUMNS)
    wide = shares.pivot_table(index=["theme_id", "label"], columns="period", values="x", aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=["a", "b"], fill_value=0).reset_index()
    x_a, x_b = wide.a.to_numpy(float), wide.b.to_numpy(float)
    p_a, p_b = x_a / n_a, x_b / n_b
    _, _, p = stats.two_proportion_test(x_b, n_b, x_a, n_a)
    volume = x_a + x_b >= rules.min_cell_n
    p = np.where(volume & evidence.enough(min(n_a, n_b), rules.min_period_n), p, np.nan)
    q = stats.benjamini_hochberg(p)
    half = float(stats.sps.norm.ppf(0.5 + conf / 2)) * np.sqrt(p_a * (1 - p_a) / n_a + p_b * (1 - p_b) / n_b)
    diff = p_b - p_a
    moved = evidence.alert_worthy(q, diff, np.minimum(n_a, n_b), alpha=rules.alpha,
                                  min_effect=rules.min_share_change, min_n=rules.min_period_n)  # fmt: skip
    status = np.where(moved, np.where(diff > 0, "rose", "fell"), "steady")
    status = np.where((x_a == 0) & (x_b >= rules.min_cell_n), "new", status)
    status = np.where((x_b == 0) & (x_a >= rules.min_cell_n), "gone", status)
    out = pd.DataFrame({
        "theme_id": wide.theme_id, "label": wide.label, "x_a": x_a.astype(np.int64), "n_a": int(n_a),
        "x_b": x_b.astype(np.int64), "n_b": int(n_b), "share_a": p_a, "share_b": p_b, "diff": diff,
        "ci_low": diff - half, "ci_high": diff + half, "p_value": p, "q_value": q, "status": status,
    })  # fmt: skip
    out["_size"] = out["diff"].abs()
    out = out.sort_values(["_size", "theme_id"], ascending=[False, True], kind="mergesort").drop(columns="_size")
    return out.reset_index(drop=True)[THEME_COLUMNS]


# -- from the store ----------------------------------------------------------------------------------------------------
def compare_periods(
    store: Store,
    period_a: Period,
    period_b: Period,
    *,
    score: str | None = None,
    labels: dict[str, str] | None = None,
    conf: float = 0.95,
    rules: EvidenceRules | None = None,
    slack: timedelta = timedelta(days=1),
    n_quotes: int = 2,
) -> PeriodComparison:
    """Compare ``score`` (name, display name or kind; default the main score) between two ``[start, end)`` periods.

    Raises:
        InputError: no such score, or a period without any comment with the score.
    """
    rules = rules or EvidenceRules()
    name, kind = resolve_score(store, score)
    params = {"score": name, "a_start": period_a[0], "a_end": period_a[1], "b_start": period_b[0],
              "b_end": period_b[1]}  # fmt: skip
    moments = store.read_df(PERIOD_SCORE_SQL, params)
    if len(moments) < 2:
        raise InputError(
            f"no comments with {name!r} in {period_label(period_a if 'a' not in set(moments.period) else period_b)}",
            hint="pick periods inside the data's date range (see `empathic trends`)",
        )
    a, b, change = score_change(moments, conf=conf, rules=rules)
    newest = store.scalar("SELECT max(created_at) FROM feedback")
    a["partial"], b["partial"] = (evidence.is_partial(*p, newest, slack) for p in (period_a, period_b))
    labels = labels or {}
    wf = waterfall_mod.score_waterfall(waterfall_mod.period_moments(store, name, period_a, period_b), labels,
                                       conf=conf, prior_strength=rules.prior_strength)  # fmt: skip
    totals = (
        store.read_df(
            "SELECT CASE WHEN created_at >= $a_start AND created_at < $a_end THEN 'a' ELSE 'b' END AS period, "
            "count(*) AS n FROM feedback WHERE (created_at >= $a_start AND created_at < $a_end) "
            "OR (created_at >= $b_start AND created_at < $b_end) GROUP BY 1",
            {k: v for k, v in params.items() if k != "score"},
        )
        .set_index("period")
        .n
    )
    themes = theme_changes(
        store.read_df(THEME_SHARES_SQL, {k: v for k, v in params.items() if k != "score"}),
        int(totals.get("a", 0)), int(totals.get("b", 0)), conf=conf, rules=rules,
    )  # fmt: skip
    out = PeriodComparison(
        score_name=name, kind=kind, period_a=period_a, period_b=period_b, label_a=period_label(period_a),
        label_b=period_label(period_b), a=a, b=b, change=change, waterfall=wf, themes=themes,
    )  # fmt: skip
    out.quotes = _quotes(store, out, n_quotes)
    out.warnings = _warnings(out, rules)
    return out


def _quotes(store: Store, result: PeriodComparison, n: int) -> dict[str, list[str]]:
    """Up to ``n`` quotes of each theme that moved (and of the three largest waterfall contributions), from the
    period where the theme is most present: the theme's own sentences, else whole comments that mention it."""
    moved = result.themes[result.themes.status != "steady"].theme_id.tolist()
    top = result.waterfall.reindex(result.waterfall.contribution.abs().sort_values(ascending=False).index)
    wanted = list(dict.fromkeys(moved + [t for t in top.theme_id.head(3) if t != waterfall_mod.NO_THEME]))
    shares = result.themes.set_index("theme_id")
    sentences = store.count("sentence_themes") > 0 and store.count("sentences") > 0
    quotes: dict[str, list[str]] = {}
    for theme_id in wanted[:12]:
        later = theme_id not in shares.index or shares.loc[theme_id, "share_b"] >= shares.loc[theme_id, "share_a"]
        start, end = result.period_b if later else result.period_a
        # a few spare rows: repeated texts (copy-paste answers, a templated survey) are quoted once
        spare = 4 * n
        found = store.read_df(SENTENCE_QUOTES_SQL, [theme_id, theme_id, start, end, spare]) if sentences else None
        if found is None or found.empty:
            found = store.read_df(QUOTES_SQL, [theme_id, start, end, spare])
        distinct = _distinct(found.text, n)
        if distinct:
            quotes[theme_id] = distinct
    return quotes


def _distinct(texts, n: int) -> list[str]:
    """The first ``n`` texts, trimmed, each said once (ignoring case): repeated answers are not two quotes."""
    seen: dict[str, str] = {}
    for text in texts:
        trimmed = _trim(text)
        seen.setdefault(trimmed.casefold(), trimmed)
        if len(seen) == n:
            break
    return list(seen.values())


def _trim(text: str, limit: int = 240) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _warnings(result: PeriodComparison, rules: EvidenceRules) -> list[str]:
    out = []
    for side, label in (("a", result.label_a), ("b", result.label_b)):
        got = getattr(result, side)
        if not got["enough"]:
            out.append(f"{label} has only {got['n']} answers (under {rules.min_period_n}): the change is not tested")
        if got["partial"]:
            out.append(f"{label} is not finished: the data stops before its end")
    return out
