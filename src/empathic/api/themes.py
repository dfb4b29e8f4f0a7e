"""Notebook methods of the themes area, mixed into :class:`empathic.Workspace`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from empathic.config import Settings
    from empathic.store import Store


class ThemesAPI:
    """Mixin: themes results as pandas DataFrames. Uses self.store and self.settings."""

    store: Store
    settings: Settings
