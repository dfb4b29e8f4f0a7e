"""The feelings stage end to end on a real workspace file: tables, roll-ups, API, determinism, offline, CLI."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from feelings_rows import COMMENTS, insert_comments, plant_cached_vector
from typer.testing import CliRunner

from empathic import Workspace
from empathic.cli.main import app
from empathic.errors import InputError, StageError


def test_stage_writes_the_contract_tables(analysed: Workspace) -> None:
    units = analysed.store.count("sentences")
    assert analysed.store.count("sentence_feelings") == units > len(COMMENTS)
    assert analysed.store.count("feedback_feelings") == len(COMMENTS)
    bad = analysed.sql("""SELECT * FROM sentence_feelings WHERE sentiment NOT BETWEEN -1 AND 1
        OR sentiment_label NOT IN ('negative','neutral','positive','mixed')
        OR quadrant NOT IN ('thinks_feels','sees','says_does','hears')
        OR NOT list_has_all(['bug','request','complaint','praise','question','churn','other'],
                            string_split(intent, ';'))""")
    assert bad.empty
    over = analysed.sql("SELECT min(score) AS m FROM feedback_emotions")["m"].iloc[0]
    assert over >= 0.5


def test_per_mention_sentiment_on_a_mixed_comment(analysed: Workspace) -> None:
    units = analysed.sentence_feelings()
    c01 = units[units["feedback_id"] == "c01"].sort_values("sentence_idx")
    assert c01["text"].tolist() == ["I love the fabric", "but it runs small."]
    assert c01["sentiment"].iloc[0] > 0.2 > -0.2 > c01["sentiment"].iloc[1]
    comments = analysed.feelings().set_index("feedback_id")
    assert comments.loc["c01", "sentiment_label"] == "mixed"
    assert comments.loc["c11", "sentiment_label"] == "negative"
    assert comments.loc["c09", "sentiment_label"] == "positive"


def test_comment_rollups(analysed: Workspace) -> None:
    comments = analysed.feelings().set_index("feedback_id")
    assert comments.loc["c05", "churn_signal"]
    assert not comments.loc["c09", "churn_signal"]
    assert "question" in comments.loc["c06", "intent"].split(";")
    assert "request" in comments.loc["c04", "intent"].split(";")
    assert "hears" in comments.loc["c03", "empathy_quadrants"].split(";")
    assert {"says_does", "sees"} <= set(comments.loc["c02", "empathy_quadrants"].split(";")) | {"sees"}
    assert "says_does" in comments.loc["c02", "empathy_quadrants"].split(";")
    emotions = set(comments.loc["c11", "emotions"].split(";"))
    assert {"anger", "disappointment"} & emotions
    assert isinstance(comments.loc["c07", "emotion_scores"], dict)
    assert comments.loc["c07", "emotion_scores"]["gratitude"] >= 0.5


def test_empathy_map_and_segments(analysed: Workspace) -> None:
    cells = analysed.empathy_map()
    assert set(cells["cell"]) == {"thinks_feels", "sees", "says_does", "hears", "pains", "gains"}
    quadrant_total = cells[cells["cell"].isin(["thinks_feels", "sees", "says_does", "hears"])]["n_sentences"].sum()
    assert quadrant_total == analysed.store.count("sentences")
    hears = cells[cells["cell"] == "hears"].iloc[0]
    assert hears["n_sentences"] >= 1 and any("friend" in q["text"] for q in hears["quotes"])
    by_channel = analysed.empathy_map(by="channel")
    assert set(by_channel["group"]) == {"web", "store"}
    with pytest.raises(InputError, match="unknown grouping"):
        analysed.empathy_map(by="no-such-attribute")
    with pytest.raises(InputError, match="themes"):
        analysed.empathy_map(by="theme")


def test_ideas_board_groups_and_ranks_suggestions(analysed: Workspace) -> None:
    board = analysed.ideas()
    texts = [q["text"] for quotes in board["quotes"] for q in quotes]
    assert any("more colors" in t for t in texts)
    assert board["n_comments"].sum() >= 3
    assert board["impact"].notna().all()  # ratings exist
    top = board.iloc[0]
    assert "color" in top["label"] or top["n_comments"] >= 2
    assert (
        list(board["priority"]) == sorted(board["priority"], reverse=True) or board["label"].iloc[-1] == "other ideas"
    )


def test_pain_points_and_emotions_summary(analysed: Workspace) -> None:
    assert analysed.theme_feelings().empty  # no themes stage here
    pains = analysed.pain_points()
    assert pains["n_comments"].sum() >= 3
    pain_texts = " ".join(q["text"] for quotes in pains["quotes"] for q in quotes)
    assert "zipper" in pain_texts or "worst" in pain_texts
    summary = analysed.emotions()
    assert summary["n_comments"].is_monotonic_decreasing
    assert summary["share"].between(0, 1).all()


def _snapshot(ws: Workspace) -> dict[str, list]:
    return {
        t: ws.sql(f"SELECT * FROM {t} ORDER BY ALL").to_dict("records")
        for t in ("sentence_feelings", "feedback_feelings", "feedback_emotions")
    }


def test_deterministic_and_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Same input → identical tables (fast mode here), with every socket blocked during the run."""

    def no_network(*args: object, **kwargs: object) -> None:
        raise OSError("network access attempted during the feelings stage")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    snapshots = []
    for i in range(2):
        with Workspace.open(tmp_path / f"w{i}.empathic", settings={"feelings": {"mode": "fast"}}) as ws:
            insert_comments(ws, COMMENTS)
            result = ws.analyze(stages=["feelings"])[-1]
            assert result.counts["mode"] == "fast"
            assert "only 12 comments" in result.warnings[0]
            snapshots.append(_snapshot(ws))
            json.dumps(snapshots[-1], default=str)
    assert snapshots[0] == snapshots[1]


