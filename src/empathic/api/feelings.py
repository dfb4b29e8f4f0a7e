"""Notebook methods of the feelings area, mixed into :class:`empathic.Workspace`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from empathic.feelings import corrections, queries

if TYPE_CHECKING:
    from empathic.config import Settings
    from empathic.store import Store


class FeelingsAPI:
    """Mixin: feelings results as pandas DataFrames. Uses self.store and self.settings."""

    store: Store
    settings: Settings

    def feelings(self) -> pd.DataFrame:
        """One row per comment: text, sentiment (−1..1) and label, emotions, empathy quadrants, intents, churn."""
        queries.require_feelings(self.store)
        frame = self.store.read_df(
            "SELECT ff.*, f.text FROM feedback_feelings ff JOIN feedback f USING (feedback_id) ORDER BY feedback_id"
        )
        return queries.parse_scores(frame)

    def sentence_feelings(self) -> pd.DataFrame:
        """One row per sentence unit: text, sentiment, emotions (+ scores), quadrant, pain/gain, intent, theme."""
        return queries.parse_scores(queries.units_frame(self.store))

    def emotions(self) -> pd.DataFrame:
        """Per emotion: how many comments express it, their share, mean score and mean sentiment."""
        return queries.emotions_summary(self.store)

    def empathy_map(self, by: str | None = None, theme_id: str | None = None) -> pd.DataFrame:
        """Empathy map cells (thinks_feels, sees, says_does, hears, pains, gains) with counts and quotes.

        Args:
            by: None for one map, "theme" for one per theme, or a feedback attribute name (one per segment).
            theme_id: only the sentences of this theme (or subtheme).
        """
        return queries.empathy_map(self.store, self.settings.feelings, by=by, theme_id=theme_id)

    def ideas(self) -> pd.DataFrame:
        """The ideas board: suggestions grouped by theme (or by similarity) ranked by volume, pain and impact."""
        return queries.ideas(self.store, self.settings.feelings, self.settings.seed)

    def theme_feelings(self) -> pd.DataFrame:
        """Per theme and subtheme: mentions, mean sentiment of its mentions, negative/positive/pain shares, top
        emotions (empty frame when the themes stage has not run)."""
        return queries.theme_feelings(self.store)

    def pain_points(self) -> pd.DataFrame:
        """Pains (negative units, complaints, churn signals) grouped and ranked like ideas."""
        return queries.pain_points(self.store, self.settings.feelings, self.settings.seed)

    def correct(
        self,
        feedback_id: str,
        *,
        sentence_idx: int | None = None,
        sentiment: str | None = None,
        intent: str | list[str] | None = None,
        author: str | None = None,
    ) -> dict[str, Any]:
        """Correct a comment's (or one sentence's) sentiment and/or intent; returns the stored correction.

        It is kept with ``author`` and the time, recorded in the team activity log, applied verbatim by every later
        feelings run (re-analysis and new data alike), and nudges the comment's near neighbours (few-shot). The
        feelings results are stale until the next ``analyze``.

        Example: ``ws.correct("r42", sentiment="negative", intent="request")``.
        """
        from empathic.team.activity import record

        def log(con: Any, row: dict[str, Any]) -> None:
            detail = {k: row[k] for k in ("correction_id", "sentence_idx", "sentiment_label", "intent")}
            record(con, author, "feelings.correct", "comment", row["feedback_id"], detail)

        return corrections.add_correction(
            self.store, feedback_id, sentence_idx=sentence_idx, sentiment=sentiment, intent=intent, author=author,
            log=log,
        )  # fmt: skip

    def corrections(self, feedback_id: str | None = None) -> pd.DataFrame:
        """The analysts' corrections (who, when, what), oldest first; ``feedback_id`` narrows to one comment."""
        return corrections.corrections(self.store, feedback_id)

    def calibration(self) -> dict[str, Any] | None:
        """The last calibration of sentiment to the workspace's scores (agreement before/after on held-out folds,
        whether it was applied and why), or None before the feelings stage ran."""
        return queries.calibration(self.store)
