"""Ask why on the subscription company: planted patterns are found, a shuffled control finds nothing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from empathic.errors import InputError
from empathic.usage import why


def theme_row(df: pd.DataFrame, label: str) -> pd.Series:
    hit = df[(df["item_kind"] == "theme") & (df["label"] == label)]
    assert len(hit) == 1, df
    return hit.iloc[0]


def test_churned_customers_over_index_on_reliability(sub_ws):
    df = sub_ws.why("churned")
    rel = theme_row(df, "reliability")
    assert rel["significant"] and rel["direction"] == "over"
    # planted: 30 % of churned customers' comments switched to reliability (≈ 3× per comment); per customer, and with
    # "churned" read from inactivity rather than the hidden truth, the lift is smaller but clear
    assert rel["lift"] >= 1.5
    assert rel["q_value"] <= 0.05
    assert set(df["group_value"]) == {"churned"}


def test_feature_adopters_and_dayparts_link_to_their_topics(sub_ws):
    tutorial = sub_ws.why("feature:tutorial_step")
    assert theme_row(tutorial, "onboarding")["significant"] and theme_row(tutorial, "onboarding")["lift"] > 2
    night = sub_ws.why("daypart:night")
    dark = theme_row(night, "dark mode")
    assert dark["significant"] and dark["direction"] == "over"
    low = sub_ws.why("low_usage")
    assert theme_row(low, "price")["direction"] == "over" and theme_row(low, "price")["significant"]


def test_shuffled_group_labels_report_nothing(sub_ws):
    cur = sub_ws.store.cursor()
    comments, mentions = why.load_comments(cur), why.load_mentions(cur)
    status = cur.execute("SELECT customer_id, status FROM usage_customers ORDER BY customer_id").df()
    cur.close()
    real = why.ask_why(comments, mentions, status.assign(group_kind="status").rename(columns={"status": "group_value"}))
    assert real["significant"].any()
    hits = 0
    for seed in range(40):
        shuffled = status.assign(status=np.random.default_rng(seed).permutation(status["status"].to_numpy()))
        members = shuffled.assign(group_kind="status").rename(columns={"status": "group_value"})
        hits += bool(why.ask_why(comments, mentions, members)["significant"].any())
    assert hits <= 4  # 3 groups × BH at 5 %: a permuted control should rarely report anything (expect ≈ 2/40)


def test_units_are_linked_customers(sub_ws, subscription_truth):
    df = sub_ws.why("churned")
    speakers = sub_ws.sql(
        "SELECT count(DISTINCT customer_id) AS n FROM feedback JOIN usage_customers USING (customer_id)"
    )["n"][0]
    anonymous = sub_ws.sql("SELECT count(*) AS n FROM feedback WHERE customer_id IS NULL")["n"][0]
    assert anonymous > 0  # the generator plants feedback without a customer id; it cannot take part
    row = df.iloc[0]
    assert row["n_group"] + row["n_rest"] == speakers
    silent = set(subscription_truth["customers"]["customer_id"]) - set(
        subscription_truth["feedback"]["customer_id"].dropna()
    )
    assert silent, "the generator plants customers without feedback"
    churned_speakers = sub_ws.sql(
        "SELECT count(DISTINCT f.customer_id) AS n FROM feedback f JOIN usage_customers u "
        "USING (customer_id) WHERE u.status = 'churned'"
    )["n"][0]
    assert row["n_group"] == churned_speakers


def test_reverse_theme_behaviour(sub_ws):
    df = sub_ws.theme_behaviour()
    rel = df[df["theme"] == "reliability"].iloc[0]
    assert rel["churn_rate"] > rel["churn_rate_others"] and rel["churn_significant"]
    ent = df[df["theme"] == "integrations"].iloc[0]
    assert ent["time_used_s_mean"] > ent["time_used_s_mean_others"]  # enterprise admins use it most


def test_stored_why_covers_standard_groups(sub_ws):
    kinds = set(sub_ws.sql("SELECT DISTINCT group_kind FROM usage_why")["group_kind"])
    assert {"status", "time_used", "daypart", "feature", "top", "early_adopters"} <= kinds


def test_unknown_group_is_a_clear_error(sub_ws):
    with pytest.raises(InputError, match="unknown group"):
        sub_ws.why("martians")
    with pytest.raises(InputError, match="no customers in group") as err:
        sub_ws.why("feature:teleport")
    assert "tutorial_step" in err.value.hint


def test_ask_why_pure_on_hand_data():
    comments = pd.DataFrame(
        {"feedback_id": [f"f{i}" for i in range(20)], "customer_id": [f"c{i % 10}" for i in range(20)]}
    )
    mentions = pd.DataFrame(
        {
            "feedback_id": ["f0", "f1", "f2", "f10", "f11", "f3"],
            "item_kind": "theme",
            "item": ["t", "t", "t", "t", "t", "u"],
            "label": ["T"] * 5 + ["U"],
        }
    )
    members = pd.DataFrame({"group_kind": "g", "group_value": "v", "customer_id": ["c0", "c1", "c2"]})
    df = why.ask_why(comments, mentions, members, min_count=1).set_index("item")
    # customers are the unit: c0, c1, c2 each mention t (c0 and c1 twice, counted once); nobody else does
    counts = (df.loc["t", "n_group"], df.loc["t", "k_group"], df.loc["t", "n_rest"], df.loc["t", "k_rest"])
    assert counts == (3, 3, 7, 0)
    assert df.loc["t", "share_group"] == pytest.approx(1.0) and df.loc["t", "lift"] == np.inf
    assert (df.loc["u", "k_group"], df.loc["u", "k_rest"], df.loc["u", "direction"]) == (0, 1, "under")
    assert why.ask_why(comments.iloc[:0], mentions, members).empty
