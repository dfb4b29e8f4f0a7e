"""A generated corpus of malformed inputs: each must make ``empathic ingest`` exit 2 with a helpful message.

``build_corpus(folder)`` writes every file and returns one :class:`Case` per CLI call: the file, extra flags, and
optionally a phrase the error message must contain. Deterministic (seeded) and small: only two cases are large
(a 50 MB field), the rest are a few hundred bytes.
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

WORDS = [
    "the", "app", "is", "slow", "and", "support", "never", "answers", "my", "emails", "about", "billing", "errors",
    "again", "today",
]  # fmt: skip


@dataclass
class Case:
    """One malformed input: run ``empathic ingest WS path *args``; expect exit 2 and ``needle`` in the message."""

    name: str
    path: Path
    args: list[str] = field(default_factory=list)
    needle: str | None = None


def _comment(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14)))


def _rows(n: int, seed: int) -> list[dict[str, object]]:
    """``n`` well-formed survey rows to corrupt."""
    rng = random.Random(seed)
    return [
        {
            "id": f"m{seed}-{i}",
            "date": f"2024-0{1 + i % 9}-{10 + i % 18}",
            "nps": rng.randint(0, 10),
            "plan": rng.choice(["free", "pro"]),
            "comment": _comment(rng),
        }
        for i in range(n)
    ]


def _csv(rows: list[dict[str, object]], sep: str = ",") -> str:
    out = io.StringIO()
    pd.DataFrame(rows).to_csv(out, sep=sep, index=False, lineterminator="\n")
    return out.getvalue()


class _Builder:
    """Writes files into ``folder`` and collects cases."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.cases: list[Case] = []

    def add(self, name: str, content: str | bytes | None, *, suffix: str, args=(), needle=None) -> Path:
        path = self.folder / f"{len(self.cases):03d}-{name}{suffix}"
        if content is not None:
            path.write_bytes(content.encode() if isinstance(content, str) else content)
        self.cases.append(Case(name, path, list(args), needle))
        return path

    def add_with(self, name: str, writer: Callable[[Path], None], *, suffix: str, args=(), needle=None) -> None:
        path = self.add(name, None, suffix=suffix, args=args, needle=needle)
        writer(path)


def build_corpus(folder: Path) -> list[Case]:
    """Write the whole corpus under ``folder`` (created) and return its cases (over 200)."""
    folder.mkdir(parents=True, exist_ok=True)
    b = _Builder(folder)
    _empty_and_header_only(b)
    _no_text(b)
    _encodings(b)
    _ragged(b)
    _bad_dates(b)
    _bad_scores(b)
    _garbage(b)
    _json(b)
    _xlsx_and_parquet(b)
    _names_and_paths(b)
    _arguments(b)
    _export_shapes(b)
    _huge(b)
    return b.cases


def _empty_and_header_only(b: _Builder) -> None:
    for suffix in (".csv", ".tsv", ".txt", ".json", ".jsonl", ".parquet", ".xlsx", ".ndjson", ".dat"):
        b.add("empty", b"", suffix=suffix, needle="empty")
    headers = ["id,comment,nps\n", "id\tcomment\tnps\n", "id;comment;nps\n", "\ufeffid,comment\n", "id,comment\r\n"]
    headers += ["comment\n", '"id","comment"\n', "a,b,c,d,e,f,g\n"]
    for i, header in enumerate(headers):
        b.add(f"header-only-{i}", header, suffix=".tsv" if "\t" in header else ".csv", needle="no data rows")
    for i, blank in enumerate(["\n", "\n\n\n", "   \n  \n", "\r\n\r\n"]):
        b.add(f"blank-lines-{i}", blank, suffix=".csv")
    b.add("json-empty-array", "[]", suffix=".json")
    b.add("jsonl-blank", "\n\n", suffix=".jsonl")


