"""Resource caps of ingest (settings with defaults, checked before the work they guard) and temp-file hygiene."""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from empathic import Workspace
from empathic.config import Settings
from empathic.errors import InputError
from empathic.ingest import inspect
from empathic.ingest.settings import IngestSettings

REVIEW = "The parcel arrived two days late and the box was crushed on one side"


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where ingest's temporary files go (tempfile's default folder, redirected), empty before the test."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _gz_bomb(path: Path, inflated_mb: int) -> Path:
    """A small .csv.gz that inflates to ``inflated_mb`` MB (one header, then the same row again and again)."""
    row = (REVIEW + "\n").encode()
    block = row * ((1 << 20) // len(row) + 1)
    with gzip.open(path, "wb", compresslevel=9) as fh:
        fh.write(b"review\n")
        for _ in range(inflated_mb):
            fh.write(block)
    return path


def test_gz_over_the_inflated_cap_is_refused_after_reading_at_most_the_cap(
    tmp_path: Path, scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = _gz_bomb(tmp_path / "bomb.csv.gz", inflated_mb=64)
    assert bomb.stat().st_size < (1 << 20)  # small on disk
    inflated = 0
    real_read = gzip.GzipFile.read

    def counting_read(self: gzip.GzipFile, size: int = -1) -> bytes:
        nonlocal inflated
        out = real_read(self, size)
        inflated += len(out)
        return out

    monkeypatch.setattr(gzip.GzipFile, "read", counting_read)
    with pytest.raises(InputError, match=r"inflates to more than 4 MB") as caught:
        inspect(bomb, settings=IngestSettings(max_inflated_mb=4))
    assert "ingest.max_inflated_mb" in (caught.value.hint or "")
    assert inflated <= (4 << 20) + (1 << 20)  # stopped within one chunk of the cap, not after 64 MB
    assert list(scratch.iterdir()) == []  # and the partial copy is gone


def test_gz_under_the_cap_ingests_and_leaves_no_temp_file(tmp_path: Path, scratch: Path) -> None:
    src = tmp_path / "small.csv.gz"
    src.write_bytes(gzip.compress(f"review\n{REVIEW}\n{REVIEW} again\n".encode()))
    with Workspace.open(tmp_path / "ws.empathic") as ws:
        assert ws.ingest(src).n_inserted == 2
    assert list(scratch.iterdir()) == []


def test_transcoded_copy_is_removed_on_success_and_on_failure(tmp_path: Path, scratch: Path) -> None:
    good = tmp_path / "latin1.csv.gz"  # inflated AND transcoded: two temporary copies
    good.write_bytes(gzip.compress(f"review\n{REVIEW} café\nrésumé of the order was fine\n".encode("cp1252")))
    bad = tmp_path / "latin1_ragged.csv"
    bad.write_bytes(f"id,review\n1,{REVIEW} café\n2,a,b,c\n".encode("cp1252"))
    with Workspace.open(tmp_path / "ws.empathic") as ws:
        assert ws.ingest(good).n_inserted == 2
        assert list(scratch.iterdir()) == []
        with pytest.raises(InputError):
            ws.ingest(bad)
    assert list(scratch.iterdir()) == []


def test_10001_columns_are_refused_before_any_row_is_read(tmp_path: Path) -> None:
    names = ["review"] + [f"c{i}" for i in range(10_000)]
    src = tmp_path / "wide.csv"
    src.write_text(",".join(names) + "\n" + ",".join([REVIEW] + ["x"] * 10_000) + "\n")
    with pytest.raises(InputError, match=r"10,001 columns; at most 2,000") as caught:
        inspect(src)
    assert caught.value.row == 1 and "ingest.max_columns" in (caught.value.hint or "")


@pytest.mark.parametrize("fmt", ["frame", "parquet", "xlsx", "jsonl"])
def test_column_cap_applies_to_every_format(tmp_path: Path, fmt: str) -> None:
    frame = pd.DataFrame({"review": [REVIEW], **{f"c{i}": ["x"] for i in range(12)}})
    data: object = frame
    if fmt == "jsonl":
        data = tmp_path / "wide.jsonl"
        frame.to_json(data, orient="records", lines=True)
    elif fmt == "parquet":
        data = tmp_path / "wide.parquet"
        frame.to_parquet(data)
    elif fmt == "xlsx":
        data = tmp_path / "wide.xlsx"
        frame.to_excel(data, index=False)
    with pytest.raises(InputError, match=r"13 columns; at most 10"):
        inspect(data, settings=IngestSettings(max_columns=10))


def test_attribute_cap_counts_the_workspace_and_writes_nothing(tmp_path: Path) -> None:
    settings = Settings()
    settings.ingest.max_attributes = 3
    first = pd.DataFrame({"review": [REVIEW, REVIEW + "!"], "plan": ["a", "b"], "region": ["n", "s"]})
    second = pd.DataFrame({"review": ["Other words " + REVIEW], "tier": ["x"], "channel": ["web"]})
    with Workspace.open(tmp_path / "ws.empathic", settings=settings) as ws:
        ws.ingest(first, text="review", attr=["plan", "region"])
        with pytest.raises(InputError, match=r"give the workspace 4 attributes; at most 3") as caught:
            ws.ingest(second, text="review", attr=["tier", "channel"])
        assert "ingest.max_attributes" in (caught.value.hint or "")
        assert ws.store.count("feedback") == 2  # nothing of the refused source was written
        assert ws.store.scalar("SELECT count(DISTINCT name) FROM feedback_attributes") == 2


def test_caps_have_defaults() -> None:
    s = IngestSettings()
    assert (s.max_inflated_mb, s.max_columns, s.max_attributes) == (2048, 2000, 500)


def test_json_with_many_keys_keeps_one_column_per_key(tmp_path: Path) -> None:
    """Past 200 keys DuckDB folds a JSON object into one map column; every key must stay a column."""
    src = tmp_path / "wide.jsonl"
    frame = pd.DataFrame({"review": [REVIEW, REVIEW + "!"], **{f"q{i}": ["yes", "no"] for i in range(300)}})
    frame.to_json(src, orient="records", lines=True)
    result = inspect(src)
    assert len(result.samples) == 301 and result.mapping.text == ["review"]
