"""Tables of the personas component (owned by that stage; append migrations, never edit a shipped one)."""

MIGRATIONS: list[str] = [
    """
    CREATE TABLE personas (
        persona_id VARCHAR PRIMARY KEY, name VARCHAR, size INTEGER, share DOUBLE, description VARCHAR,
        traits JSON /* list of {feature, kind, value, overall, lift} */, top_themes JSON, feelings JSON,
        empathy_map JSON /* {thinks_feels, sees, says_does, hears, pains, gains: [quotes]} */, quotes JSON,
        score DOUBLE /* mean score (e.g. NPS 0-10) of the persona's feedback */, created_at TIMESTAMP
    );
    CREATE TABLE customer_personas (
        customer_id VARCHAR PRIMARY KEY, persona_id VARCHAR, distance DOUBLE
    );
    """,
]
