"""Store → DataFrame: each analytics result computed from the workspace (SQL aggregation + pure statistics).

The stage stores these results; the notebook API, the CLI and the web app call the same functions for live
answers (each is a handful of ``GROUP BY`` queries, ≤ 1 s on a million comments — see docs/bench/analytics.md).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd

from empathic.analytics import alerts as alerts_mod
from empathic.analytics import drivers as drivers_mod
from empathic.analytics import evidence
from empathic.analytics import impact as impact_mod
from empathic.analytics import segments as segments_mod
from empathic.analytics import trends as trends_mod
from empathic.analytics import waterfall as waterfall_mod
from empathic.analytics.scores import score_moments, summarise_scores
from empathic.analytics.settings import AnalyticsSettings
from empathic.analytics.sql import available
from empathic.errors import InputError
from empathic.store import Store


def now() -> datetime:
    """Naive UTC now (the store's timestamp convention)."""
    return datetime.now(UTC).replace(tzinfo=None)


def theme_labels(store: Store) -> dict[str, str]:
    """theme_id → label of every theme (empty when the themes stage has not run)."""
    if not store.count("themes"):
        return {}
    return dict(store.read_df("SELECT theme_id, label FROM themes").itertuples(index=False, name=None))


def resolve_theme(store: Store, name_or_id: str) -> tuple[str, str]:
    """``(theme_id, label)`` of a live theme given its id or its label at any level (case-insensitive).

    Raises:
        InputError: no such theme (with the closest labels), or a label shared by several themes (with their ids).
    """
    found = store.read_df(
        "SELECT theme_id, label, level FROM themes WHERE coalesce(status, 'active') <> 'deleted' "
        "AND (theme_id = ? OR lower(label) = lower(?)) ORDER BY theme_id = ? DESC, level, theme_id",
        [name_or_id, name_or_id, name_or_id],
    )
    if found.empty:
        close = store.read_df(
            "SELECT label FROM themes WHERE coalesce(status, 'active') <> 'deleted' "
            "ORDER BY jaro_winkler_similarity(lower(label), lower(?)) DESC, label LIMIT 5",
            [name_or_id],
        ).label.tolist()
        examples = ", ".join(map(repr, close)) or "(no themes yet)"
        raise InputError(f"no theme {name_or_id!r} in this workspace", hint=f"use a theme id or label, e.g. {examples}")
    if found.theme_id.iloc[0] != name_or_id and len(found) > 1:
        ids = ", ".join(f"{r.theme_id} (level {r.level})" for r in found.itertuples(index=False))
        raise InputError(f"{len(found)} themes are labelled {name_or_id!r}", hint=f"pass one id: {ids}")
    return str(found.theme_id.iloc[0]), str(found.label.iloc[0])


def theme_statuses(store: Store) -> dict[str, str]:
    """theme_id → status ('active' | 'emerging' | 'deleted')."""
    if not store.count("themes"):
        return {}
    df = store.read_df("SELECT theme_id, coalesce(status, 'active') FROM themes")
    return dict(df.itertuples(index=False, name=None))


def check_score(store: Store, score: str | None) -> str | None:
    """``score`` if the workspace has it (``None`` passes through); otherwise an InputError listing the names."""
    if score is None:
        return None
    names = store.read_df("SELECT DISTINCT name FROM feedback_scores ORDER BY name").name.tolist()
    if score not in names:
        raise InputError(f"no score {score!r} in this workspace", hint=f"choose from: {', '.join(names) or '(none)'}")
    return score


def rules(settings: AnalyticsSettings) -> evidence.EvidenceRules:
    """The evidence rules of these settings (see :mod:`empathic.analytics.evidence`)."""
    return evidence.EvidenceRules.from_settings(settings)


def newest_comment(store: Store) -> datetime | None:
    """Timestamp of the newest dated comment: what decides whether the newest period is finished."""
    return store.scalar("SELECT max(created_at) FROM feedback")


def partial_slack(store: Store) -> timedelta:
    """How early the data may stop in a period that still counts as finished (see :func:`evidence.partial_slack`)."""
    first, last, n = (
        store.read("SELECT min(created_at), max(created_at), count(created_at) FROM feedback").to_pylist()[0].values()
    )
    return evidence.partial_slack(first, last, n)


def scores(store: Store, settings: AnalyticsSettings) -> pd.DataFrame:
    """Headline value ± interval of every score column (see :func:`scores.summarise_scores`)."""
    from empathic.analytics.scores import display_names

    return summarise_scores(score_moments(store), settings.confidence, display_names(store))


def impact(store: Store, settings: AnalyticsSettings, score: str | None = None) -> pd.DataFrame:
    """Leave-one-out impact of each theme on each (or one) score."""
    score = check_score(store, score)
    if not available(store).has_themes:
        return impact_mod.leave_one_out_impact(pd.DataFrame(), pd.DataFrame())
    out = impact_mod.leave_one_out_impact(
        impact_mod.theme_moments(store), score_moments(store), settings.confidence, rules=rules(settings)
    )
    out = out if score is None else out[out.score_name == score].reset_index(drop=True)
    shown, hidden = evidence.hide_unsupported(out, "ci_low", "ci_high")
    shown.attrs["hidden"] = hidden
    if hidden:
        shown.attrs["warnings"] = [
            f"{hidden} theme impact(s) not shown: fewer than {settings.min_theme_n} comments with the score "
            "with or without the theme (evidence rules)"
        ]
    return shown


def drivers(store: Store, settings: AnalyticsSettings, score: str | None = None) -> pd.DataFrame:
    """Key-driver model of each (or one) score on theme presence (and theme sentiment when feelings ran)."""
    score = check_score(store, score)
    have = available(store)
    if not have.has_themes or not have.n_scores:
        return drivers_mod.key_drivers(pd.DataFrame(columns=["score_name"]), pd.DataFrame(), pd.DataFrame(), {})
    with_sentiment = have.has_sentence_themes and have.has_sentence_feelings
    totals, sums, cross = drivers_mod.driver_statistics(store, with_sentiment)
    if score is not None:
        totals = totals[totals.score_name == score]
    return drivers_mod.key_drivers(
        totals, sums, cross, theme_labels(store), ridge=settings.driver_ridge, conf=settings.confidence,
        min_count=max(settings.min_theme_count, settings.min_theme_n),
    )  # fmt: skip


def _last_two_periods(store: Store, settings: AnalyticsSettings, grain: str | None = None) -> tuple[tuple, tuple]:
    """The two newest complete periods of ``grain`` (default: the data's; a partial newest period is skipped)."""
    last = newest_comment(store)
    if last is None:
        raise InputError("the comments have no dates, so there are no periods to compare", hint="ingest with date=")
    grain = _grain(store, settings, grain)
    freq = {"day": "D", "week": "W-SUN", "month": "M", "quarter": "Q", "year": "Y"}[grain]
    p_b = pd.Period(pd.Timestamp(last), freq=freq)
    if settings.exclude_partial_periods and evidence.is_partial(
        p_b.start_time, (p_b + 1).start_time, last, partial_slack(store)
    ):
        p_b = p_b - 1
    p_a = p_b - 1
    return (
        (p_a.start_time.to_pydatetime(), p_b.start_time.to_pydatetime()),
        (p_b.start_time.to_pydatetime(), (p_b + 1).start_time.to_pydatetime()),
    )


def waterfall(
    store: Store,
    settings: AnalyticsSettings,
    score: str | None = None,
    period_a=None,
    period_b=None,
    *,
    grain: str | None = None,
) -> pd.DataFrame:
    """Which primary themes explain the change of ``score`` from ``period_a`` to ``period_b`` (default: the last
    two complete periods of ``grain``, itself by default the data's). ``attrs`` carries ``score_a``, ``score_b``,
    ``change`` and the periods."""
    score = check_score(store, score) or trends_mod.primary_score(store)
    if score is None:
        raise InputError("the workspace has no score column", hint="ingest with score=[...]")
    if period_a is None or period_b is None:
        default_a, default_b = _last_two_periods(store, settings, grain)
        period_a, period_b = period_a or default_a, period_b or default_b
    a = (
        period_a
        if isinstance(period_a, tuple) and isinstance(period_a[0], datetime)
        else waterfall_mod.parse_period(period_a)
    )
    b = (
        period_b
        if isinstance(period_b, tuple) and isinstance(period_b[0], datetime)
        else waterfall_mod.parse_period(period_b)
    )
    out = waterfall_mod.score_waterfall(
        waterfall_mod.period_moments(store, score, a, b),
        theme_labels(store),
        conf=settings.confidence,
        prior_strength=settings.prior_strength,
    )
    newest, slack = newest_comment(store), partial_slack(store)
    out.attrs.update({"score_name": score, "period_a": a, "period_b": b, "partial_a": evidence.is_partial(*a, newest,
                      slack), "partial_b": evidence.is_partial(*b, newest, slack)})  # fmt: skip
    return out


def segments(
    store: Store, settings: AnalyticsSettings, by: str | list[str] | None = None, top: int | None = None
) -> pd.DataFrame:
    """Every segment of ``by`` (default: every usable attribute) vs the rest; warnings in ``attrs['warnings']``.

    ``top``: compare an attribute's ``top`` most common values and pool the rest as ``other`` (default: only
    attributes with more than ``max_segment_values`` values, pooled to ``segment_top_values``)."""
    have = available(store)
    plan = segments_mod.plan_segments(
        store, [by] if isinstance(by, str) else by, settings.max_segment_values, top or settings.segment_top_values
    )
    aggregates = segments_mod.segment_aggregates(
        store, plan, with_themes=have.has_themes, with_sentiment=have.has_feelings
    )
    if plan.sql:
        out = segments_mod.compare_segments(
            *aggregates, alpha=settings.alpha, min_segment_size=settings.min_segment_size,
            min_theme_count=settings.min_theme_count, prior_strength=settings.prior_strength,
        )  # fmt: skip
    else:
        out = pd.DataFrame(columns=segments_mod.COLUMNS)
        out.attrs["warnings"] = []
    if not plan.attributes and not plan.warnings:
        plan.warnings.append("no attributes to compare (ingest with attr=[...])")
    labels = theme_labels(store)
    out.insert(4, "label", [labels.get(t, t) if isinstance(t, str) else None for t in out.theme_id])
    out.attrs["warnings"] = plan.warnings + out.attrs.get("warnings", [])
    return out


def _grain(store: Store, settings: AnalyticsSettings, grain: str | None) -> str:
    first, last, n = (
        store.read("SELECT min(created_at), max(created_at), count(created_at) FROM feedback").to_pylist()[0].values()
    )
    return trends_mod.choose_grain(first, last, grain or settings.grain, n=n, min_period_n=settings.min_period_n)


def trends(
    store: Store, settings: AnalyticsSettings, grain: str | None = None, score: str | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(theme_trends, periods)``: the period × theme table and the per-period totals with score moments, the
    score per period with its interval, and the evidence flags ``enough`` / ``partial`` (see
    :func:`trends.period_flags`). ``score``: the score followed per period (default: the main score)."""
    have = available(store)
    if not have.has_dates:
        return pd.DataFrame(columns=trends_mod.TREND_COLUMNS), pd.DataFrame()
    grain = _grain(store, settings, grain)
    score = check_score(store, score) or trends_mod.primary_score(store)
    periods, cells = trends_mod.trend_aggregates(
        store, grain, score, with_themes=have.has_themes,
        with_sentiment=have.has_sentence_themes and have.has_sentence_feelings,
    )  # fmt: skip
    table = trends_mod.theme_trends(periods, cells, theme_labels(store), grain, score, rules=rules(settings))
    periods = trends_mod.period_flags(periods, grain, newest_comment(store), rules=rules(settings),
                                      conf=settings.confidence, slack=partial_slack(store))  # fmt: skip
    periods.attrs.update({"grain": grain, "score_name": score})
    return table, periods


def score_trend(
    store: Store, settings: AnalyticsSettings, grain: str | None = None, score: str | None = None
) -> pd.DataFrame:
    """A score (default: the main one) per period with its interval and the evidence flags — the period totals of
    :func:`trends` without the period × theme table (one aggregation)."""
    if not available(store).has_dates:
        return pd.DataFrame()
    grain = _grain(store, settings, grain)
    score = check_score(store, score) or trends_mod.primary_score(store)
    periods, _ = trends_mod.trend_aggregates(store, grain, score, with_themes=False, with_sentiment=False)
    periods = trends_mod.period_flags(periods, grain, newest_comment(store), rules=rules(settings),
                                      conf=settings.confidence, slack=partial_slack(store))  # fmt: skip
    periods.attrs.update({"grain": grain, "score_name": score})
    return periods


#: The columns a score-over-time series shows (the Python API, the web Trends/Compare pages and the report).
SCORE_SERIES_COLUMNS = ["period", "n_period", "n", "value", "ci_low", "ci_high", "enough", "partial"]


def score_series(
    store: Store, settings: AnalyticsSettings, grain: str | None = None, score: str | None = None
) -> pd.DataFrame:
    """:func:`score_trend` cut to :data:`SCORE_SERIES_COLUMNS` (``value`` is ``nan`` for periods under the minimum
    n; ``partial`` = the unfinished newest period); ``.attrs`` holds ``grain`` and ``score_name``."""
    out = score_trend(store, settings, grain, score)
    frame = out[SCORE_SERIES_COLUMNS].copy() if len(out) else pd.DataFrame(columns=SCORE_SERIES_COLUMNS)
    frame.attrs.update(out.attrs)
    return frame


def alerts(store: Store, settings: AnalyticsSettings, trend_pair=None) -> pd.DataFrame:
    """The digest: rising / falling / new themes and score moves in the latest complete period, each passing the
    evidence rules (significance, minimum effect and volume; never a partial period)."""
    table, periods = trend_pair or trends(store, settings)
    if periods.empty:
        return alerts_mod.build_alerts([])
    stamp = now()
    if "partial" in periods and len(table):
        partial = set(periods.loc[periods.partial.astype(bool), "period"])
        table = table.assign(partial=table.period_start.isin(partial))
    found = alerts_mod.theme_alerts(
        table, theme_statuses(store), stamp, rules=rules(settings), min_count=settings.alert_min_count,
        min_lift=settings.alert_min_lift,
    )  # fmt: skip
    score = periods.attrs.get("score_name")
    kind, span = trends_mod.score_kind(store, score) if score else ("nps", None)
    found += alerts_mod.score_alert(periods, score, periods.attrs["grain"], stamp, rules=rules(settings), kind=kind,
                                    span=span)  # fmt: skip
    return alerts_mod.build_alerts(found)


def compare(
    store: Store,
    settings: AnalyticsSettings,
    score: str | None = None,
    periods: tuple | list | None = None,
    last: str | None = None,
):
    """Why ``score`` moved between two periods (see :mod:`empathic.analytics.compare`).

    Args:
        score: a score column, its display name or a kind (``nps``); default the main score.
        periods: two period specs (``"2022"``, ``"2023Q1"``, ``"2023-01"``, ``"2023-01-01..2023-03-31"``) or
            ``(start, end)`` pairs; or else ``last`` = ``"30d"`` / ``"12w"`` (the last N days vs the N before);
            default: the last two complete periods of the data's grain.
    """
    from empathic.analytics import compare as compare_mod

    if last and periods:
        raise InputError("give either --periods or --last, not both")
    if last:
        a, b = compare_mod.last_periods(store, last)
    elif periods:
        if len(periods) != 2:
            raise InputError(f"--periods needs two periods, got {len(periods)}", hint="e.g. --periods 2022 2023")
        a, b = (
            p if isinstance(p, tuple) and isinstance(p[0], datetime) else waterfall_mod.parse_period(p) for p in periods
        )
    else:
        a, b = _last_two_periods(store, settings)
    return compare_mod.compare_periods(
        store, a, b, score=score, labels=theme_labels(store), conf=settings.confidence, rules=rules(settings),
        slack=partial_slack(store),
    )  # fmt: skip
