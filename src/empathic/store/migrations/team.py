"""Tables of the team component (owned by ``empathic.team``; append migrations, never edit a shipped one).

Nothing here is written by an analysis stage: these are people's decisions, so a re-analysis never empties them.
They key on theme ids, which stay stable across runs (``themes.theme_centroids``) and through replayed edits.

- ``theme_owners``: the current owner (team, person) and status of a theme, one row per theme.
- ``theme_status_changes``: every change of owner or status, with its date, author and optional note (append-only).
- ``notes``: notes on a theme, comment, customer or persona, with the users they @mention.
- ``activity_log``: who changed what and when (append-only through the app).
- ``saved_views``: named filters (query language) with a page and its options, private or shared, maybe pinned.
- ``digest_subscriptions``: a user's digest (span, format), where it goes (webhook, smtp://, folder) and when.
"""

MIGRATIONS: list[str] = [
    """CREATE TABLE theme_owners (
        theme_id VARCHAR PRIMARY KEY,
        team VARCHAR,
        person VARCHAR,
        status VARCHAR NOT NULL,
        status_on DATE,
        updated_by VARCHAR,
        updated_at TIMESTAMP
    )""",
    """CREATE TABLE theme_status_changes (
        seq BIGINT PRIMARY KEY,
        theme_id VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        team VARCHAR,
        person VARCHAR,
        status_on DATE,
        author VARCHAR,
        note VARCHAR,
        created_at TIMESTAMP
    )""",
    """CREATE TABLE notes (
        note_id VARCHAR PRIMARY KEY,
        object_kind VARCHAR NOT NULL,
        object_id VARCHAR NOT NULL,
        author VARCHAR NOT NULL,
        body VARCHAR NOT NULL,
        mentions JSON,
        created_at TIMESTAMP,
        updated_at TIMESTAMP
    )""",
    """CREATE TABLE activity_log (
        seq BIGINT PRIMARY KEY,
        logged_at TIMESTAMP NOT NULL,
        actor VARCHAR,
        action VARCHAR NOT NULL,
        object_kind VARCHAR,
        object_id VARCHAR,
        detail JSON
    )""",
]
# v5: saved views — a named query-language filter plus a page and its options, private to its author or shared
MIGRATIONS.append(
    """CREATE TABLE saved_views (
        view_id VARCHAR PRIMARY KEY,
        name VARCHAR NOT NULL,
        page VARCHAR NOT NULL,
        query VARCHAR,
        options JSON,
        author VARCHAR NOT NULL,
        shared BOOLEAN NOT NULL,
        pinned BOOLEAN NOT NULL,
        created_at TIMESTAMP,
        updated_at TIMESTAMP
    )"""
)
# v6: digest subscriptions — who gets which digest, where, and when (sent by `empathic serve`, or by cron)
MIGRATIONS.append(
    """CREATE TABLE digest_subscriptions (
        subscription_id VARCHAR PRIMARY KEY,
        username VARCHAR NOT NULL,
        since VARCHAR NOT NULL,
        format VARCHAR NOT NULL,
        target VARCHAR NOT NULL,
        weekday INTEGER,
        hour INTEGER NOT NULL,
        last_sent_at TIMESTAMP,
        created_at TIMESTAMP
    )"""
)
