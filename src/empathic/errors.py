"""One exception hierarchy for everything a user can get wrong.

Every error says what was wrong, where (file, row, column) and what to do. The CLI renders them as text with
exit code 2, the web app as JSON or an HTML page; neither ever shows a Python traceback for an ``EmpathicError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


class EmpathicError(Exception):
    """Base class: a problem the user can fix, with a message, an optional hint and a location.

    Each class carries the HTTP status the web app answers it with (``http_status``); a subclass inherits its
    parent's unless it says otherwise.
    """

    #: the HTTP status of this kind of error (the web app's one error envelope uses it)
    http_status: ClassVar[int] = 400

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.file = file
        self.row = row
        self.column = column

    @property
    def where(self) -> str | None:
        """Human-readable location such as ``reviews.csv, row 12, column 'Rating'`` (rows count from 1)."""
        parts = []
        if self.file:
            parts.append(str(self.file))
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts) or None

    def to_dict(self) -> dict[str, object]:
        """JSON-friendly form used by the web app and ``--json`` outputs."""
        return {
            "error": type(self).__name__,
            "message": self.message,
            "where": self.where,
            "hint": self.hint,
        }

    def __str__(self) -> str:
        text = self.message
        if self.where:
            text += f" ({self.where})"
        if self.hint:
            text += f". Hint: {self.hint}"
        return text


class InputError(EmpathicError):
    """A user-supplied file, argument or mapping cannot be used as given."""

    http_status = 400


class NotFoundError(InputError):
    """The named item (theme, comment, note, view, workspace) does not exist."""

    http_status = 404


class ForbiddenError(InputError):
    """The caller may not do this to this item (e.g. change another user's note)."""

    http_status = 403


class WorkspaceError(EmpathicError):
    """The workspace file is missing, locked, corrupt or from a newer version of empathic."""

    http_status = 409


class StageError(EmpathicError):
    """An analysis stage cannot run (e.g. it needs a stage that has not run yet)."""

    http_status = 409  # like the API's "not analysed yet"


class NotInstalledError(EmpathicError):
    """An optional extra is needed; the hint says which ``pip install`` brings it."""

    http_status = 400


@dataclass(frozen=True)
class Warning_:
    """A non-fatal remark (weak data, guessed encoding) collected into summaries instead of raised."""

    message: str
    where: str | None = None
