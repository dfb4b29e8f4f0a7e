"""Role inference and ingest on the real public datasets in /work/shared/data (skipped when it is absent).

Run ``pytest tests/foundation/test_foundation_real_data.py -s`` to print every inferred mapping.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from foundation_helpers import require_data

from empathic import Workspace
from empathic.ingest import Mapping, inspect


def scores_of(m: Mapping) -> dict[str, tuple[str, float, float]]:
    return {s.column: (s.kind, s.scale_min, s.scale_max) for s in m.scores}


def show(label: str, m: Mapping) -> None:
    """Print the mapping (visible with -s) so the inferred roles can be quoted in reports."""
    print(f"\n{label}: kind={m.kind}")
    for col, role in m.roles().items():
        print(f"  {col!r:32} {role}")


def test_banking77() -> None:
    result = inspect(require_data("banking77", "train.csv"))
    show("banking77/train.csv", result.mapping)
    m = result.mapping
    assert (m.kind, m.text, m.attrs) == ("feedback", ["text"], ["category"])
    assert result.n_rows == 10003


def test_airline_tweets(ws: Workspace) -> None:
    path = require_data("airline_tweets", "Tweets.csv")
    m = inspect(path).mapping
    show("airline_tweets/Tweets.csv", m)
    assert (m.kind, m.text, m.date) == ("feedback", ["text"], "tweet_created")
    assert {"airline", "airline_sentiment", "negativereason"} <= set(m.attrs)
    ws.ingest(path)
    assert ws.store.count("feedback") == 14640
    # "2015-02-24 11:35:52 -0800" is stored as naive UTC
    row = ws.sql(
        "SELECT f.created_at FROM feedback f WHERE f.text = '@VirginAmerica What @dhepburn said.'"
    ).created_at.iloc[0]
    assert pd.Timestamp(row) == pd.Timestamp("2015-02-24 19:35:52")


def test_womens_clothing_reviews(ws: Workspace) -> None:
    path = require_data("womens_clothing_reviews", "Womens Clothing E-Commerce Reviews.csv")
    m = inspect(path).mapping
    show("womens_clothing_reviews", m)
    assert (m.kind, m.text, m.title) == ("feedback", ["Review Text"], "Title")
    assert scores_of(m) == {"Rating": ("rating", 1, 5), "Recommended IND": ("recommend", 0, 1)}
    assert {"Division Name", "Department Name", "Class Name"} <= set(m.attrs)
    summary = ws.ingest(path)
    assert (summary.n_rows, summary.n_inserted) == (23486, 23486)
    assert ws.store.count("feedback") == 23486
    dist = ws.sql("SELECT value, count(*) AS n FROM feedback_scores WHERE name = 'Rating' GROUP BY 1 ORDER BY 1")
    assert dist["value"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert dist["n"].sum() == 23486
    assert ws.store.scalar("SELECT avg(value) FROM feedback_scores WHERE name = 'Recommended IND'") == pytest.approx(
        0.822, abs=0.001
    )
    again = ws.ingest(path)
    assert (again.n_inserted, again.n_updated) == (0, 0)
    assert ws.store.count("feedback") == 23486


def test_ba_airline_reviews() -> None:
    m = inspect(require_data("ba_airline_reviews", "ba_reviews.csv")).mapping
    show("ba_airline_reviews/ba_reviews.csv", m)
    assert (m.kind, m.text, m.title, m.customer) == ("feedback", ["content"], "header", "author")
    assert (m.date, m.date_format) == ("date", "%d/%m/%Y")
    scores = scores_of(m)
    assert (scores["rating"], scores["recommended"]) == (("rating", 1, 10), ("recommend", 0, 1))
    aspects = {"seat_comfort", "cabin_staff_service", "food_beverages", "ground_service", "value_for_money"}
    assert all(scores[a] == ("rating", 1, 5) for a in aspects)  # aspect ratings, with -1 read as not rated
    assert {"seat_type", "traveller_type"} <= set(m.attrs) and not aspects & set(m.attrs)


@pytest.mark.parametrize("name", ["seat.csv", "lounge.csv"])
def test_skytrax_reviews(name: str) -> None:
    m = inspect(require_data("skytrax_reviews", name)).mapping
    show(f"skytrax_reviews/{name}", m)
    assert (m.kind, m.text, m.date) == ("feedback", ["content"], "date")
    scores = scores_of(m)
    assert scores["overall_rating"] == ("rating", 1, 10)
    assert scores["recommended"] == ("recommend", 0, 1)


def test_goemotions_headerless_tsv() -> None:
    result = inspect(require_data("goemotions", "original", "train.tsv"))
    show("goemotions/original/train.tsv", result.mapping)
    assert result.n_rows == 43410  # the first line is a comment, not a header
    assert result.mapping.text == ["column0"]


def test_online_retail_events(ws: Workspace) -> None:
    path = require_data("online_retail", "online_retail_customers_sample50.csv")
    m = inspect(path).mapping
    show("online_retail", m)
    assert (m.kind, m.customer, m.date, m.event) == ("events", "CustomerID", "InvoiceDate", "Description")
    assert (m.quantity, m.price) == ("Quantity", "UnitPrice")
    ws.ingest(path)
    assert ws.store.count("events") == 217686
    # independent check: DuckDB's own typed CSV reader over the same file
    expected = (
        duckdb.connect()
        .execute(
            "SELECT min(InvoiceDate), round(sum(Quantity * UnitPrice), 2), count(DISTINCT CustomerID) "
            f"FROM read_csv('{path}', types={{'InvoiceDate': 'TIMESTAMP', 'CustomerID': 'VARCHAR'}})"
        )
        .fetchone()
    )
    got = ws.store.read_df(
        "SELECT min(ts) AS t, round(sum(value), 2) AS v, count(DISTINCT customer_id) AS n FROM events"
    ).iloc[0]
    assert (pd.Timestamp(got["t"]), got["v"], got["n"]) == (pd.Timestamp(expected[0]), expected[1], expected[2])
    assert ws.store.count("customers") == ws.store.scalar("SELECT count(DISTINCT customer_id) FROM events")


def test_cdnow_whitespace_events(ws: Workspace) -> None:
    path = require_data("cdnow_transactions", "CDNOW_master.txt")
    m = inspect(path).mapping
    show("cdnow_transactions/CDNOW_master.txt", m)
    assert (m.kind, m.customer, m.date, m.date_format) == ("events", "customer_id", "date", "%Y%m%d")
    assert (m.value, m.quantity) == ("dollar_value", "number_of_cds")
    ws.ingest(path)
    assert ws.store.count("events") == 69659  # identical purchases on one day are all kept
    assert ws.store.count("customers") == 23570  # the CDNOW cohort
    span = ws.sql("SELECT min(ts) AS a, max(ts) AS b FROM events").iloc[0]
    assert (pd.Timestamp(span["a"]), pd.Timestamp(span["b"])) == (
        pd.Timestamp("1997-01-01"),
        pd.Timestamp("1998-06-30"),
    )
