"""Tables of the privacy component (append migrations, never edit a shipped one).

- ``pii_redactions``: how many PII findings of each kind ingest replaced, per source (counts, never values).
- ``forget_log``: each ``empathic forget`` act, without the personal data: a keyed hash of the subject, how many
  rows went from which table, and when.
"""

MIGRATIONS: list[str] = [
    """
    CREATE TABLE pii_redactions (
        source_id VARCHAR, kind VARCHAR, n BIGINT, mode VARCHAR, redacted_at TIMESTAMP,
        PRIMARY KEY (source_id, kind)
    );
    CREATE TABLE forget_log (
        forget_id VARCHAR PRIMARY KEY, subject_hash VARCHAR, rows_removed JSON, forgotten_at TIMESTAMP
    );
    """,
]
