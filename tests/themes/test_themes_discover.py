"""Discovery on the synthetic corpus: coverage, readable distinct labels, several themes per comment, contract."""

from __future__ import annotations

import json

import pytest
from sklearn.metrics import normalized_mutual_info_score
from themes_corpus import corpus

import empathic
from empathic.themes.labels import NEGATIONS, PARTICLES
from empathic.themes.stopwords import STOP_WORDS


@pytest.fixture(scope="module")
def ws(base_workspace):
    with empathic.Workspace.open(base_workspace, read_only=True) as w:
        yield w


def test_coverage_at_least_95_percent_with_a_browsable_other(ws):
    primary = ws.sql("SELECT feedback_id, theme_id FROM feedback_themes WHERE is_primary AND level = 1")
    n_feedback = ws.sql("SELECT count(*) AS n FROM feedback").n[0]
    assert len(primary) == n_feedback  # every comment has exactly one primary top-level theme
    assert (primary.theme_id != "other").mean() >= 0.95
    other = ws.sql("SELECT * FROM themes WHERE is_other")
    assert len(other) == 1 and other.theme_id[0] == "other"


def test_labels_are_readable_and_distinct(ws):
    tree = ws.themes()
    labels = tree[~tree.is_other].label.tolist()
    assert len(labels) == len(set(labels)), labels
    for label in labels:
        words = label.split()
        assert 1 <= len(words) <= 4, label
        assert any(w not in STOP_WORDS for w in words), label
        # a negation may lead ("not worth the money"), a particle may close ("size up"); no other stop word may
        assert words[0] not in STOP_WORDS or words[0] in NEGATIONS, label
        assert words[-1] not in STOP_WORDS or (words[-1] in PARTICLES and words[-2] not in STOP_WORDS), label
        assert not label.startswith("theme "), label  # every theme found a phrase of its own


def test_quotes_are_typical_varied_and_real(ws):
    tree = ws.themes()
    texts = set(ws.sql("SELECT text FROM sentences").text)
    for theme_id in tree[~tree.is_other].theme_id:
        quotes = ws.theme_quotes(theme_id)
        assert 1 <= len(quotes) <= 5
        assert quotes.text.str.lower().is_unique
        assert set(quotes.text) <= {" ".join(t.split()) for t in texts}
    big = tree[(tree.level == 1) & ~tree.is_other].sort_values("n_comments").iloc[-1]
    assert len(ws.theme_quotes(big.theme_id)) >= 3


def test_themes_follow_the_planted_topics(ws):
    data = corpus()
    single = data[data.topic2.isna()]
    prim = ws.sql("SELECT feedback_id, theme_id FROM feedback_themes WHERE is_primary AND level = 2")
    top = ws.sql("SELECT feedback_id, theme_id FROM feedback_themes WHERE is_primary AND level = 1")
    merged = single.merge(top, left_on="id", right_on="feedback_id")
    assert normalized_mutual_info_score(merged.topic, merged.theme_id) >= 0.6
    assert len(prim) > 0


def test_two_topic_comments_get_both_themes(ws):
    data = corpus()
    n_top = ws.sql(
        "SELECT feedback_id, count(*) AS n FROM feedback_themes WHERE level = 1 AND theme_id <> 'other' GROUP BY 1"
    )
    per_comment = data.merge(n_top, left_on="id", right_on="feedback_id", how="left").fillna({"n": 0})
    double = per_comment[per_comment.topic2.notna()]
    single = per_comment[per_comment.topic2.isna()]
    assert (double.n >= 2).mean() >= 0.7  # two topics → (almost always) two themes
    assert (single.n == 1).mean() >= 0.95  # one topic → one theme
    # each unit of a two-topic comment carries its own theme
    units = ws.sql(
        "SELECT st.feedback_id, st.sentence_idx, st.theme_id FROM sentence_themes st WHERE st.feedback_id LIKE 'd%'"
    )
    assert units.groupby("feedback_id").theme_id.nunique().mean() > 1.5


def test_contract_tables_are_consistent(ws):
    tree = ws.themes()
    subs = tree[tree.level == 2]
    assert set(subs.parent_id) <= set(tree[tree.level == 1].theme_id)
    assert tree.share.between(0, 1).all()
    st = ws.sql("SELECT * FROM sentence_themes")
    units = ws.sql("SELECT feedback_id, sentence_idx FROM sentences")
    assert len(st.merge(units, on=["feedback_id", "sentence_idx"])) == len(st)
    assert len(st.drop_duplicates(["feedback_id", "sentence_idx"])) == len(units)
    ft = ws.sql("SELECT * FROM feedback_themes")
    assert (ft[ft.level == 1].groupby("feedback_id").is_primary.sum() == 1).all()
    assert (ft[ft.level == 2].groupby("feedback_id").is_primary.sum() <= 1).all()
    counts = ft[ft.level == 1].groupby("theme_id").size()
    stored = tree.set_index("theme_id").n_comments
    for theme_id, n in counts.items():
        assert stored[theme_id] == n
    raw = ws.sql("SELECT quotes, keywords FROM themes LIMIT 1")
    assert isinstance(json.loads(raw.quotes[0]), list) and isinstance(json.loads(raw.keywords[0]), list)
    run = ws.sql("SELECT message FROM runs WHERE stage = 'themes' AND status = 'ok'")
    assert run.message.str.contains("mode=accurate").any()  # the embedding mode is recorded in the run


def test_top_level_count_is_scannable(ws):
    tree = ws.themes()
    n_top = int(((tree.level == 1) & ~tree.is_other).sum())
    assert 4 <= n_top <= 40
