"""The ``personas`` stage: customers → features (attributes, usage, words) → personas → cards, in one transaction."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from empathic.config import Settings
from empathic.personas import load
from empathic.personas.build import build_personas
from empathic.personas.cluster import find_personas
from empathic.personas.features import build_features
from empathic.progress import Progress
from empathic.stage import Stage, StageResult
from empathic.store import Store, empty_table

STAGE = Stage(
    name="personas",
    reads_stages=("sentences", "themes", "feelings", "usage"),  # optional inputs: any customer features will do
    reads=("feedback", "feedback_scores", "customer_attributes", "events", "sentences", "themes", "feedback_themes",
           "sentence_feelings", "feedback_feelings", "feedback_emotions", "usage_customers"),
    writes=("personas", "customer_personas"),
    settings=("personas", "usage", "seed"),
)  # fmt: skip
NAME = STAGE.name
REQUIRES = STAGE.requires


def run(store: Store, settings: Settings, progress: Progress) -> StageResult:
    """Cluster customers into personas and store their cards (skipped with too few customers)."""
    ps = settings.personas
    cur = store.cursor()
    try:
        ids = load.customer_universe(cur)
        if len(ids) < ps.min_customers:
            return StageResult(
                NAME,
                skipped=True,
                message=f"{len(ids)} customers with usage/attributes/linked feedback; "
                f"personas need at least {ps.min_customers}",
            )
        progress("personas", 0, 3)
        fm = build_features(
            ids,
            attributes=load.attributes(cur),
            usage=load.usage(cur),
            event_mix=load.event_mix(cur, settings.usage.time_zone),
            said=load.said(cur),
            block_weights={
                "attribute": ps.weight_attributes,
                "behaviour": ps.weight_behaviour,
                "words": ps.weight_words,
            },
        )
        progress("personas", 1, 3)
        clustering = find_personas(
            fm.weighted,
            fm.customer_ids,
            seed=settings.seed,
            min_gain=ps.min_gain,
            k_range=range(ps.min_personas, ps.max_personas + 1),
        )
        progress("personas", 2, 3)
        personas, assignments = build_personas(
            fm,
            clustering,
            comments=load.comments(cur),
            sentences=load.sentences(cur),
            theme_labels=load.theme_labels(cur),
        )
    finally:
        cur.close()
    personas["created_at"] = datetime.now(UTC).replace(tzinfo=None)
    with store.write() as con:
        empty_table(con, "personas")
        empty_table(con, "customer_personas")
        con.register("new_personas", personas)
        con.execute("INSERT INTO personas BY NAME SELECT * FROM new_personas")
        con.unregister("new_personas")
        con.register("new_assign", assignments)
        con.execute("INSERT INTO customer_personas BY NAME SELECT * FROM new_assign")
        con.unregister("new_assign")
    progress("personas", 3, 3)
    # the chosen k's silhouette is NaN when everyone is one group: say the best one tried, never "nan"
    best = _best_silhouette(clustering.scores) if not clustering.has_structure else clustering.silhouette
    warnings = (
        []
        if clustering.has_structure
        else [
            f"no distinct personas: best silhouette {_score(best, 3)} vs shuffled control "
            f"{_score(clustering.control_silhouette, 3)}; everyone is one group"
        ]
    )
    return StageResult(
        NAME,
        counts={"personas": clustering.k, "customers": len(ids)},
        warnings=warnings,
        message=f"{clustering.k} personas from {len(ids)} customers "
        f"(silhouette {_score(best, 2)}, shuffled control {_score(clustering.control_silhouette, 2)})",
    )


def _best_silhouette(scores: dict[int, float]) -> float:
    """The best silhouette over the k that were tried (NaN when none could be measured)."""
    finite = [v for v in scores.values() if math.isfinite(v)]
    return max(finite) if finite else math.nan


def _score(value: float, digits: int) -> str:
    """A silhouette for people: "n/a" when it could not be measured (too few customers), never "nan"."""
    return f"{value:.{digits}f}" if math.isfinite(value) else "n/a"
