"""Personas recover the generator's planted personas (ARI ≥ 0.8), deterministically; shuffled data has none."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from empathic import Workspace
from empathic.config import Settings
from empathic.errors import InputError, StageError
from empathic.personas import load, stage
from empathic.personas.cluster import find_personas, shuffled_control
from empathic.personas.features import build_features
from empathic.progress import silent
from empathic.store import Store


def planted(truth: dict):
    return truth["truth"].rename(columns={"persona": "planted"})


@pytest.fixture(scope="module")
def ws(subscription_path):
    w = Workspace.open(subscription_path, read_only=True)
    yield w
    w.close()


def test_personas_recover_planted_personas(ws, subscription_truth):
    got = ws.customer_personas().merge(planted(subscription_truth), on="customer_id")
    assert len(got) == len(subscription_truth["truth"])
    ari = adjusted_rand_score(got["planted"], got["persona_id"])
    print(f"ARI personas vs planted: {ari:.3f} ({got['persona_id'].nunique()} personas)")
    assert ari >= 0.8
    assert 3 <= got["persona_id"].nunique() <= 8


def test_cards_name_and_explain_each_persona(ws, subscription_truth):
    cards = ws.personas()
    assert cards["name"].is_unique and cards["size"].is_monotonic_decreasing
    assert cards["share"].sum() == pytest.approx(1.0)
    got = ws.customer_personas().merge(planted(subscription_truth), on="customer_id")
    night = got[got["planted"] == "night_owl"]["persona_id"].mode()[0]
    card = cards.set_index("persona_id").loc[night]
    assert card["name"].startswith("Night-owl") and "pro" in card["name"]
    assert "daypart night" in card["description"]
    traits = {t["feature"]: t for t in card["traits"]}
    assert traits["daypart=night"]["value"] > 2 * traits["daypart=night"]["overall"]
    assert card["top_themes"][0]["label"] in {"reporting", "dark mode"}
    for c in cards.itertuples():
        assert -100 <= c.score <= 100  # NPS of the persona's comments
        assert c.quotes and all(q["text"] for q in c.quotes)
        assert c.traits and c.top_themes


def test_rerun_is_deterministic(subscription_path, tmp_path):
    copy = tmp_path / "copy.empathic"
    copy.write_bytes(subscription_path.read_bytes())
    store = Store(copy)
    before = store.read_df("SELECT * FROM customer_personas ORDER BY customer_id")
    names = store.read_df("SELECT persona_id, name, traits FROM personas ORDER BY persona_id")
    stage.run(store, Settings(), silent)
    after = store.read_df("SELECT * FROM customer_personas ORDER BY customer_id")
    assert before["persona_id"].tolist() == after["persona_id"].tolist()
    np.testing.assert_allclose(before["distance"], after["distance"])
    assert names.equals(store.read_df("SELECT persona_id, name, traits FROM personas ORDER BY persona_id"))
    store.close()


def test_shuffled_control_reports_no_personas(ws):
    cur = ws.store.cursor()
    fm = build_features(
        load.customer_universe(cur),
        attributes=load.attributes(cur),
        usage=load.usage(cur),
        event_mix=load.event_mix(cur, "customer"),
        said=load.said(cur),
    )
    cur.close()
    real = find_personas(fm.weighted, fm.customer_ids)
    assert real.has_structure and real.silhouette > real.control_silhouette + 0.05
    shuffled = find_personas(shuffled_control(fm.weighted, seed=3), fm.customer_ids)
    assert not shuffled.has_structure and shuffled.k == 1 and (shuffled.labels == 0).all()


def test_cluster_on_known_blobs_and_noise():
    rng = np.random.default_rng(0)
    centres = rng.normal(0, 6, size=(4, 6))
    truth = np.repeat(np.arange(4), 60)
    blobs = centres[truth] + rng.normal(0, 1, size=(240, 6))
    ids = np.array([f"c{i:03d}" for i in range(240)])
    found = find_personas(blobs, ids)
    assert found.k == 4 and adjusted_rand_score(truth, found.labels) == pytest.approx(1.0)
    assert np.bincount(found.labels).tolist() == sorted(np.bincount(found.labels).tolist(), reverse=True)
    noise = find_personas(rng.normal(size=(240, 6)), ids)
    assert not noise.has_structure


def test_stage_on_structureless_customers_makes_one_group(tmp_path):
    rng = np.random.default_rng(1)
    store = Store(tmp_path / "noise.empathic")
    with store.write() as con:
        for i in range(80):
            for name in ("a", "b", "c"):
                con.execute(
                    "INSERT INTO customer_attributes VALUES (?, ?, NULL, ?)", [f"c{i:03d}", name, float(rng.normal())]
                )
    result = stage.run(store, Settings(), silent)
    assert result.counts["personas"] == 1 and result.warnings and "no distinct personas" in result.warnings[0]
    # one group has no silhouette of its own: the warning gives the best one tried, never "nan" (BA printed it)
    assert "nan" not in result.warnings[0] + result.message and "best silhouette 0." in result.warnings[0]
    card = store.read_df("SELECT * FROM personas")
    assert card["name"].tolist() == ["All customers"] and card["size"].tolist() == [80]
    store.close()


def test_too_few_customers_is_skipped_and_api_says_so(tmp_path):
    with Workspace.open(tmp_path / "few.empathic") as w:
        with w.store.write() as con:
            con.execute("INSERT INTO customer_attributes VALUES ('c1', 'plan', 'pro', NULL)")
        result = stage.run(w.store, w.settings, silent)
        assert result.skipped and "at least" in result.message
        with pytest.raises(StageError, match="no personas"):
            w.personas()


def test_api_persona_lookup(ws):
    first = ws.persona("P1")
    assert first["persona_id"] == "P1" and isinstance(first["empathy_map"], dict)
    with pytest.raises(InputError, match="no persona"):
        ws.persona("P99")
    raw = ws.sql("SELECT traits FROM personas WHERE persona_id = 'P1'")["traits"][0]
    assert json.loads(raw)[0]["feature"] == first["traits"][0]["feature"]
