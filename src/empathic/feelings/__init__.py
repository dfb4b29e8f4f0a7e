"""Feelings: sentiment, emotions, the empathy map, intent and the ideas board.

Pure functions (arrays / Arrow in and out, runnable per batch in Spark): ``sentiment.score_sentiment``,
``emotions.detect_emotions``, ``empathy.classify_quadrant``, ``intent.classify_intent``, ``annotate.annotate_units``
and ``annotate.aggregate_comments``. The stage is ``feelings.stage``; read-side queries live in ``feelings.queries``.
Nothing is imported here so that ``empathic.config`` can import the settings without loading the models.
"""
