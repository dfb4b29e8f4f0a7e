"""Column-role inference on small hand-made files: what an analyst would pick, and the values that land."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from empathic import Workspace
from empathic.ingest import inspect

COMMENTS = [
    "The app crashes every time I open the settings page",
    "Great support team, they solved my problem within minutes",
    "Pricing went up again and nobody told us in advance",
    "I like the new design but the search is still slow",
    "Export to Excel is broken since the last update",
    "Onboarding was smooth and the tutorials were really clear",
    "Billing charged me twice this month, please refund",
    "Notifications arrive hours late which makes them useless",
]
N = len(COMMENTS)


def csv_of(columns: dict[str, list]) -> str:
    out = io.StringIO()
    pd.DataFrame(columns).to_csv(out, index=False, lineterminator="\n")
    return out.getvalue()


def test_text_id_customer_date_nps_attribute(ws: Workspace, write_text) -> None:
    content = csv_of(
        {
            "response_id": [f"R{i:03d}" for i in range(N)],
            "customer_id": ["c1", "c2", "c1", "c3", "c2", "c4", "c1", "c3"],
            "submitted_at": [f"2024-01-{d:02d} 10:00:00" for d in range(1, N + 1)],
            "nps": [0, 10, 3, 7, 2, 9, 1, 5],
            "plan": ["free", "pro", "free", "team", "pro", "pro", "free", "team"],
            "comment": COMMENTS,
        }
    )
    summary = ws.ingest(write_text("survey.csv", content))
    m = summary.mapping
    assert m.kind == "feedback"
    assert (m.text, m.id, m.customer, m.date) == (["comment"], "response_id", "customer_id", "submitted_at")
    assert [(s.column, s.kind, s.scale_min, s.scale_max) for s in m.scores] == [("nps", "nps", 0, 10)]
    assert m.attrs == ["plan"]
    assert ws.store.count("customers") == 4  # customers seen in feedback exist as customers
    row = ws.sql("SELECT customer_id, created_at, text FROM feedback WHERE feedback_id = 'R002'").iloc[0]
    assert (row["customer_id"], pd.Timestamp(row["created_at"]), row["text"]) == (
        "c1",
        pd.Timestamp("2024-01-03 10:00"),
        COMMENTS[2],
    )


def test_title_and_body_are_joined(ws: Workspace, write_text) -> None:
    titles = ["Crashes", "Great support!", "Price rise", "Nice design", "Export broken", "Smooth", "Billing", "Late"]
    content = csv_of({"id": range(N), "title": titles, "body": COMMENTS})
    summary = ws.ingest(write_text("reviews.csv", content))
    assert summary.mapping.title == "title"
    assert summary.mapping.text == ["body"]
    texts = dict(ws.sql("SELECT feedback_id, text FROM feedback").itertuples(index=False))
    assert texts["0"] == "Crashes. " + COMMENTS[0]
    assert texts["1"] == "Great support! " + COMMENTS[1]  # no extra full stop after punctuation


@pytest.mark.parametrize(
    ("values", "expected_format", "first"),
    [
        (["25/12/2023", "03/01/2024", "14/02/2024"], "%d/%m/%Y", "2023-12-25"),
        (["12/25/2023", "01/03/2024", "02/14/2024"], "%m/%d/%Y", "2023-12-25"),
        (["2023-12-25", "2024-01-03", "2024-02-14"], None, "2023-12-25"),
        (["25.12.2023", "03.01.2024", "14.02.2024"], "%d.%m.%Y", "2023-12-25"),
        (["20231225", "20240103", "20240214"], "%Y%m%d", "2023-12-25"),
        (["25 December 2023", "3 January 2024", "14 February 2024"], "%d %B %Y", "2023-12-25"),
    ],
    ids=["dmy", "mdy", "iso", "dotted", "compact", "long-month"],
)
def test_date_formats(ws: Workspace, write_text, values: list[str], expected_format: str | None, first: str) -> None:
    content = csv_of({"comment": COMMENTS[:3], "date": values})
    summary = ws.ingest(write_text("dates.csv", content))
    assert summary.mapping.date == "date"
    assert summary.mapping.date_format == expected_format
    assert pd.Timestamp(ws.sql("SELECT min(created_at) AS t FROM feedback")["t"].iloc[0]) == pd.Timestamp(first)


def test_iso_dates_with_offsets_become_naive_utc(ws: Workspace, write_text) -> None:
    values = ["2024-05-31T14:02:00+02:00", "2024-05-31 09:00:00 -0800", "2024-05-31T23:30:00Z"]
    content = csv_of({"id": ["a", "b", "c"], "comment": COMMENTS[:3], "created": values})
    ws.ingest(write_text("tz.csv", content))
    got = dict(ws.sql("SELECT feedback_id, created_at FROM feedback").itertuples(index=False))
    assert pd.Timestamp(got["a"]) == pd.Timestamp("2024-05-31 12:02")
    assert pd.Timestamp(got["b"]) == pd.Timestamp("2024-05-31 17:00")
    assert pd.Timestamp(got["c"]) == pd.Timestamp("2024-05-31 23:30")


@pytest.mark.parametrize(
    ("column", "values", "kind", "scale"),
    [
        ("NPS", [0, 10, 3, 7, 2, 9, 1, 5], "nps", (0, 10)),
        ("likelihood_to_recommend", [0, 10, 3, 7, 2, 9, 1, 5], "nps", (0, 10)),
        ("csat", [1, 5, 2, 4, 1, 5, 3, 3], "csat", (1, 5)),
        ("satisfaction", [1, 5, 2, 4, 1, 5, 3, 3], "csat", (1, 5)),
        ("rating", [1, 5, 2, 4, 1, 5, 3, 3], "rating", (1, 5)),
        ("stars", [1, 5, 2, 4, 1, 5, 3, 3], "rating", (1, 5)),
        ("overall_rating", [1, 10, 2, 8, 1, 9, 3, 6], "rating", (1, 10)),
        ("would_recommend", ["yes", "no", "yes", "yes", "no", "yes", "no", "yes"], "recommend", (0, 1)),
        ("recommended", [1, 0, 1, 1, 0, 1, 0, 1], "recommend", (0, 1)),
    ],
)
def test_score_kinds(write_text, column: str, values: list, kind: str, scale: tuple[int, int]) -> None:
    result = inspect(write_text("scores.csv", csv_of({"comment": COMMENTS, column: values})))
    assert [(s.column, s.kind, s.scale_min, s.scale_max) for s in result.mapping.scores] == [(column, kind, *scale)]


def test_recommend_yes_no_lands_as_zero_one(ws: Workspace, write_text) -> None:
    flags = ["yes", "no", "Yes", "NO", "y", "n", "true", "false"]
    ws.ingest(write_text("rec.csv", csv_of({"id": range(N), "comment": COMMENTS, "recommend": flags})))
    values = ws.sql("SELECT value FROM feedback_scores ORDER BY CAST(feedback_id AS INT)")["value"].tolist()
    assert values == [1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0]


def test_aspect_ratings_beside_an_overall_rating_are_scores(ws: Workspace, write_text) -> None:
    content = csv_of(
        {
            "id": range(N),
            "comment": COMMENTS,
            "overall": [1, 10, 2, 8, 1, 9, 3, 6],
            "rating": [1, 5, 2, 4, 1, 5, 3, 3],  # named like a rating: already a score
            "seat_comfort": [1, 5, -1, 4, 2, 5, 3, -1],  # -1 = not rated
            "value_for_money": [2, 5, 1, 4, 1, 5, 3, 3],
            "children": [0, 1, 2, 0, 3, 1, 0, 2],  # a count on the same scale, not a rating
            "plan": ["free", "pro", "free", "team", "pro", "pro", "free", "team"],
        }
    )
    m = inspect(write_text("aspects.csv", content)).mapping
    scores = {s.column: (s.kind, s.scale_min, s.scale_max, s.missing) for s in m.scores}
    assert scores["seat_comfort"] == ("rating", 1, 5, -1.0)
    assert scores["value_for_money"] == ("rating", 1, 5, None)
    assert "children" not in scores and "plan" in m.attrs
    assert "aspect rating" in m.reasons["seat_comfort"]
    ws.ingest(write_text("aspects.csv", content))
    stored = ws.sql("SELECT feedback_id, value FROM feedback_scores WHERE name = 'seat_comfort'")
    assert len(stored) == N - 2 and stored["value"].min() == 1.0  # the -1 codes are stored as not answered


def test_without_a_main_score_small_integers_stay_segments(write_text) -> None:
    content = csv_of({"comment": COMMENTS, "tier": [1, 2, 3, 1, 2, 3, 1, 2]})
    m = inspect(write_text("tiers.csv", content)).mapping
    assert m.scores == [] and "tier" in m.attrs


def test_a_plain_number_column_is_not_a_score(write_text) -> None:
    content = csv_of({"comment": COMMENTS, "order_total": [12.5, 99.0, 3.25, 47.0, 8.0, 120.0, 5.5, 60.0]})
    result = inspect(write_text("orders.csv", content))
    assert result.mapping.scores == []
    assert "order_total" not in result.mapping.attrs  # continuous numbers are not segments


def test_categorical_attributes_and_ignored_columns(write_text) -> None:
    content = csv_of(
        {
            "comment": COMMENTS,
            "region": ["EU", "US", "EU", "APAC", "US", "EU", "US", "APAC"],
            "department": ["Sales", "Support", "Support", "Sales", "IT", "IT", "Sales", "Support"],
            "empty": [""] * N,
        }
    )
    result = inspect(write_text("attrs.csv", content))
    assert result.mapping.attrs == ["region", "department"]
    assert "empty" in result.mapping.ignored
    table = result.table()
    assert table.set_index("column").loc["region", "role"] == "attribute"


def test_events_file(ws: Workspace, write_text) -> None:
    content = csv_of(
        {
            "user_id": ["u1", "u1", "u2", "u3", "u2"],
            "timestamp": [
                "2024-03-01 09:00:00",
                "2024-03-01 09:05:00",
                "2024-03-02 12:00:00",
                "2024-03-03 08:30:00",
                "2024-03-04 18:45:00",
            ],
            "event": ["login", "export", "login", "search", "export"],
            "duration_seconds": [30, 120, 15, 60, 90],
        }
    )
    summary = ws.ingest(write_text("usage.csv", content))
    m = summary.mapping
    assert (m.kind, m.customer, m.date, m.event, m.duration) == (
        "events",
        "user_id",
        "timestamp",
        "event",
        "duration_seconds",
    )
    events = ws.sql("SELECT customer_id, event, duration_s FROM events ORDER BY ts")
    assert events["event"].tolist() == ["login", "export", "login", "search", "export"]
    assert events["duration_s"].tolist() == [30.0, 120.0, 15.0, 60.0, 90.0]
    assert ws.store.count("customers") == 3


def test_purchase_events_value_is_quantity_times_price(ws: Workspace, write_text) -> None:
    content = csv_of(
        {
            "CustomerID": ["17850", "17850", "13047"],
            "InvoiceDate": ["2010-12-01 08:26:00", "2010-12-01 08:28:00", "2010-12-02 10:00:00"],
            "Description": ["WHITE HANGING HEART", "RED MUG", "GLASS STAR"],
            "Quantity": [6, 2, 10],
            "UnitPrice": [2.55, 1.5, 0.85],
            "Country": ["United Kingdom", "United Kingdom", "France"],
        }
    )
    summary = ws.ingest(write_text("retail.csv", content))
    assert (summary.kind, summary.mapping.quantity, summary.mapping.price) == ("events", "Quantity", "UnitPrice")
    values = ws.sql("SELECT round(value, 2) AS v FROM events ORDER BY ts")["v"].tolist()
    assert values == [15.3, 3.0, 8.5]
    assert set(ws.sql("SELECT DISTINCT event FROM events")["event"]) == {"WHITE HANGING HEART", "RED MUG", "GLASS STAR"}
    countries = ws.sql("SELECT properties->>'Country' AS c FROM events ORDER BY ts")["c"].tolist()
    assert countries == ["United Kingdom", "United Kingdom", "France"]  # segment columns are not dropped


def test_customers_file(ws: Workspace, write_text) -> None:
    content = csv_of(
        {
            "customer_id": ["c1", "c2", "c3"],
            "signup_date": ["2023-01-05", "2023-02-10", "2023-03-15"],
            "plan": ["free", "pro", "team"],
            "seats": [1, 12, 40],
        }
    )
    summary = ws.ingest(write_text("customers.csv", content), kind="customers")
    assert (summary.kind, summary.mapping.customer, summary.mapping.date) == ("customers", "customer_id", "signup_date")
    rows = ws.sql("SELECT customer_id, signup_at FROM customers ORDER BY customer_id")
    assert rows["customer_id"].tolist() == ["c1", "c2", "c3"]
    assert pd.Timestamp(rows["signup_at"].iloc[1]) == pd.Timestamp("2023-02-10")
    seats = ws.sql("SELECT value, value_num FROM customer_attributes WHERE name = 'seats' AND customer_id = 'c3'")
    assert (seats["value"].iloc[0], seats["value_num"].iloc[0]) == ("40", 40.0)


def test_customers_file_without_text_is_inferred_as_customers(write_text) -> None:
    content = csv_of({"customer_id": ["c1", "c2", "c3"], "plan": ["free", "pro", "team"]})
    assert inspect(write_text("cust.csv", content)).mapping.kind == "customers"


def test_inference_is_deterministic(write_text) -> None:
    path = write_text("same.csv", csv_of({"comment": COMMENTS, "nps": [0, 10, 3, 7, 2, 9, 1, 5]}))
    assert inspect(path).mapping.to_json() == inspect(path).mapping.to_json()
