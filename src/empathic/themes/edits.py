"""User edits of the theme tree: rename, merge, split, delete, create (guided themes).

Edits are stored in ``theme_edits`` and applied by the themes stage: new ones on the next run (the API runs it at
once), all of them again, in order, after a rediscovery — so a user's work survives re-analysis. Each operation is
a pure function over the list of :class:`Theme` plus the current unit vectors.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from empathic.themes.labels import distinct_labels, phrase_scores
from empathic.themes.model import Theme, children, find, normalise, refresh_parent_centroids, stable_id

OPS = ("rename", "merge", "split", "delete", "create")


@dataclass
class EditContext:
    """What edits may look at: unique unit texts and vectors, and which units each theme currently holds."""

    texts: list[str]
    vectors: np.ndarray
    members: Callable[[str], np.ndarray]
    embed: Callable[[list[str]], np.ndarray]
    seed: int = 42


def guided_id(label: str) -> str:
    """Id of a theme created by the user (same label → same id, so replays are idempotent)."""
    return stable_id("guided", label.strip().lower())


def apply_edit(themes: list[Theme], op: str, payload: dict[str, Any], ctx: EditContext) -> str | None:
    """Apply one edit in place; returns a warning when it no longer applies (e.g. its theme is gone)."""
    fn = {"rename": _rename, "merge": _merge, "split": _split, "delete": _delete, "create": _create}[op]
    result = fn(themes, payload, ctx)
    refresh_parent_centroids(themes)
    return result


def _alive(themes: list[Theme], theme_id: str) -> Theme | None:
    t = find(themes, theme_id)
    return t if t is not None and t.alive else None


def _rename(themes: list[Theme], p: dict[str, Any], ctx: EditContext) -> str | None:
    t = _alive(themes, p["theme_id"])
    if t is None:
        return f"rename: theme {p['theme_id']} no longer exists"
    t.label, t.label_locked = p["label"], True
    return None


def _delete(themes: list[Theme], p: dict[str, Any], ctx: EditContext) -> str | None:
    t = _alive(themes, p["theme_id"])
    if t is None:
        return f"delete: theme {p['theme_id']} no longer exists"
    for c in children(themes, t.theme_id):
        c.status = "deleted"
    t.status = "deleted"
    return None


def _merge(themes: list[Theme], p: dict[str, Any], ctx: EditContext) -> str | None:
    target = _alive(themes, p["into"])
    if target is None:
        return f"merge: target theme {p['into']} no longer exists"
    for source_id in p["theme_ids"]:
        source = _alive(themes, source_id)
        if source is None or source is target:
            continue
        for c in children(themes, source.theme_id):
            c.parent_id = target.theme_id if target.level == 1 else target.parent_id
        target.prototypes = np.concatenate([target.prototypes, source.prototypes])
        target.radius = min(target.radius, source.radius) if len(target.prototypes) else target.radius
        source.status = "deleted"
    if target.level == 2 and not len(target.prototypes):
        target.prototypes = target.centroid[None, :]
    if p.get("label"):
        target.label, target.label_locked = p["label"], True
    if target.origin == "discovered":
        target.origin = "merged"
    if len(target.prototypes) and target.level == 2:
        target.centroid = normalise(target.prototypes.mean(axis=0))
    return None


def _split(themes: list[Theme], p: dict[str, Any], ctx: EditContext) -> str | None:
    from sklearn.cluster import KMeans

    t = _alive(themes, p["theme_id"])
    if t is None:
        return f"split: theme {p['theme_id']} no longer exists"
    n = int(p.get("n", 2))
    pos = ctx.members(t.theme_id)
    if len(pos) < n * 2:
        return f"split: theme {t.label!r} has too few units ({len(pos)}) to split in {n}"
    vecs = ctx.vectors[pos]
    km = KMeans(n_clusters=n, n_init=4, random_state=ctx.seed).fit(vecs)
    cents = normalise(km.cluster_centers_)
    groups = [[ctx.texts[i] for i in pos[km.labels_ == g]] for g in range(n)]
    taken = {x.label for x in themes if x.alive and x is not t}
    labels = distinct_labels(phrase_scores(groups), list(range(n)), taken)
    subs = children(themes, t.theme_id)
    new = []
    for g in range(n):
        part = Theme(
            stable_id("split", t.theme_id, str(g)),
            t.parent_id,
            t.level,
            labels[g],
            cents[g],
            cents[g][None, :],
            origin="split",
            radius=t.radius,
        )
        part.keywords = [w for w, _ in phrase_scores(groups)[g][:8]]
        new.append(part)
    if subs:  # a top-level theme: its subthemes follow their nearest part, the parts become groups
        for part in new:
            part.prototypes = np.zeros((0, len(t.centroid)), np.float32)
        for c in subs:
            c.parent_id = new[int(np.argmax(cents @ c.centroid))].theme_id
        if len(t.prototypes):
            for part in new:
                part.prototypes = part.centroid[None, :]
    t.status = "deleted"
    themes[themes.index(t) + 1 : themes.index(t) + 1] = new
    return None


def _create(themes: list[Theme], p: dict[str, Any], ctx: EditContext) -> str | None:
    label = p["label"]
    protos = []
    examples = [e for e in p.get("examples") or [] if e and e.strip()]
    if examples:
        ex = ctx.embed(examples)
        protos += [*list(ex), normalise(ex.mean(axis=0))]
    keywords = [k for k in p.get("keywords") or [] if k and k.strip()]
    if keywords:
        pattern = re.compile(r"\b(" + "|".join(re.escape(k.lower()) for k in keywords) + r")\b")
        hits = [i for i, text in enumerate(ctx.texts) if pattern.search(text.lower())]
        if hits:
            protos.append(normalise(ctx.vectors[hits].mean(axis=0)))
        protos += list(ctx.embed(keywords))
    if not protos:
        return f"create: theme {label!r} has neither keywords nor examples"
    protos_arr = normalise(np.asarray(protos))
    theme_id = p.get("theme_id") or guided_id(label)
    existing = find(themes, theme_id)
    if existing is not None:
        themes.remove(existing)
    t = Theme(
        theme_id,
        None,
        1,
        label,
        normalise(protos_arr.mean(axis=0)),
        protos_arr,
        origin="guided",
        label_locked=True,
        radius=0.0,
        keywords=keywords[:8],
    )
    themes.append(t)
    return None
