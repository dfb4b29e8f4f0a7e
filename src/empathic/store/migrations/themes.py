"""Tables of the themes component (owned by that stage; append migrations, never edit a shipped one).

- ``themes``: the two-level theme tree (contract table, read by analytics, web, report and export).
- ``sentence_themes``: one row per sentence unit × top-level theme, with its subtheme and a similarity score.
- ``feedback_themes``: one row per comment × theme it mentions (both levels), marking the primary ones.
- ``theme_centroids``: the embedding centroid of every theme, used to keep theme ids stable across runs and to
  assign new data to existing themes (vectors as float32 bytes).
- ``theme_edits``: the user's edits (rename/merge/split/delete/create), replayed after every re-analysis.
- ``theme_summaries``: one extractive line per theme (its most typical quote, trimmed).
- ``feedback_entities``: the places and names each comment mentions (``kind`` place | name), found from the
  corpus' capitalisation; kept out of the themes, searchable and exported as a facet.
- ``embedding_cache``: sentence embeddings keyed by (model, sha1 of the text), so nothing is embedded twice.
"""

MIGRATIONS: list[str] = [
    """CREATE TABLE themes (
        theme_id VARCHAR PRIMARY KEY,
        parent_id VARCHAR,
        level INTEGER,
        label VARCHAR,
        n_comments INTEGER,
        n_sentences INTEGER,
        share DOUBLE,
        is_other BOOLEAN,
        status VARCHAR,
        keywords JSON,
        quotes JSON,
        created_at TIMESTAMP,
        updated_at TIMESTAMP
    )""",
    """CREATE TABLE sentence_themes (
        feedback_id VARCHAR,
        sentence_idx INTEGER,
        theme_id VARCHAR,
        subtheme_id VARCHAR,
        score DOUBLE,
        PRIMARY KEY (feedback_id, sentence_idx, theme_id)
    )""",
    """CREATE TABLE feedback_themes (
        feedback_id VARCHAR,
        theme_id VARCHAR,
        level INTEGER,
        is_primary BOOLEAN,
        n_mentions INTEGER,
        PRIMARY KEY (feedback_id, theme_id)
    )""",
    """CREATE TABLE theme_centroids (
        theme_id VARCHAR PRIMARY KEY,
        level INTEGER,
        model VARCHAR,
        dim INTEGER,
        centroid BLOB,
        origin VARCHAR
    )""",
    """CREATE TABLE theme_edits (
        edit_id VARCHAR PRIMARY KEY,
        seq INTEGER,
        op VARCHAR,
        payload JSON,
        created_at TIMESTAMP
    )""",
    """CREATE TABLE embedding_cache (
        model VARCHAR,
        text_hash VARCHAR,
        vector BLOB,
        PRIMARY KEY (model, text_hash)
    )""",
    # v7-v9: a theme's prototypes (one or more vectors it is assigned by), its typical radius, and whether the
    # user fixed its label (a renamed label is never recomputed)
    "ALTER TABLE theme_centroids ADD COLUMN prototypes BLOB",
    "ALTER TABLE theme_centroids ADD COLUMN radius DOUBLE",
    "ALTER TABLE theme_centroids ADD COLUMN label_locked BOOLEAN",
]
MIGRATIONS.append("ALTER TABLE theme_edits ADD COLUMN applied BOOLEAN DEFAULT false")  # v10: edits not yet applied
MIGRATIONS.append(  # v11: one extractive line per theme (its own table: the themes table's columns stay as they are)
    "CREATE TABLE theme_summaries (theme_id VARCHAR PRIMARY KEY, summary VARCHAR)"
)
MIGRATIONS.append(  # v12: the places and names each comment mentions (a facet, never a theme)
    "CREATE TABLE feedback_entities (feedback_id VARCHAR, entity VARCHAR, kind VARCHAR, "
    "PRIMARY KEY (feedback_id, entity))"
)
