"""A 1M-row CSV through the library: every row lands, with the right aggregates (speed is in bench/ingest_1m.py)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from foundation_data import expected_aggregates, write_survey_csv
from foundation_helpers import table_counts

from empathic import Workspace

N_ROWS = 1_000_000


@pytest.mark.slow
def test_one_million_rows(tmp_path: Path) -> None:
    csv = write_survey_csv(tmp_path / "survey_1m.csv", N_ROWS)
    truth = expected_aggregates(csv)
    with Workspace.open(tmp_path / "million.empathic") as ws:
        summary = ws.ingest(csv)
        m = summary.mapping
        assert (m.text, m.id, m.customer, m.date, m.attrs) == (
            ["comment"],
            "id",
            "customer",
            "date",
            ["plan", "region"],
        )
        assert [(s.column, s.kind) for s in m.scores] == [("nps", "nps")]
        assert (summary.n_rows, summary.n_inserted, summary.n_updated) == (N_ROWS, N_ROWS, 0)
        counts = table_counts(ws)
        assert (counts["feedback"], counts["feedback_scores"], counts["feedback_attributes"]) == (
            N_ROWS,
            N_ROWS,
            2 * N_ROWS,
        )
        assert counts["customers"] == truth["customers"]
        got = ws.sql(
            "SELECT avg(s.value) AS mean_nps, min(f.created_at) AS first, max(f.created_at) AS last "
            "FROM feedback f JOIN feedback_scores s USING (feedback_id)"
        ).iloc[0]
        assert got["mean_nps"] == pytest.approx(truth["mean_nps"], abs=1e-12)
        assert (pd.Timestamp(got["first"]), pd.Timestamp(got["last"])) == (
            pd.Timestamp(truth["first"]),
            pd.Timestamp(truth["last"]),
        )
        pro = ws.store.scalar("SELECT count(*) FROM feedback_attributes WHERE name = 'plan' AND value = 'pro'")
        assert pro == truth["pro"]
        # a few rows, value for value, against DuckDB's own reader
        sample_ids = ["R00000000", "R00054321", "R00999999"]
        expected = (
            duckdb.connect()
            .execute(
                f"SELECT id, customer, comment FROM read_csv('{csv}', all_varchar=true) WHERE id IN ? ORDER BY id",
                [sample_ids],
            )
            .fetchall()
        )
        stored = ws.store.read_df(
            "SELECT feedback_id, customer_id, text FROM feedback WHERE feedback_id IN ? ORDER BY feedback_id",
            [sample_ids],
        )
        assert [tuple(r) for r in stored.itertuples(index=False)] == expected
