"""Learning from the customer's own data (issue 18, item 5): calibration to scores and analyst corrections.

Calibration is applied only when it beats the shipped labels on held-out folds (planted cases both ways);
corrections are stored with who and when, applied verbatim after re-analysis and new data, logged in the team
activity log, and carried to near-identical sentences (few-shot).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from feelings_rows import COMMENTS, insert_comments
from typer.testing import CliRunner

from empathic import Workspace
from empathic.cli.main import app, main
from empathic.errors import InputError
from empathic.feelings import calibration, corrections
from empathic.feelings import stage as feelings_stage
from empathic.stage import settings_sections, stale_reason

FAST = {"feelings": {"mode": "fast"}}


# -- calibration: the pure fit -------------------------------------------------------------------------------------
def _planted(n: int, seed: int) -> tuple[pd.DataFrame, pd.Series, np.ndarray]:
    """Comment features of one-sentence comments with scores s, and the shipped labels (neutral band 0.2)."""
    rng = np.random.default_rng(seed)
    s = rng.uniform(-1, 1, n)
    ids = [f"f{i:04d}" for i in range(n)]
    features = pd.DataFrame(
        {"mean": s, "lowest": s, "highest": s, "share_negative": (s <= -0.2) * 1.0, "share_positive": (s >= 0.2) * 1.0},
        index=ids,
    )
    shipped = pd.Series(np.where(s >= 0.2, "positive", np.where(s <= -0.2, "negative", "neutral")), index=ids)
    return features, shipped, s


def test_calibration_applies_when_the_scores_draw_the_line_elsewhere() -> None:
    """Harsh raters: only clearly positive comments (s > 0.5) get a high score; the model's line at 0.2 is wrong."""
    features, shipped, s = _planted(400, seed=1)
    sides = pd.Series(np.where(s > 0.5, "positive", "negative"), index=features.index)
    cal = calibration.fit(features, shipped, sides, score="rating")
    assert cal.applied, cal.summary()
    assert cal.after > cal.before + calibration.MIN_GAIN
    assert cal.fold_wins >= 3
    relabelled = calibration.apply(cal, pd.DataFrame({"feedback_id": features.index, "sentiment": s,
                                                      "sentiment_label": shipped.to_numpy()}), features)  # fmt: skip
    assert (relabelled["sentiment_label"] == sides.to_numpy()).mean() > (shipped == sides).mean() + 0.1


@pytest.mark.parametrize("case", ["scores agree with the model", "scores unrelated to the text"])
def test_calibration_is_not_applied_where_it_would_hurt(case: str) -> None:
    features, shipped, s = _planted(400, seed=2)
    if case == "scores agree with the model":
        sides = shipped.copy()
    else:
        rng = np.random.default_rng(3)
        sides = pd.Series(rng.choice(["negative", "neutral", "positive"], len(s)), index=features.index)
    cal = calibration.fit(features, shipped, sides, score="rating")
    assert not cal.applied, cal.summary()
    assert "does not beat" in cal.reason
    frame = pd.DataFrame({"feedback_id": features.index, "sentiment": s, "sentiment_label": shipped.to_numpy()})
    pd.testing.assert_frame_equal(calibration.apply(cal, frame, features), frame)


def test_calibration_needs_enough_scored_comments() -> None:
    features, shipped, _ = _planted(40, seed=4)
    cal = calibration.fit(features, shipped, shipped.copy(), score="nps")
    assert not cal.applied and cal.before is None and "too few scored comments (40" in cal.reason
    assert "no comment carries" in calibration.fit(features, shipped, pd.Series(dtype=object), score=None).reason


def test_score_sides_nps_and_stars() -> None:
    scores = pd.DataFrame(
        {
            "feedback_id": ["a", "b", "c", "d", "e", "f"],
            "value": [6.0, 7.0, 9.0, 2.0, 3.0, 4.0],
            "scale_min": [0, 0, 0, 1, 1, 1],
            "scale_max": [10, 10, 10, 5, 5, 5],
            "kind": ["nps", "nps", "nps", "rating", "rating", "rating"],
        }
    )
    assert calibration.score_sides(scores).to_dict() == {
        "a": "negative", "b": "neutral", "c": "positive", "d": "negative", "e": "neutral", "f": "positive",
    }  # fmt: skip


