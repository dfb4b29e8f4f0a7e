"""The team around the data: theme owners and statuses, the closed loop (did a fix work?), notes, the activity log.

This area sits beside ``analytics``: it reads the store (themes, feedback, feelings) and writes only its own
tables (``store/migrations/team.py``), which no analysis stage empties, so everything here survives re-analysis.
Front doors (CLI, web, API) call these functions and only render.
"""
