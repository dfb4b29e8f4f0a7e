"""A tree a reader can use: each subtheme under the parent it belongs with, and no more subthemes than the data
carries.

- :func:`reparent`: Ward linkage groups fine clusters by their centroids as a whole, so a cluster on the border
  can end up under a parent whose other members it is less like than another's ("food was good" under flight).
  Each fine cluster moves to the group whose *other* members' mean centroid it is nearest, until none moves.
- :func:`cap_subthemes`: 185 subthemes for 1,289 reviews is a list nobody reads. A tree of n comments keeps at most
  max(20, 2·√n) subthemes; beyond that, the two siblings whose members tell them apart least merge (the bigger
  one's id stays): near-duplicates go first ("seat was comfortable" / "seats were comfortable"). Only trees of
  diffuse data are capped (reviews, surveys: no resolution gave crisp communities): when Leiden's communities are
  crisp (Banking77's intents, stability ≥ 0.8), each is a real group and merging any two loses it (Banking77 test:
  124 → 110 subthemes cost 0.006 NMI and 0.03 ARI, docs/bench/themes.md round 8).
"""

from __future__ import annotations

import math

import numpy as np

from empathic.themes.assign import Assignment
from empathic.themes.labels import label_key
from empathic.themes.model import Theme, children, normalise

#: A fine cluster moves only to a group this much closer than its own (keeps ties and noise where they are).
MOVE_MARGIN = 0.01
MAX_PASSES = 5


