"""Empathy maps are filled with real quotes of the persona's own customers, by quadrant, pains and gains."""

from __future__ import annotations

import json

import pytest

from empathic.config import Settings
from empathic.personas import stage
from empathic.progress import silent
from empathic.store import Store

#: planted topic → (quadrant, pain, gain, sentiment) for the synthetic sentence feelings
FEEL = {
    "price": ("thinks_feels", True, False, -0.6),
    "reliability": ("says_does", True, False, -0.8),
    "reporting": ("thinks_feels", False, True, 0.7),
    "integrations": ("sees", False, False, 0.1),
    "onboarding": ("hears", True, False, -0.4),
    "support": ("hears", False, True, 0.3),
    "dark_mode": ("says_does", False, False, 0.0),
}


@pytest.fixture(scope="module")
def felt_store(subscription_path, subscription_truth, tmp_path_factory):
    path = tmp_path_factory.mktemp("felt") / "felt.empathic"
    path.write_bytes(subscription_path.read_bytes())
    store = Store(path)
    topics = subscription_truth["feedback_topics"].set_index("response_id")["topics"].str.split(";").str[0]
    with store.write() as con:
        rows = con.execute("SELECT feedback_id, text FROM feedback ORDER BY feedback_id").fetchall()
        con.execute("DELETE FROM sentences")
        for fid, text in rows:
            quadrant, pain, gain, sentiment = FEEL[topics[fid]]
            con.execute("INSERT INTO sentences VALUES (?, 0, ?, 0, ?)", [fid, text, len(text)])
            con.execute(
                "INSERT INTO sentence_feelings (feedback_id, sentence_idx, sentiment, quadrant, pain, gain) "
                "VALUES (?, 0, ?, ?, ?, ?)",
                [fid, sentiment, quadrant, pain, gain],
            )
    stage.run(store, Settings(), silent)
    yield store
    store.close()


def test_empathy_map_quotes_come_from_the_personas_own_customers(felt_store):
    personas = felt_store.read_df("SELECT persona_id, empathy_map FROM personas ORDER BY persona_id")
    sentence_of = felt_store.read_df("""SELECT s.text, f.customer_id, sf.quadrant, sf.pain, sf.gain FROM sentences s
        JOIN sentence_feelings sf USING (feedback_id, sentence_idx) JOIN feedback f USING (feedback_id)""")
    member_of = dict(
        felt_store.read_df("SELECT customer_id, persona_id FROM customer_personas").itertuples(index=False)
    )
    filled = 0
    for persona_id, raw in personas.itertuples(index=False):
        cells = json.loads(raw)
        assert set(cells) == {"thinks_feels", "sees", "says_does", "hears", "pains", "gains"}
        for cell, quotes in cells.items():
            assert len(quotes) <= 3 and len({q["text"] for q in quotes}) == len(quotes)
            for q in quotes:
                rows = sentence_of[sentence_of["text"] == q["text"]]
                assert len(rows), q
                assert (rows["customer_id"].map(member_of) == persona_id).any()
                if cell == "pains":
                    assert rows["pain"].any()
                elif cell == "gains":
                    assert rows["gain"].any()
                else:
                    assert (rows["quadrant"] == cell).any()
                filled += 1
    assert filled >= 3 * len(personas)


def test_pains_are_the_most_negative_statements(felt_store):
    cells = json.loads(felt_store.scalar("SELECT empathy_map FROM personas WHERE persona_id = 'P1'"))
    sentiments = felt_store.read_df(
        "SELECT s.text, sf.sentiment FROM sentences s JOIN sentence_feelings sf "
        "USING (feedback_id, sentence_idx) WHERE sf.pain"
    )
    assert cells["pains"]
    worst = sentiments["sentiment"].min()
    first = sentiments[sentiments["text"] == cells["pains"][0]["text"]]["sentiment"].min()
    assert first == pytest.approx(worst)


def test_ask_why_uses_empathy_quadrants_when_feelings_exist(felt_store):
    from empathic.usage import why

    cur = felt_store.cursor()
    mentions = why.load_mentions(cur)
    assert {"theme", "quadrant"} <= set(mentions["item_kind"])
    assert {"pains", "gains", "says_does", "thinks_feels"} <= set(
        mentions.loc[mentions["item_kind"] == "quadrant", "item"]
    )
    df = why.why_for(cur, ["churned"], Settings().usage)
    cur.close()
    quadrants = df[df["item_kind"] == "quadrant"].set_index("item")
    # reliability (planted for churners) was mapped to says & does + pain: both over-index among churned customers
    assert quadrants.loc["says_does", "direction"] == "over" and quadrants.loc["pains", "lift"] > 1


def test_empathy_map_on_hand_data_prefers_distinctive_themes_and_never_repeats():
    import pandas as pd

    from empathic.personas.cards import empathy_map

    s = pd.DataFrame(
        {
            "feedback_id": ["a", "b", "c", "d"],
            "sentence_idx": [0, 0, 1, 0],
            "text": ["w", "x", "y", "z"],
            "quadrant": ["sees", "sees", "hears", "sees"],
            "pain": [True, False, None, True],
            "gain": [False, True, None, False],
            "sentiment": [-0.2, 0.9, None, -0.5],
            "theme_ids": ["t1", None, "t2", ""],
        }
    )
    cells = empathy_map(s, {"t1": 2.0})
    assert [q["text"] for q in cells["sees"]] == ["w", "x", "z"]  # the distinctive theme first, then by strength
    assert cells["thinks_feels"] == [] and cells["says_does"] == []  # empty quadrants stay empty
    assert [q["text"] for q in cells["hears"]] == ["y"] and cells["hears"][0]["sentence_idx"] == 1
    assert cells["pains"] == [] and cells["gains"] == []  # already quoted under "sees"
    plain = empathy_map(s.drop(columns="theme_ids"))
    assert [q["text"] for q in plain["sees"]] == ["x", "z", "w"]  # by |sentiment| alone
