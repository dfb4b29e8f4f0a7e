"""A customers file keyed by --id means the customer id; without any id it is a clean error."""

from __future__ import annotations

import pandas as pd
import pytest

import empathic
from empathic.errors import InputError


def test_customers_file_with_id_flag_uses_it_as_customer_id(tmp_path) -> None:
    with empathic.Workspace.open(tmp_path / "c.empathic") as ws:
        frame = pd.DataFrame({"customer_id": ["a", "b"], "plan": ["pro", "free"]})
        summary = ws.ingest(frame, kind="customers", id="customer_id")
        assert summary.n_inserted == 2
        attrs = ws.sql("SELECT customer_id, value FROM customer_attributes WHERE name = 'plan' ORDER BY 1")
        assert attrs.values.tolist() == [["a", "pro"], ["b", "free"]]


def test_customers_file_without_customer_column_is_a_clean_error(tmp_path) -> None:
    with empathic.Workspace.open(tmp_path / "c.empathic") as ws:
        with pytest.raises(InputError, match="customer id column") as info:
            ws.ingest(pd.DataFrame({"x": ["a", "b"], "plan": ["pro", "free"]}), kind="customers")
        assert "--customer" in (info.value.hint or "")
        assert ws.store.count("customers") == 0