# -- calibration: through the stage ----------------------------------------------------------------------------------
POSITIVE = ["Lovely {x}, really happy with it.", "The {x} is excellent, thank you!", "Great {x}, works perfectly."]
NEGATIVE = ["The {x} is awful, very disappointed.", "Terrible {x}, a complete waste of money.", "I hate the {x}."]
THINGS = ["jacket", "app", "service", "delivery", "staff", "website", "checkout", "seat", "meal", "card", "lamp",
          "blender", "tent"]  # fmt: skip


def _scored_workspace(path: Path, *, inverted: bool) -> Workspace:
    """78 one-sentence comments, clearly positive or negative; rated 5/1 as they read, or the other way round."""
    rows = []
    for i, thing in enumerate(THINGS):
        for j, (pos, neg) in enumerate(zip(POSITIVE, NEGATIVE, strict=True)):
            rows.append((f"p{i:02d}{j}", pos.format(x=thing), 1 if inverted else 5))
            rows.append((f"n{i:02d}{j}", neg.format(x=thing), 5 if inverted else 1))
    ws = Workspace.open(path, settings=FAST)
    insert_comments(ws, rows)
    return ws


def test_stage_calibrates_only_when_it_helps_and_records_it(tmp_path: Path) -> None:
    with _scored_workspace(tmp_path / "agree.empathic", inverted=False) as ws:
        ws.analyze(stages=["feelings"])
        cal = ws.calibration()
        labels = ws.feelings().set_index("feedback_id")["sentiment_label"]
    assert cal["n"] == 78 and not cal["applied"] and cal["agreement_before"] >= 0.9
    assert labels[labels.index.str.startswith("p")].eq("positive").mean() > 0.9
    with _scored_workspace(tmp_path / "inverted.empathic", inverted=True) as ws:
        ws.analyze(stages=["feelings"])
        cal = ws.calibration()
        labels = ws.feelings().set_index("feedback_id")["sentiment_label"]
        message = ws.store.scalar("SELECT message FROM runs WHERE stage = 'feelings' ORDER BY started_at DESC LIMIT 1")
    assert cal["applied"] and cal["agreement_after"] > cal["agreement_before"] + 0.5
    assert "calibration to rating applied" in message
    assert labels[labels.index.str.startswith("p")].eq("negative").mean() > 0.9  # now read as the scores say
    runner = CliRunner()
    out = runner.invoke(app, ["feelings", str(tmp_path / "inverted.empathic"), "--calibration"])
    assert out.exit_code == 0, out.output
    assert "agreement with rating (n=78" in out.output and "calibration applied" in out.output


# -- corrections -----------------------------------------------------------------------------------------------------
def test_corrections_survive_reanalysis_and_new_data(tmp_path: Path) -> None:
    path = tmp_path / "c.empathic"
    with Workspace.open(path, settings=FAST) as ws:
        insert_comments(ws, COMMENTS)
        ws.analyze(stages=["feelings"])
        before = ws.feelings().set_index("feedback_id")
        assert before.loc["c12", "sentiment_label"] != "positive" and "request" not in before.loc["c12", "intent"]
        ws.correct("c12", sentiment="positive", intent="suggestion", author="ada")  # the old name still works
        ws.correct("c04", sentence_idx=1, sentiment="negative", intent="request;complaint", author="ann")
        stale = stale_reason(ws.store, feelings_stage.STAGE, settings_sections(feelings_stage.STAGE,
                                                                               ws.settings.model_dump()))  # fmt: skip
        assert stale == "feelings_corrections changed after the last feelings run"
        ws.analyze(stages=["feelings"])
        after = ws.feelings().set_index("feedback_id")
        units = ws.sentence_feelings().set_index(["feedback_id", "sentence_idx"])
        # new data arrives: the corrections still hold on the next run
        insert_more = [("d01", "Totally new comment about the lovely buttons.", 5)]
        with ws.store.write() as con:
            now = datetime(2026, 2, 1)
            con.execute("INSERT INTO sources VALUES ('s2', 'feedback', 'test', 'y', '{}', 1, 1, 0, ?)", [now])
            for fid, text, _ in insert_more:
                con.execute("INSERT INTO feedback VALUES (?, 's2', NULL, ?, ?, ?, ?)", [fid, text, now, fid, now])
        ws.analyze(stages=["feelings"])
        again = ws.feelings().set_index("feedback_id")
        log = ws.store.read_df("SELECT actor, action, object_id FROM activity_log ORDER BY seq")
        stored = ws.corrections()
    for frame in (after, again):
        assert frame.loc["c12", "sentiment_label"] == "positive" and frame.loc["c12", "intent"] == "request"
        assert frame.loc["c12", "sentiment"] >= 0.6
    assert (
        units.loc[("c04", 1), "intent"] == "request;complaint"
        and units.loc[("c04", 1), "sentiment_label"] == "negative"
    )
    assert units.loc[("c04", 1), "pain"]
    assert "complaint" in again.loc["c04", "intent"].split(";") and "d01" in again.index
    assert log.values.tolist() == [["ada", "feelings.correct", "c12"], ["ann", "feelings.correct", "c04"]]
    assert stored[["feedback_id", "author"]].values.tolist() == [["c12", "ada"], ["c04", "ann"]]
    assert stored["created_at"].notna().all()


