"""Themes over time: a planted new topic becomes an emerging theme; ids stay put when data grows."""

from __future__ import annotations

from themes_corpus import corpus, planted

import empathic


def test_planted_new_topic_becomes_an_emerging_theme(workspace_copy):
    with empathic.Workspace.open(workspace_copy) as ws:
        before = ws.themes()
        ws.ingest(planted(200)[["id", "text"]], text="text", id="id")
        result = ws.analyze(stages=["themes"])[-1]
        assert result.counts["emerging"] >= 1
        tree = ws.themes()
        emerging = tree[tree.status == "emerging"]
        assert len(emerging) >= 1
        assert any("app" in label or "crash" in label for label in emerging.label), emerging.label.tolist()
        # the planted comments went to the emerging theme(s), not forced into old ones
        got = ws.sql(
            "SELECT count(*) AS n FROM feedback_themes f JOIN themes t USING (theme_id) "
            "WHERE f.feedback_id LIKE 'n%' AND f.is_primary AND f.level = 1 AND t.status = 'emerging'"
        )
        assert got.n[0] >= 180
        # existing themes keep their ids and labels
        old = before[before.status != "emerging"].set_index("theme_id").label
        now = tree.set_index("theme_id").label
        assert all(now.get(i) == label for i, label in old.items())
        # old comments did not move to the emerging theme
        moved = ws.sql(
            "SELECT count(*) AS n FROM feedback_themes f JOIN themes t USING (theme_id) "
            "WHERE f.feedback_id NOT LIKE 'n%' AND t.status = 'emerging'"
        )
        assert moved.n[0] <= 3


def test_more_of_the_same_adds_no_emerging_theme(workspace_copy):
    with empathic.Workspace.open(workspace_copy) as ws:
        extra = corpus(n_single=200, n_double=0, seed=5).assign(id=lambda d: "y" + d.id)
        ws.ingest(extra[["id", "text"]], text="text", id="id")
        result = ws.analyze(stages=["themes"])[-1]
        assert result.counts["emerging"] == 0
        assert result.counts["discovered"] is False


def test_rediscovery_keeps_theme_ids(workspace_copy):
    with empathic.Workspace.open(workspace_copy) as ws:
        before = ws.themes()
    with empathic.Workspace.open(workspace_copy, settings={"themes": {"rediscover": True}}) as ws:
        ws.analyze(stages=["themes"])
        after = ws.themes()
    assert set(before.theme_id) == set(after.theme_id)
    assert before.set_index("theme_id").label.to_dict() == after.set_index("theme_id").label.to_dict()
