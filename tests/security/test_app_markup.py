"""User strings print verbatim in the CLI: Rich must not read ``[list]`` or ``[bold]`` in them as markup.

Issues 16 and 20: a column named ``[list]`` printed as an empty name (Rich ate it as a tag); comment text, attribute
names and values, and error messages that quote them were mangled the same way.
"""

from __future__ import annotations

from pathlib import Path

from app_cli import cli_fixture  # noqa: F401 - the shared `cli` fixture

TEXT_COL, ATTR_COL = "[list]", "[bold]plan[/bold]"
CSV = (
    f"id,{TEXT_COL},{ATTR_COL},nps\n"
    "1,[red]angry[/red] customer here,[i]pro[/i],2\n"
    "2,happy with the app,free,9\n"
    "3,angry about [link=http://x]price[/link],free,3\n"
    "4,great support team,[i]pro[/i],10\n"
)


def test_column_names_values_and_errors_print_verbatim(tmp_path: Path, cli) -> None:
    source = tmp_path / "m.csv"
    source.write_text(CSV, encoding="utf-8")
    ws = tmp_path / "w.empathic"

    code, out, _ = cli("inspect", source, "--text", TEXT_COL, "--attr", ATTR_COL)
    assert code == 0
    assert TEXT_COL in out and ATTR_COL in out and "[red]angry[/red] customer here" in out and "[i]pro[/i]" in out

    code, out, _ = cli("ingest", ws, source, "--text", TEXT_COL, "--attr", ATTR_COL, "--score", "nps:nps", "-q")
    assert code == 0 and f"{TEXT_COL} → text" in out and f"{ATTR_COL} → attribute" in out

    code, out, _ = cli("info", ws)
    assert code == 0 and ATTR_COL in out

    code, out, _ = cli("search", ws, "angry")
    assert code == 0 and "[red]angry[/red] customer here" in out and "[link=http://x]price[/link]" in out

    code, out, err = cli("segments", ws, "--by", ATTR_COL, "--all")
    assert code == 0 and f"segments by {ATTR_COL}" in out and "[i]pro[/i]" in out
    assert f"warning: {ATTR_COL}" in out  # the small-segment warning names the attribute verbatim

    code, _, err = cli("segments", ws, "--by", "[nope]")
    assert code == 2 and "'[nope]'" in err and f"choose from: {ATTR_COL}" in err
