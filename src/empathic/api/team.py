"""Notebook methods of the team area (owners and the closed loop, notes, digests, briefs), mixed into
:class:`empathic.Workspace`. Changes are signed with ``author`` (default: ``$EMPATHIC_USER``, else the login name).
"""

from __future__ import annotations

import getpass
import os
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from empathic.config import Settings
    from empathic.store import Store


def _author(author: str | None) -> str:
    return author or os.environ.get("EMPATHIC_USER") or getpass.getuser()


class TeamAPI:
    """Mixin: theme owners, fix effects, notes, digests and briefs. Uses self.store."""

    store: Store
    settings: Settings

    def set_theme_owner(
        self,
        theme_id: str,
        *,
        team: str | None = None,
        person: str | None = None,
        status: str | None = None,
        status_on: date | None = None,
        note: str | None = None,
        author: str | None = None,
    ) -> dict[str, Any]:
        """Assign a theme and/or move its status (new, acknowledged, in_progress, fixed, wont_fix)."""
        from empathic.team.owners import set_owner

        return set_owner(self.store, theme_id, author=_author(author), team=team, person=person, status=status,
                         status_on=status_on, note=note)  # fmt: skip

    def theme_owners(self, *, team: str | None = None) -> pd.DataFrame:
        """Owned themes: theme_id, label, level, team, person, status, status_on, updated_by, updated_at."""
        from empathic.team.owners import owners

        return owners(self.store, team=team)

    def fix_effect(self, theme_id: str, fixed_on: date | None = None) -> dict[str, Any] | None:
        """Did the fix work? Share and sentiment of the theme's mentions after vs before (against the pre-trend)."""
        from empathic.team.closed_loop import fix_effect

        effect = fix_effect(self.store, theme_id, fixed_on)
        return effect.to_dict() if effect else None

    def add_note(self, kind: str, object_id: str, body: str, *, author: str | None = None) -> dict[str, Any]:
        """Attach a note (``@name`` mentions a user) to a theme, comment, customer or persona."""
        from empathic.team.notes import add_note

        return add_note(self.store, kind, object_id, body, author=_author(author))

    def notes(
        self, *, kind: str | None = None, object_id: str | None = None, q: str | None = None,
        mentioning: str | None = None,
    ) -> pd.DataFrame:  # fmt: skip
        """Notes, newest first, by object, words or @mention."""
        from empathic.team.notes import notes

        return notes(self.store, kind=kind, object_id=object_id, q=q, mentioning=mentioning)

    def digest(
        self, *, since: str = "7d", until: datetime | None = None, recipient: str | None = None, fmt: str = "json"
    ) -> Any:
        """The digest of the window ending at the newest comment: a dict (``fmt="json"``) or md/html text."""
        from empathic.team import digest_render
        from empathic.team.digest import build_digest

        data = build_digest(
            self.store, since=since, until=until, recipient=recipient, analytics=self.settings.analytics
        )
        return data if fmt == "json" else digest_render.render(data, fmt)

    def brief(self, audience: str, *, team: str | None = None, path: str | Path | None = None) -> dict[str, Any]:
        """The content of an empathy brief (exec, team, newhire); written as .pdf/.html to ``path`` when given."""
        from empathic.team import brief_render
        from empathic.team.brief import build_brief

        data = build_brief(self.store, audience, team=team)
        if path is not None:
            brief_render.write(data, Path(path))
        return data
