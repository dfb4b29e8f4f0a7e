"""Keep server paths out of what the web app shows: only a file's name, never the folder it sits in.

Messages from ingest and the stages name files by their full path (``/tmp/empathic-uploads-x/4f…/reviews.csv``),
which is right in a terminal and wrong in a browser: a viewer learns the server's folder layout and user names.
The web app passes job messages and error messages through :class:`PathRedactor`, which replaces any path under
the folders it knows (the upload folder, the system temporary folder, the workspaces' folders) by its last part.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any


class PathRedactor:
    """``redactor(text)`` → text with every path under ``roots`` cut down to its file name.

    Args:
        roots: folders whose paths must not be shown (resolved and unresolved forms are both matched).
    """

    def __init__(self, roots: Iterable[str | Path]) -> None:
        forms: set[str] = set()
        for root in roots:
            for form in (Path(root), Path(root).resolve()):
                text = str(form).rstrip("/")
                if len(text) > 1:  # never the file-system root itself
                    forms.add(text)
        alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
        self._pattern = re.compile(rf"(?:{alternatives})(?![^/\s'\"<>])(?:/[^\s'\"<>/]*)*") if alternatives else None

    def __call__(self, text: str | None) -> str | None:
        if not text or self._pattern is None:
            return text
        return self._pattern.sub(_last_part, text)

    def deep(self, value: Any) -> Any:
        """The same over every string inside dicts and lists (JSON error payloads)."""
        if isinstance(value, str):
            return self(value)
        if isinstance(value, dict):
            return {k: self.deep(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.deep(v) for v in value]
        return value


def _last_part(match: re.Match[str]) -> str:
    name = match.group(0).rstrip("/").rsplit("/", 1)[-1]
    return name or "…"
