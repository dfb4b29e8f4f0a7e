"""Persona cards: defining traits vs everyone, a generated descriptive name, top themes, feelings, an empathy map
filled with real quotes, and the persona's score. Pure pandas in, plain dicts out (stored as JSON)."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from empathic.personas.features import FeatureMatrix

QUADRANTS = ("thinks_feels", "sees", "says_does", "hears")
DAYPART_WORDS = {"night": "Night-owl", "morning": "Early-bird", "afternoon": "Afternoon", "evening": "Evening"}
QUOTES_PER_CELL = 3


def _is_share(col: pd.Series) -> bool:
    return bool(col.min() >= 0 and col.max() <= 1)


def traits(fm: FeatureMatrix, members: np.ndarray, theme_labels: dict[str, str]) -> list[dict]:
    """Every feature's value in the persona vs everyone, most distinguishing first.

    Shares (one-hot attributes, event mix, theme mentions) get a ``lift`` (persona mean / overall mean); other
    numbers a ``z`` (difference in overall standard deviations). ``strength`` orders them.
    """
    out = []
    for name in fm.raw.columns:
        col = fm.raw[name]
        value, overall = float(col[members].mean()), float(col.mean())
        block, _, feature = name.partition(":")
        label = _feature_label(feature, theme_labels)
        if _is_share(col):
            lift = value / overall if overall > 0 else float("nan")
            strength = _share_strength(value, overall, lift)
            out.append(
                {
                    "feature": feature,
                    "label": label,
                    "block": block,
                    "kind": "share",
                    "value": value,
                    "overall": overall,
                    "lift": lift,
                    "strength": float(strength),
                }
            )
        else:
            sd = float(col.std(ddof=0)) or 1.0
            z = (value - overall) / sd  # on the clustering scale (log for heavy-tailed numbers)
            stat = "mean"
            if name in fm.logged:  # shown in real units (log1p undone): the median, robust to the heavy tail
                real = np.expm1(col.to_numpy(float))
                value, overall = float(np.median(real[members])), float(np.median(real))
                stat = "median"
            out.append(
                {
                    "feature": feature,
                    "label": label,
                    "block": block,
                    "kind": "number",
                    "value": value,
                    "overall": overall,
                    "stat": stat,
                    "z": z,
                    "strength": abs(z) * 0.6,
                }
            )
    return sorted(out, key=lambda t: (-t["strength"], t["feature"]))


def _share_strength(value: float, overall: float, lift: float) -> float:
    """How telling a share is: log-lift weighted by how common it is; being *more* common counts double."""
    if not overall > 0:
        return 0.0
    if lift >= 1:
        return float(np.log(lift) * np.sqrt(value))
    return float(0.5 * np.log(1.0 / max(lift, 0.1)) * np.sqrt(overall))


def _feature_label(feature: str, theme_labels: dict[str, str]) -> str:
    kind, _, item = feature.partition("=")
    if kind == "theme":
        return theme_labels.get(item, item)
    return feature if not item else f"{kind} {item}".replace("_", " ")


def _short(label: str, words: int = 3) -> str:
    return " ".join(str(label).replace("_", " ").split()[:words])


def persona_name(persona_traits: list[dict]) -> str:
    """A descriptive name from the distinguishing traits, e.g. "Night-owl pro-plan power users · reporting".

    Pieces (each only when clearly distinctive): a time habit (daypart/weekend share ≥ 40 % and ≥ 1.5× overall),
    the most over-represented attribute value (≥ 50 %, ≥ 1.5×), an intensity noun from time used / tenure, and the
    most over-indexed theme.
    """
    over = [t for t in persona_traits if t["kind"] == "share" and t.get("lift", 0) >= 1.5]
    habit = next((t for t in over if t["feature"].startswith(("daypart=", "weekend")) and t["value"] >= 0.4), None)
    attr = next((t for t in over if t["block"] == "attribute" and t["value"] >= 0.5), None)
    theme = next((t for t in over if t["feature"].startswith("theme=") and t["value"] >= 0.15), None)
    by_feature = {t["feature"]: t for t in persona_traits}
    noun = "customers"
    used = by_feature.get("time_used_s", {}).get("z", 0.0)
    tenure = by_feature.get("tenure_days", {}).get("z", 0.0)
    if tenure <= -0.8:
        noun = "newcomers"
    elif used >= 0.5:
        noun = "power users"
    elif used <= -0.5:
        noun = "light users"
    words = []
    if habit:
        part = habit["feature"].partition("=")[2]
        words.append("Weekend" if habit["feature"].startswith("weekend") else DAYPART_WORDS.get(part, part))
    if attr:
        key, _, value = attr["feature"].partition("=")
        words.append(f"{value}-{key}".replace(" ", "-") if value else key)
    words.append(noun)
    name = " ".join(words)
    name = name[0].upper() + name[1:]
    if theme:
        name += f" · {_short(theme['label']).lower()}"
    return name


def describe(persona_traits: list[dict], size: int, share: float) -> str:
    """One sentence naming the three most distinguishing traits with their numbers."""
    bits = []
    for t in persona_traits[:3]:
        if t["kind"] == "share":
            bits.append(f"{t['label']}: {t['value']:.0%} vs {t['overall']:.0%} overall")
        else:
            sign = "higher" if t["z"] > 0 else "lower"
            stat = t.get("stat", "mean")
            bits.append(f"{t['label']} {stat} {t['value']:,.4g} vs {t['overall']:,.4g} overall ({sign})")
    return f"{size} customers ({share:.0%}). " + "; ".join(bits) + "."


def _stable_order(frame: pd.DataFrame) -> pd.Series:
    idx = frame["sentence_idx"].astype(str) if "sentence_idx" in frame else ""
    key = frame["feedback_id"].astype(str) + ":" + idx
    return key.map(lambda s: hashlib.md5(s.encode()).hexdigest())


def empathy_map(sentences: pd.DataFrame, theme_weight: dict[str, float] | None = None) -> dict[str, list[dict]]:
    """Quotes per quadrant plus pains and gains from a persona's sentence feelings.

    Args:
        sentences: ``(feedback_id, sentence_idx, text, quadrant, pain, gain, sentiment)`` of the persona, optionally
            ``theme_ids`` (';'-joined themes of the sentence's comment).
        theme_weight: theme id → how much it distinguishes the persona (e.g. log-lift); statements from comments
            about those themes come first, so the map speaks of what sets the persona apart.

    Returns:
        ``{thinks_feels, sees, says_does, hears, pains, gains}`` → up to 3 ``{feedback_id, sentence_idx, text}``;
        distinctive and strong statements (|sentiment|) first; a text appears in one cell only.
    """
    cells: dict[str, list[dict]] = {q: [] for q in (*QUADRANTS, "pains", "gains")}
    if sentences.empty:
        return cells
    weight = theme_weight or {}
    topical = (
        sentences["theme_ids"]
        .fillna("")
        .str.split(";")
        .map(lambda ids: max((weight.get(t, 0.0) for t in ids), default=0.0))
        if "theme_ids" in sentences and weight
        else 0.0
    )
    sentiment = sentences["sentiment"].astype(float).fillna(0.0)
    # strengths are columns before any filtering (assigning a Series to an empty frame would add its rows)
    s = sentences.assign(
        topical=topical, tie=_stable_order(sentences), strong=sentiment.abs(), neg=-sentiment, pos=sentiment
    )
    picks = {q: s[s["quadrant"] == q].assign(strength=lambda f: f["strong"]) for q in QUADRANTS}
    picks["pains"] = s[s["pain"].fillna(False).astype(bool)].assign(strength=lambda f: f["neg"])
    picks["gains"] = s[s["gain"].fillna(False).astype(bool)].assign(strength=lambda f: f["pos"])
    used: set[str] = set()
    for cell, frame in picks.items():
        frame = frame.assign(rank=frame["topical"] + frame["strength"])
        frame = frame.sort_values(["rank", "tie"], ascending=[False, True]).drop_duplicates("text")
        frame = frame[~frame["text"].isin(used)].head(QUOTES_PER_CELL)
        used.update(frame["text"])
        cells[cell] = [
            {"feedback_id": r.feedback_id, "sentence_idx": int(r.sentence_idx), "text": r.text}
            for r in frame.itertuples()
        ]
    return cells


def representative_quotes(comments: pd.DataFrame, top_theme: str | None, n: int = 5) -> list[dict]:
    """Up to ``n`` of the persona's comments, preferring ones that mention its most distinctive theme.

    Args:
        comments: ``(feedback_id, text, theme_ids)`` of the persona (theme_ids ';'-joined or empty).
    """
    if comments.empty:
        return []
    c = comments.assign(tie=_stable_order(comments))
    c["hit"] = c["theme_ids"].fillna("").str.split(";").map(lambda ids: top_theme in ids) if top_theme else False
    c = c.sort_values(["hit", "tie"], ascending=[False, True]).drop_duplicates("text").head(n)
    return [{"feedback_id": r.feedback_id, "text": r.text} for r in c.itertuples()]
