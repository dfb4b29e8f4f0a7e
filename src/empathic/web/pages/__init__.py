"""The page registry: each section of the app is a small module exposing ``PAGE``.

A page declares its slug (``/w/{ws}/{slug}``), its nav label and order, the tables it needs (when any is empty the
page shows "not analysed yet — run `empathic analyze`") and loaders that turn a workspace plus query parameters
into a template context. A new stage adds a page by adding a module here; no other page changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from empathic.plugins import present_modules

if TYPE_CHECKING:
    from empathic.workspace import Workspace

Loader = Callable[["Workspace", dict[str, str]], dict[str, Any]]
DetailLoader = Callable[["Workspace", str, dict[str, str]], dict[str, Any] | None]


@dataclass(frozen=True)
class Page:
    """One section of the web app.

    Attributes:
        slug: URL segment and id (``themes`` → ``/w/{ws}/themes``).
        title: nav label.
        order: position in the nav (ascending).
        needs: tables that must hold rows for the page to have something to show.
        template: Jinja2 template of the list page.
        load: builds the list page context from the workspace and the query parameters.
        detail_template / detail: optional item page ``/w/{ws}/{slug}/{item_id}``; ``detail`` returns None for an
            unknown item (404).
        hint: what to run when ``needs`` is not met.
    """

    slug: str
    title: str
    order: int
    needs: tuple[str, ...]
    template: str
    load: Loader
    detail_template: str | None = None
    detail: DetailLoader | None = None
    hint: str = "run `empathic analyze WORKSPACE` (or Analyse on the Upload page)"


#: Page modules, in no particular order (``order`` sorts the nav). A missing module is skipped.
PAGE_MODULES: tuple[str, ...] = (
    "empathic.web.pages.overview",
    "empathic.web.pages.themes",
    "empathic.web.pages.verbatims",
    "empathic.web.pages.search",
    "empathic.web.pages.segments",
    "empathic.web.pages.drivers",
    "empathic.web.pages.trends",
    "empathic.web.pages.compare",
    "empathic.web.pages.ideas",
    "empathic.web.pages.personas",
    "empathic.web.pages.usage",
    "empathic.web.pages.customers",
)


def registered_pages() -> list[Page]:
    """Every page this installation has, in nav order."""
    pages = [module.PAGE for module in present_modules(PAGE_MODULES)]
    return sorted(pages, key=lambda p: (p.order, p.slug))


def stale(ws: Workspace) -> str | None:
    """Why the stored analytics results this page shows are stale (a theme edit, an ingest…), or ``None``.

    Shown as a banner with a refresh button (analysts) on the pages that read the stored results.
    """
    from empathic.analytics import stored

    return stored.stale_note(ws.store, ws.settings.analytics)


def int_param(query: dict[str, str], name: str, default: int, *, low: int = 1, high: int = 10_000) -> int:
    """A bounded integer query parameter; junk falls back to the default instead of erroring."""
    try:
        return max(low, min(high, int(query.get(name, default))))
    except (TypeError, ValueError):
        return default


def provenance(ws: Workspace) -> str | None:
    """Which runs and theme edits the stored analytics results came from (one line), or ``None`` before any
    analytics run. Shown under the title of the pages that read the stored results, so a number can be traced."""
    from empathic.analytics import stored

    return stored.provenance_text(ws.store)
