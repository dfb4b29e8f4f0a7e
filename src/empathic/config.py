"""One settings tree, validated once.

Defaults → ``empathic.toml`` beside the workspace → ``EMPATHIC_<AREA>__<FIELD>`` environment variables → explicit
overrides (CLI flags, keyword arguments). Every analysis run stores the resolved tree, so a result can be explained
and reproduced.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from empathic.analytics.settings import AnalyticsSettings
from empathic.errors import InputError
from empathic.feelings.settings import FeelingsSettings
from empathic.ingest.settings import IngestSettings
from empathic.personas.settings import PersonasSettings
from empathic.themes.settings import ThemesSettings
from empathic.usage.settings import UsageSettings
from empathic.web_settings import WebSettings


class Settings(BaseModel):
    """The whole settings tree; each area owns its sub-model in ``<area>/settings.py``."""

    model_config = ConfigDict(extra="forbid")

    seed: int = 42
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    themes: ThemesSettings = Field(default_factory=ThemesSettings)
    feelings: FeelingsSettings = Field(default_factory=FeelingsSettings)
    analytics: AnalyticsSettings = Field(default_factory=AnalyticsSettings)
    usage: UsageSettings = Field(default_factory=UsageSettings)
    personas: PersonasSettings = Field(default_factory=PersonasSettings)
    web: WebSettings = Field(default_factory=WebSettings)


def _deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _from_env(environ: dict[str, str]) -> dict[str, Any]:
    """``EMPATHIC_THEMES__MIN_SHARE=0.01`` → ``{"themes": {"min_share": "0.01"}}`` (pydantic coerces)."""
    tree: dict[str, Any] = {}
    for key, value in environ.items():
        if not key.startswith("EMPATHIC_") or "__" not in key:
            continue
        path = key[len("EMPATHIC_") :].lower().split("__")
        node = tree
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    return tree


def load_settings(
    workspace_path: str | Path | None = None,
    overrides: dict[str, Any] | None = None,
    *,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Resolve the settings tree for a workspace (see module docstring for the order)."""
    data: dict[str, Any] = {}
    if workspace_path and str(workspace_path) != ":memory:":
        toml_path = Path(workspace_path).with_name("empathic.toml")
        if toml_path.exists():
            try:
                data = tomllib.loads(toml_path.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise InputError(
                    f"cannot read settings: {exc}", file=str(toml_path), hint="fix the TOML syntax"
                ) from None
    data = _deep_merge(data, _from_env(dict(os.environ if environ is None else environ)))
    data = _deep_merge(data, overrides or {})
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(
            f"invalid setting {where}: {first['msg']}",
            hint="check empathic.toml, EMPATHIC_* environment variables and command-line options",
        ) from None
