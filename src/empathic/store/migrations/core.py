"""Core tables: what was ingested (feedback, customers, events) and what ran. See docs/architecture.md.

Migration 2 (issue 20): ``feedback_attribute_values`` holds one row per value of a multi-valued attribute (Zendesk
tags), and the view ``comment_attributes`` is what every reader of "a comment's attributes" uses (segments,
search filters, ``why``): the comment's own attributes, multi-valued ones one row per value, plus its customer's
attributes (``plan`` from a CRM file) where the comment has no attribute of that name.
"""

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
    """
    CREATE TABLE feedback_attribute_values (
        feedback_id VARCHAR, name VARCHAR, value VARCHAR, PRIMARY KEY (feedback_id, name, value)
    );
    CREATE VIEW comment_attributes AS
        SELECT a.feedback_id, a.name, a.value FROM feedback_attributes a
        WHERE NOT EXISTS (SELECT 1 FROM feedback_attribute_values v
                          WHERE v.feedback_id = a.feedback_id AND v.name = a.name)
        UNION ALL
        SELECT feedback_id, name, value FROM feedback_attribute_values
        UNION ALL
        SELECT f.feedback_id, c.name, c.value FROM feedback f JOIN customer_attributes c USING (customer_id)
        WHERE NOT EXISTS (SELECT 1 FROM feedback_attributes a WHERE a.feedback_id = f.feedback_id AND a.name = c.name);
    """,
]
