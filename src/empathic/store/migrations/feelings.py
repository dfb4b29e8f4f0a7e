"""Tables of the feelings component (owned by that stage; append migrations, never edit a shipped one)."""

MIGRATIONS: list[str] = []
