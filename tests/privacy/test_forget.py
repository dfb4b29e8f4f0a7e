"""``empathic forget``: the customer's rows, cached vectors and quotes are gone from the file's bytes; others stay."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from empathic import Workspace
from empathic.cli.main import main
from empathic.privacy.forget import forget_customer, tables_with_column
from empathic.privacy.read import forget_log
from privacy_data import sample_reviews

FORGET_ID = "cust-zebracorn-0042"
KEEP_ID = "cust-keep-0007"


def _build(tmp_path: Path, *, pseudonymize: bool = False) -> tuple[Path, list[str], list[str]]:
    """A workspace with feedback from 12 customers (4 comments of the forgotten one, 4 of a kept one) and their
    events, analysed by the themes, feelings, usage and analytics stages."""
    reviews = sample_reviews(48)
    forget_texts = [f"Zebracorn delivery number {i} was a mess, the parcel arrived torn and wet." for i in range(4)]
    keep_texts = [f"Keeper note {i}: the linen shirt fits well and washes nicely." for i in range(4)]
    customers = [FORGET_ID] * 4 + [KEEP_ID] * 4 + [f"cust-{i % 10:03d}" for i in range(40)]
    texts = forget_texts + keep_texts + reviews[:40]
    feedback = pd.DataFrame(
        {
            "customer": customers,
            "date": pd.date_range("2024-01-01", periods=len(texts), freq="D").strftime("%Y-%m-%d"),
            "comment": texts,
            "rating": [1 + i % 5 for i in range(len(texts))],
            "plan": ["pro" if i % 2 else "basic" for i in range(len(texts))],
        }
    )
    events = pd.DataFrame(
        {
            "user": [c for c in dict.fromkeys(customers) for _ in range(5)],
            "ts": [f"2024-02-{1 + d:02d} 10:00:00" for _ in dict.fromkeys(customers) for d in range(5)],
            "action": [a for _ in dict.fromkeys(customers) for a in ("login", "search", "export", "login", "share")],
        }
    )
    events.loc[events["user"] == FORGET_ID, "action"] = "zebracorn_feature"  # a feature only they used
    path = tmp_path / "ws.empathic"
    settings = {"ingest": {"pseudonymize_ids": pseudonymize}}
    with Workspace.open(path, settings=settings) as ws:
        ws.ingest(feedback, text="comment", customer="customer", date="date", score=["rating:rating"], attr=["plan"])
        ws.ingest(events, kind="events", customer="user", date="ts", event="action")
        ws.analyze(stages=["themes", "feelings", "usage", "analytics"])
    return path, forget_texts, keep_texts


def test_forget_removes_every_trace_and_compacts(tmp_path: Path) -> None:
    path, forget_texts, keep_texts = _build(tmp_path)
    before = path.read_bytes()
    assert forget_texts[0].encode() in before and FORGET_ID.encode() in before  # positive controls
    with Workspace.open(path) as ws:
        n_feedback = len(ws.table("feedback"))
        features = set(ws.table("usage_features")["event"])
        cache_before = ws.store.count("embedding_cache")
    assert "zebracorn_feature" in features

    result = forget_customer(path, FORGET_ID)

    after = path.read_bytes()
    for text in forget_texts:
        assert text.encode() not in after
    assert FORGET_ID.encode() not in after
    assert b"zebracorn" not in after.lower()
    assert keep_texts[0].encode() in after and KEEP_ID.encode() in after  # others' data intact
    assert result.rows_removed["feedback"] == 4 and result.rows_removed["events"] == 5
    assert result.rows_removed["customers"] == 1 and result.rows_removed["sentences"] >= 4
    assert result.cache_rows_removed > 0
    with Workspace.open(path) as ws:
        assert len(ws.table("feedback")) == n_feedback - 4
        for column in ("feedback_id", "customer_id"):
            for table in tables_with_column(ws.store.cursor(), column):
                assert not ws.store.scalar(f'SELECT count(*) FROM "{table}" WHERE {column} LIKE ?', ["%zebracorn%"])
        # aggregates recomputed: the feature only the forgotten customer used is gone from usage_features
        assert "zebracorn_feature" not in set(ws.table("usage_features")["event"])
        assert ws.store.count("embedding_cache") < cache_before
        log = forget_log(ws.store)
        assert len(log) == 1 and FORGET_ID not in log.to_csv()
        assert json.loads(log["rows_removed"].iloc[0])["feedback"] == 4
        kept = ws.table("feedback")
        assert (kept["customer_id"] == KEEP_ID).sum() == 4


def test_forget_by_raw_id_in_a_pseudonymised_workspace(tmp_path: Path, capsys) -> None:
    path, forget_texts, _ = _build(tmp_path, pseudonymize=True)
    assert FORGET_ID.encode() not in path.read_bytes()  # only the pseudonym was ever stored
    assert main(["forget", str(path), "--customer", FORGET_ID, "--no-recompute", "-q"]) == 0
    out = capsys.readouterr().out
    assert "forgotten" in out and FORGET_ID not in out
    assert forget_texts[0].encode() not in path.read_bytes()
    assert main(["forget", str(path), "--customer", "nobody-here", "-q"]) == 0
    assert "nothing found" in capsys.readouterr().out


def test_forget_errors_are_clean(tmp_path: Path, capsys) -> None:
    assert main(["forget", str(tmp_path / "missing.empathic"), "--customer", "x"]) == 2
    err = capsys.readouterr().err
    assert "error:" in err and "Traceback" not in err


@pytest.mark.parametrize("customer", ["", "   "])
def test_forget_refuses_an_empty_id(tmp_path: Path, customer: str) -> None:
    from empathic.errors import InputError

    path = tmp_path / "w.empathic"
    Workspace.open(path).close()
    with pytest.raises(InputError):
        forget_customer(path, customer)


def test_workspace_forget_keeps_the_open_workspace_usable(tmp_path: Path) -> None:
    """``Workspace.forget`` works on the open workspace (no second open of the file) and reads the new file after."""
    path, forget_texts, keep_texts = _build(tmp_path)
    with Workspace.open(path) as ws:
        n_before = ws.store.count("feedback")
        share_before = ws.sql("SELECT count(*) AS n FROM feedback_themes")["n"][0]
        result = ws.forget(FORGET_ID)
        assert result.found and result.rows_removed["feedback"] == 4
        assert ws.store.count("feedback") == n_before - 4  # the store reopened the compacted file
        assert "themes" in result.recomputed
        assert ws.sql("SELECT count(*) AS n FROM feedback_themes")["n"][0] < share_before
    data = path.read_bytes()
    assert forget_texts[0].encode() not in data and FORGET_ID.encode() not in data
    assert keep_texts[0].encode() in data
    with Workspace.open(path, read_only=True) as ws, pytest.raises(Exception, match="read-only"):
        ws.forget(KEEP_ID)


def test_forget_deletes_the_team_notes_on_the_customer_and_their_comments(tmp_path: Path) -> None:
    from empathic.store import Store
    from empathic.team import notes

    path, _, _ = _build(tmp_path)
    with Store(path) as store:
        feedback = store.read("SELECT feedback_id, customer_id FROM feedback ORDER BY feedback_id").to_pandas()
        theirs = feedback[feedback.customer_id == FORGET_ID].feedback_id.iloc[0]
        other = feedback[feedback.customer_id == KEEP_ID].feedback_id.iloc[0]
        notes.add_note(store, "customer", FORGET_ID, "Okapiwhisper account, call back", author="ann")
        notes.add_note(store, "comment", theirs, "Okapiwhisper parcel story", author="ann")
        kept = notes.add_note(store, "comment", other, "Keeper note stays", author="ann")
    assert b"Okapiwhisper" in path.read_bytes()  # positive control

    result = forget_customer(path, FORGET_ID)

    assert result.rows_removed["notes"] == 2
    assert b"okapiwhisper" not in path.read_bytes().lower()
    with Store(path) as store:
        assert list(notes.notes(store).note_id) == [kept["note_id"]]
