"""Tables of the analytics component (owned by that stage; append migrations, never edit a shipped one).

Every table is replaced as a whole by one analytics run (``computed_at`` says when). Readers: the web app, the
report, ``ws.drivers()`` & co. Column meanings:

- ``score_summary``: one row per score column: ``metric`` is ``nps`` (-100..100), ``csat`` (% top-2-box),
  ``mean`` (mean rating) or ``recommend`` (% yes); ``value`` with a 95 % interval ``ci_low``..``ci_high``.
- ``theme_impact``: one row per score × theme. ``impact`` = overall score − score of the comments *without* the
  theme (leave-one-out, in the score's points; negative = the theme drags the score down), ``ci_low``/``ci_high``
  its 95 % interval, ``p_value``/``q_value`` (Benjamini–Hochberg over all themes of that score).
- ``key_drivers``: a ridge regression of the score on theme presence (``feature = 'presence'``) and on theme
  sentiment (``feature = 'sentiment'``, when feelings ran) with bootstrap 95 % intervals; ``relative_weight`` is the
  share of explained variance (relative-weights analysis, sums to R² over features).
- ``segment_differences``: one row per attribute × segment × metric (``theme_share`` of a theme, ``score`` mean of a
  score, ``sentiment``) vs the rest of the comments, with ``lift`` (ratio), ``diff``, the test used, p, BH q and
  ``significant`` (q ≤ alpha and both groups above the minimum counts); ``ci_low``/``ci_high`` a credible interval
  of the segment's value shrunk toward the attribute-wide value (a segment too small to test shows the shrunk value).
- ``theme_trends``: per period (``grain`` day/week/month) × theme: volume, share of the period's comments,
  mean sentiment, and the theme's impact on the primary score in that period; ``share`` is null for periods under
  the minimum n (evidence rules: one comment is not a 100 % spike).
- ``score_labels``: display names of score columns (``empathic scores rename``), kept across runs.
- ``alerts``: what a weekly digest shows (``kind`` = emerging | rising | falling | new_theme | score_drop …).
- ``saved_filters``: named search queries in the query language.
- ``search_postings`` / ``search_docs``: the BM25 full-text index over comments (term × comment with term frequency;
  comment lengths), built in SQL so the same index can be built with Spark SQL.
"""

MIGRATIONS: list[str] = [
    """
    CREATE TABLE score_summary (
        score_name VARCHAR PRIMARY KEY, kind VARCHAR, metric VARCHAR, n BIGINT,
        value DOUBLE, ci_low DOUBLE, ci_high DOUBLE, mean DOUBLE, computed_at TIMESTAMP
    );
    CREATE TABLE theme_impact (
        score_name VARCHAR, metric VARCHAR, theme_id VARCHAR, label VARCHAR, level INTEGER,
        n_with BIGINT, n_without BIGINT, score_overall DOUBLE, score_with DOUBLE, score_without DOUBLE,
        impact DOUBLE, ci_low DOUBLE, ci_high DOUBLE, p_value DOUBLE, q_value DOUBLE, computed_at TIMESTAMP,
        PRIMARY KEY (score_name, theme_id)
    );
    CREATE TABLE key_drivers (
        score_name VARCHAR, theme_id VARCHAR, label VARCHAR, feature VARCHAR, coef DOUBLE,
        ci_low DOUBLE, ci_high DOUBLE, relative_weight DOUBLE, r_squared DOUBLE, n BIGINT, computed_at TIMESTAMP,
        PRIMARY KEY (score_name, theme_id, feature)
    );
    CREATE TABLE segment_differences (
        attribute VARCHAR, segment VARCHAR, metric VARCHAR, theme_id VARCHAR, score_name VARCHAR,
        n_segment BIGINT, n_rest BIGINT, value_segment DOUBLE, value_rest DOUBLE, lift DOUBLE, diff DOUBLE,
        test VARCHAR, statistic DOUBLE, p_value DOUBLE, q_value DOUBLE, significant BOOLEAN, computed_at TIMESTAMP
    );
    CREATE TABLE theme_trends (
        grain VARCHAR, period_start TIMESTAMP, theme_id VARCHAR, label VARCHAR, n_comments BIGINT,
        n_period BIGINT, share DOUBLE, sentiment DOUBLE, score_name VARCHAR, impact DOUBLE, computed_at TIMESTAMP,
        PRIMARY KEY (period_start, theme_id)
    );
    CREATE TABLE alerts (
        alert_id VARCHAR PRIMARY KEY, kind VARCHAR, theme_id VARCHAR, message VARCHAR, severity VARCHAR,
        period VARCHAR, created_at TIMESTAMP, payload JSON
    );
    CREATE TABLE saved_filters (name VARCHAR PRIMARY KEY, query VARCHAR, created_at TIMESTAMP);
    CREATE TABLE search_postings (term VARCHAR, feedback_id VARCHAR, tf INTEGER, PRIMARY KEY (term, feedback_id));
    CREATE TABLE search_docs (feedback_id VARCHAR PRIMARY KEY, doc_len INTEGER);
    """,
    # v2: the search index without primary keys — rebuilding it (delete + re-insert of the same keys in one
    # transaction) was ~10x slower with them, and lookups use the term-sorted zone maps, not the key index.
    """
    DROP TABLE search_postings;
    CREATE TABLE search_postings (term VARCHAR, feedback_id VARCHAR, tf INTEGER);
    DROP TABLE search_docs;
    CREATE TABLE search_docs (feedback_id VARCHAR, doc_len INTEGER);
    """,
    # v3: readable scores — a display name per score column, set by the user and never replaced by a run.
    """
    CREATE TABLE score_labels (score_name VARCHAR PRIMARY KEY, display_name VARCHAR, updated_at TIMESTAMP);
    """,
    # v4: small cells — a credible interval of each segment's value (evidence rules), never a bare raw rate.
    """
    ALTER TABLE segment_differences ADD COLUMN ci_low DOUBLE;
    ALTER TABLE segment_differences ADD COLUMN ci_high DOUBLE;
    """,
]
