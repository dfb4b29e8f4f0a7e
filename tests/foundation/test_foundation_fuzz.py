"""Property test: any bytes in a .csv/.json/.jsonl file either ingest or fail with an InputError — nothing else."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from empathic import InputError, Workspace

CELLS = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
    st.sampled_from(["", "0", "10", "-1", "2024-02-30", "yes", '"', '""', "a,b", "\t", "\r\n", "é", "\x00"]),
)
ROWS = st.lists(st.lists(CELLS, min_size=1, max_size=5), min_size=0, max_size=8)


def render(rows: list[list[str]], sep: str) -> str:
    return "".join(sep.join(row) + "\n" for row in rows)


def ingest_or_input_error(content: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(content)
        with Workspace.open(":memory:") as ws:
            try:
                ws.ingest(path)
            except InputError as exc:
                assert exc.message and exc.hint, exc
                return
            assert ws.store.count("feedback") + ws.store.count("events") + ws.store.count("customers") > 0


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(rows=ROWS, sep=st.sampled_from([",", ";", "\t", "|", " "]))
def test_random_delimited_text(rows: list[list[str]], sep: str) -> None:
    ingest_or_input_error(render(rows, sep).encode("utf-8", "surrogatepass"), ".csv")


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".json", ".jsonl", ".tsv"]))
def test_random_bytes(data: bytes, suffix: str) -> None:
    ingest_or_input_error(data, suffix)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 20) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["id", "comment", "nps", "x"]), inner),
    max_leaves=8,
)


@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(records=st.lists(JSON_VALUES, max_size=6))
def test_random_json_records(records: list) -> None:
    import json

    ingest_or_input_error(json.dumps(records).encode(), ".json")
    ingest_or_input_error("\n".join(json.dumps(r) for r in records).encode(), ".jsonl")
