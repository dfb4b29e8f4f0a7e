"""Settings of the ingest stage (a pydantic sub-model of :class:`empathic.config.Settings`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class IngestSettings(BaseModel):
    """How strictly ingest treats imperfect files."""

    model_config = ConfigDict(extra="forbid")

    on_bad_value: Literal["error", "null"] = Field(
        "error",
        description="Unparseable dates or out-of-range scores: stop with an error naming the row, or store NULL "
        "and warn (``--lenient``).",
    )
    max_text_chars: int = Field(20_000, ge=100, description="Longer comments are truncated (with a warning).")
    batch_rows: int = Field(250_000, ge=1000, description="Rows written per step (progress granularity).")
    max_inflated_mb: int = Field(
        2048,
        ge=1,
        description="Largest size a compressed (.gz) file may inflate to; checked while decompressing, so a small "
        "file that inflates to gigabytes is refused after reading at most this much.",
    )
    max_columns: int = Field(
        2000, ge=2, description="Most columns a file or frame may have; checked on the header, before any row is read."
    )
    max_attributes: int = Field(
        500,
        ge=1,
        description="Most distinct attribute names a workspace may hold (each becomes an export column); checked "
        "before anything is written.",
    )
    redact_pii: Literal["all", "structured", "none"] = Field(
        "structured",
        description="Replace PII in comment text by typed placeholders ([EMAIL], [PHONE] …) before it is stored: "
        "'structured' (e-mails, phones, cards, IBANs, IPs, token URLs, SSN/NI, postcodes, addresses, dates of "
        "birth), 'all' (also person names), 'none' (store text verbatim).",
    )
    pii_patterns: list[str] = Field(
        default_factory=list,
        description=r"Extra regular expressions redacted as [ID] (order or account numbers, e.g. 'ORD-\d{8}').",
    )
    pseudonymize_ids: bool = Field(
        False,
        description="Replace customer ids (and e-mails in text) by keyed HMAC-SHA256 pseudonyms; the key is kept "
        "beside the workspace (WORKSPACE.pseudonym-key) or in EMPATHIC_PSEUDONYM_KEY.",
    )
