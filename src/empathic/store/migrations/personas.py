"""Tables of the personas component (owned by that stage; append migrations, never edit a shipped one)."""

MIGRATIONS: list[str] = []
