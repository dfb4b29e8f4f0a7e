"""A brief as one HTML page, and as a real PDF printed by headless Chromium (offline, no network).

Chromium is Debian's ``/usr/bin/chromium`` (``scripts/install-system-deps.sh``), or the one named by
``$EMPATHIC_CHROMIUM``. It prints a local file from a private temporary profile, with networking features off,
and is stopped after ``timeout`` seconds.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from empathic.errors import InputError, NotInstalledError
from empathic.team.templating import TEMPLATES

TITLES = {"exec": "Our customers: executive brief", "team": "Team brief: {team}", "newhire": "Meet our customers"}
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
]


def title(brief: dict[str, Any]) -> str:
    """The brief's heading."""
    return TITLES[brief["audience"]].format(team=brief.get("team", ""))


def to_html(brief: dict[str, Any]) -> str:
    """The brief as one self-contained HTML page (inline CSS, no script, every value escaped)."""
    return TEMPLATES.get_template("brief.html").render(b=brief, title=title(brief))


def chromium_path() -> str:
    """The Chromium to print with; :class:`NotInstalledError` with the install hint when there is none."""
    for candidate in (os.environ.get("EMPATHIC_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser"), shutil.which("google-chrome")):  # fmt: skip
        if candidate and Path(candidate).exists():
            return candidate
    hint = "apt-get install chromium (scripts/install-system-deps.sh), or write .html"
    raise NotInstalledError("a PDF needs Chromium, which is not installed", hint=hint)


def html_to_pdf(html: str, target: Path, *, timeout: float = 120.0) -> Path:
    """Print ``html`` to ``target`` (A4 unless the page sets its own size, no header/footer) with headless
    Chromium; returns ``target``."""
    browser = chromium_path()
    if "@page" not in html:  # Chromium's default paper is US Letter
        html = re.sub(r"<head[^>]*>", lambda m: m.group(0) + "<style>@page { size: A4; }</style>", html, count=1)
    with tempfile.TemporaryDirectory(prefix="empathic-pdf-") as tmp:
        page = Path(tmp) / "brief.html"
        page.write_text(html, encoding="utf-8")
        out = Path(tmp) / "brief.pdf"
        cmd = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={tmp}/profile", f"--print-to-pdf={out}", page.as_uri()]
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise InputError(f"Chromium did not finish printing within {timeout:.0f} s", hint="try again") from None
        if not out.exists() or out.stat().st_size == 0:
            detail = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
            raise InputError(f"Chromium could not print the PDF: {detail[0]}", hint="write .html instead") from None
        shutil.copyfile(out, target)
    return target


def write(brief: dict[str, Any], target: Path) -> Path:
    """Write the brief to ``target``: ``.pdf`` (printed by Chromium) or ``.html``."""
    suffix = target.suffix.lower()
    if suffix not in (".pdf", ".html", ".htm"):
        raise InputError(f"cannot write a brief as {target.name}", hint="use a .pdf or .html file name")
    if not target.parent.is_dir():
        raise InputError(f"folder {target.parent} does not exist", hint="create it first")
    html = to_html(brief)
    if suffix == ".pdf":
        return html_to_pdf(html, target)
    target.write_text(html, encoding="utf-8")
    return target
