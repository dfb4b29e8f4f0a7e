"""Hostile column names and values, in every input format, through every front door (issue 16).

Each case is a small feedback file whose header (or JSON keys, or frame columns) carries SQL, quotes, ``;``,
comments, ``COPY ... TO`` a canary path, ``read_text`` of a secret file, and Unicode look-alikes. Through
``empathic inspect`` and ``empathic ingest``/``export`` (real subprocesses), the Python API and the web upload,
each case must ingest with every odd name kept verbatim (it comes back as an export column), write no canary file,
and never show the secret file's random token anywhere (output, export, workspace, web page).

Two of the names are exploits that worked before the fix: with the old quoting, ``empathic inspect`` on the JSON
Lines case wrote the COPY canary and read the secret into a "sample value".
"""

from __future__ import annotations

import csv
import html
import importlib.util
import json
import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from empathic import Workspace

FILE_FORMATS = ("csv", "tsv", "json", "jsonl", "xlsx", "parquet")
FRAME_FORMATS = ("pandas", "polars")
N_ROWS = 24
REVIEWS = [
    f"Review {i}: the {thing} was {how}, and delivery took {i % 5 + 1} days which I thought was {verdict}"
    for i, (thing, how, verdict) in enumerate(
        (t, h, v)
        for t in ("dress", "parcel", "app", "refund")
        for h in ("great", "awful", "fine")
        for v in ("slow", "fast")
    )
]


@dataclass(frozen=True)
class Hostile:
    """One case's paths: the secret whose token must never leak, the canary that must never be written."""

    root: Path
    secret: Path
    token: str
    canary: Path

    @property
    def names(self) -> list[str]:
        """The hostile column names (attributes of a feedback file)."""
        return [
            'Q3 "What could we improve?"',
            'a"b',
            "it's",
            "semi;colon",
            "dash -- comment",
            "block /* comment */ end",
            # both exploits below ran under the old CAST("{c}" AS VARCHAR) AS "{c}" (see module docstring)
            *self.exploits,
            f"x'); COPY (SELECT 1) TO '{self.canary}'; --",
            "\uff02fullwidth\uff02 quote\uff07",  # ＂…＂ look like quotes but are not
            "zero\u200bwidth\u200d join\ufeff",
            '"',
            "''",
        ]

    @property
    def exploits(self) -> list[str]:
        """Two names that, alone beside a text column, ran SQL under the old quoting (read a file; write one)."""
        return [
            f"x\" AS VARCHAR) AS x, (SELECT repeat(content, 20) FROM read_text('{self.secret}')) AS stolen "
            "FROM (SELECT 1 AS x) --",
            f"x\" AS VARCHAR) AS x FROM (SELECT 1 AS x); COPY (SELECT 42 AS a) TO '{self.canary}'; --",
        ]

    def values(self, i: int) -> list[str]:
        """Row ``i`` of the hostile columns: a few distinct values each, some carrying SQL too."""
        pool = ["basic", "pro", "x'); DROP TABLE feedback; --", f"read_text('{self.secret}')", '" OR 1=1 --']
        return [pool[(i + j) % 3 if j % 2 else (i + j) % len(pool)] for j in range(len(self.names))]

    def frame(self) -> pd.DataFrame:
        data = {"review": REVIEWS[:N_ROWS]}
        for j, name in enumerate(self.names):
            data[name] = [self.values(i)[j] for i in range(N_ROWS)]
        return pd.DataFrame(data)

    def assert_clean(self, *texts: str) -> None:
        """No canary file was written and no text shows the secret's token."""
        assert not self.canary.exists(), "a hostile name wrote a file"
        assert not list(self.root.glob("canary*")), "a hostile name wrote a file"
        for text in texts:
            assert self.token not in text, "the secret file's content leaked"


@pytest.fixture
def hostile(tmp_path: Path) -> Hostile:
    secret = tmp_path / "secret.txt"
    token = secrets.token_hex(16)
    secret.write_text(f"TOKEN {token}\n")
    return Hostile(root=tmp_path, secret=secret, token=token, canary=tmp_path / "canary.csv")


def write_input(h: Hostile, fmt: str, folder: Path) -> Path:
    """The hostile table as a file of format ``fmt``."""
    df = h.frame()
    path = folder / f"hostile.{fmt}"
    if fmt in ("csv", "tsv"):
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, delimiter="," if fmt == "csv" else "\t")
            writer.writerow(df.columns)
            writer.writerows(df.itertuples(index=False))
    elif fmt == "json":
        path.write_text(json.dumps(df.to_dict(orient="records")), encoding="utf-8")
    elif fmt == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in df.to_dict(orient="records")), encoding="utf-8")
    elif fmt == "parquet":
        pq.write_table(pa.Table.from_pandas(df, preserve_index=False), path)
    elif fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.append(list(df.columns))
        for row in df.itertuples(index=False):
            ws.append(list(row))
        wb.save(path)
    else:
        raise ValueError(fmt)
    return path


