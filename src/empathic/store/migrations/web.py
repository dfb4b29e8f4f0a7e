"""Tables of the web component (owned by that stage; append migrations, never edit a shipped one).

None so far, on purpose: users, roles, per-workspace access, API tokens and background jobs live in a separate
server-side accounts file (SQLite, ``empathic-users.sqlite`` beside the workspace; see
``empathic.web.accounts``). One server may serve several workspaces with one set of accounts, and
``empathic users add`` must work while ``empathic serve`` holds the DuckDB workspace open for writing.
"""

MIGRATIONS: list[str] = []
