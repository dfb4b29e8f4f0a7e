"""Read a source the way its owner expects: read → choose a profile → header/metadata rows → role overrides.

The one entry point that :func:`empathic.ingest.load.ingest` and :func:`empathic.ingest.inspect.inspect` share,
so both see the same table and the same mapping. Flags win over the profile, the profile over inference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from empathic.errors import InputError
from empathic.ingest.mapping import Mapping
from empathic.ingest.profiles import Profile, choose_profile
from empathic.ingest.readers import RawTable, read_source
from empathic.ingest.reshape import ReadOptions, apply_header_rows
from empathic.ingest.settings import IngestSettings


@dataclass
class Prepared:
    """A source read into ``con``, with the role overrides (profile + user) and the kind to infer with."""

    raw: RawTable
    roles: dict[str, Any]
    kind: str | None
    profile: Profile | None
    profile_reason: str
    profile_columns: set[str] = field(default_factory=set)

    def explain(self, mapping: Mapping) -> None:
        """Name the profile in the reasons of the columns it assigned (instead of "given"); record it."""
        mapping.source_profile = self.profile.name if self.profile else None
        for col in self.profile_columns:
            reason = mapping.reasons.get(col, "given")
            if reason.startswith("given") and self.profile:
                mapping.reasons[col] = f"the {self.profile.name} profile" + reason[len("given") :]


def pop_read_options(roles: dict[str, Any]) -> tuple[ReadOptions, str | None, Any]:
    """Take ``header_rows``, ``skip_rows``, ``source`` and ``profile`` out of the role keyword arguments."""
    header_rows = roles.pop("header_rows", None)
    skip_rows = roles.pop("skip_rows", None) or 0
    source = roles.pop("source", None)
    profile = roles.pop("profile", None)
    return ReadOptions(int(header_rows) if header_rows is not None else None, int(skip_rows)), source, profile


#: Formats whose first lines may be header, metadata or preamble rows.
ROW_FORMATS = ("csv", "tsv", "xlsx")


def prepare(
    con: duckdb.DuckDBPyConnection,
    data: Any,
    *,
    kind: str | None,
    roles: dict[str, Any],
    settings: IngestSettings | None = None,
) -> Prepared:
    """Read ``data`` into ``con`` as ``_raw`` and resolve the profile; ``roles`` are the resolved user roles."""
    roles = dict(roles)
    options, source, profile_path = pop_read_options(roles)
    raw = read_source(con, data, settings=settings, skip_rows=options.skip_rows)
    if raw.file_format not in ROW_FORMATS and (options.header_rows not in (None, 1) or options.skip_rows):
        raise InputError(
            f"--header-rows and --skip-rows apply to CSV, TSV and Excel files, not to this {raw.file_format} source",
            file=raw.label,
            hint="leave them out: records of a JSON, Parquet or frame source have named fields, not header rows",
        )
    profile, reason = choose_profile(raw.columns, source=source, profile=profile_path)
    if profile is not None and options.header_rows is None and profile.header_rows is not None:
        options = ReadOptions(profile.header_rows, options.skip_rows)
    apply_header_rows(con, raw, options, profile.metadata_rows if profile else 0)
    merged = dict(roles)
    from_profile: set[str] = set()
    if profile is not None:
        given = {k for k, v in roles.items() if v not in (None, [], ())}
        suggested = {k: v for k, v in profile.overrides(raw.columns).items() if k not in given}
        merged = _without_taken({**suggested, **roles}, given)
        for key, value in merged.items():
            if key in suggested and isinstance(value, (str, list)):
                from_profile.update(str(v).partition(":")[0] for v in ([value] if isinstance(value, str) else value))
        kind = kind or profile.kind
    return Prepared(raw, merged, kind, profile, reason, from_profile & set(raw.columns))


def _without_taken(roles: dict[str, Any], given: set[str]) -> dict[str, Any]:
    """Drop profile roles whose column a user flag already assigned (``--text Subject`` beats the profile's title)."""
    used: set[str] = set()
    for key in given:
        value = roles[key]
        for v in [value] if isinstance(value, str) else list(value or []) if not isinstance(value, bool) else []:
            used.add(str(v).partition(":")[0].lower())
    out = {}
    for key, value in roles.items():
        if key in given or isinstance(value, bool) or value is None:
            out[key] = value
            continue
        values = [value] if isinstance(value, str) else list(value)
        kept = [v for v in values if str(v).partition(":")[0].lower() not in used]
        if kept:
            out[key] = kept[0] if isinstance(value, str) else kept
    return out
