"""Re-ingesting is safe: the same rows add nothing, a changed row with the same id is updated, duplicates survive."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from foundation_helpers import table_counts

from empathic import Workspace

FRAME = pd.DataFrame(
    {
        "id": ["f1", "f2", "f3", "f4"],
        "customer": ["c1", "c2", "c1", "c3"],
        "nps": [2, 9, 6, 10],
        "plan": ["free", "pro", "free", "team"],
        "comment": [
            "Login keeps failing with an unknown error message",
            "The reports are exactly what my manager wanted to see",
            "Fine overall although the mobile app is rather slow",
            "Brilliant onboarding call, the team really listened to us",
        ],
    }
)


def to_csv(frame: pd.DataFrame, write_text, name: str) -> Path:
    out = io.StringIO()
    frame.to_csv(out, index=False, lineterminator="\n")
    return write_text(name, out.getvalue())


def add_sentences(ws: Workspace) -> None:
    """Stand in for the text stage: one derived ``sentences`` row per feedback row."""
    with ws.store.write() as con:
        con.execute("INSERT INTO sentences SELECT feedback_id, 0, text, 0, length(text) FROM feedback")


def test_same_file_twice_adds_nothing(ws: Workspace, write_text) -> None:
    path = to_csv(FRAME, write_text, "survey.csv")
    first = ws.ingest(path)
    before = table_counts(ws)
    second = ws.ingest(path)
    assert (first.n_inserted, first.n_updated) == (4, 0)
    assert (second.n_inserted, second.n_updated, second.n_unchanged) == (0, 0, 4)
    assert second.source_id == first.source_id
    assert table_counts(ws) == before
    assert before["sources"] == 1 and before["feedback"] == 4 and before["feedback_scores"] == 4


def test_updated_row_with_same_id_is_replaced_and_its_derived_rows_dropped(ws: Workspace, write_text) -> None:
    ws.ingest(to_csv(FRAME, write_text, "v1.csv"))
    add_sentences(ws)
    changed = FRAME.copy()
    changed.loc[1, "comment"] = "Reports broke after the update and support has gone quiet"
    changed.loc[1, "nps"] = 3
    changed.loc[1, "plan"] = "team"
    summary = ws.ingest(to_csv(changed, write_text, "v2.csv"))
    assert (summary.n_inserted, summary.n_updated, summary.n_unchanged) == (0, 1, 3)
    assert ws.store.count("feedback") == 4
    row = ws.sql(
        "SELECT f.text, s.value AS nps, a.value AS plan FROM feedback f "
        "JOIN feedback_scores s USING (feedback_id) JOIN feedback_attributes a USING (feedback_id) "
        "WHERE feedback_id = 'f2' AND a.name = 'plan'"
    ).iloc[0]
    assert (row["text"], row["nps"], row["plan"]) == (changed.loc[1, "comment"], 3.0, "team")
    left = ws.sql("SELECT feedback_id FROM sentences ORDER BY feedback_id")["feedback_id"].tolist()
    assert left == ["f1", "f3", "f4"]  # stale sentences of f2 are gone; the others are untouched


def test_reordered_rows_add_nothing(ws: Workspace, write_text) -> None:
    ws.ingest(to_csv(FRAME, write_text, "a.csv"))
    before = table_counts(ws)
    summary = ws.ingest(to_csv(FRAME.iloc[::-1], write_text, "b.csv"))
    assert (summary.n_inserted, summary.n_updated) == (0, 0)
    assert {k: v for k, v in table_counts(ws).items() if k != "sources"} == {
        k: v for k, v in before.items() if k != "sources"
    }


def test_reordered_rows_without_id_add_nothing(ws: Workspace, write_text) -> None:
    no_id = FRAME.drop(columns=["id"])
    ws.ingest(to_csv(no_id, write_text, "a.csv"))
    summary = ws.ingest(to_csv(no_id.sample(frac=1, random_state=3), write_text, "b.csv"))
    assert (summary.n_inserted, summary.n_updated) == (0, 0)
    assert ws.store.count("feedback") == 4


def test_duplicate_rows_without_id_are_kept_and_reingest_adds_nothing(ws: Workspace, write_text) -> None:
    no_id = FRAME.drop(columns=["id"])
    doubled = pd.concat([no_id, no_id.iloc[[0]]], ignore_index=True)  # row 0 said twice, e.g. two tickets
    path = to_csv(doubled, write_text, "dups.csv")
    first = ws.ingest(path)
    assert first.n_inserted == 5
    assert ws.store.scalar("SELECT count(*) FROM feedback WHERE text = ?", [FRAME.loc[0, "comment"]]) == 2
    before = table_counts(ws)
    second = ws.ingest(path)
    assert (second.n_inserted, second.n_updated) == (0, 0)
    assert table_counts(ws) == before


def test_without_an_id_an_edited_row_is_a_new_row(ws: Workspace, write_text) -> None:
    no_id = FRAME.drop(columns=["id"])
    ws.ingest(to_csv(no_id, write_text, "a.csv"))
    edited = no_id.copy()
    edited.loc[0, "comment"] = "Login works again, thanks for the quick fix"
    summary = ws.ingest(to_csv(edited, write_text, "b.csv"))
    assert (summary.n_inserted, summary.n_updated) == (1, 0)
    assert ws.store.count("feedback") == 5  # keyed by content: the old wording stays


def test_frames_are_idempotent_too(ws: Workspace) -> None:
    ws.ingest(FRAME)
    before = table_counts(ws)
    assert ws.ingest(FRAME.copy()).n_inserted == 0
    assert table_counts(ws) == before


def test_events_and_customers_reingest(ws: Workspace, write_text) -> None:
    events = pd.DataFrame(
        {
            "user_id": ["u1", "u1", "u2", "u1"],
            "timestamp": ["2024-01-01 10:00:00", "2024-01-01 10:00:00", "2024-01-02 11:00:00", "2024-01-03 09:00:00"],
            "event": ["export", "export", "login", "search"],
        }
    )
    customers = pd.DataFrame({"customer_id": ["u1", "u2", "u3"], "plan": ["pro", "free", "pro"]})
    events_path = to_csv(events, write_text, "events.csv")
    customers_path = to_csv(customers, write_text, "customers.csv")
    ws.ingest(events_path)
    ws.ingest(customers_path, kind="customers")
    before = table_counts(ws)
    assert (before["events"], before["customers"], before["customer_attributes"]) == (4, 3, 3)
    ws.ingest(events_path)
    ws.ingest(customers_path, kind="customers")
    assert table_counts(ws) == before
    customers.loc[1, "plan"] = "team"  # an upgrade
    ws.ingest(to_csv(customers, write_text, "customers2.csv"), kind="customers")
    plan = ws.store.scalar("SELECT value FROM customer_attributes WHERE customer_id = 'u2' AND name = 'plan'")
    assert plan == "team"
    assert ws.store.count("customers") == 3
