"""One settings tree: defaults, empathic.toml beside the workspace, environment, explicit overrides."""

from __future__ import annotations

import pytest

from empathic.config import load_settings
from empathic.errors import InputError


def test_defaults() -> None:
    s = load_settings(environ={})
    assert s.seed == 42
    assert s.ingest.on_bad_value == "error"


def test_order_file_then_env_then_overrides(tmp_path) -> None:
    (tmp_path / "empathic.toml").write_text('seed = 1\n[ingest]\non_bad_value = "null"\nmax_text_chars = 500\n')
    ws = tmp_path / "a.empathic"
    s = load_settings(ws, environ={"EMPATHIC_INGEST__MAX_TEXT_CHARS": "900"})
    assert (s.seed, s.ingest.on_bad_value, s.ingest.max_text_chars) == (1, "null", 900)
    s = load_settings(ws, {"seed": 7}, environ={})
    assert (s.seed, s.ingest.max_text_chars) == (7, 500)


def test_invalid_setting_is_a_clean_error(tmp_path) -> None:
    with pytest.raises(InputError, match="ingest.on_bad_value"):
        load_settings(None, {"ingest": {"on_bad_value": "explode"}}, environ={})
    (tmp_path / "empathic.toml").write_text("seed = [unclosed")
    with pytest.raises(InputError, match="cannot read settings"):
        load_settings(tmp_path / "a.empathic", environ={})