def reparent(cents: np.ndarray, sizes: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Group ids (same numbering) after moving each fine cluster to the group whose other members it is nearest.

    Args:
        cents: float32 (m, dim) L2-normalised fine-cluster centroids.
        sizes: (m,) units per fine cluster (a group's mean centroid weighs its members by size).
        group: (m,) group id of each fine cluster.

    A group never loses its last member; clusters are visited in index order, so the result is deterministic.
    """
    group = group.copy()
    n_groups = int(group.max() + 1) if len(group) else 0
    weighted = cents.astype(np.float64) * sizes[:, None]
    for _ in range(MAX_PASSES):
        moved = False
        sums = np.zeros((n_groups, cents.shape[1]))
        np.add.at(sums, group, weighted)
        counts = np.bincount(group, minlength=n_groups)
        for c in range(len(group)):
            own = group[c]
            if counts[own] < 2:
                continue
            others = sums.copy()
            others[own] -= weighted[c]
            sims = normalise(others) @ cents[c]
            sims[counts - (np.arange(n_groups) == own) == 0] = -np.inf
            best = int(np.argmax(sims))
            if best != own and sims[best] > sims[own] + MOVE_MARGIN:
                sums[own] -= weighted[c]
                sums[best] += weighted[c]
                counts[own] -= 1
                counts[best] += 1
                group[c] = best
                moved = True
        if not moved:
            break
    return group


def subtheme_cap(n_comments: int) -> int:
    """Most subthemes a tree of ``n_comments`` comments keeps: max(20, 2·√n)."""
    return max(20, int(2 * math.sqrt(max(0, n_comments))))


#: Members per parent read to measure how distinct its subthemes are (evenly spaced, deterministic).
MARGIN_SAMPLE = 4000


def cap_subthemes(themes: list[Theme], vectors: np.ndarray, assignment: Assignment, cap: int) -> int:
    """Merge the least distinct sibling subthemes until at most ``cap`` subthemes are left, in place.

    How distinct two siblings are: the mean over their members of |cos(member, one) − cos(member, other)|. Near
    duplicates ("seat was comfortable" / "seats were comfortable") score low; two real topics that merely sit close
    (two banking intents) score high because each member clearly prefers its own. The merged subtheme keeps the id
    of the one with more units, owns both prototype sets, and its centroid is its members' mean. Subthemes the
    user made or named are never merged. Returns the number of merges.

    Args:
        vectors: float32 (n, dim) the unit vectors ``assignment`` was made on.
    """
    leaf_of = {tid: i for i, tid in enumerate(assignment.leaf_ids)}
    owner = [assignment.leaf_ids[i] if i >= 0 else None for i in assignment.leaf.tolist()]
    merges = 0
    while True:
        subs = [t for t in themes if t.level == 2 and t.alive]
        if len(subs) <= cap:
            return merges
        mergeable = [t for t in subs if t.origin == "discovered" and not t.label_locked and t.theme_id in leaf_of]
        pair = _least_distinct_siblings(mergeable, vectors, owner)
        if pair is None:
            return merges
        a, b = pair
        members = [u for u, o in enumerate(owner) if o in (a.theme_id, b.theme_id)]
        for u in members:
            owner[u] = a.theme_id
        if members:
            a.centroid = normalise(vectors[members].mean(axis=0))
        a.prototypes = np.concatenate([a.prototypes, b.prototypes])
        a.radius = min(a.radius, b.radius)
        themes.remove(b)
        merges += 1


def _least_distinct_siblings(subs: list[Theme], vectors: np.ndarray, owner: list[str | None]):
    """The (bigger, smaller) pair of subthemes of one parent whose members tell them apart least, or None."""
    by_parent: dict[str | None, list[Theme]] = {}
    for t in subs:
        by_parent.setdefault(t.parent_id, []).append(t)
    index: dict[str, list[int]] = {}
    for u, o in enumerate(owner):
        if o is not None:
            index.setdefault(o, []).append(u)
    best, pair = np.inf, None
    for kids in by_parent.values():
        if len(kids) < 2:
            continue
        rows = [np.asarray(index.get(k.theme_id, []), dtype=np.int64) for k in kids]
        label = np.concatenate([np.full(len(r), i) for i, r in enumerate(rows)])
        units = np.concatenate(rows)
        if len(units) > MARGIN_SAMPLE:
            keep = np.linspace(0, len(units) - 1, MARGIN_SAMPLE).astype(np.int64)
            units, label = units[keep], label[keep]
        sims = vectors[units] @ np.stack([k.centroid for k in kids]).T
        for i in range(len(kids)):
            for j in range(i + 1, len(kids)):
                both = (label == i) | (label == j)
                gap = float(np.abs(sims[both, i] - sims[both, j]).mean()) if both.any() else 0.0
                if gap < best - 1e-12:
                    sizes = (int((label == i).sum()), int((label == j).sum()))
                    big, small = (kids[i], kids[j]) if sizes[0] >= sizes[1] else (kids[j], kids[i])
                    best, pair = gap, (big, small)
    return pair


def drop_ghosts(themes: list[Theme], assignment: Assignment, min_comments: int, comment: np.ndarray) -> int:
    """Remove discovered leaves whose units come from fewer than ``min_comments`` comments, in place; returns how
    many.

    A long review's sentences share its vector (context mixing), so they can form a cluster of their own; once every
    unit is assigned, such a leaf is one customer's story ("filthy seat (1)" as a top-level theme of 1,300 reviews).
    Its units go to their next-nearest theme at the next assignment. A top-level theme left without leaves goes too.

    Args:
        comment: (n_units,) int comment index of each unit the assignment was made on.
    """
    has = assignment.leaf >= 0
    pairs = np.unique(np.stack([assignment.leaf[has], comment[has]]), axis=1)
    counts = np.bincount(pairs[0], minlength=len(assignment.leaf_ids))
    small = {tid for tid, c in zip(assignment.leaf_ids, counts.tolist(), strict=True) if c < min_comments}
    gone = [t for t in themes if t.theme_id in small and t.origin == "discovered" and not t.label_locked]
    if len(gone) == len(assignment.leaf_ids):
        return 0  # never empty the tree
    for t in gone:
        themes.remove(t)
    ids = {t.parent_id for t in themes if t.level == 2}
    empty = [
        t
        for t in themes
        if t.level == 1 and not len(t.prototypes) and t.theme_id not in ids and t.origin == "discovered"
    ]
    for t in empty:
        themes.remove(t)
    return len(gone)


def leaf_units(themes: list[Theme], assignment: Assignment) -> dict[str, int]:
    """Units assigned to each leaf theme (by id; 0 for a leaf that got none)."""
    counts = np.bincount(assignment.leaf[assignment.leaf >= 0], minlength=len(assignment.leaf_ids))
    return {t.theme_id: 0 for t in themes} | dict(zip(assignment.leaf_ids, counts.tolist(), strict=True))


def _movable(theme: Theme) -> bool:
    return theme.alive and theme.origin == "discovered" and not theme.label_locked


def reparent_leaves(themes: list[Theme]) -> int:
    """Move each discovered subtheme to the top-level theme whose other subthemes it is nearest (:func:`reparent` on
    the final subthemes, after refinement and merges changed them), in place; returns how many moved.

    Only top-level themes that group subthemes (and own no units themselves) take part; a top-level theme never
    loses its last subtheme.
    """
    tops = [t for t in themes if t.level == 1 and t.alive and not len(t.prototypes)]
    subs = [t for t in themes if t.level == 2 and t.alive and any(t.parent_id == p.theme_id for p in tops)]
    if len(tops) < 2 or not subs or not all(_movable(t) for t in subs):
        return 0  # a tree the user edited keeps the hierarchy they made
    index = {t.theme_id: i for i, t in enumerate(tops)}
    group = np.array([index[s.parent_id] for s in subs])
    # each subtheme weighs the same: "most like its parent's other subthemes", as a reader (and
    # bench/themes_reviews.py's right-parent measure) compares them, not dominated by one big sibling
    moved = reparent(np.stack([s.centroid for s in subs]), np.ones(len(subs)), group)
    for s, g in zip(subs, moved.tolist(), strict=True):
        s.parent_id = tops[g].theme_id
    return int((moved != group).sum())


#: A subtheme holding at least this share of its parent's units is the parent itself (see
#: :func:`dissolve_catch_alls`). Not one half: of two subthemes one always holds half, and splits of 51–66 % are
#: real parts (SemEval-16 laptops: "key" / "touchpad" under keyboard, 51 / 49 %; folding them cost 0.04 of code
#: frame), while the catch-alls a reader rejects hold 76–80 % ("aisle seat" under seat on BA reviews, 80 %).
CATCH_ALL_SHARE = 0.7


def dissolve_catch_alls(themes: list[Theme], units: dict[str, int], share: float = CATCH_ALL_SHARE) -> list[str]:
    """Fold each subtheme that holds ``share`` or more of its parent's units into the parent, in place; returns the
    labels of the subthemes folded.

    Such a subtheme is not a part of its parent but the parent itself ("aisle seat" holding most of "seat"): the
    label a reader sees names one detail of what nearly every member says. The parent takes over its prototypes,
    so its units stay where they are, now tagged with the parent alone. Units, not comments: a long review touches
    many aspects, so a share of comments cannot tell a catch-all from a common aspect.
    """
    folded = []
    for top in [t for t in themes if t.level == 1 and t.alive]:
        kids = children(themes, top.theme_id)
        total = sum(units.get(k.theme_id, 0) for k in kids) + units.get(top.theme_id, 0)
        if len(kids) < 2 or not total:
            continue
        big = max(kids, key=lambda k: (units.get(k.theme_id, 0), k.theme_id))
        if _movable(big) and units.get(big.theme_id, 0) >= share * total:
            _fold(themes, big, top, units)
            folded.append(big.label)
    return folded


#: Two labels whose static phrase vectors are at least this similar name the same thing to a reader ("meal" /
#: "food" 0.74, "seat" / "seats" 0.79, "leg room" / "legroom" 0.74, "flight crew" / "cabin crew" 0.74; "aisle seat"
#: / "window seat" 0.55, "lunch" / "breakfast" 0.60, "drinks" / "food" 0.25).
SYNONYM_SIMILARITY = 0.7


def merge_synonyms(
    themes: list[Theme],
    units: dict[str, int],
    label_vectors: dict[str, np.ndarray],
    threshold: float = SYNONYM_SIMILARITY,
) -> list[tuple[str, str]]:
    """Merge themes whose labels a reader takes for the same thing, in place; returns the (kept, merged) labels.

    - two sibling subthemes: the smaller one goes into the bigger one;
    - a subtheme and its parent ("meal" under "food"): the subtheme folds into the parent, unless its label
      contains the parent's ("food quality" under "food" names a part of it).

    Top-level themes are not merged: their labels are a domain's broad words, which a static embedder puts close
    together without a reader taking them for one ("flight" / "airline" 0.76 on BA reviews, where "meal" / "food"
    is 0.74), and members cannot tell them apart either (top-level centroids of long reviews sit at 0.87–0.97).

    ``label_vectors``: an L2-normalised vector per label. Only discovered themes nobody named are merged.
    """
    merged: list[tuple[str, str]] = []

    def same(a: Theme, b: Theme) -> bool:
        va, vb = label_vectors.get(a.label), label_vectors.get(b.label)
        return va is not None and vb is not None and float(va @ vb) >= threshold

    def size(t: Theme) -> int:
        return units.get(t.theme_id, 0) + sum(units.get(k.theme_id, 0) for k in children(themes, t.theme_id))

    changed = True
    while changed:  # siblings only: top-level themes are left alone (see above)
        changed = False
        group = [t for t in themes if t.level == 2 and _movable(t)]
        group.sort(key=lambda t: (-size(t), t.theme_id))
        for i, a in enumerate(group):
            b = next((b for b in group[i + 1 :] if b.parent_id == a.parent_id and same(a, b)), None)
            if b is not None:
                _merge_into(themes, b, a, units)
                merged.append((a.label, b.label))
                changed = True
                break
    for sub in [t for t in themes if t.level == 2 and _movable(t)]:
        parent = next((t for t in themes if t.theme_id == sub.parent_id), None)
        # "food quality" under "food" names a part of it; "dresses" under "dress" does not
        part_of = parent is not None and set(label_key(parent.label).split()) < set(label_key(sub.label).split())
        if parent is not None and _movable(parent) and same(sub, parent) and not part_of:
            _fold(themes, sub, parent, units)
            merged.append((parent.label, sub.label))
    return merged


def _fold(themes: list[Theme], sub: Theme, top: Theme, units: dict[str, int]) -> None:
    """``sub``'s units go to its parent ``top`` directly (``top`` owns its prototypes); ``sub`` is removed."""
    units[top.theme_id] = units.get(top.theme_id, 0) + units.pop(sub.theme_id, 0)
    top.radius = min(top.radius, sub.radius) if len(top.prototypes) else sub.radius
    top.prototypes = np.concatenate([top.prototypes.reshape(-1, len(sub.centroid)), sub.prototypes])
    themes.remove(sub)


def _merge_into(themes: list[Theme], source: Theme, target: Theme, units: dict[str, int]) -> None:
    """``source`` merges into ``target`` (same level): subthemes, prototypes and units move; ``source`` is removed."""
    for c in children(themes, source.theme_id):
        c.parent_id = target.theme_id
    if len(source.prototypes):
        target.radius = min(target.radius, source.radius) if len(target.prototypes) else source.radius
        target.prototypes = np.concatenate([target.prototypes.reshape(-1, len(source.centroid)), source.prototypes])
    w_t, w_s = max(1, units.get(target.theme_id, 0)), max(1, units.get(source.theme_id, 0))
    target.centroid = normalise(w_t * target.centroid + w_s * source.centroid)
    units[target.theme_id] = units.get(target.theme_id, 0) + units.pop(source.theme_id, 0)
    themes.remove(source)


#: How a top-level theme the product's catch-all was labelled (:func:`empathic.themes.labels.general_labels`).
GENERAL_SUFFIX = " (general)"


def promote_from_catch_all(themes: list[Theme], label_vectors: dict[str, np.ndarray]) -> list[str]:
    """Dissolve each top-level "<product> (general)" theme, in place; returns the labels of the subthemes it held.

    Such a theme is a region of review types, not an aspect: on BA reviews it held crew, customer service,
    inflight entertainment, boarding and "food and drinks" (next to the top-level "food"), 86.5 % of the reviews.
    Each of its subthemes goes under the other top-level theme whose label a reader takes for the same
    (:data:`SYNONYM_SIMILARITY` of static label vectors: "food and drinks" under "food", "customer service" under
    "service"), else becomes a top-level theme of its own (it keeps its prototypes, so its units stay). The catch-all
    goes, unless it owns units of its own (a folded subtheme): then it stays, a top-level theme of those alone, and
    is relabelled from them. A theme the user named, made or edited is left alone.
    """
    promoted: list[str] = []
    for top in [t for t in themes if t.level == 1 and _movable(t) and t.label.endswith(GENERAL_SUFFIX)]:
        kids = children(themes, top.theme_id)
        if not kids or not all(_movable(k) for k in kids):
            continue
        others = [t for t in themes if t.level == 1 and t.alive and t is not top and not len(t.prototypes)]
        for kid in kids:
            kv = label_vectors.get(kid.label)
            sims = [
                (float(kv @ label_vectors[o.label]), o.theme_id)
                for o in others
                if kv is not None and o.label in label_vectors
            ]
            best = max(sims, default=(-1.0, None))
            if best[0] >= SYNONYM_SIMILARITY:
                kid.parent_id = best[1]
            else:
                kid.parent_id, kid.level = None, 1
            promoted.append(kid.label)
        if not len(top.prototypes):
            themes.remove(top)
    return promoted


def merge_lone_top_synonyms(
    themes: list[Theme], units: dict[str, int], label_vectors: dict[str, np.ndarray]
) -> list[tuple[str, str]]:
    """Merge each top-level theme that owns its units and holds no subthemes into the top-level theme whose label a
    reader takes for the same, in place: another such theme ("crew", "cabin" next to "cabin crew", once a
    catch-all's subthemes are promoted and relabelled; the smaller goes into the bigger), or a grouping one, which
    takes it as a subtheme ("food and drinks" under "food"). Returns the (kept, merged) labels. Two grouping
    top-level themes are never merged (see :func:`merge_synonyms`).
    """

    def size(t: Theme) -> int:
        return units.get(t.theme_id, 0) + sum(units.get(k.theme_id, 0) for k in children(themes, t.theme_id))

    def lone(t: Theme) -> bool:
        return t.level == 1 and _movable(t) and len(t.prototypes) > 0 and not children(themes, t.theme_id)

    merged = []
    for t in sorted([t for t in themes if lone(t)], key=lambda t: (size(t), t.theme_id)):  # smallest first
        v = label_vectors.get(t.label)
        others = [o for o in themes if o.level == 1 and o.alive and o is not t and o.label in label_vectors]
        if v is None or not others:
            continue
        best = max(others, key=lambda o: (float(v @ label_vectors[o.label]), size(o), o.theme_id))
        if float(v @ label_vectors[best.label]) < SYNONYM_SIMILARITY:
            continue
        if lone(best) and size(best) >= size(t):
            _merge_into(themes, t, best, units)
        elif not len(best.prototypes):
            t.parent_id, t.level = best.theme_id, 2
        else:
            continue
        merged.append((best.label, t.label))
    return merged


def trim_top_level(themes: list[Theme], units: dict[str, int], max_top: int) -> list[str]:
    """Remove the smallest discovered top-level themes that own their units and hold no subthemes until at most
    ``max_top`` are left, in place; returns their labels (their units go to their next-nearest theme at the next
    assignment). Only such leaf tops (the catch-all's promoted subthemes) are removed: a grouping top-level theme
    is a part of the tree the discovery chose."""
    removed: list[str] = []
    tops = [t for t in themes if t.level == 1 and t.alive]
    lone = [t for t in tops if _movable(t) and len(t.prototypes) and not children(themes, t.theme_id)]
    lone.sort(key=lambda t: (units.get(t.theme_id, 0), t.theme_id))
    while len(tops) > max_top and lone:
        t = lone.pop(0)
        themes.remove(t)
        tops.remove(t)
        removed.append(t.label)
    return removed
