"""Ideas board: what customers suggest, grouped by theme."""

from __future__ import annotations

from typing import Any

from empathic.report import sections
from empathic.web.pages import Page


def load(ws: Any, query: dict[str, str]) -> dict[str, Any]:
    return {"ideas": sections.ideas(ws.store, ws.settings) or []}


PAGE = Page(slug="ideas", title="Ideas", order=50, needs=("sentence_feelings",), template="ideas.html", load=load)
