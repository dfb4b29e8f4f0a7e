"""The column mapping: which column plays which role. Inferred, shown by ``inspect``, overridable, stored."""

from __future__ import annotations

import json
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from empathic.errors import InputError

KINDS = ("feedback", "customers", "events")
SCORE_KINDS = ("nps", "csat", "rating", "recommend", "number")


@dataclass
class ScoreColumn:
    """A score column: its kind and scale (NPS 0–10, CSAT 1–5, rating 1–5/1–10, recommend 0/1)."""

    column: str
    kind: str
    scale_min: float
    scale_max: float
    name: str = ""
    #: A code that means "not answered" (e.g. -1 in an aspect rating), stored as empty instead of as a value.
    missing: float | None = None
    #: Answers written as words or emoji (``good``/``bad``, ``😞``…``🤩``) → their number; ``None`` = not answered
    #: (Zendesk's ``offered``). Matched lower-cased and trimmed.
    labels: dict[str, float | None] | None = None

    def __post_init__(self) -> None:
        self.name = self.name or self.column


@dataclass
class Mapping:
    """Roles of the columns of one source. ``reasons`` says why each column got its role (for ``inspect``)."""

    kind: str = "feedback"
    text: list[str] = field(default_factory=list)
    title: str | None = None
    id: str | None = None
    customer: str | None = None
    date: str | None = None
    date_format: str | None = None
    scores: list[ScoreColumn] = field(default_factory=list)
    attrs: list[str] = field(default_factory=list)
    #: Attributes holding several values per row (Zendesk tags ``billing; refund``): stored whole in
    #: ``feedback_attributes`` and one row per value in ``feedback_attribute_values``, so a comment counts in
    #: the segment of each of its values.
    multi: list[str] = field(default_factory=list)
    #: How a declared multi-valued column separates its values when not at ``;``/``,``: column → ``"space"``
    #: (Zendesk's CSV export writes tags ``billing refund_request``; a tag never holds a space there).
    multi_split: dict[str, str] = field(default_factory=dict)
    event: str | None = None
    duration: str | None = None
    value: str | None = None
    quantity: str | None = None
    price: str | None = None
    ignored: list[str] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)
    #: The source profile (``empathic/ingest/profiles/NAME.toml`` or a user's file) the file was read with.
    source_profile: str | None = None

    def roles(self) -> dict[str, str]:
        """Column → role name, for display."""
        out: dict[str, str] = {}
        for c in self.text:
            out[c] = "text"
        if self.title:
            out[self.title] = "title (joined to text)"
        for role in ("id", "customer", "date", "event", "duration", "value", "quantity", "price"):
            col = getattr(self, role)
            if col:
                out[col] = role
        for s in self.scores:
            out[s.column] = f"score ({s.kind} {s.scale_min:g}–{s.scale_max:g})"
        for a in self.attrs:
            out[a] = "attribute (several values)" if a in self.multi else "attribute"
        for c in self.ignored:
            out.setdefault(c, "ignored")
        return out

    def used_columns(self) -> set[str]:
        cols = set(self.text) | set(self.attrs) | {s.column for s in self.scores}
        for role in ("title", "id", "customer", "date", "event", "duration", "value", "quantity", "price"):
            if getattr(self, role):
                cols.add(getattr(self, role))
        return cols

    def to_json(self) -> str:
        """The stored mapping (its hash is part of the source id). Fields added later are left out while they
        hold their default, so a file ingested before them keeps its source id."""
        data = asdict(self)
        if data["source_profile"] is None:
            del data["source_profile"]
        if not data["multi"]:
            del data["multi"]
        if not data["multi_split"]:
            del data["multi_split"]
        for score in data["scores"]:
            if score["labels"] is None:
                del score["labels"]
        return json.dumps(data, sort_keys=True)


#: Keyword arguments / CLI flags that override inferred roles.
ROLE_KEYS = (
    "text",
    "title",
    "id",
    "customer",
    "date",
    "date_format",
    "score",
    "attr",
    "multi",
    "event",
    "duration",
    "value",
    "quantity",
    "price",
    "ignore",
    "only_scores",
)
#: Roles that take several columns.
LIST_ROLES = ("text", "score", "attr", "multi", "ignore")
#: Keys that say how a file is read rather than which column plays which role (also accepted in a mapping file).
READ_KEYS = ("header_rows", "skip_rows", "source", "profile")
#: Values of a single-column role that unset it (``--customer none``): the role is neither given nor inferred.
UNSET = ("", "none")
#: Separators a multi-valued column may declare after its name (``--multi "Tags:space"``); without one, values
#: split at ``;`` and ``,``.
MULTI_SPLITS = ("space",)
#: Roles whose columns may carry a ``:spec`` (``Q1:nps``, ``Tags:space``).
SPEC_ROLES = ("score", "multi")


def load_mapping_file(path: str | Path) -> dict[str, Any]:
    """Read role overrides from a JSON or TOML file (same keys as the keyword arguments)."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"mapping file not found: {p}", file=str(p), hint="check the path")
    try:
        text = p.read_text(encoding="utf-8")
        data = tomllib.loads(text) if p.suffix.lower() == ".toml" else json.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot parse the mapping file: {exc}", file=str(p), hint="use JSON or TOML") from None
    if not isinstance(data, dict):
        raise InputError("the mapping file must hold an object of roles", file=str(p), hint='e.g. {"text": "comment"}')
    unknown = set(data) - set(ROLE_KEYS) - set(READ_KEYS) - {"kind"}
    if unknown:
        raise InputError(
            f"unknown role(s) in mapping file: {', '.join(sorted(unknown))}",
            file=str(p),
            hint=f"known roles: {', '.join(ROLE_KEYS)}",
        )
    return data


def normalise_overrides(roles: dict[str, Any], columns: list[str], label: str) -> dict[str, Any]:
    """Check that every overridden column exists; lists for multi-column roles; ``None`` values dropped."""
    out: dict[str, Any] = {}
    lower = {c.lower(): c for c in columns}
    for key, value in roles.items():
        if value is None or value == [] or value == ():
            continue
        if key not in ROLE_KEYS:
            raise InputError(f"unknown role {key!r}", hint=f"known roles: {', '.join(ROLE_KEYS)}")
        if key == "date_format":
            out[key] = str(value)
            continue
        if key == "only_scores":
            out[key] = bool(value)
            continue
        if key not in LIST_ROLES and isinstance(value, str) and value.strip().lower() in UNSET and value not in columns:
            out[key] = None  # unset: the role stays empty, inference does not fill it
            continue
        values = [value] if isinstance(value, str) else list(value)
        resolved = []
        for v in values:
            col, _, spec = str(v).partition(":") if key in SPEC_ROLES and str(v) not in columns else (str(v), "", "")
            if key == "multi" and spec and spec not in MULTI_SPLITS:
                raise InputError(
                    f"unknown separator {spec!r} in --multi {v!r}",
                    file=label,
                    column=col,
                    hint="write --multi COLUMN (values split at ; and ,) or --multi COLUMN:space",
                )
            if col not in columns:
                if col.lower() in lower:
                    col = lower[col.lower()]
                else:
                    raise InputError(
                        f"column {col!r} given for --{key} is not in the file",
                        file=label,
                        column=col,
                        hint=f"columns are: {', '.join(columns)}",
                    )
            resolved.append(f"{col}:{spec}" if spec else col)
        out[key] = resolved if key in LIST_ROLES else resolved[0]
    return out
