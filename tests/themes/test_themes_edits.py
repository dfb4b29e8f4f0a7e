"""Edits (rename, merge, split, delete, create) take effect, are stored, and survive re-analysis and new data."""

from __future__ import annotations

import pytest
from themes_corpus import corpus

import empathic
from empathic.errors import InputError, StageError


def _top(ws):
    tree = ws.themes()
    return tree[(tree.level == 1) & ~tree.is_other].reset_index(drop=True)


def _reanalyse(path, **themes_settings):
    with empathic.Workspace.open(path, settings={"themes": themes_settings}) as ws:
        ws.analyze(stages=["themes"])
        return ws.themes(include_deleted=True)


def test_rename_survives_rediscovery_and_new_data(workspace_copy):
    with empathic.Workspace.open(workspace_copy) as ws:
        target = _top(ws).iloc[0]
        ws.rename_theme(target.theme_id, "my custom name")
        assert ws.theme(target.theme_id)["label"] == "my custom name"
    tree = _reanalyse(workspace_copy, rediscover=True)
    assert tree.set_index("theme_id").loc[target.theme_id, "label"] == "my custom name"
    with empathic.Workspace.open(workspace_copy) as ws:
        extra = corpus(n_single=60, n_double=0, seed=99).assign(id=lambda d: "x" + d.id)
        ws.ingest(extra[["id", "text"]], text="text", id="id")
        ws.analyze(stages=["themes"])
        tree = ws.themes()
        row = tree.set_index("theme_id").loc[target.theme_id]
        assert row.label == "my custom name"
        assert row.n_comments > target.n_comments  # the new comments were assigned to the existing theme
        new = ws.sql("SELECT count(*) AS n FROM feedback_themes WHERE feedback_id LIKE 'x%' AND is_primary AND level=1")
        assert new.n[0] == 60


def test_merge_keeps_target_id_and_label(workspace_copy):
    with empathic.Workspace.open(workspace_copy) as ws:
        top = _top(ws)
        a, b = top.iloc[0], top.iloc[1]
        tree = ws.merge_themes([a.theme_id, b.theme_id], into=a.theme_id)
        merged = tree.set_index("theme_id").loc[a.theme_id]
        assert b.theme_id not in set(tree.theme_id)
        assert merged.label == a.label
        assert merged.n_comments >= max(a.n_comments, b.n_comments)
    tree = _reanalyse(workspace_copy, rediscover=True)
    alive = tree[tree.status != "deleted"]
    assert a.theme_id in set(alive.theme_id) and b.theme_id not in set(alive.theme_id)


def test_split_and_delete(workspace_copy):
    with empathic.Workspace.open(workspace_copy) as ws:
        top = _top(ws)
        victim, to_split = top.iloc[-1], top.iloc[0]
        before = len(_top(ws))
        ws.delete_theme(victim.theme_id)
        assert victim.theme_id not in set(ws.themes().theme_id)
        tree = ws.split_theme(to_split.theme_id, 2)
        top_after = tree[(tree.level == 1) & ~tree.is_other]
        assert len(top_after) == before - 1 + 1  # one deleted, one split into two
        assert to_split.theme_id not in set(tree.theme_id)
        coverage = ws.sql(
            "SELECT avg((theme_id <> 'other')::INT) AS c FROM feedback_themes WHERE is_primary AND level=1"
        )
        assert coverage.c[0] >= 0.9
        assert len(ws.theme_edits()) == 2


def test_guided_theme_from_examples_picks_up_paraphrases(workspace_copy):
    examples = ["My parcel arrived two weeks late.", "The package was delayed by ten days."]
    with empathic.Workspace.open(workspace_copy) as ws:
        tree = ws.create_theme("late delivery", examples=examples)
        guided = tree[tree.label == "late delivery"]
        assert len(guided) == 1
        tagged = ws.sql(
            "SELECT DISTINCT s.text FROM sentence_themes st JOIN sentences s USING (feedback_id, sentence_idx) "
            "WHERE st.theme_id = ?",
            [guided.theme_id.iloc[0]],
        ).text.tolist()
    paraphrases = {
        "Shipping was so slow, I waited almost a month.",
        "It took three weeks for the order to be delivered.",
    }
    found = {p for p in paraphrases if any(p in t for t in tagged)}
    assert found == paraphrases  # different words, same meaning
    assert not any("runs small" in t or "expensive" in t for t in tagged)  # no unrelated topics
    tree = _reanalyse(workspace_copy, rediscover=True)
    assert "late delivery" in set(tree[tree.status != "deleted"].label)


def test_guided_theme_from_keywords(workspace_copy):
    with empathic.Workspace.open(workspace_copy) as ws:
        tree = ws.create_theme("refunds", keywords=["refund"])
        row = tree[tree.label == "refunds"].iloc[0]
        assert row.n_comments >= 1


def test_bad_edits_are_clear_errors(workspace_copy, tmp_path):
    with empathic.Workspace.open(workspace_copy) as ws:
        with pytest.raises(InputError, match="no theme 'nope'"):
            ws.rename_theme("nope", "x")
        with pytest.raises(InputError, match="empty"):
            ws.rename_theme(_top(ws).theme_id[0], "   ")
        with pytest.raises(InputError, match="keywords or example"):
            ws.create_theme("nothing")
        with pytest.raises(InputError, match="at least two"):
            ws.merge_themes([_top(ws).theme_id[0]])
    with empathic.Workspace.open(tmp_path / "empty.empathic") as ws, pytest.raises(StageError, match="analyze"):
        ws.themes()
