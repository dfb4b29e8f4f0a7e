"""Builds the ``empathic`` Typer app from the per-area command modules and renders errors without tracebacks."""

from __future__ import annotations

import sys

import typer

from empathic.cli.common import console, err_console, refresh_console_width, render_error
from empathic.errors import EmpathicError
from empathic.plugins import present_modules
from empathic.store.access import denied_os_error, is_denied

#: Command modules; each has ``register(app)``. A module that does not exist yet is skipped.
COMMAND_MODULES = (
    "empathic.cli.ingest",
    "empathic.cli.analyze",
    "empathic.cli.themes",
    "empathic.cli.feelings",
    "empathic.cli.analytics",
    "empathic.cli.compare",
    "empathic.cli.usage",
    "empathic.cli.web",
    "empathic.cli.export",
    "empathic.cli.privacy",
    "empathic.cli.team",
    "empathic.cli.spark",
)

app = typer.Typer(
    name="empathic",
    help="Local-first customer empathy at scale: what customers say, who they are and what they do.\n\n"
    "Start with `empathic demo`, or `empathic inspect FILE` then `empathic ingest WORKSPACE FILE`.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _print_version(value: bool) -> None:
    """Eager ``--version``: runs while parsing, so no command is needed."""
    if value:
        from empathic import __version__

        console.print(f"empathic {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", help="Print the version and exit.", is_eager=True, callback=_print_version
    ),
) -> None:
    pass


for _module in present_modules(COMMAND_MODULES):
    _module.register(app)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app; every ``EmpathicError`` becomes a clean message and exit code 2."""
    refresh_console_width()
    try:
        app(args=argv, standalone_mode=False)
    except EmpathicError as exc:
        render_error(exc)
        return 2
    except KeyboardInterrupt:
        err_console.print("[red]interrupted[/red] — nothing half-written was kept")
        return 130
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        err_console.print("aborted")
        return 1
    except Exception as exc:  # click usage errors (typer ≥ 0.20 vendors click as typer._click) show themselves
        if any(cls.__name__ == "ClickException" for cls in type(exc).__mro__):
            exc.show()
            return 2
        if isinstance(exc, OSError) and is_denied(exc):  # a read-only file or folder met outside the store
            render_error(denied_os_error(exc))
            return 2
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