def _no_text(b: _Builder) -> None:
    rng = random.Random(1)
    for i in range(12):
        n_cols = 1 + i % 4
        n_rows = 5 + i
        cols = [f"q{j}" for j in range(n_cols)]
        lines = [",".join(cols)] + [",".join(str(rng.randint(0, 99)) for _ in cols) for _ in range(n_rows)]
        b.add(f"numbers-only-{i}", "\n".join(lines) + "\n", suffix=".csv", needle="no free-text column")
    for i, codes in enumerate([["a", "b"], ["yes", "no", "maybe"], ["EU", "US", "APAC", "LATAM"]]):
        lines = ["plan,region"] + [f"{codes[k % len(codes)]},{codes[(k + 1) % len(codes)]}" for k in range(20)]
        b.add(f"short-codes-{i}", "\n".join(lines) + "\n", suffix=".csv", needle="no free-text column")
    rows = [{"x": i, "y": i * 2} for i in range(10)]
    b.add("json-numbers", json.dumps(rows), suffix=".json", needle="no free-text column")
    b.add("jsonl-numbers", "\n".join(json.dumps(r) for r in rows), suffix=".jsonl", needle="no free-text column")
    blank = [{"id": f"b{i}", "comment": "", "nps": i % 11} for i in range(10)]
    b.add("all-text-empty", _csv(blank), suffix=".csv", args=["--text", "comment"], needle="every row's text is empty")
    ws_only = [{"id": f"w{i}", "comment": "   ", "plan": "x"} for i in range(6)]
    b.add(
        "all-text-blank", _csv(ws_only), suffix=".csv", args=["--text", "comment"], needle="every row's text is empty"
    )


def _encodings(b: _Builder) -> None:
    text = _csv(_rows(8, 2))
    for enc in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):  # without a BOM these are NUL-riddled
        b.add(f"no-bom-{enc}", text.encode(enc), suffix=".csv", needle="binary")
    half = len(text) // 2
    b.add("utf8-then-utf16", text[:half].encode() + text[half:].encode("utf-16-le"), suffix=".csv", needle="binary")
    b.add("utf16-bom-json", ("\ufeff[" + "{").encode("utf-16-le"), suffix=".json")


def _ragged(b: _Builder) -> None:
    for i in range(24):
        rows = _rows(12 + i, 100 + i)
        lines = _csv(rows, sep=[",", ";", "\t"][i % 3]).splitlines()
        bad = 1 + i % (len(lines) - 1)
        sep = [",", ";", "\t"][i % 3]
        lines[bad] = lines[bad] + sep + "extra" + sep + "cells" if i % 2 == 0 else sep.join(lines[bad].split(sep)[:2])
        b.add(f"ragged-{i}", "\n".join(lines) + "\n", suffix=".tsv" if sep == "\t" else ".csv")
    for i in range(6):
        rows = _rows(10, 200 + i)
        content = _csv(rows).splitlines()
        content[3 + i] = content[3 + i].replace(",", ',"', 1)  # an unclosed quote
        b.add(f"unclosed-quote-{i}", "\n".join(content) + "\n", suffix=".csv")


def _bad_dates(b: _Builder) -> None:
    bad_values = ["yesterday", "2024-02-30", "31/31/2024", "not a date", "2024-13-01", "99999999", "2024/02/31"]
    bad_values += ["??", "2024-01-01T25:00:00", "0000-00-00", "2024-1-1-1", "Feb 30 2024", "32.01.2024", "tomorrow"]
    for i, value in enumerate(bad_values):
        rows = _rows(30, 300 + i)
        rows[7 + i]["date"] = value
        b.add(f"bad-date-{i}", _csv(rows), suffix=".csv", args=["--date", "date"], needle="unparseable date")


def _bad_scores(b: _Builder) -> None:
    specs = [
        ("nps", "nps:nps", 11),
        ("nps", "nps:nps", -1),
        ("nps", "nps:nps", 100),
        ("nps", "nps:csat", 0),
        ("nps", "nps:csat", 6),
        ("nps", "nps:rating", 0),
        ("nps", "nps:rating", 11),
        ("nps", "nps:recommend", 2),
        ("nps", "nps:nps", 10.5),
        ("nps", "nps:csat", -3),
    ]
    for i, (col, spec, value) in enumerate(specs):
        rows = _rows(20, 400 + i)
        for r in rows:
            r["nps"] = 1 + (i + len(r["comment"])) % 4  # valid on every scale above
        rows[5 + i][col] = value
        b.add(f"score-out-of-range-{i}", _csv(rows), suffix=".csv", args=["--score", spec], needle="outside the")
    for i, junk in enumerate(["n/a", "ten", "5 stars", "maybe", "★★★", "1-2", "0x5", "∞"]):
        rows = _rows(20, 500 + i)
        rows[4 + i]["nps"] = junk
        b.add(f"score-not-a-number-{i}", _csv(rows), suffix=".csv", args=["--score", "nps:nps"], needle="non-numeric")
    rows = [
        {"user": f"u{i}", "ts": f"2024-01-0{1 + i % 9} 10:00:00", "action": "open", "secs": "x" if i == 3 else i}
        for i in range(10)
    ]
    args = ["--kind", "events", "--customer", "user", "--date", "ts", "--event", "action", "--duration", "secs"]
    b.add("events-bad-duration", _csv(rows), suffix=".csv", args=args, needle="non-numeric duration")
    args = ["--kind", "events", "--customer", "user", "--date", "ts", "--event", "action", "--value", "secs"]
    b.add("events-bad-value", _csv(rows), suffix=".csv", args=args, needle="non-numeric value")


