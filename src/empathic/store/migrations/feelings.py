"""Tables of the feelings component (owned by that stage; append migrations, never edit a shipped one).

- ``sentence_feelings``: one row per sentence unit: sentiment (-1..1) and label, emotions over threshold
  (';'-joined) with all scores (JSON), empathy-map quadrant, pain/gain flags and intent.
- ``feedback_feelings``: one row per comment: the aggregated sentiment, emotions, quadrants, intents and whether
  it carries a churn signal.
- ``feedback_emotions``: one row per comment × emotion over threshold (long form for SQL aggregation).
- ``feelings_corrections``: analysts' corrections of a comment's (``sentence_idx`` NULL) or a sentence's sentiment
  and/or intent, with the text they were made on, who and when (written by the front doors, read by the stage).
- ``feelings_calibration``: the last calibration attempt of comment sentiment to the workspace's scores: agreement
  before and after on held-out folds, and whether it was applied.
"""

MIGRATIONS: list[str] = [
    """CREATE TABLE sentence_feelings (
        feedback_id VARCHAR,
        sentence_idx INTEGER,
        sentiment DOUBLE,
        sentiment_label VARCHAR,
        emotions VARCHAR,
        emotion_scores JSON,
        quadrant VARCHAR,
        pain BOOLEAN,
        gain BOOLEAN,
        intent VARCHAR,
        PRIMARY KEY (feedback_id, sentence_idx)
    )""",
    """CREATE TABLE feedback_feelings (
        feedback_id VARCHAR PRIMARY KEY,
        sentiment DOUBLE,
        sentiment_label VARCHAR,
        emotions VARCHAR,
        emotion_scores JSON,
        empathy_quadrants VARCHAR,
        intent VARCHAR,
        churn_signal BOOLEAN
    )""",
    """CREATE TABLE feedback_emotions (
        feedback_id VARCHAR,
        emotion VARCHAR,
        score DOUBLE,
        PRIMARY KEY (feedback_id, emotion)
    )""",
    """CREATE TABLE feelings_corrections (
        correction_id VARCHAR PRIMARY KEY,
        feedback_id VARCHAR,
        sentence_idx INTEGER,
        text VARCHAR,
        sentiment_label VARCHAR,
        intent VARCHAR,
        author VARCHAR,
        created_at TIMESTAMP
    )""",
    """CREATE TABLE feelings_calibration (
        score VARCHAR,
        n INTEGER,
        agreement_before DOUBLE,
        agreement_after DOUBLE,
        accuracy_before DOUBLE,
        accuracy_after DOUBLE,
        fold_wins INTEGER,
        folds INTEGER,
        applied BOOLEAN,
        reason VARCHAR,
        detail JSON,
        computed_at TIMESTAMP
    )""",
]
