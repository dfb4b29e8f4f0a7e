"""Refinement at scale: a big subthemes splits when its members form crisp communities, and only then."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import adjusted_rand_score

import empathic
from empathic.themes.assign import assign
from empathic.themes.model import Theme, leaves, normalise
from empathic.themes.refine import refine


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def _tree(vectors: np.ndarray, groups: list[np.ndarray]) -> list[Theme]:
    """One top theme with one discovered subtheme per group of rows (centroid = the group's mean)."""
    top = Theme("top", None, 1, "top", normalise(vectors.mean(axis=0)), np.zeros((0, vectors.shape[1]), np.float32))
    subs = []
    for i, rows in enumerate(groups):
        c = normalise(vectors[rows].mean(axis=0))
        subs.append(Theme(f"sub{i}", "top", 2, f"sub {i}", c, c[None, :]))
    return [top, *subs]


def _planted(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """2,000 rows: 1,600 in 8 tight communities around one region (a 'mix' a sample saw as one subtheme) and 400
    diffuse rows elsewhere."""
    rng = np.random.default_rng(seed)
    base = rng.normal(0, 1, 48)
    centres = base + rng.normal(0, 0.6, (8, 48))
    crisp = np.repeat(centres, 200, axis=0) + rng.normal(0, 0.12, (1600, 48))
    diffuse = -base + rng.normal(0, 1.0, (400, 48))
    return _unit(np.vstack([crisp, diffuse])), np.r_[np.repeat(np.arange(8), 200), np.full(400, 8)]


def test_a_big_subtheme_with_crisp_inner_communities_is_split_and_units_follow():
    vectors, truth = _planted(0)
    themes = _tree(vectors, [np.arange(1600), np.arange(1600, 2000)])
    texts = [f"unit {i}" for i in range(len(vectors))]
    result = assign(vectors, themes, min_similarity=-1, guided_similarity=2)
    added = refine(themes, texts, vectors, result, min_units=1000, k=10, seed=0)
    assert added >= 5  # the 8 planted communities (a few may merge), all under the same parent
    new_leaves = [t for t in leaves(themes) if t.theme_id != "sub1"]
    assert all(t.parent_id == "top" and t.level == 2 for t in new_leaves)
    again = assign(vectors, themes, min_similarity=-1, guided_similarity=2)
    assert adjusted_rand_score(truth[:1600], again.leaf[:1600]) > 0.8
    assert "sub1" in {t.theme_id for t in leaves(themes)}  # the small subtheme is untouched


def test_crisp_groups_that_mean_the_same_do_not_split_a_subtheme():
    # 40 tight groups whose centres almost coincide: Leiden finds them crisply (as it finds groups of similar reviews
    # whose sentences share a context vector), but no member is clearly closer to its own group than to the next
    rng = np.random.default_rng(5)
    base = rng.normal(0, 1, 48)
    centres = base + rng.normal(0, 0.1, (40, 48))
    vectors = _unit(np.repeat(centres, 40, axis=0) + rng.normal(0, 0.02, (1600, 48)))
    themes = _tree(vectors, [np.arange(1600)])
    result = assign(vectors, themes, min_similarity=-1, guided_similarity=2)
    assert refine(themes, [str(i) for i in range(1600)], vectors, result, min_units=1000, k=10, seed=0) == 0
    assert [t.theme_id for t in leaves(themes)] == ["sub0"]
    # the same groups spread six times further apart are distinct topics, and split
    far = _unit(np.repeat(base + rng.normal(0, 0.6, (40, 48)), 40, axis=0) + rng.normal(0, 0.12, (1600, 48)))
    themes = _tree(far, [np.arange(1600)])
    result = assign(far, themes, min_similarity=-1, guided_similarity=2)
    assert refine(themes, [str(i) for i in range(1600)], far, result, min_units=1000, k=10, seed=0) >= 20


def test_a_diffuse_big_subtheme_stays_whole():
    rng = np.random.default_rng(3)
    vectors = _unit(rng.normal(0, 1, (2000, 24)))  # no structure: seeds disagree
    themes = _tree(vectors, [np.arange(2000)])
    result = assign(vectors, themes, min_similarity=-1, guided_similarity=2)
    assert refine(themes, [str(i) for i in range(2000)], vectors, result, min_units=1000, k=10, seed=0) == 0
    assert [t.theme_id for t in leaves(themes)] == ["sub0"]


def test_named_and_guided_subthemes_are_never_split():
    vectors, _ = _planted(1)
    themes = _tree(vectors, [np.arange(1600), np.arange(1600, 2000)])
    themes[1].label_locked = True
    result = assign(vectors, themes, min_similarity=-1, guided_similarity=2)
    assert refine(themes, [str(i) for i in range(2000)], vectors, result, min_units=1000, k=10, seed=0) == 0


def test_refinement_is_deterministic():
    vectors, _ = _planted(2)
    runs = []
    for _ in range(2):
        themes = _tree(vectors, [np.arange(1600), np.arange(1600, 2000)])
        result = assign(vectors, themes, min_similarity=-1, guided_similarity=2)
        refine(themes, [f"u{i}" for i in range(2000)], vectors, result, min_units=1000, k=10, seed=7)
        runs.append([(t.theme_id, t.centroid.tobytes()) for t in themes])
    assert runs[0] == runs[1]


def test_the_stage_records_refinement_and_can_turn_it_off(tmp_path):
    """A small corpus has no subtheme big enough: the default changes nothing, and 0 turns the step off."""
    from themes_corpus import corpus

    df = corpus(n_single=60, n_double=20)
    counts = []
    for minimum in (1_500, 0):
        with empathic.Workspace.open(
            tmp_path / f"r{minimum}.empathic", settings={"themes": {"refine_min_units": minimum}}
        ) as ws:
            ws.ingest(df, text="text", id="id")
            counts.append(ws.analyze(stages=["themes"])[-1].counts["subthemes"])
    assert counts[0] == counts[1] > 0


def test_a_rename_of_a_refined_subtheme_survives_rediscovery(tmp_path):
    """Refined subthemes exist before the user's edits are replayed, so editing one lasts like any other edit."""
    from themes_corpus import corpus

    df = corpus(n_single=200, n_double=40)
    subthemes = {}
    for minimum in (0, 20):  # a tiny threshold makes this small corpus refine
        path = tmp_path / f"r{minimum}.empathic"
        with empathic.Workspace.open(path, settings={"themes": {"refine_min_units": minimum}}) as ws:
            ws.ingest(df, text="text", id="id")
            ws.analyze(stages=["themes"])
            tree = ws.themes()
            subthemes[minimum] = set(tree[tree.level == 2].theme_id)
    refined = sorted(subthemes[20] - subthemes[0])
    assert refined  # refinement split at least one subtheme
    settings = {"themes": {"refine_min_units": 20}}
    with empathic.Workspace.open(path, settings=settings) as ws:
        ws.rename_theme(refined[0], "my refined name")
    with empathic.Workspace.open(path, settings={"themes": {"refine_min_units": 20, "rediscover": True}}) as ws:
        result = ws.analyze(stages=["themes"])[-1]
        assert not [w for w in result.warnings if refined[0] in w]
        tree = ws.themes()
        assert tree.set_index("theme_id").loc[refined[0], "label"] == "my refined name"
        assert set(tree[tree.level == 2].theme_id) == subthemes[20]  # the same refined tree, not a merged-back one


def test_members_by_leaf_equals_a_scan_per_leaf():
    from empathic.themes.assign import Assignment, members_by_leaf

    leaf = np.random.default_rng(0).integers(-1, 5, 1000)  # −1 = other; leaf 5 has no units
    result = Assignment([f"t{i}" for i in range(6)], leaf, np.zeros(1000, np.float32), np.zeros(1000, bool), [])
    got = members_by_leaf(result)
    assert len(got) == 6
    assert all(np.array_equal(got[i], np.flatnonzero(leaf == i)) for i in range(6))


def test_parts_get_distinct_ids_even_when_their_texts_repeat():
    """Part ids come from their most typical texts; units repeating one text (\"thank you\") must not give two
    parts — or a part and another theme — the same id (the themes table's primary key)."""
    vectors, _ = _planted(4)
    themes = _tree(vectors, [np.arange(1600), np.arange(1600, 2000)])
    result = assign(vectors, themes, min_similarity=-1, guided_similarity=2)
    added = refine(themes, ["thank you"] * len(vectors), vectors, result, min_units=1000, k=10, seed=0)
    assert added >= 5
    ids = [t.theme_id for t in themes]
    assert len(ids) == len(set(ids))


def test_only_one_part_may_keep_the_split_leafs_id():
    """A part whose typical texts are the leaf's own keeps the leaf's id (stable ids); with repeated texts every part
    can look like that, and only the first may have it."""
    from empathic.themes.discover import typical_id

    vectors, _ = _planted(5)
    themes = _tree(vectors, [np.arange(1600), np.arange(1600, 2000)])
    texts = ["thank you"] * len(vectors)
    themes[1].theme_id = typical_id(texts[:3], vectors[:3], themes[1].centroid, 2)
    result = assign(vectors, themes, min_similarity=-1, guided_similarity=2)
    assert refine(themes, texts, vectors, result, min_units=1000, k=10, seed=0) >= 5
    ids = [t.theme_id for t in themes]
    assert len(ids) == len(set(ids))
