"""Personas: who the customers are, with empathy maps and quotes."""

from __future__ import annotations

from typing import Any

from empathic.report import sections
from empathic.web.pages import Page


def load(ws: Any, query: dict[str, str]) -> dict[str, Any]:
    from empathic.stage import provenance_line

    return {"personas": sections.personas(ws.store) or [], "provenance": provenance_line(ws.provenance("personas"))}


PAGE = Page(
    slug="personas",
    title="Personas",
    order=60,
    needs=("personas",),
    template="personas.html",
    load=load,
    hint="needs customers and their feedback or events; run `empathic analyze WORKSPACE`",
)
