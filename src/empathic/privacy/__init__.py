"""Privacy: PII redacted on the way in, keyed pseudonyms, and forgetting a customer everywhere.

- :mod:`.ingest_pass` — the one call ingest makes between reading a source and writing it;
- :mod:`.pseudonyms` — HMAC-SHA256 pseudonyms under a key kept beside the workspace;
- :mod:`.forget` — remove one customer from every table and compact the file;
- :mod:`.read` — what ``empathic info`` shows (counts, never values).

Detection itself is :mod:`empathic.text.pii` (pure functions over strings).
"""