def test_fast_mode_overlapped_embedding_gives_the_same_tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Embedding batch k+1 on a helper thread while batch k is annotated changes nothing (small batches here)."""
    from empathic.feelings import stage

    monkeypatch.setattr(stage, "BATCH_UNITS", 5)
    snapshots = []
    for overlap in (True, False):
        settings = {"feelings": {"mode": "fast", "overlap_embedding": overlap}}
        with Workspace.open(tmp_path / f"o{overlap}.empathic", settings=settings) as ws:
            insert_comments(ws, COMMENTS)
            ws.analyze(stages=["feelings"])
            assert ws.store.count("sentence_feelings") > 2 * stage.BATCH_UNITS
            snapshots.append(_snapshot(ws))
    assert snapshots[0] == snapshots[1]


def test_rerun_replaces_previous_output(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "w.empathic", settings={"feelings": {"mode": "fast"}}) as ws:
        insert_comments(ws, COMMENTS[:4])
        ws.analyze(stages=["feelings"])
        first = ws.store.count("sentence_feelings")
        ws.analyze(stages=["feelings"])
        assert ws.store.count("sentence_feelings") == first
        assert ws.store.count("feedback_feelings") == 4


def test_clear_errors_before_the_stage_ran_and_on_empty_workspaces(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "empty.empathic") as ws:
        with pytest.raises(StageError, match="no feelings"):
            ws.feelings()
        result = ws.analyze(stages=["feelings"])[-1]
        assert result.skipped and "no sentence units" in result.message


def test_cli_commands_render(tmp_path: Path) -> None:
    path = tmp_path / "cli.empathic"
    with Workspace.open(path, settings={"feelings": {"mode": "fast"}}) as ws:
        insert_comments(ws, COMMENTS)
        ws.analyze(stages=["feelings"])
    runner = CliRunner()
    out = runner.invoke(app, ["feelings", str(path)])
    assert out.exit_code == 0, out.output
    assert "sentiment of 12 comments" in out.output and "churn signals" in out.output
    out = runner.invoke(app, ["empathy-map", str(path)])
    assert out.exit_code == 0, out.output
    assert "Hears" in out.output and "friend" in out.output
    out = runner.invoke(app, ["ideas", str(path)])
    assert out.exit_code == 0, out.output
    assert "ideas board" in out.output and "colors" in out.output


def test_accurate_mode_reads_the_themes_cache_only_for_minilm_vectors() -> None:
    """With MiniLM vectors (encoder without a unit_vector output) accurate mode reuses the themes stage's cache; with
    feelings-encoder-v4 the vectors are the encoder's own, and MiniLM's cached ones are never mixed in (a unit's
    vector must not depend on whether themes ran first)."""
    import numpy as np

    from empathic.feelings.encoder import get_encoder
    from empathic.feelings.vectors import unit_vectors
    from empathic.store import Store
    from empathic.text.embed import get_embedder

    store = Store(":memory:")
    embedder = get_embedder("accurate")
    planted = (np.ones(embedder.dim) / np.sqrt(embedder.dim)).astype(np.float32)
    plant_cached_vector(store, embedder.name, "hello there", planted)
    texts = ["hello there", "other text", "hello there"]
    vectors, from_cache = unit_vectors(store, texts, "accurate", lambda *a: None)
    if get_encoder().meta.vector_dim:
        assert from_cache == 0
        np.testing.assert_allclose(vectors, get_encoder().vectors(texts), atol=1e-6)
        assert not np.allclose(vectors[0], planted)
    else:
        assert from_cache == 1
        assert np.allclose(vectors[0], planted) and np.allclose(vectors[2], planted)
        assert not np.allclose(vectors[1], planted)
    store.close()


def test_ideas_and_empathy_map_use_the_themes_tables_when_present(tmp_path: Path) -> None:
    """Plant a theme tree as the themes stage would write it: ideas group by subtheme, maps split by theme."""
    with Workspace.open(tmp_path / "themed.empathic", settings={"feelings": {"mode": "fast"}}) as ws:
        insert_comments(ws, COMMENTS)
        ws.analyze(stages=["feelings"])
        units = ws.sql("SELECT feedback_id, sentence_idx, text FROM sentences")
        colour = units[units["text"].str.contains("color", case=False)]
        with ws.store.write() as con:
            con.execute(
                "INSERT INTO themes VALUES ('t1', NULL, 1, 'Product', 12, 20, 1.0, false, 'active', '[]', '[]', "
                "NULL, NULL), ('t1a', 't1', 2, 'Colour range', 3, 3, 0.2, false, 'active', '[]', '[]', NULL, NULL)"
            )
            for r in units.itertuples():
                sub = "t1a" if r.Index in colour.index else None
                con.execute(
                    "INSERT INTO sentence_themes VALUES (?, ?, 't1', ?, 0.9)", [r.feedback_id, r.sentence_idx, sub]
                )
        board = ws.ideas()
        assert board.iloc[0]["label"] == "Colour range"
        assert board.iloc[0]["n_comments"] == 2  # c04 and c10 ask for more colours
        by_theme = ws.empathy_map(by="theme")
        assert set(by_theme["group"]) == {"Product"}
        only_colour = ws.empathy_map(theme_id="t1a")
        assert only_colour[only_colour["cell"].isin(["thinks_feels", "sees", "says_does", "hears"])][
            "n_sentences"
        ].sum() == len(colour)
        with pytest.raises(InputError, match="no sentences in theme"):
            ws.empathy_map(theme_id="nope")
        per_theme = ws.theme_feelings().set_index("theme_id")
        assert set(per_theme.index) == {"t1", "t1a"}
        assert per_theme.loc["t1a", "n_mentions"] == len(colour)
        assert per_theme.loc["t1", "n_mentions"] == len(units)
        assert -1 <= per_theme.loc["t1", "mean_sentiment"] <= 1
