"""Issue #19, "every number states its n", checked over every surface at once. The CLI's `scores`, `drivers`,
`segments`, `trends` and `compare`, the web overview, drivers, segments, trends and compare pages, and the report
all show scores, shares, impacts and intervals. Each table that shows one must carry its n: an n column or row
("n", "comments", "mentions", "answers"). Each interval outside a table must have "n =" (or "n=") close by, on the
same card or line. The rules are tested on synthetic tables first, so a table without its n is known to fail them.
"""

from __future__ import annotations

import re

import pytest
from test_analytics_no_nan_pages import client, visible_text, weak_workspace  # noqa: F401  (client: a fixture)

from empathic.cli.main import main

N_MARK = re.compile(r"\bn\b|\bn\s*=|comments|mentions|answers|responses", re.I)
NUMBER = re.compile(r"[-+−]?\d+\.\d+|\d+(?:\.\d+)?\s*%")  # a score, share, impact or interval end
INTERVAL = re.compile(r"95 % (?:CI|credible)|\d\s*[…–]\s*[-+−]?\d")
NEAR = 160  # characters either side of an interval outside a table where its n must be stated


def html_tables_without_n(html: str) -> list[str]:
    """The text of each HTML table that shows a number but no n column/row (its caption counts)."""
    bad = []
    for table in re.findall(r"<table.*?</table>", html, flags=re.S):
        text = re.sub(r"\s+", " ", visible_text(table))
        if NUMBER.search(text) and not N_MARK.search(text):
            bad.append(text[:200])
    return bad


def html_intervals_without_n(html: str) -> list[str]:
    """Intervals outside tables (score cards, headlines) with no "n =" within NEAR characters."""
    outside = re.sub(r"\s+", " ", visible_text(re.sub(r"<table.*?</table>", " ", html, flags=re.S)))
    return [
        outside[max(0, m.start() - 60) : m.end() + 60]
        for m in re.finditer(r"95 % (?:CI|credible)", outside)
        if not re.search(r"\bn\s*=", outside[max(0, m.start() - NEAR) : m.end() + NEAR])
    ]


def cli_blocks_without_n(output: str) -> list[str]:
    """Rich tables (title lines + box) that show a number but no n, and loose lines with an interval but no n=
    on that line or the line before."""
    lines = output.splitlines()
    bad: list[str] = []
    block: list[str] = []
    title: list[str] = []
    for i, line in enumerate(lines):
        boxed = line[:1] in "┏┃┡│└├┣╇"
        if boxed:
            block.append(line)
            if line.startswith("└"):
                text = " ".join(title + block)
                body = " ".join(x for x in block if x.startswith("│"))
                if NUMBER.search(body) and not N_MARK.search(text):
                    bad.append("\n".join(title + block[:4]))
                block, title = [], []
            continue
        if line.strip() and lines[i + 1 : i + 2] and lines[i + 1][:1] == "┏":
            title = [line]  # the table's title, just above its box
            continue
        if INTERVAL.search(line) and NUMBER.search(line):
            context = line + " " + (lines[i - 1] if i else "")
            if not re.search(r"\bn\s*=", context):
                bad.append(line)
    return bad


SYNTHETIC_CLI_WITHOUT_N = """\
                 drivers of nps
┏━━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ theme   ┃ impact ┃       95 % CI ┃
┡━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ theme 4 │  +2.18 │ +1.56 … +2.79 │
└─────────┴────────┴───────────────┘
change -2.2 points, 95 % CI -34.3 … +29.9, p=0.893
"""


def test_the_rules_catch_a_table_or_interval_without_its_n():
    assert len(cli_blocks_without_n(SYNTHETIC_CLI_WITHOUT_N)) == 2  # the table and the loose interval
    with_n = SYNTHETIC_CLI_WITHOUT_N.replace("┃ impact", "┃ n ┃ impact").replace("p=0.893", "p=0.893, n=53")
    assert cli_blocks_without_n(with_n) == []
    html = "<table><tr><th>theme</th><th>share</th></tr><tr><td>a</td><td>3.7 %</td></tr></table>"
    assert html_tables_without_n(html)
    assert html_tables_without_n(html.replace("<th>share</th>", "<th>share</th><th>comments</th>")) == []
    card = "<div>18.8 NPS <small>95 % CI 10.6 – 26.9</small></div>"
    assert html_intervals_without_n(card)
    assert html_intervals_without_n(card.replace("26.9", "26.9, n = 400")) == []


@pytest.fixture(scope="module")
def weak_path(tmp_path_factory):
    return weak_workspace(tmp_path_factory.mktemp("weak_cli") / "weak.empathic")


@pytest.mark.parametrize(
    "command",
    [
        ["scores"],
        ["drivers"],
        ["segments", "--by", "plan"],
        ["trends"],
        ["trends", "--grain", "month"],
        ["compare"],
        ["compare", "--periods", "2024Q2", "2024Q3"],
    ],
    ids=" ".join,
)
def test_every_cli_number_states_its_n(weak_path, command, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "220")
    assert main([command[0], str(weak_path), *command[1:]]) == 0
    out = capsys.readouterr().out
    assert NUMBER.search(out), out  # the command did show numbers
    assert cli_blocks_without_n(out) == [], out
    assert not re.search(r"\b(nan|NaN|inf|NaT)\b", out), out  # and none is shown as nan or inf (segments' lift)


@pytest.mark.parametrize(
    "url",
    [
        "overview",
        "drivers",
        "drivers?score=csat",
        "segments?attribute=plan",
        "trends",
        "trends?grain=quarter",
        "compare?a=2024Q2&b=2024Q3",
        "compare?last=30d",
        "report",
    ],
)
def test_every_web_and_report_number_states_its_n(client, url):  # noqa: F811  (the imported fixture)
    response = client.get(f"/w/weak/{url}")
    assert response.status_code == 200, url
    assert html_tables_without_n(response.text) == [], url
    assert html_intervals_without_n(response.text) == [], url
