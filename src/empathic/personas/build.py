"""From a clustering to stored persona cards and customer → persona assignments (pure pandas)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from empathic.personas import cards
from empathic.personas.cluster import Clustering
from empathic.personas.features import FeatureMatrix

TOP_THEMES = 5


def _score(comments: pd.DataFrame) -> float:
    """NPS (−100…100) when the score is NPS, else the mean score; NaN without scores."""
    s = comments["score"].dropna()
    if s.empty:
        return float("nan")
    if (comments["score_kind"].dropna() == "nps").all():
        return float(100.0 * ((s >= 9).mean() - (s <= 6).mean()))
    return float(s.mean())


def _feelings(persona_traits: list[dict]) -> dict:
    sentiment = next((t for t in persona_traits if t["feature"] == "sentiment"), None)
    emotions = sorted(
        (t for t in persona_traits if t["feature"].startswith("emotion=")), key=lambda t: (-t["value"], t["feature"])
    )
    return {
        "sentiment": sentiment["value"] if sentiment else None,
        "sentiment_overall": sentiment["overall"] if sentiment else None,
        "emotions": [
            {"emotion": t["feature"].split("=", 1)[1], "share": t["value"], "lift": t["lift"]} for t in emotions[:5]
        ],
    }


def theme_mix(mine: pd.DataFrame, everyone: pd.DataFrame, theme_labels: dict[str, str]) -> list[dict]:
    """Themes most mentioned in a persona's comments: share of its comments and lift vs all linked comments."""

    def shares(frame: pd.DataFrame) -> pd.Series:
        ids = frame["theme_ids"].dropna().str.split(";").explode()
        return ids[ids != ""].value_counts() / max(len(frame), 1)

    own, overall = shares(mine), shares(everyone)
    rows = [
        {
            "theme_id": str(t),
            "label": theme_labels.get(str(t), str(t)),
            "share": float(v),
            "lift": float(v / overall[t]) if overall.get(t, 0) > 0 else float("nan"),
        }
        for t, v in own.items()
    ]
    return sorted(rows, key=lambda r: (-r["share"], r["theme_id"]))


def _empathy(sentences: pd.DataFrame, mine: pd.DataFrame, member_ids: set, top_themes: list[dict]) -> dict:
    """The empathy map from sentence feelings; without them, only "says & does" from the comments themselves."""
    if len(sentences):
        own = sentences[sentences["customer_id"].isin(member_ids)]
        own = own.merge(mine[["feedback_id", "theme_ids"]], on="feedback_id", how="left")
        weight = {t["theme_id"]: float(np.log(t["lift"])) for t in top_themes if t["lift"] > 1}
        return cards.empathy_map(own, weight)
    empty = cards.empathy_map(sentences.iloc[:0])
    empty["says_does"] = cards.representative_quotes(mine, None, n=cards.QUOTES_PER_CELL)
    return empty


def build_personas(
    fm: FeatureMatrix,
    clustering: Clustering,
    *,
    comments: pd.DataFrame,
    sentences: pd.DataFrame,
    theme_labels: dict[str, str],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Persona cards (rows of the ``personas`` table, JSON columns as strings) and ``customer_personas`` rows."""
    ids = fm.customer_ids
    rows, names = [], set()
    for p in range(clustering.k):
        members = clustering.labels == p
        member_ids = set(ids[members])
        persona_traits = cards.traits(fm, members, theme_labels) if clustering.has_structure else []
        name = cards.persona_name(persona_traits) if clustering.has_structure else "All customers"
        base, n = name, 2
        while name in names:
            name, n = f"{base} ({n})", n + 1
        names.add(name)
        mine = comments[comments["customer_id"].isin(member_ids)]
        top_themes = theme_mix(mine, comments, theme_labels)[:TOP_THEMES]
        distinct = next(
            (t["theme_id"] for t in sorted(top_themes, key=lambda t: (-t["lift"], t["theme_id"])) if t["lift"] > 1),
            None,
        )
        size = int(members.sum())
        share = size / len(ids)
        description = (
            cards.describe(persona_traits, size, share)
            if clustering.has_structure
            else f"{size} customers: no distinct personas (silhouette did not beat a shuffled control)."
        )
        rows.append(
            {
                "persona_id": f"P{p + 1}",
                "name": name,
                "size": size,
                "share": share,
                "description": description,
                "traits": json.dumps([{k: v for k, v in t.items() if k != "strength"} for t in persona_traits[:12]]),
                "top_themes": json.dumps(top_themes),
                "feelings": json.dumps(_feelings(persona_traits)),
                "empathy_map": json.dumps(_empathy(sentences, mine, member_ids, top_themes)),
                "quotes": json.dumps(cards.representative_quotes(mine, distinct)),
                "score": _score(mine),
            }
        )
    personas = pd.DataFrame(rows)
    assignments = pd.DataFrame(
        {
            "customer_id": ids,
            "persona_id": [f"P{c + 1}" for c in clustering.labels],
            "distance": clustering.distances.astype(float),
        }
    )
    return personas, assignments
