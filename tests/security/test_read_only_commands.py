"""The hint that lists read-only commands (``store.access.READ_ONLY_COMMANDS``) names exactly the commands that
open their workspace read-only, so a user told "these still work" beside ``empathic serve`` is told the truth."""

from __future__ import annotations

import inspect
from typing import Any

import typer

from empathic.cli.main import app
from empathic.store.access import READ_ONLY_COMMANDS

#: Sub-commands a user never types: ``empathic themes WS`` runs ``themes show``.
DEFAULT_SUBCOMMANDS = {"show"}


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every leaf command by the words a user types (typer ships its own click, hence no isinstance)."""
    found: dict[str, Any] = {}
    for name, command in group.commands.items():
        path = prefix if name in DEFAULT_SUBCOMMANDS else (*prefix, name)
        if hasattr(command, "commands"):
            found.update(_commands(command, (*prefix, name)))
        else:
            found[" ".join(path)] = command
    return found


def _opens_read_only(command: Any) -> bool:
    source = inspect.getsource(command.callback) if command.callback else ""
    return "read_only=True" in source or "read_only=save is None" in source


def test_every_read_only_command_is_listed_and_every_listed_name_is_one() -> None:
    commands = _commands(typer.main.get_command(app))
    listed = {name.strip() for name in READ_ONLY_COMMANDS.split(",")}
    read_only = {name for name, command in commands.items() if _opens_read_only(command)}
    assert {"digest", "brief", "activity", "notes list", "owners list"} <= read_only  # the scan sees them
    assert read_only == listed, f"missing from the hint: {read_only - listed}; not read-only: {listed - read_only}"
