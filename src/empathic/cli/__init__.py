"""The command-line front door: Typer commands that parse, call library functions and render with Rich."""
