"""Front doors that leave the building: the self-contained HTML report and the exports (plus the read models
that the web app shares with them)."""
