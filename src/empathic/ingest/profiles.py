"""Source profiles: what an export of a known tool looks like, as declarative data (``profiles/*.toml``).

A profile is a small TOML file, so a user can write one for their own tool and pass it with ``--profile``::

    title = "Qualtrics survey export"            # shown by ``empathic inspect``
    detect = ["StartDate", "EndDate", "ResponseId"]  # header names that must all be present (any case)
    first_column = "Timestamp"                   # optional: the first column must have this name
    kind = "feedback"                            # feedback | customers | events
    header_rows = 2                              # optional: rows that name the columns ("Question — sub-answer")
    metadata_rows = 2                            # optional: rows under the header to drop (question text, JSON)
    [roles]                                      # any role of --mapping; a list = candidates, the first present wins
    id = "ResponseId"
    date = "StartDate"
    score = ["Q1:nps"]                           # score/attr/text/ignore: every listed column that is present
    multi = ["Tags:space"]                       # multi-valued; ":space" when values are separated by spaces
    customer = "none"                            # "none" unsets a role: it is not inferred either

Columns a profile names but the file lacks are skipped; roles a profile does not name are inferred as usual, and
flags always win over the profile. Detection picks the built-in profile with the most ``detect`` names present.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from empathic.errors import InputError
from empathic.ingest.mapping import KINDS, ROLE_KEYS, SPEC_ROLES, UNSET

#: Roles that take every listed column present; the others take the first present candidate.
MULTI_ROLES = ("text", "score", "attr", "multi", "ignore")
PROFILE_KEYS = {"title", "detect", "first_column", "kind", "header_rows", "metadata_rows", "roles"}


@dataclass(frozen=True)
class Profile:
    """One source profile (see the module docstring for the file format)."""

    name: str
    title: str
    detect: tuple[str, ...]
    kind: str | None = None
    first_column: str | None = None
    header_rows: int | None = None
    metadata_rows: int = 0
    roles: dict[str, Any] = field(default_factory=dict)

    def matches(self, columns: list[str]) -> bool:
        names = {c.strip().lower() for c in columns}
        if self.first_column and (not columns or columns[0].strip().lower() != self.first_column.lower()):
            return False
        return bool(self.detect) and all(d.lower() in names for d in self.detect)

    def overrides(self, columns: list[str]) -> dict[str, Any]:
        """The profile's roles restricted to the columns present (names as the file spells them)."""
        present = {c.lower(): c for c in columns}
        out: dict[str, Any] = {}
        for role, value in self.roles.items():
            candidates = [value] if isinstance(value, str) else list(value)
            if role in ("date_format", "only_scores"):
                out[role] = value
                continue
            found = []
            for cand in candidates:
                col, sep, spec = str(cand).partition(":") if role in SPEC_ROLES else (str(cand), "", "")
                if col.lower() in present:
                    found.append(present[col.lower()] + (sep + spec if spec else ""))
                elif role not in MULTI_ROLES and col.strip().lower() in UNSET:
                    found.append("none")
            if found:
                out[role] = found if role in MULTI_ROLES else found[0]
        return out


def _load(text: str, name: str, label: str) -> Profile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"cannot parse the profile: {exc}", file=label, hint="check the TOML syntax") from None
    unknown = set(data) - PROFILE_KEYS
    roles = data.get("roles", {})
    bad_roles = set(roles) - set(ROLE_KEYS) if isinstance(roles, dict) else {"roles"}
    if unknown or bad_roles:
        raise InputError(
            f"unknown key(s) in the profile: {', '.join(sorted(unknown | bad_roles))}",
            file=label,
            hint=f"profile keys: {', '.join(sorted(PROFILE_KEYS))}; roles: {', '.join(ROLE_KEYS)}",
        )
    kind = data.get("kind")
    if kind is not None and kind not in KINDS:
        raise InputError(f"unknown kind {kind!r} in the profile", file=label, hint=f"use one of {', '.join(KINDS)}")
    try:
        return Profile(
            name=name,
            title=str(data.get("title", name)),
            detect=tuple(str(d) for d in data.get("detect", [])),
            kind=kind,
            first_column=data.get("first_column"),
            header_rows=int(data["header_rows"]) if "header_rows" in data else None,
            metadata_rows=int(data.get("metadata_rows", 0)),
            roles=dict(roles),
        )
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"invalid value in the profile: {exc}", file=label, hint="see docs/ingest-sources.md"
        ) from None


def builtin_profiles() -> dict[str, Profile]:
    """Every profile shipped in ``empathic/ingest/profiles``, by name (the file's stem)."""
    folder = resources.files("empathic.ingest") / "profiles"
    out = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            name = entry.name[: -len(".toml")]
            out[name] = _load(entry.read_text(encoding="utf-8"), name, f"profiles/{entry.name}")
    return out


def load_profile(path: str | Path) -> Profile:
    """A user's own profile file (``--profile my.toml``)."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"profile file not found: {p}", file=str(p), hint="check the path")
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the profile: {exc}", file=str(p), hint="save it as UTF-8 TOML") from None
    return _load(text, p.stem, str(p))


def choose_profile(
    columns: list[str], *, source: str | None = None, profile: str | Path | None = None
) -> tuple[Profile | None, str]:
    """``(profile, reason)``: the user's file, the named ``source``, or the best-matching built-in one."""
    if profile is not None:
        return load_profile(profile), f"given with --profile {Path(profile).name}"
    profiles = builtin_profiles()
    if source is not None and source not in ("auto", "none"):
        if source not in profiles:
            raise InputError(f"unknown source {source!r}", hint=f"choose one of: {', '.join(profiles)}")
        return profiles[source], "given with --source"
    if source == "none":
        return None, "detection turned off with --source none"
    matching = [p for p in profiles.values() if p.matches(columns)]
    if not matching:
        return None, "no known export shape matched the header; roles are inferred from names and values"
    best = max(matching, key=lambda p: (len(p.detect) + bool(p.first_column), p.name))
    return best, f"the header has {', '.join(repr(d) for d in best.detect)}"
