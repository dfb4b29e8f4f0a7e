"""Segment comparison: each segment of a categorical attribute vs the rest, with real significance.

For every attribute (plan, region, department, an age band…) and every segment of it, three families of tests:

- ``theme_share``: share of the segment's comments mentioning each top-level theme vs the rest — pooled
  two-proportion z-test, ``lift`` = share ratio;
- ``score``: mean score points (NPS points, CSAT %, mean rating) vs the rest — Welch's t-test, ``diff`` in points;
- ``sentiment``: mean comment sentiment vs the rest (when the feelings stage ran) — Welch's t-test.

p-values are adjusted with Benjamini–Hochberg over *all* tests of one attribute; ``significant`` means
``q ≤ alpha`` **and** both groups pass the minimum-count guards (tiny segments are reported with ``test =
'too_small'``, rare themes with ``'too_rare'``, never as headlines). Numeric attributes with many values (age) are
cut into quintile bands first.

Attributes are read from the view ``comment_attributes``: a comment's own attributes, a multi-valued one (tags)
one row per value, and its customer's attributes (``plan`` from a CRM file). A comment with two tags is in both
segments, so "the rest" of a segment is counted over distinct comments, not summed over segments.

Every row carries ``ci_low``/``ci_high``: a credible interval of the segment's value whose prior is the
attribute-wide value worth ``prior_strength`` comments (evidence rules), so a segment of 3 gets a wide interval
pulled toward the usual value instead of a raw 0 % or 100 %; a segment too small to be tested shows that shrunk
value as ``value_segment``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from empathic import stats
from empathic.analytics import evidence
from empathic.analytics.sql import LIVE_THEMES_CTE, MENTIONS_CTE, POINTS_CTE
from empathic.store import Store

COLUMNS = ["attribute", "segment", "metric", "theme_id", "score_name", "n_segment", "n_rest", "value_segment",
           "value_rest", "lift", "diff", "test", "statistic", "p_value", "q_value", "significant", "ci_low",
           "ci_high"]  # fmt: skip

NUMERIC_BAND_THRESHOLD = 12  # a numeric attribute with more distinct values than this is banded
OTHER = "other"  # the pooled segment of a high-cardinality attribute's rare values


@dataclass
class SegmentPlan:
    """How comments map to segments: a SQL CTE body ``seg(feedback_id, attribute, segment)`` and its params."""

    sql: str
    params: list[Any] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    attributes: list[str] = field(default_factory=list)


def _band_labels(edges: list[float]) -> list[str]:
    integer = all(float(e).is_integer() for e in edges)
    fmt = (lambda v: f"{int(v)}") if integer else (lambda v: f"{v:g}")
    labels = [f"<{fmt(edges[0])}"]
    for lo, hi in itertools.pairwise(edges):
        labels.append(f"{fmt(lo)}–{fmt(hi - 1)}" if integer and hi - 1 > lo else f"{fmt(lo)}–<{fmt(hi)}")
    labels.append(f"≥{fmt(edges[-1])}")
    return labels


def plan_segments(
    store: Store, by: list[str] | None = None, max_values: int = 50, top_values: int | None = 20
) -> SegmentPlan:
    """Decide which attributes to compare and how: categorical as is; high-cardinality numeric as quintile bands;
    a categorical attribute with more than ``max_values`` values (a 56-country ``place``) keeps its
    ``top_values`` most common values and pools the rest as ``other`` (``top_values=None``: skipped instead).
    An explicit ``top_values`` below ``max_values`` pools every attribute with more values than it."""
    info = store.read_df(
        "SELECT name, count(DISTINCT value) AS n_values, count(*) AS n, count(TRY_CAST(value AS DOUBLE)) AS n_num "
        "FROM comment_attributes GROUP BY name ORDER BY name"
    )
    plan = SegmentPlan(sql="")
    if by:
        missing = sorted(set(by) - set(info.name))
        if missing:
            from empathic.errors import InputError

            raise InputError(
                f"no attribute {', '.join(map(repr, missing))} in this workspace",
                hint=f"choose from: {', '.join(info.name) or '(none — ingest with attr=[...])'}",
            )
        info = info[info.name.isin(by)]
    parts = []
    for r in info.itertuples(index=False):
        numeric = r.n_num == r.n and r.n_values > NUMERIC_BAND_THRESHOLD
        if r.n_values < 2:
            plan.warnings.append(f"attribute {r.name!r} has a single value; nothing to compare")
            continue
        if numeric:
            edges = store.read_df(
                "SELECT DISTINCT unnest(quantile_disc(TRY_CAST(value AS DOUBLE), [0.2, 0.4, 0.6, 0.8])) AS e "
                "FROM comment_attributes WHERE name = ? ORDER BY e",
                [r.name],
            ).e.tolist()
            cases = " ".join(f"WHEN TRY_CAST(value AS DOUBLE) < ? THEN {i}" for i in range(len(edges)))
            parts.append(
                "SELECT feedback_id, attribute, (?::VARCHAR[])[band + 1] AS segment FROM ("
                f"SELECT feedback_id, name AS attribute, CASE {cases} ELSE {len(edges)} END AS band "
                "FROM comment_attributes WHERE name = ?)"
            )
            plan.params.extend([_band_labels(edges), *edges, r.name])
        elif top_values is not None and r.n_values > min(max_values, top_values):
            kept = store.read_df(
                "SELECT value FROM comment_attributes WHERE name = ? GROUP BY value ORDER BY count(*) DESC, value "
                "LIMIT ?",
                [r.name, top_values],
            ).value.tolist()
            parts.append(
                "SELECT feedback_id, name AS attribute, CASE WHEN value IN (SELECT unnest(?::VARCHAR[])) THEN value "
                f"ELSE '{OTHER}' END AS segment FROM comment_attributes WHERE name = ?"
            )
            plan.params.extend([kept, r.name])
            plan.warnings.append(
                f"attribute {r.name!r} has {r.n_values} distinct values: its {len(kept)} most common are compared, "
                f"the other {r.n_values - len(kept)} pooled as {OTHER!r} (change with --top N)"
            )
        elif r.n_values > max_values:
            plan.warnings.append(
                f"attribute {r.name!r} has {r.n_values} distinct values (more than {max_values}); skipped"
            )
            continue
        else:
            parts.append(
                "SELECT feedback_id, name AS attribute, value AS segment FROM comment_attributes WHERE name = ?"
            )
            plan.params.append(r.name)
        plan.attributes.append(r.name)
    plan.sql = " UNION ALL ".join(parts)
    return plan


def segment_aggregates(store: Store, plan: SegmentPlan, *, with_themes: bool, with_sentiment: bool):
    """The SQL aggregations: sizes, theme counts, score moments and sentiment moments per attribute × segment."""
    empty = pd.DataFrame()
    if not plan.sql:
        return empty, empty, empty, empty
    # DISTINCT: a comment whose two tags were both pooled as "other" is in "other" once
    head = f"WITH seg AS (SELECT DISTINCT * FROM ({plan.sql})), {POINTS_CTE}, {LIVE_THEMES_CTE}, {MENTIONS_CTE} "
    sizes = store.read_df(
        head + "SELECT attribute, segment, count(*) AS n, any_value(n_attr) AS n_attr FROM seg JOIN "
        "(SELECT attribute, count(DISTINCT feedback_id) AS n_attr FROM seg GROUP BY ALL) USING (attribute) "
        "GROUP BY attribute, segment ORDER BY attribute, segment",
        plan.params,
    )
    themes = empty
    if with_themes:
        themes = store.read_df(
            head + "SELECT s.attribute, s.segment, m.theme_id, count(*) AS x, any_value(t.x_all) AS x_all "
            "FROM seg s JOIN mentions m USING (feedback_id) JOIN (SELECT s.attribute, m.theme_id, "
            "count(DISTINCT s.feedback_id) AS x_all FROM seg s JOIN mentions m USING (feedback_id) WHERE m.level = 1 "
            "GROUP BY ALL) t ON t.attribute = s.attribute AND t.theme_id = m.theme_id WHERE m.level = 1 "
            "GROUP BY s.attribute, s.segment, m.theme_id ORDER BY s.attribute, s.segment, m.theme_id",
            plan.params,
        )
    scores = store.read_df(
        head + "SELECT s.attribute, s.segment, p.score_name, count(*) AS n, sum(p.x) AS s, sum(p.x * p.x) AS ss, "
        "any_value(t.n_all) AS n_all, any_value(t.s_all) AS s_all, any_value(t.ss_all) AS ss_all "
        "FROM seg s JOIN points p USING (feedback_id) JOIN (SELECT attribute, score_name, count(*) AS n_all, "
        "sum(x) AS s_all, sum(x * x) AS ss_all FROM (SELECT DISTINCT s.attribute, s.feedback_id, p.score_name, p.x "
        "FROM seg s JOIN points p USING (feedback_id)) GROUP BY ALL) t "
        "ON t.attribute = s.attribute AND t.score_name = p.score_name "
        "GROUP BY s.attribute, s.segment, p.score_name ORDER BY s.attribute, s.segment, p.score_name",
        plan.params,
    )
    sentiment = empty
    if with_sentiment:
        sentiment = store.read_df(
            head + "SELECT s.attribute, s.segment, 'sentiment' AS score_name, count(ff.sentiment) AS n, "
            "sum(ff.sentiment) AS s, sum(ff.sentiment * ff.sentiment) AS ss, any_value(t.n_all) AS n_all, "
            "any_value(t.s_all) AS s_all, any_value(t.ss_all) AS ss_all FROM seg s "
            "JOIN feedback_feelings ff USING (feedback_id) JOIN (SELECT attribute, count(sentiment) AS n_all, "
            "sum(sentiment) AS s_all, sum(sentiment * sentiment) AS ss_all FROM (SELECT DISTINCT s.attribute, "
            "s.feedback_id, ff.sentiment FROM seg s JOIN feedback_feelings ff USING (feedback_id)) GROUP BY ALL) t "
            "ON t.attribute = s.attribute GROUP BY s.attribute, s.segment ORDER BY s.attribute, s.segment",
            plan.params,
        )
    return sizes, themes, scores, sentiment


def _theme_tests(sizes: pd.DataFrame, themes: pd.DataFrame, prior_strength: float = 10.0) -> pd.DataFrame:
    if themes.empty:
        return pd.DataFrame()
    grid = sizes.merge(themes[["attribute", "theme_id"]].drop_duplicates(), on="attribute")
    df = grid.merge(themes, on=["attribute", "segment", "theme_id"], how="left").fillna({"x": 0})
    if "n_attr" not in df:  # totals over distinct comments (multi-valued attributes) when the caller has them
        df = df.merge(
            sizes.groupby("attribute", as_index=False).n.sum().rename(columns={"n": "n_attr"}), on="attribute"
        )
    if "x_all" in df:
        df["x_all"] = df.groupby(["attribute", "theme_id"]).x_all.transform("max")
    else:
        df["x_all"] = df.groupby(["attribute", "theme_id"]).x.transform("sum")
    n_rest, x_rest = df.n_attr - df.n, df.x_all - df.x
    lift, z, p = stats.two_proportion_test(df.x, df.n, x_rest, n_rest)
    with np.errstate(invalid="ignore", divide="ignore"):
        seg_share, rest_share = df.x / df.n, x_rest / n_rest
    shrunk, low, high = evidence.share_credible_interval(df.x, df.n, df.x_all / df.n_attr, prior_strength)
    return pd.DataFrame({
        "attribute": df.attribute, "segment": df.segment, "metric": "theme_share", "theme_id": df.theme_id,
        "score_name": None, "n_segment": df.n, "n_rest": n_rest, "value_segment": seg_share,
        "value_rest": rest_share, "lift": lift, "diff": seg_share - rest_share, "test": "two_proportion",
        "statistic": z, "p_value": p, "x_total": df.x_all, "ci_low": low, "ci_high": high, "shrunk": shrunk,
    })  # fmt: skip


def _mean_tests(moments: pd.DataFrame, metric: str, prior_strength: float = 10.0) -> pd.DataFrame:
    """Welch tests of each segment's mean vs the rest, the variances shrunk toward the attribute's overall one
    (evidence rules: a small segment whose answers happen to agree is not infinitely precise)."""
    if moments.empty:
        return pd.DataFrame()
    df = moments.copy()
    for col in ("n", "s", "ss"):
        if col + "_all" not in df:  # totals over distinct comments (multi-valued attributes) when given
            df[col + "_all"] = df.groupby(["attribute", "score_name"])[col].transform("sum")
    n_r, s_r, ss_r = df.n_all - df.n, df.s_all - df.s, df.ss_all - df.ss
    with np.errstate(invalid="ignore", divide="ignore"):
        m_seg, m_rest = df.s / df.n, s_r / n_r
        # a ratio only means something for positive scales (not NPS points or sentiment in -1..1)
        lift = np.where((m_rest > 0) & (m_seg >= 0), m_seg / m_rest, np.nan)
    var_all = stats.moments_variance(df.n_all, df.s_all, df.ss_all)
    var_seg = evidence.shrunk_variance(df.n, stats.moments_variance(df.n, df.s, df.ss), var_all, prior_strength)
    var_rest = evidence.shrunk_variance(n_r, stats.moments_variance(n_r, s_r, ss_r), var_all, prior_strength)
    diff, t, p = stats.welch_test(df.n, m_seg, var_seg, n_r, m_rest, var_rest)
    shrunk, low, high = evidence.mean_credible_interval(
        df.n, m_seg, stats.moments_variance(df.n, df.s, df.ss), df.s_all / df.n_all, var_all, prior_strength
    )
    return pd.DataFrame({
        "attribute": df.attribute, "segment": df.segment, "metric": metric, "theme_id": None,
        "score_name": df.score_name if metric == "score" else None, "n_segment": df.n, "n_rest": n_r,
        "value_segment": m_seg, "value_rest": m_rest, "lift": lift, "diff": diff, "test": "welch_t",
        "statistic": t, "p_value": p, "x_total": np.inf, "ci_low": low, "ci_high": high, "shrunk": shrunk,
    })  # fmt: skip


def compare_segments(
    sizes: pd.DataFrame,
    themes: pd.DataFrame,
    scores: pd.DataFrame,
    sentiment: pd.DataFrame,
    *,
    alpha: float = 0.05,
    min_segment_size: int = 30,
    min_theme_count: int = 5,
    prior_strength: float = 10.0,
) -> pd.DataFrame:
    """All segment-vs-rest tests with guards and Benjamini–Hochberg per attribute (pure).

    Args:
        sizes: ``attribute, segment, n``; themes: ``attribute, segment, theme_id, x`` (comments mentioning it);
        scores / sentiment: ``attribute, segment, score_name, n, s, ss`` (moments of points / sentiment).

    Returns:
        DataFrame with :data:`COLUMNS`, sorted by attribute, significance, q-value. Warnings about tiny
        segments are in ``attrs['warnings']``.
    """
    parts = [_theme_tests(sizes, themes, prior_strength), _mean_tests(scores, "score", prior_strength),
             _mean_tests(sentiment, "sentiment", prior_strength)]  # fmt: skip
    parts = [p for p in parts if not p.empty]
    if not parts:
        out = pd.DataFrame(columns=COLUMNS)
        out.attrs["warnings"] = []
        return out
    df = pd.concat(parts, ignore_index=True)
    small = (df.n_segment < min_segment_size) | (df.n_rest < min_segment_size)
    rare = df.x_total < min_theme_count
    df.loc[small, "test"], df.loc[rare & ~small, "test"] = "too_small", "too_rare"
    df.loc[small | rare, ["statistic", "p_value"]] = np.nan
    tiny_segment = df.n_segment < min_segment_size  # not tested: its shrunk value, never a raw 2-of-2 = 100 %
    df.loc[tiny_segment, "value_segment"] = df.loc[tiny_segment, "shrunk"]
    with np.errstate(invalid="ignore", divide="ignore"):
        df.loc[tiny_segment, "diff"] = df.value_segment - df.value_rest
        ratio = np.where(df.value_rest > 0, df.value_segment / df.value_rest, np.nan)
    df.loc[tiny_segment & (df.metric == "theme_share"), "lift"] = ratio[tiny_segment & (df.metric == "theme_share")]
    df["q_value"] = np.nan
    for _, idx in df.groupby("attribute").groups.items():
        df.loc[idx, "q_value"] = stats.benjamini_hochberg(df.loc[idx, "p_value"].to_numpy(float))
    df["significant"] = (df.q_value <= alpha).fillna(False).astype(bool)
    tiny = sizes[sizes.n < min_segment_size]
    warnings = []
    for attribute, part in tiny.groupby("attribute", sort=True):  # one line per attribute, not per segment
        listed = ", ".join(f"{r.segment!r} has only {r.n}" for r in part.head(6).itertuples(index=False))
        more = f" and {len(part) - 6} more" if len(part) > 6 else ""
        warnings.append(
            f"{attribute}: {len(part)} segment(s) under {min_segment_size} comments not tested ({listed}{more})"
        )
    df = df.sort_values(
        ["attribute", "significant", "q_value", "segment", "metric", "theme_id", "score_name"],
        ascending=[True, False, True, True, True, True, True], na_position="last", kind="mergesort",
    )  # fmt: skip
    out = df.reset_index(drop=True)[COLUMNS]
    out.attrs["warnings"] = warnings
    return out
