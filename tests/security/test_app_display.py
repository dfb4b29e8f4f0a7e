"""Missing numbers print as a dash where a person reads them — never ``nan``, ``NaT``, ``None`` or ``<NA>``.

Issue 16 names ``empathic info``'s NaT/nan; the same happened in ``drivers`` when an impact or its interval could
not be estimated (too few comments). The workspace is filled through the contract tables
(tests/web/fake_workspace.py); for ``drivers`` the live estimates of some themes are blanked on their way to the
renderer, as a weak-evidence run leaves them.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from app_cli import cli_fixture  # noqa: F401 - the shared `cli` fixture

sys.path.insert(0, str(Path(__file__).parents[1] / "web"))

import fake_workspace

from empathic.workspace import Workspace

UNREADABLE = re.compile(r"\b(nan|NaN|NaT|None)\b|<NA>")


@pytest.fixture(scope="module")
def weak_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = fake_workspace.build(tmp_path_factory.mktemp("display") / "weak.empathic", n=60)
    with Workspace.open(path) as ws, ws.store.write() as con:
        con.execute("UPDATE feedback SET created_at = NULL WHERE feedback_id = 'f000001'")
    return path


@pytest.fixture(autouse=True)
def blank_estimates(monkeypatch: pytest.MonkeyPatch) -> None:
    """Half the themes' impact, interval, q and driver coefficients come back missing (NaN), as with few comments."""
    impact, drivers = Workspace.impact, Workspace.drivers

    def weak_impact(self, *args, **kwargs):
        frame = impact(self, *args, **kwargs).copy()
        frame.loc[frame.index[::2], ["impact", "ci_low", "ci_high", "q_value"]] = float("nan")
        return frame

    def weak_drivers(self, *args, **kwargs):
        frame = drivers(self, *args, **kwargs).copy()
        frame.loc[frame.index[::2], ["coef", "ci_low", "ci_high", "relative_weight"]] = float("nan")
        return frame

    monkeypatch.setattr(Workspace, "impact", weak_impact)
    monkeypatch.setattr(Workspace, "drivers", weak_drivers)


@pytest.mark.parametrize(
    "command",
    [["drivers"], ["info"], ["scores"], ["trends"], ["segments", "--by", "plan", "--all"], ["feelings"]],
    ids=lambda c: c[0],
)
def test_no_unreadable_values(weak_workspace: Path, cli, command: list[str]) -> None:
    code, out, _ = cli(command[0], weak_workspace, *command[1:])
    assert code == 0
    assert not UNREADABLE.search(out), out


def test_the_blanked_driver_rows_are_left_out(weak_workspace: Path, cli) -> None:
    """Evidence rules (issue 19): an impact that could not be estimated is not shown at all, not shown as nan."""
    with Workspace.open(weak_workspace, read_only=True) as ws:
        frame = ws.impact()
    blanked = set(frame.label[frame.impact.isna()]) - set(frame.label[frame.impact.notna()])
    assert blanked, "the fixture blanks some themes"
    _, out, _ = cli("drivers", weak_workspace)
    shown = {line.split("│")[1].strip() for line in out.splitlines() if line.startswith("│")}
    assert shown, out
    assert not shown & blanked, out