def as_frame(h: Hostile, fmt: str) -> object:
    df = h.frame()
    if fmt == "polars":
        pl = pytest.importorskip("polars")
        return pl.from_pandas(df)
    return df


def workspace_text(path: Path) -> str:
    """Every string the workspace holds, as text (DuckDB compresses its file, so reading bytes would prove nothing)."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        out = []
        for (table,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall():
            df = con.execute("SELECT * FROM " + '"' + table.replace('"', '""') + '"').df()
            out.append(df.to_csv(index=False))
        return "\n".join(out)
    finally:
        con.close()


def assert_names_round_trip(h: Hostile, columns: list[str]) -> None:
    missing = [n for n in h.names if n not in columns]
    assert not missing, f"names not kept verbatim: {missing}"


# -- CLI -----------------------------------------------------------------------------------------------------------
def empathic(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("empathic")
    env = {**os.environ, "COLUMNS": "4000", "NO_COLOR": "1"}  # wide: rich must not wrap the names
    return subprocess.run(
        [str(exe), *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.mark.parametrize("fmt", FILE_FORMATS)
def test_cli_inspect_ingest_export(hostile: Hostile, fmt: str) -> None:
    src = write_input(hostile, fmt, hostile.root)
    roles = ["--text", "review", *[f"--attr={n}" for n in hostile.names]]
    inspected = empathic("inspect", src, *roles, cwd=hostile.root)
    assert inspected.returncode == 0, inspected.stderr
    for name in hostile.names:  # every odd name is listed as a column
        assert name in inspected.stdout, name
    hostile.assert_clean(inspected.stdout, inspected.stderr)

    ws = hostile.root / "ws.empathic"
    ingested = empathic("ingest", ws, src, *roles, "-q", cwd=hostile.root)
    assert ingested.returncode == 0, ingested.stderr
    out = hostile.root / "comments.csv"
    exported = empathic("export", ws, "comments", "-o", out, cwd=hostile.root)
    assert exported.returncode == 0, exported.stderr
    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert_names_round_trip(hostile, rows[0])
    assert len(rows) == N_ROWS + 1
    hostile.assert_clean(ingested.stdout, ingested.stderr, exported.stdout, out.read_text(), workspace_text(ws))


def test_cli_inspect_without_roles_infers_and_keeps_the_names(hostile: Hostile) -> None:
    """The JSONL case without any flag: role inference and samples run over the hostile names too."""
    src = write_input(hostile, "jsonl", hostile.root)
    inspected = empathic("inspect", src, cwd=hostile.root)
    assert inspected.returncode == 0, inspected.stderr
    assert "ingests as feedback" in inspected.stdout
    for name in hostile.names:
        assert name in inspected.stdout, name
    hostile.assert_clean(inspected.stdout, inspected.stderr)


@pytest.mark.parametrize("which", ["read_text", "copy_to"])
def test_cli_inspect_runs_no_sql_from_a_json_key(hostile: Hostile, which: str) -> None:
    """The exploit alone, first key of a JSON Lines file: before the fix ``inspect`` leaked the token / wrote the
    canary (run against the src/ of 4c3cc2e, this test fails on both); now the key is one more column."""
    name = hostile.exploits[0 if which == "read_text" else 1]
    src = hostile.root / "exploit.jsonl"
    src.write_text("".join(json.dumps({name: "v", "review": r}) + "\n" for r in REVIEWS[:5]), encoding="utf-8")
    inspected = empathic("inspect", src, cwd=hostile.root)
    hostile.assert_clean(inspected.stdout, inspected.stderr)
    assert inspected.returncode == 0, inspected.stderr
    assert name in inspected.stdout


# -- Python API ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", FILE_FORMATS + FRAME_FORMATS)
def test_python_api_ingest(hostile: Hostile, fmt: str) -> None:
    data = write_input(hostile, fmt, hostile.root) if fmt in FILE_FORMATS else as_frame(hostile, fmt)
    path = hostile.root / "api.empathic"
    ws = Workspace.open(path)
    try:
        summary = ws.ingest(data, text="review", attr=hostile.names)
        assert summary.n_inserted == N_ROWS
        assert sorted(summary.mapping.attrs) == sorted(hostile.names)
        comments = ws.comments()
        assert_names_round_trip(hostile, list(comments.columns))
        first = comments.set_index("text").loc[REVIEWS[0]]
        assert [first[n] for n in hostile.names] == hostile.values(0)  # values verbatim too
        hostile.assert_clean(comments.to_csv())
    finally:
        ws.close()
    hostile.assert_clean(workspace_text(path))


@pytest.mark.parametrize("fmt", FILE_FORMATS + FRAME_FORMATS)
def test_inspect_api_without_roles(hostile: Hostile, fmt: str) -> None:
    from empathic.ingest import inspect

    data = write_input(hostile, fmt, hostile.root) if fmt in FILE_FORMATS else as_frame(hostile, fmt)
    result = inspect(data)
    assert result.mapping.text == ["review"]
    assert_names_round_trip(hostile, list(result.samples))
    hostile.assert_clean(result.table().to_csv(), json.dumps(result.samples))


# -- web upload ----------------------------------------------------------------------------------------------------
def _web_helpers():
    spec = importlib.util.spec_from_file_location("web_helpers", Path(__file__).parents[1] / "web" / "web_helpers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def web(hostile: Hostile):
    from fastapi.testclient import TestClient

    from empathic.config import Settings
    from empathic.web import create_app

    helpers = _web_helpers()
    Workspace.open(hostile.root / "new.empathic").close()
    app = create_app(
        Settings(),
        [hostile.root / "new.empathic"],
        accounts=helpers.make_accounts(hostile.root / "u.sqlite"),
        upload_dir=hostile.root / "up",
    )
    client = helpers.login(TestClient(app, follow_redirects=False), "ann")
    yield app, client, helpers.csrf_of(client.get("/w/new/upload").text)
    app.state.ctx.workspaces["new"].close()


@pytest.mark.parametrize("fmt", FILE_FORMATS)
def test_web_upload_preview(hostile: Hostile, web, fmt: str) -> None:
    _, client, csrf = web
    src = write_input(hostile, fmt, hostile.root)
    page = client.post("/w/new/upload", files={"file": (src.name, src.read_bytes())}, data={"csrf_token": csrf})
    assert page.status_code == 200, page.text
    for name in hostile.names:
        assert name in html.unescape(page.text), name
    hostile.assert_clean(page.text)


def test_web_upload_confirm_ingests_the_names_verbatim(hostile: Hostile, web) -> None:
    app, client, csrf = web
    src = write_input(hostile, "csv", hostile.root)
    page = client.post("/w/new/upload", files={"file": (src.name, src.read_bytes())}, data={"csrf_token": csrf})
    assert page.status_code == 200, page.text
    upload_id = page.text.split('name="upload_id" value="')[1].split('"')[0]
    form = {"csrf_token": csrf, "upload_id": upload_id, "role:review": "text"}
    form.update({f"role:{n}": "attr" for n in hostile.names})
    confirm = client.post("/w/new/ingest", data=form)
    assert confirm.status_code == 303, confirm.text
    job_id = confirm.headers["location"].rsplit("/", 1)[1]
    deadline = time.monotonic() + 600
    job: dict = {}
    while time.monotonic() < deadline:
        job = client.get(f"/api/v1/w/new/jobs/{job_id}").json()
        if job["status"] in ("done", "failed"):
            break
        time.sleep(0.2)
    ws = app.state.ctx.workspaces["new"]
    assert ws.store.count("feedback") == N_ROWS, job
    names = {r["name"] for r in ws.store.read("SELECT DISTINCT name FROM feedback_attributes").to_pylist()}
    assert names == set(hostile.names)
    hostile.assert_clean(json.dumps(job), ws.comments().to_csv())


def test_names_differing_only_in_case_keep_their_own_values(tmp_path: Path) -> None:
    """DuckDB identifiers ignore case; two sources' "Plan" and "plan" still export as two columns with their own
    values (before, both columns showed the first one's values)."""
    with Workspace.open(tmp_path / "case.empathic") as ws:
        ws.ingest(pd.DataFrame({"review": REVIEWS[:2], "Plan": ["a", "b"]}), text="review", attr=["Plan"])
        ws.ingest(pd.DataFrame({"review": REVIEWS[2:4], "plan": ["x", "y"]}), text="review", attr=["plan"])
        comments = ws.comments().set_index("text")
    assert comments.loc[REVIEWS[0], "Plan"] == "a" and pd.isna(comments.loc[REVIEWS[0], "plan"])
    assert comments.loc[REVIEWS[2], "plan"] == "x" and pd.isna(comments.loc[REVIEWS[2], "Plan"])
