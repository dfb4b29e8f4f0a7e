"""``empathic inspect``: the inferred mapping and sample values, without writing anything."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from empathic.ingest.load import resolve_roles
from empathic.ingest.mapping import Mapping
from empathic.ingest.prepare import prepare
from empathic.ingest.roles import infer_mapping
from empathic.ingest.sandbox import run_one, sandboxed
from empathic.ingest.settings import IngestSettings
from empathic.ingest.validate import validate
from empathic.store import ident


@dataclass
class Inspection:
    """The result of inspecting a source: mapping, per-column samples, row count and warnings."""

    label: str
    n_rows: int
    file_format: str
    encoding: str | None
    mapping: Mapping
    samples: dict[str, list[str]]
    warnings: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    profile: str | None = None  # the source profile chosen, and why
    profile_reason: str = ""
    labels: dict[str, str] = field(default_factory=dict)  # question text per column (a label row)

    def table(self) -> pd.DataFrame:
        """One row per column: role, why, sample values."""
        roles = self.mapping.roles()
        return pd.DataFrame(
            [
                {
                    "column": c,
                    "role": roles.get(c, "ignored"),
                    "why": self.mapping.reasons.get(c, ""),
                    "samples": " | ".join(self.samples.get(c, [])),
                }
                for c in self.samples
            ]
        )


def inspect(data: Any, *, kind: str | None = None, settings: IngestSettings | None = None, **roles: Any) -> Inspection:
    """Read a file or frame into a scratch in-memory database and infer its mapping (nothing is written).

    The scratch database is :func:`~empathic.ingest.sandbox.sandboxed` with no file allowed: it holds the rows that
    the reader streamed in, and can neither read nor write any file itself.
    """
    from empathic.errors import InputError

    roles = resolve_roles(roles)
    kind = kind or roles.pop("_kind", None)
    con = sandboxed()
    try:
        ready = prepare(con, data, kind=kind, roles=roles, settings=settings)
        raw = ready.raw
        mapping = infer_mapping(con, raw, kind=ready.kind, overrides=ready.roles)
        ready.explain(mapping)
        samples: dict[str, list[str]] = {}
        for col in raw.columns:
            c, table = ident(col), ident(raw.name)
            vals = run_one(
                con,
                f"SELECT DISTINCT left(trim({c}), 60) FROM (SELECT {c} FROM {table} ORDER BY __row LIMIT 200) "
                f"WHERE trim({c}) <> '' LIMIT 3",
            ).fetchall()
            samples[col] = [v[0] for v in vals]
        problems: list[str] = []
        try:
            warnings = raw.warnings + validate(con, raw, mapping, lenient=False)
        except InputError as exc:
            warnings = list(raw.warnings)
            problems.append(str(exc))
        return Inspection(
            raw.label,
            raw.n_rows,
            raw.file_format,
            raw.encoding,
            mapping,
            samples,
            warnings,
            problems,
            profile=mapping.source_profile,
            profile_reason=ready.profile_reason,
            labels=dict(raw.labels),
        )
    finally:
        con.close()
