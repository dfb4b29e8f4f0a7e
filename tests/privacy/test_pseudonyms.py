"""Keyed pseudonyms: deterministic under one key, different under another, never the raw id in the file."""

from __future__ import annotations

import stat
from pathlib import Path

import pandas as pd
import pytest

from empathic import Workspace
from empathic.privacy.pseudonyms import ENV_KEY, key_path, load_key, pseudonym

FRAME = pd.DataFrame(
    {
        "customer": ["Alice@Example.com", "bob-77", "carol"],
        "comment": ["Write to alice@example.com please", "The app is slow", "Mail carol@example.org"],
    }
)


def test_pseudonym_is_a_keyed_deterministic_hmac() -> None:
    assert pseudonym("bob-77", b"k1") == pseudonym("bob-77", b"k1")
    assert pseudonym("bob-77", b"k1") != pseudonym("bob-77", b"k2")
    assert pseudonym("Alice@Example.com ", b"k1") == pseudonym("alice@example.com", b"k1")  # e-mails normalised
    assert pseudonym("bob-77", b"k1").startswith("pid_") and len(pseudonym("x", b"k")) == 20


def _ingest(path: Path) -> pd.DataFrame:
    with Workspace.open(path, settings={"ingest": {"pseudonymize_ids": True}}) as ws:
        ws.ingest(FRAME, text="comment", customer="customer")
        ws.ingest(FRAME, text="comment", customer="customer")  # re-ingest: ids are not hashed twice
        return ws.table("feedback").sort_values("text")[["customer_id", "text"]].reset_index(drop=True)


def test_same_key_same_pseudonyms_other_key_other(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_KEY, "shared-secret")
    a = _ingest(tmp_path / "a.empathic")
    b = _ingest(tmp_path / "b.empathic")
    assert a.equals(b) and len(a) == 3
    assert set(a["customer_id"]) == {pseudonym(c, b"shared-secret") for c in FRAME["customer"]}
    assert "[EMAIL:" in " ".join(a["text"]) and "alice@example.com" not in " ".join(a["text"])
    monkeypatch.setenv(ENV_KEY, "another-secret")
    c = _ingest(tmp_path / "c.empathic")
    assert not set(c["customer_id"]) & set(a["customer_id"])
    for name in ("a", "b", "c"):
        data = (tmp_path / f"{name}.empathic").read_bytes()
        assert b"bob-77" not in data and b"Alice@Example.com" not in data


def test_key_file_beside_the_workspace_is_private_and_stable(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(ENV_KEY, raising=False)
    path = tmp_path / "w.empathic"
    first = _ingest(path)
    key_file = key_path(path)
    assert key_file.exists() and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_bytes() not in path.read_bytes()
    key = load_key(path)
    assert key is not None and set(first["customer_id"]) == {pseudonym(c, key) for c in FRAME["customer"]}
    assert load_key(path) == key  # the key is made once
