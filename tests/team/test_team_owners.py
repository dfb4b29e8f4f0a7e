"""Theme owners and statuses, and the closed loop on planted data."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import team_planted

from empathic.errors import InputError, StageError
from empathic.store import Store
from empathic.team import closed_loop, owners
from empathic.team.activity import activity


def test_assign_then_move_status_keeps_history_and_logs_each_change(planted: Path) -> None:
    with Store(planted) as store:
        row = owners.set_owner(store, "delivery", author="ann", team="Logistics", person="lee")
        assert (row["team"], row["person"], row["status"], row["label"]) == ("Logistics", "lee", "new", "Late delivery")
        owners.set_owner(store, "delivery", author="ann", status="In progress", note="carrier contract")
        row = owners.set_owner(store, "delivery", author="bob", status="fixed", status_on=date(2025, 5, 1))
        assert (row["team"], row["person"], row["status"], row["status_on"]) == (
            "Logistics",
            "lee",
            "fixed",
            "2025-05-01",
        )
        hist = owners.history(store, "delivery")
        assert list(hist.status) == ["new", "in_progress", "fixed"]
        assert list(hist.author) == ["ann", "ann", "bob"]
        assert hist.note.iloc[1] == "carrier contract"
        assert owners.fixed_on(store, "delivery") == date(2025, 5, 1)
        log = activity(store)
        assert list(log.action) == ["owner.set"] * 3 and list(log.actor) == ["bob", "ann", "ann"]
        owners.set_owner(store, "delivery", author="ann", person="")  # "" clears the person, keeps the rest
        assert owners.owner(store, "delivery")["person"] is None
        assert owners.owner(store, "delivery")["status"] == "fixed"


def test_subthemes_can_be_owned_and_filtered_by_team(planted: Path) -> None:
    with Store(planted) as store:
        owners.set_owner(store, "delivery.0", author="ann", team="Logistics")
        owners.set_owner(store, "colour", author="ann", team="Design")
        table = owners.owners(store, team="logistics")
        assert list(table.theme_id) == ["delivery.0"] and int(table.level.iloc[0]) == 2


@pytest.mark.parametrize(
    ("kwargs", "error", "text"),
    [
        ({"theme_id": "nope"}, owners.UnknownItem, "no theme 'nope'"),
        ({"theme_id": "colour", "status": "done"}, InputError, "unknown status 'done'"),
        ({"theme_id": "colour", "team": "x" * 201}, InputError, "longer than 200"),
    ],
)
def test_bad_assignments_are_clear_errors_and_write_nothing(planted: Path, kwargs, error, text) -> None:
    with Store(planted) as store:
        with pytest.raises(error, match=text):
            owners.set_owner(store, author="ann", **kwargs)
        assert store.count("theme_owners") == 0 and store.count("activity_log") == 0


def test_a_workspace_without_themes_says_to_analyse_first(tmp_path: Path) -> None:
    with Store(tmp_path / "empty.empathic") as store, pytest.raises(StageError, match="no themes"):
        owners.set_owner(store, "x", author="ann", team="T")


def test_a_fix_that_worked_is_reported_improved_with_an_interval_below_zero(planted: Path) -> None:
    with Store(planted) as store:
        owners.set_owner(store, "delivery", author="ann", status="fixed", status_on=team_planted.fix_day())
        effect = closed_loop.fix_effect(store, "delivery")
    assert effect is not None and effect.verdict == "improved"
    assert effect.share_before == pytest.approx(0.10, abs=0.002)
    assert effect.share_after == pytest.approx(0.03, abs=0.002)
    assert effect.change_high < 0 and effect.change_low < effect.change < effect.change_high
    assert effect.n_before == 1500 and effect.n_after == 1500
    assert re.match(r"improved: mentions fell from (9.9|10.0) % to 3.0 % of comments", effect.message)
    assert "95 % interval" in effect.message and "n = 1,500 comments before" in effect.message
    assert effect.sentiment_change == pytest.approx(0.4, abs=0.02) and effect.sentiment_low > 0


def test_a_theme_that_did_not_change_is_reported_as_no_change(planted: Path) -> None:
    with Store(planted) as store:
        effect = closed_loop.fix_effect(store, "colour", team_planted.fix_day())
    assert effect is not None and effect.verdict == "no change"
    assert effect.message.startswith("no change: mentions") and effect.message.endswith("(the interval includes zero)")
    assert effect.change_low < 0 < effect.change_high
    assert effect.pre_trend == "flat"


def test_a_decline_that_was_already_under_way_is_not_credited_to_the_fix(planted: Path) -> None:
    """Sizing fell before and after the fix at the same pace: naive before/after would call it improved."""
    with Store(planted) as store:
        effect = closed_loop.fix_effect(store, "sizing", team_planted.fix_day())
    assert effect is not None and effect.share_after < effect.share_before - 0.04  # a naive reading: improved
    assert effect.pre_trend == "falling"
    assert effect.verdict == "no change", effect.message
    assert "falling trend before the fix predicted" in effect.message


def test_too_little_data_after_a_fix_is_not_judged(planted: Path) -> None:
    with Store(planted) as store:
        effect = closed_loop.fix_effect(store, "delivery", date(2025, 8, 28))  # two days before the data ends
    assert effect is not None and effect.verdict == "not enough data" and effect.change is None
    assert "at least 30" in effect.message


def test_fix_effects_lists_only_fixed_themes(planted: Path) -> None:
    with Store(planted) as store:
        owners.set_owner(
            store, "delivery", author="ann", team="Logistics", status="fixed", status_on=team_planted.fix_day()
        )
        owners.set_owner(store, "colour", author="ann", team="Design", status="in_progress")
        effects = closed_loop.fix_effects(store)
        assert [e.theme_id for e in effects] == ["delivery"]
        assert closed_loop.fix_effect(store, "colour") is None  # not fixed, no day given
        assert closed_loop.fix_effects(store, team="Design") == []


def test_the_python_api(planted: Path, monkeypatch) -> None:
    import empathic

    monkeypatch.setenv("EMPATHIC_USER", "nina")
    with empathic.Workspace.open(planted) as ws:
        row = ws.set_theme_owner("delivery", team="Logistics", status="fixed", status_on=team_planted.fix_day())
        assert row["updated_by"] == "nina" and list(ws.theme_owners().theme_id) == ["delivery"]
        assert ws.fix_effect("delivery")["verdict"] == "improved"
        ws.add_note("theme", "delivery", "@vic the fix worked")
        assert list(ws.notes(mentioning="vic").author) == ["nina"]
        assert ws.digest(since="7d")["themes"][0]["label"] == "App crashes"
        assert ws.brief("team", team="Logistics")["themes"][0]["label"] == "Late delivery"
