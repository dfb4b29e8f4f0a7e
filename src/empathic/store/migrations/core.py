"""Core tables: what was ingested (feedback, customers, events) and what ran. See docs/architecture.md."""

MIGRATIONS: list[str] = [
    """
    CREATE TABLE sources (
        source_id VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, path VARCHAR, file_sha256 VARCHAR,
        mapping JSON, n_rows BIGINT, n_inserted BIGINT, n_updated BIGINT, ingested_at TIMESTAMP
    );
    CREATE TABLE feedback (
        feedback_id VARCHAR PRIMARY KEY, source_id VARCHAR, customer_id VARCHAR, text VARCHAR NOT NULL,
        created_at TIMESTAMP, content_hash VARCHAR, ingested_at TIMESTAMP
    );
    CREATE TABLE feedback_scores (
        feedback_id VARCHAR, name VARCHAR, kind VARCHAR, scale_min DOUBLE, scale_max DOUBLE, value DOUBLE,
        PRIMARY KEY (feedback_id, name)
    );
    CREATE TABLE feedback_attributes (
        feedback_id VARCHAR, name VARCHAR, value VARCHAR, PRIMARY KEY (feedback_id, name)
    );
    CREATE TABLE customers (
        customer_id VARCHAR PRIMARY KEY, source_id VARCHAR, signup_at TIMESTAMP, updated_at TIMESTAMP
    );
    CREATE TABLE customer_attributes (
        customer_id VARCHAR, name VARCHAR, value VARCHAR, value_num DOUBLE, PRIMARY KEY (customer_id, name)
    );
    CREATE TABLE events (
        event_id VARCHAR PRIMARY KEY, source_id VARCHAR, customer_id VARCHAR, ts TIMESTAMP, event VARCHAR,
        duration_s DOUBLE, value DOUBLE, properties JSON
    );
    CREATE TABLE runs (
        run_id VARCHAR PRIMARY KEY, stage VARCHAR, status VARCHAR, settings JSON, versions JSON,
        started_at TIMESTAMP, finished_at TIMESTAMP, message VARCHAR
    );
    CREATE TABLE sentences (
        feedback_id VARCHAR, sentence_idx INTEGER, text VARCHAR, char_start INTEGER, char_end INTEGER,
        PRIMARY KEY (feedback_id, sentence_idx)
    );
    """,
]
