"""Notebook methods of the report area, mixed into :class:`empathic.Workspace`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from empathic.config import Settings
    from empathic.store import Store


class ReportAPI:
    """Mixin: the HTML report and exports. Uses self.store and self.settings."""

    store: Store
    settings: Settings

    def report(self, path: str | Path | None = None, *, title: str | None = None, score: str | None = None) -> str:
        """The self-contained HTML report as a string; also written to ``path`` when given. ``score``: the score
        of the drivers and "why it moved" sections (a column, display name or kind; default the main score)."""
        from empathic.report.html import render_report, save_html

        html = render_report(self.store, self.settings, title=title, score=score)
        if path is not None:
            save_html(html, path)
        return html

    def export(self, what: str, path: str | Path, *, fmt: str | None = None) -> int:
        """Export ``comments``/``themes``/``drivers``/``segments`` to CSV/XLSX/Parquet/JSON/JSONL by suffix.

        CSV and XLSX cells that a spreadsheet would run as formulas are neutralised. Returns the row count.
        """
        from empathic.report.export import export

        return export(self.store, what, path, fmt=fmt)
