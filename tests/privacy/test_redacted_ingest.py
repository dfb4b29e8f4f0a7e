"""A redacted ingest: planted PII reaches neither the workspace file, nor an export, nor the report, nor the CLI, nor
the server's responses."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from empathic import Workspace
from empathic.cli.main import main
from empathic.privacy.read import redaction_counts, redaction_modes
from privacy_data import PLANTED, SURVIVORS

SETTINGS = {"ingest": {"redact_pii": "all", "pii_patterns": [r"ORD-\d{8}"]}}


def _bytes_contain(data: bytes, value: str) -> bool:
    return value.encode("utf-8") in data


def test_no_planted_pii_anywhere_after_a_redacted_ingest(pii_csv: Path, tmp_path: Path, capsys) -> None:
    path = tmp_path / "ws.empathic"
    assert main(["ingest", str(path), str(pii_csv), "--redact-pii", "all", "--pii-pattern", r"ORD-\d{8}", "-q"]) == 0
    cli_out = capsys.readouterr()
    with Workspace.open(path, settings=SETTINGS) as ws:
        ws.analyze(stages=["themes", "feelings", "analytics"])
        texts = ws.table("feedback")["text"].tolist()
        report = tmp_path / "report.html"
        ws.report(report)
        export = tmp_path / "comments.csv"
        ws.export("comments", export)
        counts = dict(zip(*redaction_counts(ws.store)[["kind", "n"]].T.values, strict=True))
    assert main(["info", str(path)]) == 0
    info_out = capsys.readouterr().out
    raw = Path(pii_csv).read_bytes()
    produced = {
        "workspace": path.read_bytes(),
        "report": report.read_bytes(),
        "export": export.read_bytes(),
        "cli": (cli_out.out + cli_out.err + info_out).encode(),
    }
    for value in PLANTED:
        assert _bytes_contain(raw, value)  # planted for real
        leaks = [name for name, data in produced.items() if _bytes_contain(data, value)]
        assert not leaks, f"{value!r} leaked into {leaks}"
    # redaction left typed placeholders, kept the survivors and counted per kind
    joined = " ".join(texts)
    for placeholder in ("[PHONE]", "[CARD]", "[IBAN]", "[EMAIL]", "[IP]", "[SSN]", "[NI]", "[NAME]", "[ID]", "[DOB]"):
        assert placeholder in joined
    for survivor in SURVIVORS:
        assert survivor in joined
        assert _bytes_contain(produced["workspace"], survivor.split()[1])  # positive control: text is greppable
    assert b"PII redaction: all on 1 source" in produced["report"]
    assert b"[PHONE]" in produced["export"]  # the export holds the (redacted) comments
    assert counts["PHONE"] == 3 and counts["CARD"] == 2 and counts["IBAN"] == 2 and counts["ID"] == 1
    assert "[PHONE]" in info_out and "PII redaction: all" in info_out
    # the server's responses, to a viewer and to an analyst who sees raw text
    for user, (served, leaks) in _server_leaks(path, tmp_path).items():
        assert served > 15 and not leaks, (user, served, leaks[:10])


def test_structured_is_the_default_and_none_keeps_text(pii_csv: Path, tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "a.empathic") as ws:
        ws.ingest(pii_csv)
        text = " ".join(ws.table("feedback")["text"])
        assert redaction_modes(ws.store) == {"structured": 1}
    assert "07700 900123" not in text and "[PHONE]" in text
    assert "Priya Sharma" in text  # names only in mode "all"
    with Workspace.open(tmp_path / "b.empathic", settings={"ingest": {"redact_pii": "none"}}) as ws:
        ws.ingest(pii_csv)
        assert "07700 900123" in " ".join(ws.table("feedback")["text"])
        assert redaction_counts(ws.store).empty


def test_reingesting_a_redacted_file_is_idempotent(pii_csv: Path, tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "ws.empathic", settings=SETTINGS) as ws:
        first = ws.ingest(pii_csv)
        before = ws.table("feedback").sort_values("feedback_id").reset_index(drop=True)
        counts = redaction_counts(ws.store)
        again = ws.ingest(pii_csv)
        after = ws.table("feedback").sort_values("feedback_id").reset_index(drop=True)
        assert first.n_inserted == 60
        assert (again.n_inserted, again.n_updated, again.n_unchanged) == (0, 0, 60)
        assert before[["feedback_id", "text", "content_hash"]].equals(after[["feedback_id", "text", "content_hash"]])
        assert redaction_counts(ws.store).equals(counts)  # counts per source are replaced, not added up


def test_inspect_shows_the_setting_and_bad_flags_fail_cleanly(pii_csv: Path, tmp_path: Path, capsys) -> None:
    assert main(["inspect", str(pii_csv)]) == 0
    assert "PII redaction on ingest: structured" in capsys.readouterr().out.replace("\n", " ")
    assert main(["ingest", str(tmp_path / "w.empathic"), str(pii_csv), "--redact-pii", "some", "-q"]) == 2
    err = capsys.readouterr().err
    assert "error:" in err and "all, structured, none" in err and "Traceback" not in err
    assert main(["ingest", str(tmp_path / "w.empathic"), str(pii_csv), "--pii-pattern", "ORD-(", "-q"]) == 2
    assert "not a valid regular expression" in capsys.readouterr().err


def _placeholder_heavy_comments(n: int = 240) -> pd.DataFrame:
    """Comments about ordinary things, each carrying one PII value whose placeholder word ("iban", "postcode",
    "name", "phone") appears nowhere else in the text."""
    import random

    rnd = random.Random(5)
    things = ["the invoice", "my refund", "the parcel", "the app", "the courier", "the checkout", "my account",
              "the receipt", "the subscription", "the voucher", "the delivery slot", "the return label"]  # fmt: skip
    verbs = ["was late", "never arrived", "was wrong", "keeps failing", "was refused", "took ages", "was cancelled",
             "is still missing", "looks broken", "was charged twice"]  # fmt: skip
    pii = ["call me on 07700 900{:03d}", "ask {name} at the branch", "pay it back to GB82 WEST 1234 5698 7654 32",
           "deliver to SW1A 1AA", "write to someone{:03d}@example.org"]  # fmt: skip
    texts = []
    for i in range(n):
        extra = pii[i % len(pii)].format(i % 1000, name=["Sarah", "Priya", "Deepak", "Fiona"][i % 4])
        first, second = rnd.choice(things), rnd.choice(things)
        texts.append(f"{first.capitalize()} {rnd.choice(verbs)}, {extra}. {second.capitalize()} {rnd.choice(verbs)}.")
    return pd.DataFrame({"id": [f"r{i}" for i in range(n)], "comment": texts})


def test_placeholders_never_become_theme_labels(tmp_path: Path) -> None:
    """The themes stage drops placeholders like names: before, labels and keywords read "ask name", "back to iban",
    "deliver to postcode"."""
    settings = {"ingest": {"redact_pii": "all"}, "themes": {"mode": "fast"}, "feelings": {"mode": "fast"}}
    with Workspace.open(tmp_path / "w.empathic", settings=settings) as ws:
        ws.ingest(_placeholder_heavy_comments(), text="comment", id="id")
        assert "[IBAN]" in " ".join(ws.table("feedback")["text"])  # positive control: the placeholders are there
        ws.analyze(stages=["themes"])
        themes = ws.sql("SELECT label, CAST(keywords AS VARCHAR) AS keywords FROM themes")
    assert len(themes) > 3
    keywords = [k for cell in themes["keywords"] for k in json.loads(cell or "[]")]
    words = " | ".join([*themes["label"], *keywords]).lower()
    for placeholder_word in ("iban", "postcode", "name", "phone", "["):
        assert placeholder_word not in words, placeholder_word


def test_attributes_and_event_properties_get_structured_redaction(tmp_path: Path) -> None:
    import pandas as pd

    customers = pd.DataFrame(
        {"customer": ["c1", "c2"], "plan": ["pro", "basic"], "phone": ["07700 900123", "+1 415 555 0199"]}
    )
    events = pd.DataFrame(
        {"user": ["c1", "c2"], "ts": ["2024-01-01 10:00", "2024-01-02 10:00"], "action": ["login", "login"],
         "note": ["from 10.0.0.12", "card 4111 1111 1111 1111"]}
    )  # fmt: skip
    feedback = pd.DataFrame({"customer": ["alice@example.com", "bob@example.com"], "comment": ["Fine", "Slow app"]})
    path = tmp_path / "ws.empathic"
    with Workspace.open(path) as ws:
        ws.ingest(customers, kind="customers", customer="customer", attr=["plan", "phone"])
        ws.ingest(events, kind="events", customer="user", date="ts", event="action")
        summary = ws.ingest(feedback, text="comment", customer="customer")
        attrs = ws.table("customer_attributes")
        props = " ".join(ws.table("events")["properties"].astype(str))
    assert set(attrs.loc[attrs["name"] == "phone", "value"]) == {"[PHONE]"}
    assert set(attrs.loc[attrs["name"] == "plan", "value"]) == {"pro", "basic"}  # segments untouched
    assert "[IP]" in props and "[CARD]" in props and "4111" not in props
    assert any("--pseudonymize-ids" in w for w in summary.warnings)  # e-mails as ids are said, not hidden
    data = path.read_bytes()
    assert b"07700 900123" not in data and b"10.0.0.12" not in data


def test_block_wise_redaction_equals_whole(pii_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from empathic.privacy import ingest_pass

    with Workspace.open(tmp_path / "whole.empathic", settings=SETTINGS) as ws:
        ws.ingest(pii_csv)
        whole = ws.table("feedback").sort_values("feedback_id")[["feedback_id", "text"]].reset_index(drop=True)
    monkeypatch.setattr(ingest_pass, "BLOCK_ROWS", 7)
    with Workspace.open(tmp_path / "blocks.empathic", settings=SETTINGS) as ws:
        ws.ingest(pii_csv)
        blocks = ws.table("feedback").sort_values("feedback_id")[["feedback_id", "text"]].reset_index(drop=True)
    assert len(whole) == 60 and whole.equals(blocks)


def _server_leaks(path: Path, tmp_path: Path) -> dict[str, tuple[int, list[str]]]:
    """Every GET route of the served workspace, as a viewer and as an analyst allowed raw text (``see_pii``, so
    masking by role cannot hide a leak): ``{user: (responses served, planted values found)}``."""
    import re
    import sys

    from fastapi.routing import APIRoute
    from fastapi.testclient import TestClient

    sys.path.insert(0, str(Path(__file__).parents[1] / "web"))
    from test_web_authz_matrix import route_table
    from web_helpers import PASSWORD, login, make_accounts

    from empathic.config import Settings
    from empathic.web import create_app

    with Workspace.open(path, read_only=True) as ws:
        theme_id = ws.sql("SELECT theme_id FROM themes ORDER BY n_comments DESC LIMIT 1")["theme_id"].iloc[0]
        feedback_id, customer_id = ws.sql("SELECT feedback_id, customer_id FROM feedback LIMIT 1").iloc[0]
    accounts = make_accounts(tmp_path / "users.sqlite")
    accounts.add_user("pia", PASSWORD, "analyst", None)
    accounts.set_grant("pia", "see_pii")
    app = create_app(Settings(), [path], accounts=accounts, upload_dir=tmp_path / "up")
    ids = {"ws": path.stem, "theme_id": theme_id, "item_id": theme_id, "customer_id": customer_id,
           "feedback_id": feedback_id}  # fmt: skip
    urls = sorted(
        re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: str(ids.get(m.group(1), "x")), p)
        for p, methods, route in route_table(app)
        if isinstance(route, APIRoute) and "GET" in methods and "{ws}" in p and not p.endswith("/activity")
    )
    found: dict[str, tuple[int, list[str]]] = {}
    try:
        for user in ("vic", "pia"):
            client = TestClient(app, follow_redirects=False)
            login(client, user)
            served, leaks = 0, []
            for url in urls:
                response = client.get(url)
                if response.status_code == 200:
                    served += 1
                    leaks += [f"{url}: {v!r}" for v in PLANTED if v.encode() in response.content]
            client.close()
            found[user] = (served, leaks)
    finally:
        for ws in app.state.ctx.workspaces.values():
            ws.close()
    return found
