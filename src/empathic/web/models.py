"""Pydantic models of the REST API's answers (``/api/v1``): what a client of the main routes can rely on.

The routes serialize their answers once per cache generation (``routers/api.py: _answer``), so these models are
declared as each route's ``response_model`` for the OpenAPI schema rather than re-validated per request;
``tests/web/test_web_api_models.py`` validates real answers against them, so they cannot drift from the code.
Models allow extra fields: an area may add a column without breaking a client, and a field listed here is
guaranteed.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class ErrorEnvelope(BaseModel):
    """The one error shape of every route called as an API (``empathic.web.errors``)."""

    error: str
    status: int
    message: str
    hint: str | None = None
    where: str | None = None
    detail: Any = None


class ThemeRow(_Open):
    """One live theme of ``GET /w/{ws}/themes`` (both levels), with its impact on the main score when analysed."""

    theme_id: str
    parent_id: str | None
    level: int
    label: str
    n_comments: int | None
    share: float | None
    is_other: bool | None
    status: str | None
    sentiment: float | None
    impact: float | None
    ci_low: float | None
    ci_high: float | None
    q_value: float | None
    summary: str | None
    score_name: str | None
    sparkline: list[float | None]


class Segment(_Open):
    """A piece of a comment's text; ``mark`` is true where it matched the filter or query."""

    text: str
    mark: bool


class ThemeRef(_Open):
    theme_id: str
    label: str | None


class ScoreValue(_Open):
    name: str
    value: float | None


class CommentItem(_Open):
    """One comment of ``GET /w/{ws}/comments`` with its themes, scores, highlight segments and notes."""

    feedback_id: str
    created_at: str | None
    customer_id: str | None
    text: str
    sentiment: float | None
    sentiment_label: str | None
    themes: list[ThemeRef]
    scores: list[ScoreValue]
    segments: list[Segment]
    notes: list[dict[str, Any]]


class CommentsPage(_Open):
    """A page of comments (newest first)."""

    total: int
    page: int
    page_size: int
    pages: int
    items: list[CommentItem]


class SearchItem(_Open):
    """One comment matching a ``GET /w/{ws}/search`` query."""

    feedback_id: str
    text: str
    created_at: str | None
    primary_theme: str | None
    sentiment: str | None
    segments: list[Segment]
    notes: list[dict[str, Any]]


class SearchResults(_Open):
    """Comments matching a query-language query; ``available`` is false on installations without search."""

    available: bool
    items: list[SearchItem]
    total: int | None = None


class ImpactRow(_Open):
    """A theme's leave-one-out impact on a score, with its 95 % interval and BH q-value."""

    score_name: str
    metric: str | None
    theme_id: str
    label: str | None
    level: int | None
    n_with: int | None
    score_with: float | None
    score_without: float | None
    impact: float | None
    ci_low: float | None
    ci_high: float | None
    q_value: float | None
    direction: str


class KeyDriverRow(_Open):
    """A theme's coefficient in the ridge regression of a score (with bootstrap interval and relative weight)."""

    score_name: str
    theme_id: str
    label: str | None
    feature: str
    coef: float | None
    ci_low: float | None
    ci_high: float | None
    relative_weight: float | None
    r_squared: float | None
    n: int | None


class Drivers(_Open):
    """``GET /w/{ws}/drivers``: theme impact on every score and key drivers."""

    impact: list[ImpactRow]
    key_drivers: list[KeyDriverRow]
    score_name: str | None


class RunRef(_Open):
    run_id: str
    finished_at: str | None


class EditsRef(_Open):
    n: int
    last_edit_id: str | None


class Provenance(_Open):
    """``GET /w/{ws}/provenance``: the run a stage's stored results came from and the runs it read."""

    stage: str
    run_id: str
    started_at: str
    inputs: dict[str, RunRef]
    theme_edits: EditsRef
    text: str | None
    stale: bool | None = None


#: Every model the OpenAPI schema must name (checked by the tests).
API_MODELS = (ErrorEnvelope, ThemeRow, CommentsPage, SearchResults, Drivers, Provenance)