def _garbage(b: _Builder) -> None:
    for i in range(30):
        rng = random.Random(600 + i)
        data = bytes(rng.randrange(256) for _ in range(rng.randint(200, 4000)))
        data = data[:50] + b"\x00" + data[50:]  # always at least one NUL
        suffix = [".csv", ".tsv", ".txt", ".json", ".jsonl", ".parquet", ".xlsx", ".bin", ""][i % 9]
        b.add(f"garbage-{i}", data, suffix=suffix)
    b.add("pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", suffix=".pdf")
    b.add("png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", suffix=".png")
    b.add("gzip-as-csv", b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + bytes(range(40)), suffix=".csv")
    b.add("unknown-extension-text", "hello there\n", suffix=".docx")
    b.add("no-extension-text", "just a line of prose without any structure\n", suffix="")


def _json(b: _Builder) -> None:
    rows = _rows(10, 700)
    full = json.dumps(rows)
    for i, cut in enumerate([1, 5, 40, len(full) // 3, len(full) // 2, len(full) - 30, len(full) - 2, len(full) - 1]):
        b.add(f"truncated-json-{i}", full[:cut], suffix=".json")
    lines = [json.dumps(r) for r in rows]
    for i, k in enumerate([0, 3, 6, 9]):
        broken = [*lines]
        broken[k] = broken[k][: len(broken[k]) // 2]
        b.add(f"jsonl-broken-line-{i}", "\n".join(broken) + "\n", suffix=".jsonl")
    for i, junk in enumerate(["42", '"just a string"', "[1, 2, 3]", "null", "true", '[["a","b"],["c","d"]]']):
        b.add(f"json-not-records-{i}", junk, suffix=".json")
    b.add("json-trailing-comma", full[:-1] + ",]", suffix=".json")
    b.add("json-single-quotes", full.replace('"', "'"), suffix=".json")
    b.add("json-nan", full.replace('"nps": 3', '"nps": NaN', 1).replace("[{", "[{", 1)[:-5], suffix=".json")


def _export_shapes(b: _Builder) -> None:
    """Broken variants of tool exports (issue 20): documents, metadata rows, header/skip rows, profiles."""
    tickets = [{"id": i, "subject": "Help", "description": _comment(random.Random(i))} for i in range(5)]
    doc = json.dumps({"tickets": tickets, "count": 5}, indent=2)
    b.add("json-document-two-lists", json.dumps({"tickets": tickets, "users": tickets}), suffix=".json",
          needle="several lists")  # fmt: skip
    b.add("json-document-cut-off", doc[: len(doc) // 2], suffix=".json", needle="cut off")
    empty = json.dumps({"tickets": [], "count": 0}, indent=2)
    b.add("json-document-empty-list", empty, suffix=".json", needle="holds no records")
    b.add("json-document-no-list", json.dumps({"count": 0, "next_page": None}, indent=2), suffix=".json")
    meta = "StartDate,EndDate,ResponseId,Q1\nStart Date,End Date,Response ID,How likely?\n"
    meta += '{"ImportId":"startDate"},{"ImportId":"endDate"},{"ImportId":"_recordId"},{"ImportId":"QID1"}\n'
    b.add("qualtrics-metadata-only", meta, suffix=".csv", needle="no data rows")
    survey = _csv(_rows(6, 900))
    b.add("header-rows-zero", survey, suffix=".csv", args=["--header-rows", "0"], needle="out of range")
    b.add("header-rows-too-many", survey, suffix=".csv", args=["--header-rows", "7"], needle="no data rows")
    b.add("skip-rows-everything", survey, suffix=".csv", args=["--skip-rows", "50"], needle="nothing is left")
    b.add("skip-rows-negative", survey, suffix=".csv", args=["--skip-rows", "-1"], needle="out of range")
    b.add("source-unknown", survey, suffix=".csv", args=["--source", "nosuch"], needle="unknown source")
    b.add("profile-missing", survey, suffix=".csv", args=["--profile", str(b.folder / "nope.toml")],
          needle="profile file not found")  # fmt: skip
    bad_profile = b.folder / "bad-profile.toml"
    bad_profile.write_text("detect = [\n", encoding="utf-8")
    b.add("profile-not-toml", survey, suffix=".csv", args=["--profile", str(bad_profile)], needle="cannot parse")
    odd_profile = b.folder / "odd-profile.toml"
    odd_profile.write_text('detect = ["id"]\n[roles]\nwho = "id"\n', encoding="utf-8")
    b.add("profile-unknown-role", survey, suffix=".csv", args=["--profile", str(odd_profile)], needle="unknown key")
    b.add("source-profile-column-missing", survey, suffix=".csv", args=["--source", "posthog"])
    # header/skip rows on a records format, a multi-valued role naming no column, a value column of words
    b.add("json-document-header-rows", doc, suffix=".json", args=["--header-rows", "2"], needle="CSV, TSV and Excel")
    b.add("jsonl-skip-rows", "".join(json.dumps(t) + "\n" for t in tickets), suffix=".jsonl",
          args=["--skip-rows", "1"], needle="CSV, TSV and Excel")  # fmt: skip
    multi = b.folder / "multi-mapping.json"
    multi.write_text(json.dumps({"multi": ["tags_that_are_not_there"]}), encoding="utf-8")
    b.add("mapping-multi-unknown-column", doc, suffix=".json", args=["--mapping", str(multi)], needle="not in the file")
    crm = "Record ID,Company name,Create Date,MRR\n" + "".join(f"{i},Co {i},2023-01-0{i},lots\n" for i in range(1, 6))
    b.add("hubspot-value-not-numeric", crm, suffix=".csv", args=["--value", "MRR"],
          needle="value column must hold numbers")  # fmt: skip
    utf16 = "\ufeffPackage Name,Review Text,Star Rating\n".encode("utf-16-le")
    b.add("google-play-header-only-utf16", utf16, suffix=".csv", needle="no data rows")


def _xlsx_and_parquet(b: _Builder) -> None:
    def good_xlsx(path: Path) -> None:
        from openpyxl import Workbook

        wb = Workbook()
        sheet = wb.active
        rows = _rows(10, 800)
        sheet.append(list(rows[0]))
        for r in rows:
            sheet.append(list(r.values()))
        wb.save(path)

    def empty_xlsx(path: Path) -> None:
        from openpyxl import Workbook

        Workbook().save(path)

    def header_only_xlsx(path: Path) -> None:
        from openpyxl import Workbook

        wb = Workbook()
        wb.active.append(["id", "comment", "nps"])
        wb.save(path)

    def dup_xlsx(path: Path) -> None:
        from openpyxl import Workbook

        wb = Workbook()
        wb.active.append(["comment", "Comment"])
        wb.active.append(["a long comment about the product", "another long comment about it"])
        wb.save(path)

    def truncated(writer: Callable[[Path], None], keep: float) -> Callable[[Path], None]:
        def write(path: Path) -> None:
            writer(path)
            data = path.read_bytes()
            path.write_bytes(data[: int(len(data) * keep)])

        return write

    def zip_without_workbook(path: Path) -> None:
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("hello.txt", "not a workbook")

    def good_parquet(path: Path) -> None:
        pq.write_table(pa.Table.from_pylist(_rows(10, 801)), path)

    def numbers_parquet(path: Path) -> None:
        pq.write_table(pa.table({"a": list(range(10)), "b": [x * 0.5 for x in range(10)]}), path)

    def empty_parquet(path: Path) -> None:
        pq.write_table(pa.Table.from_pylist(_rows(3, 802)).slice(0, 0), path)

    b.add_with("xlsx-no-sheet-data", empty_xlsx, suffix=".xlsx")
    b.add_with("xlsx-header-only", header_only_xlsx, suffix=".xlsx", needle="no data rows")
    b.add_with("xlsx-duplicate-columns", dup_xlsx, suffix=".xlsx", needle="duplicate column name")
    b.add_with("xlsx-zip-without-workbook", zip_without_workbook, suffix=".xlsx")
    for i, keep in enumerate([0.1, 0.5, 0.9, 0.99]):
        b.add_with(f"xlsx-truncated-{i}", truncated(good_xlsx, keep), suffix=".xlsx")
        b.add_with(f"parquet-truncated-{i}", truncated(good_parquet, keep), suffix=".parquet")
    b.add("xlsx-that-is-csv", _csv(_rows(5, 803)), suffix=".xlsx")
    b.add("parquet-that-is-csv", _csv(_rows(5, 804)), suffix=".parquet")
    b.add_with("parquet-numbers-only", numbers_parquet, suffix=".parquet", needle="no free-text column")
    b.add_with("parquet-no-rows", empty_parquet, suffix=".parquet", needle="no data rows")
    b.add_with("xlsx-named-json", good_xlsx, suffix=".json")
    b.add("xls-old-format", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), suffix=".xls")


def _names_and_paths(b: _Builder) -> None:
    comment = "a reasonably long comment about the product and its many problems"
    dup_headers = ["comment,comment", "Comment,comment", "id,comment,ID", "text;Text", "a,b,a"]
    for i, header in enumerate(dup_headers):
        sep = ";" if ";" in header else ","
        row = sep.join([comment] * header.count(sep) + [comment])
        b.add(f"duplicate-columns-{i}", f"{header}\n{row}\n{row} again\n", suffix=".csv", needle="duplicate")
    for i, name in enumerate(["__row", "__hash", "__occ"]):
        b.add(f"reserved-column-{i}", f"{name},comment\n1,{comment}\n", suffix=".csv", needle="reserved")
    b.add("missing-file", None, suffix=".csv", needle="not found")
    b.add("missing-file-no-extension", None, suffix="", needle="not found")
    directory = b.add("a-directory", None, suffix=".csv", needle="folder")
    directory.mkdir(exist_ok=True)
    nested = b.add("missing-folder", None, suffix=".csv", needle="not found")
    b.cases[-1].path = nested.parent / "no-such-folder" / nested.name


def _arguments(b: _Builder) -> None:
    good = _csv(_rows(10, 900))
    bad_args = [
        (["--text", "nope"], "'nope'"),
        (["--score", "ghost:nps"], "'ghost'"),
        (["--attr", "plan", "--attr", "colour"], "'colour'"),
        (["--id", "uuid"], "'uuid'"),
        (["--customer", "who"], "'who'"),
        (["--date", "when"], "'when'"),
        (["--score", "nps:stars"], "unknown score kind"),
        (["--kind", "surveys"], "unknown kind"),
        (["--kind", "events"], "events file needs"),
        (["--kind", "customers", "--customer", "ghost"], "'ghost'"),
        (["--date", "date", "--date-format", "%d/%m/%Y"], "unparseable date"),
        (["--date", "comment"], None),  # the text column taken as a date leaves no text
        (["--score", "plan:nps"], "non-numeric"),
        (["--mapping", "/no/such/mapping.json"], "mapping file not found"),
    ]
    for i, (args, needle) in enumerate(bad_args):
        b.add(f"bad-argument-{i}", good, suffix=".csv", args=args, needle=needle)
    for i, (content, suffix, needle) in enumerate(
        [
            ('{"text": "comment", "colour": "red"}', ".json", "unknown role"),
            ("{not json", ".json", "cannot parse"),
            ('text = "comment', ".toml", "cannot parse"),
            ('["comment"]', ".json", "must hold an object"),
            ('{"text": "missing"}', ".json", "'missing'"),
        ]
    ):
        mapping = b.folder / f"mapping-{i}{suffix}"
        mapping.write_text(content)
        b.add(f"bad-mapping-{i}", good, suffix=".csv", args=["--mapping", str(mapping)], needle=needle)


def _huge(b: _Builder) -> None:
    big = "x" * (50 << 20)
    b.add("50mb-field", f"id,comment\n1,{big}\n2,short comment here for sure\n", suffix=".csv", needle="larger than")
