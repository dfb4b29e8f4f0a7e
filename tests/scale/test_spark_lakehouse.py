"""``empathic spark run`` over a Parquet folder of 8 partitions and over a CSV, on a real local Spark.

Checks: every comment comes out once with a theme and feelings, every unit once; the aggregates add up to the
units and comments; the same data as Parquet or CSV gives the same annotations (the sample is hash-based, so the
themes do not depend on partitioning); ``summary.empathic`` opens in ``empathic report`` and in the web app.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from empathic.cli.main import main
from empathic.config import Settings
from empathic.sample.subscription import generate
from empathic.text.sentences import split_sentences
from empathic.workspace import Workspace

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
from web_helpers import login, make_accounts


@pytest.fixture(scope="module")
def feedback() -> pd.DataFrame:
    frame = generate(n_customers=150)["feedback"]
    frame = frame[["response_id", "comment", "nps", "customer_id"]].copy()
    frame["plan"] = ["pro" if i % 3 else "basic" for i in range(len(frame))]
    return frame


@pytest.fixture(scope="module")
def outputs(spark, feedback, tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("lakehouse")
    folder = root / "parquet"
    folder.mkdir()
    table = pa.Table.from_pandas(feedback, preserve_index=False)
    step = -(-table.num_rows // 8)
    for k in range(8):
        pq.write_table(table.slice(k * step, step), folder / f"part-{k}.parquet")
    csv = root / "feedback.csv"
    feedback.to_csv(csv, index=False)
    out = {}
    for name, source in (("parquet", folder), ("csv", csv)):
        out[name] = root / f"out-{name}"
        args = ["spark", "run", str(source), "--text", "comment", "--id", "response_id", "--score", "nps"]
        assert main([*args, "--attr", "plan", "--output", str(out[name]), "--sample", "100"]) == 0
    return out


def _read(folder: Path) -> pd.DataFrame:
    return pq.read_table(folder).to_pandas()


def test_every_comment_and_unit_comes_out_once(outputs, feedback) -> None:
    comments = _read(outputs["parquet"] / "comments")
    assert sorted(comments.feedback_id) == sorted(feedback.response_id.astype(str))
    has_text = comments.text.fillna("").str.strip() != ""
    assert comments[has_text].primary_theme_id.notna().all()
    assert comments[has_text].comment_sentiment_label.isin(["positive", "negative", "neutral", "mixed"]).all()
    units = _read(outputs["parquet"] / "units")
    expected = split_sentences(pa.table({"feedback_id": comments.feedback_id, "text": comments.text}))
    assert len(units) == expected.num_rows
    assert not units.duplicated(["feedback_id", "sentence_idx"]).any()


def test_aggregates_add_up(outputs) -> None:
    out = outputs["parquet"]
    units, comments = _read(out / "units"), _read(out / "comments")
    summary = _read(out / "theme_summary")
    assert summary[summary.level == 1].n_units.sum() == len(units)
    with_text = comments.comment_sentiment_label.notna().sum()
    assert _read(out / "sentiment")["count"].sum() == with_text
    scores = _read(out / "theme_scores")
    assert scores.n.sum() == comments.nps.notna().sum()
    attributes = _read(out / "theme_attributes")
    assert attributes["count"].sum() == len(comments) and set(attributes.value) == {"pro", "basic"}
    themes = _read(out / "themes")
    assert set(units.theme_id) - {"other"} <= set(themes.theme_id)
    verbatims = _read(out / "verbatims")
    assert verbatims.groupby("theme_id").size().max() <= 5 and set(verbatims.theme_id) <= set(themes.theme_id)


def test_theme_impact_is_the_leave_one_out_nps_difference(outputs) -> None:
    """``theme_impact`` (Spark SQL moments + the analytics statistics) against NPS computed here from the
    comments and units: overall NPS, each theme's n with and without it, and its impact."""
    out = outputs["parquet"]
    comments, units = _read(out / "comments"), _read(out / "units")
    impact = _read(out / "theme_impact")
    assert set(impact.score_name) == {"nps"} and (impact.level == 1).sum() >= 2
    scored = comments[comments.nps.notna()]
    points = pd.Series(np_where_points(scored.nps), index=scored.feedback_id)
    assert impact.score_overall.iloc[0] == pytest.approx(points.mean(), abs=1e-9)
    for row in impact[impact.level == 1].itertuples():
        mention = set(units.feedback_id[units.theme_id == row.theme_id])
        if row.theme_id == "other":  # "other" only for comments with no real theme
            mention -= set(units.feedback_id[units.theme_id != "other"])
        with_theme = points[points.index.isin(mention)]
        without = points[~points.index.isin(mention)]
        assert (row.n_with, row.n_without) == (len(with_theme), len(without)), row.theme_id
        assert row.impact == pytest.approx(points.mean() - without.mean(), abs=1e-9), row.theme_id
    assert impact.ci_low.notna().any()  # some impacts are tested, with an interval


def np_where_points(nps: pd.Series) -> list[float]:
    """NPS points of 0–10 answers: promoters +100, detractors −100, passives 0."""
    return [100.0 if v >= 9 else -100.0 if v <= 6 else 0.0 for v in nps]


def test_parquet_and_csv_give_the_same_annotations(outputs) -> None:
    columns = ["feedback_id", "primary_theme_id", "comment_sentiment_label", "comment_intent"]
    a, b = (_read(outputs[k] / "comments")[columns].sort_values("feedback_id", ignore_index=True) for k in outputs)
    pd.testing.assert_frame_equal(a.astype(str), b.astype(str))


def test_summary_opens_in_report_and_in_the_web_app(outputs, tmp_path) -> None:
    summary = outputs["parquet"] / "summary.empathic"
    with Workspace.open(summary, read_only=True) as ws:
        run = ws.sql("SELECT n_comments, n_units, n_sample FROM spark_run")
        labels = ws.sql("SELECT label FROM spark_themes WHERE level = 1 AND theme_id <> 'other'").label.tolist()
        n_sample = ws.sql("SELECT count(*) AS n FROM feedback").n.iloc[0]
    assert run.n_sample.iloc[0] == n_sample == 100 < run.n_comments.iloc[0]
    assert labels
    html = tmp_path / "report.html"
    assert main(["report", str(summary), "-o", str(html)]) == 0
    text = html.read_text(encoding="utf-8")
    assert any(label in text for label in labels)
    from empathic.web import create_app

    app = create_app(Settings(), [summary], accounts=make_accounts(tmp_path / "u.sqlite"), upload_dir=tmp_path / "up")
    try:
        with TestClient(app, follow_redirects=False) as client:
            login(client, "vic")
            page = client.get("/api/v1/w/summary/themes")
            assert page.status_code == 200
            assert any(label in page.text for label in labels)
    finally:
        for ws in app.state.ctx.workspaces.values():
            ws.close()


def test_a_missing_column_is_a_clean_error(spark, feedback, tmp_path, capsys) -> None:
    csv = tmp_path / "f.csv"
    feedback.head(20).to_csv(csv, index=False)
    args = ["spark", "run", str(csv), "--text", "review", "--id", "response_id", "--output", str(tmp_path / "o")]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "'review' not in the input" in err and "comment" in err
