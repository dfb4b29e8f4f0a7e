"""Messages from ingest and the stages, reworded for the web app: the CLI's flags and commands become the fields
and buttons of the pages (``--header-rows`` → "the Header rows field", ``empathic analyze WS`` → "Re-analyse").

Errors and hints are written once, for the terminal; the web app passes what it shows (upload warnings, error
pages, job messages) through :func:`web_wording` so a browser user is never told to type a command.
"""

from __future__ import annotations

import re

_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"`?empathic analy[sz]e [^`\s,;)]+`?( --stage \w+)?"), "Re-analyse (Upload page)"),
    (re.compile(r"`?empathic (?:ingest|inspect) [^`;)]*`?"), "the Upload page"),
    (re.compile(r"`?empathic \w+[^`;)]*`?"), "the matching page"),
    (re.compile(r"--header-rows(?: N| \d+)?"), "the Header rows field"),
    (re.compile(r"--skip-rows(?: N| \d+)?"), "the Skip rows field"),
    (re.compile(r"--source(?: [\w|-]+)?"), "the Exported from field"),
    (re.compile(r"--profile(?: \S+)?"), "the Exported from field"),
    (re.compile(r"--score '?[^'\s,;)]*'?"), "the role 'score' with its kind"),
    (re.compile(r"--(text|customer|date|id|title|attr)(?: [A-Z_]+| '[^']*'| \S+:\S+)?"), r"the role '\1'"),
    (re.compile(r"[;,]? ?or pass --lenient[^.;)]*"), "; or correct those values in the file"),
    (re.compile(r"--lenient"), "correcting the file"),
    (re.compile(r"--mapping(?: \S+)?"), "the roles on the mapping page"),
    (re.compile(r"--date-format '?[^'\s]*'?"), "a date format in empathic.toml"),
    (re.compile(r"--kind (?:events\|customers|\w+)"), "a feedback file (events and customers files: the CLI)"),
    (re.compile(r"--[a-z][a-z-]+(?: [A-Z]+)?"), "the upload options"),
]


def web_wording(text: str | None) -> str | None:
    """``text`` with CLI flags and commands replaced by what a web user can do."""
    if not text or ("--" not in text and "empathic " not in text):
        return text
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text
