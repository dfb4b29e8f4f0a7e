"""``export usage|personas|customers`` (CLI tables said "use export for all", but these were unknown), and segment
exports carry the theme label next to ``theme_id``."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from empathic.cli.main import main
from empathic.report.export import export_frame
from empathic.store import Store
from empathic.workspace import Workspace


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    path = tmp_path / "more.empathic"
    store = Store(path)
    now = datetime(2024, 7, 1)
    with store.write() as con:
        con.executemany(
            "INSERT INTO feedback (feedback_id, source_id, customer_id, text, created_at, content_hash, ingested_at) "
            "VALUES (?, 's', ?, 'slow app', ?, ?, ?)",
            [(f"f{i}", f"u{i % 3}", now, f"f{i}", now) for i in range(6)],
        )
        con.executemany(
            "INSERT INTO customer_attributes (customer_id, name, value) VALUES (?, ?, ?)",
            [("u0", "plan", "pro"), ("u1", "plan", "basic"), ("u1", "=region", "north")],
        )
        con.execute("INSERT INTO customers (customer_id, source_id, updated_at) VALUES ('u9', 's', ?)", [now])
        con.execute(
            "INSERT INTO personas (persona_id, name, size, share, traits, created_at) "
            "VALUES ('p1', 'Power users', 2, 0.5, '[]', ?)",
            [now],
        )
        con.executemany("INSERT INTO customer_personas VALUES (?, 'p1', 0.1)", [("u0",), ("u1",)])
        con.executemany(
            "INSERT INTO usage_customers (customer_id, n_events, status) VALUES (?, ?, ?)",
            [("u0", 12, "active"), ("u1", 3, "churned")],
        )
        con.execute(
            "INSERT INTO themes VALUES ('t1', NULL, 1, 'slow app', 6, 6, 1.0, false, 'active', '[]', '[]', ?, ?)",
            [now, now],
        )
        con.execute(
            "INSERT INTO segment_differences (attribute, segment, metric, theme_id, n_segment, n_rest, significant) "
            "VALUES ('plan', 'pro', 'theme_share', 't1', 3, 3, false)"
        )
    store.close()
    return path


@pytest.mark.parametrize(("what", "rows"), [("usage", 2), ("personas", 1), ("customers", 4)])
def test_cli_exports_the_later_stages(workspace: Path, tmp_path: Path, capsys, what: str, rows: int) -> None:
    out = tmp_path / f"{what}.csv"
    assert main(["export", str(workspace), what, "-o", str(out)]) == 0, capsys.readouterr()
    back = pd.read_csv(out)
    assert len(back) == rows
    if what == "customers":
        u1 = back.set_index("customer_id").loc["u1"]
        assert u1.persona == "Power users" and u1.usage_status == "churned" and u1.attr_plan == "basic"
        assert u1.n_comments == 2 and "attr_=region" in back.columns  # attr_ prefix: never a formula


def test_segment_export_has_labels(workspace: Path) -> None:
    with Workspace.open(workspace, read_only=True) as ws:
        frame = export_frame(ws.store, "segments")
    assert frame.theme_label.tolist() == ["slow app"] and frame.theme_id.tolist() == ["t1"]


def test_missing_stage_is_a_clean_error(tmp_path: Path, capsys) -> None:
    path = tmp_path / "empty.empathic"
    Store(path).close()
    code = main(["export", str(path), "usage", "-o", str(tmp_path / "u.csv")])
    out = capsys.readouterr()
    assert code == 2 and "not analysed yet" in out.out + out.err and "Traceback" not in out.out + out.err
