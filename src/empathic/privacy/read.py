"""What the front doors show about privacy: redaction counts per kind and the forget log (never values)."""

from __future__ import annotations

import pandas as pd

from empathic.store import Store


def redaction_counts(store: Store) -> pd.DataFrame:
    """One row per PII kind: how many findings ingest replaced, over all sources, and under which mode(s)."""
    if not store.has_table("pii_redactions"):
        return pd.DataFrame(columns=["kind", "n", "mode"])
    return store.read_df(
        "SELECT kind, sum(n)::BIGINT AS n, string_agg(DISTINCT mode, ', ' ORDER BY mode) AS mode "
        "FROM pii_redactions WHERE kind <> 'TOTAL' GROUP BY kind ORDER BY n DESC, kind"
    )


def redaction_modes(store: Store) -> dict[str, int]:
    """Sources per redaction mode ({"structured": 2, "none": 1}); empty for a workspace ingested before privacy."""
    if not store.has_table("pii_redactions"):
        return {}
    rows = store.read("SELECT mode, count(*) AS n FROM pii_redactions WHERE kind = 'TOTAL' GROUP BY mode ORDER BY mode")
    return {r["mode"]: int(r["n"]) for r in rows.to_pylist()}


def forget_log(store: Store) -> pd.DataFrame:
    """The forget acts: hashed subject, rows removed per table (JSON) and time."""
    if not store.has_table("forget_log"):
        return pd.DataFrame(columns=["subject_hash", "rows_removed", "forgotten_at"])
    return store.read_df("SELECT subject_hash, rows_removed, forgotten_at FROM forget_log ORDER BY forgotten_at")


def redaction_note(store: Store) -> str:
    """One line for the report: whether PII was redacted on ingest, how, and how many values (no values)."""
    modes = redaction_modes(store)
    if not modes:
        return "PII redaction: not recorded (ingested before empathic redacted PII)"
    n = int(store.scalar("SELECT coalesce(sum(n), 0) FROM pii_redactions WHERE kind = 'TOTAL'") or 0)
    if set(modes) == {"none"}:
        return "PII redaction: off"
    per_mode = ", ".join(f"{m} on {k} source{'s' if k != 1 else ''}" for m, k in modes.items())
    return f"PII redaction: {per_mode} ({n:,} values replaced on ingest)"
