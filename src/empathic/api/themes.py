"""Notebook methods of the themes area, mixed into :class:`empathic.Workspace`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from empathic import pipeline
from empathic.activity import record
from empathic.themes import service

if TYPE_CHECKING:
    from empathic.config import Settings
    from empathic.store import Store


class ThemesAPI:
    """Mixin: themes results as pandas DataFrames. Uses self.store and self.settings."""

    store: Store
    settings: Settings

    def themes(self, *, include_deleted: bool = False) -> pd.DataFrame:
        """The theme tree: one row per theme and subtheme (ids, labels, counts, shares, keywords, sentiment)."""
        return service.theme_tree(self.store, include_deleted=include_deleted)

    def theme(self, theme: str) -> pd.Series:
        """One theme (by id or label) with its ``subthemes`` (list of ids) and ``quotes`` (list of dicts)."""
        theme_id = service.resolve_theme(self.store, theme)
        tree = service.theme_tree(self.store, include_deleted=True)
        row = tree[tree.theme_id == theme_id].iloc[0].copy()
        row["subthemes"] = tree[(tree.parent_id == theme_id) & (tree.status != "deleted")].theme_id.tolist()
        row["quotes"] = service.theme_quotes(self.store, theme_id).to_dict("records")
        return row

    def theme_quotes(self, theme: str) -> pd.DataFrame:
        """3–5 representative quotes of a theme: feedback_id, sentence_idx, text."""
        return service.theme_quotes(self.store, theme)

    def theme_edits(self) -> pd.DataFrame:
        """The stored edits, oldest first (they are replayed after every rediscovery)."""
        return service.edit_log(self.store)

    def _edit(self, op: str, payload: dict) -> None:
        """Store one edit, then re-run the themes stage so it takes effect (recorded in ``runs`` like any run), and
        the analytics results that depend on the themes when that is cheap (``AnalyticsAPI.refresh_after_edit``).

        The edit is logged in the activity log (``theme.<op>``) once it has taken effect, signed by the current
        actor (the web app's signed-in user, else ``$EMPATHIC_USER`` or the login name): CLI, notebook and web
        edits all pass here.
        """
        service.record_edit(self.store, op, payload)
        pipeline.run_stage(self.store, pipeline.available_stages()["themes"], self.settings)
        target = payload.get("into") or payload.get("theme_id") or (payload.get("theme_ids") or [None])[0]
        record(self.store, action=f"theme.{op}", object_kind="theme", object_id=target, detail=payload)
        refresh = getattr(self, "refresh_after_edit", None)
        if refresh is not None:
            refresh()

    def rename_theme(self, theme: str, label: str) -> pd.DataFrame:
        """Give a theme a new label (kept across re-analysis); returns the updated tree."""
        self._edit("rename", {"theme_id": theme, "label": label})
        return self.themes()

    def merge_themes(self, themes: list[str], *, into: str | None = None, label: str | None = None) -> pd.DataFrame:
        """Merge themes into ``into`` (default: the first); its id and label are kept unless ``label`` is given."""
        payload = {"theme_ids": list(themes), "into": into, "label": label}
        self._edit("merge", payload)
        return self.themes()

    def split_theme(self, theme: str, n: int = 2) -> pd.DataFrame:
        """Split a theme into ``n`` parts by its comments' meaning; returns the updated tree."""
        self._edit("split", {"theme_id": theme, "n": n})
        return self.themes()

    def delete_theme(self, theme: str) -> pd.DataFrame:
        """Delete a theme (and its subthemes); its units go to the next closest theme or 'other'."""
        self._edit("delete", {"theme_id": theme})
        return self.themes()

    def create_theme(
        self, label: str, keywords: list[str] | None = None, examples: list[str] | None = None
    ) -> pd.DataFrame:
        """A guided theme from keywords and/or example comments; it also tags paraphrases of the examples."""
        payload = {"label": label, "keywords": list(keywords or []), "examples": list(examples or [])}
        self._edit("create", payload)
        return self.themes()