def test_correction_errors_are_clear(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "e.empathic", settings=FAST) as ws:
        insert_comments(ws, COMMENTS[:3])
        ws.analyze(stages=["feelings"])
        with pytest.raises(corrections.UnknownComment, match="no comment 'zz'"):
            ws.correct("zz", sentiment="negative")
        with pytest.raises(corrections.UnknownComment, match="no sentence 9"):
            ws.correct("c01", sentence_idx=9, sentiment="negative")
        with pytest.raises(InputError, match="unknown sentiment 'angry'"):
            ws.correct("c01", sentiment="angry")
        with pytest.raises(InputError, match="unknown intent wish"):
            ws.correct("c01", intent="wish")
        with pytest.raises(InputError, match="nothing to correct"):
            ws.correct("c01")
        assert ws.corrections().empty


def test_cli_correct(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cli.empathic"
    with Workspace.open(path, settings=FAST) as ws:
        insert_comments(ws, COMMENTS)
        ws.analyze(stages=["feelings"])
    runner = CliRunner()
    out = runner.invoke(app, ["feelings", "correct", str(path), "c06", "--sentiment", "negative", "--intent", "request",
                              "--by", "ada"])  # fmt: skip
    assert out.exit_code == 0, out.output
    assert "corrected comment c06: sentiment → negative, intent → request" in out.output
    assert main(["feelings", "correct", str(path), "nope", "--intent", "bug"]) == 2
    err = capsys.readouterr().err
    assert "no comment 'nope'" in err and "Traceback" not in err
    with Workspace.open(path) as ws:
        assert ws.corrections()[["feedback_id", "sentiment_label", "intent", "author"]].values.tolist() == [
            ["c06", "negative", "request", "ada"]
        ]


def test_few_shot_neighbours_vote_only_when_near() -> None:
    ex = corrections.Examples(np.eye(3, dtype=np.float32), ["negative", "positive", None], ["bug", None, "request"])
    units = np.array([[0.95, 0.31, 0.0], [0.7, 0.0, 0.7], [0.0, 0.0, 1.0]], np.float32)
    units /= np.linalg.norm(units, axis=1, keepdims=True)
    assert corrections.neighbour_labels(units, ex, ex.sentiment).tolist() == ["negative", None, None]
    assert corrections.neighbour_labels(units, ex, ex.intent).tolist() == ["bug", None, "request"]


def test_sentence_corrections_follow_their_text_when_sentences_are_renumbered(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "r.empathic", settings=FAST) as ws:
        insert_comments(ws, COMMENTS)
        ws.analyze(stages=["feelings"])
        units = ws.sentence_feelings().set_index(["feedback_id", "sentence_idx"])
        assert units.loc[("c04", 1), "text"] == "Please add a petite size."
        ws.correct("c04", sentence_idx=1, intent="request;complaint", sentiment="negative", author="ada")
        with ws.store.write() as con:  # another splitter: a new sentence 1 pushes the corrected one to 2
            con.execute("DELETE FROM sentences WHERE feedback_id = 'c04' AND sentence_idx = 1")
            con.execute("INSERT INTO sentences VALUES ('c04', 1, 'Honestly.', 31, 40)")
            con.execute("INSERT INTO sentences VALUES ('c04', 2, 'Please add a petite size.', 41, 66)")
        ws.analyze(stages=["feelings"])
        units = ws.sentence_feelings().set_index(["feedback_id", "sentence_idx"])
    assert units.loc[("c04", 2), "intent"] == "request;complaint"
    assert units.loc[("c04", 2), "sentiment_label"] == "negative"
    assert "complaint" not in units.loc[("c04", 1), "intent"]
