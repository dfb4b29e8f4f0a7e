"""``empathic digest``: the window counts back from the newest data; content on planted data; delivery to a folder,
to a real SMTP server on 127.0.0.1 and to a real HTTP webhook receiver (both stop by themselves)."""

from __future__ import annotations

import email
import json
from datetime import datetime
from email import policy
from pathlib import Path

import pytest
import team_planted
from team_servers import smtp_server, webhook_receiver

from empathic.cli.main import main
from empathic.errors import InputError
from empathic.store import Store
from empathic.team import delivery, digest, digest_render, notes, owners


@pytest.fixture()
def ready(planted: Path) -> Path:
    """The planted workspace with a fixed theme and a note for vic."""
    with Store(planted) as store:
        owners.set_owner(store, "delivery", author="ann", team="Logistics", status="fixed",
                         status_on=team_planted.fix_day())  # fmt: skip
        notes.add_note(store, "theme", "crash", "@vic crashes since the <b>update</b> & more", author="ann")
    return planted


def test_the_window_counts_back_from_the_newest_comment_not_from_today(planted: Path) -> None:
    with Store(planted) as store:
        start, end = digest.window(store, "7d")
        newest = store.scalar("SELECT max(created_at) FROM feedback")
        assert end == newest and (end - start).days == 7
        start, end = digest.window(store, "2w", until=datetime(2025, 3, 1))
        assert end.date().isoformat() == "2025-03-01" and end.hour == 23 and (end - start).days == 14


@pytest.mark.parametrize("span", ["", "7", "0d", "seven days", "7y"])
def test_a_bad_span_is_a_clear_error(span: str) -> None:
    with pytest.raises(InputError, match="not a span"):
        digest.parse_span(span)


def test_the_digest_names_the_emerging_theme_bugs_fixes_and_notes_with_quotes(ready: Path) -> None:
    with Store(ready) as store:
        d = digest.build_digest(store, since="7d", recipient="vic")
    assert d["window"]["n_comments"] == 88
    (crash,) = [t for t in d["themes"] if t["theme_id"] == "crash"]
    assert crash["kind"] == "new" and crash["label"] == "App crashes" and crash["count"] == 22
    assert "22 of 88" in crash["text"] and "q = " in crash["text"]
    assert len(crash["quotes"]) == 3 and all("app crashes" in q["text"] for q in crash["quotes"])
    assert not [t for t in d["themes"] if t["theme_id"] == "colour"]  # steady: not reported
    assert d["bugs"]["n"] == 22 and len(d["bugs"]["quotes"]) == 3
    (fix,) = d["fixes"]
    assert fix["label"] == "Late delivery" and fix["verdict"] == "improved" and len(fix["quotes"]) <= 3
    assert [n["body"] for n in d["notes"]] == ["@vic crashes since the <b>update</b> & more"]
    with Store(ready) as store:
        assert digest.build_digest(store, since="7d", recipient="ann")["notes"] == []


def test_renderings_escape_data_and_say_the_same_things(ready: Path) -> None:
    with Store(ready) as store:
        d = digest.build_digest(store, since="7d", recipient="vic")
    html = digest_render.render(d, "html")
    assert "&lt;b&gt;update&lt;/b&gt; &amp; more" in html and "<b>update</b>" not in html
    md = digest_render.render(d, "md")
    assert "**New** — App crashes: 25.0 % of comments in the window (22 of 88)" in md
    assert json.loads(digest_render.render(d, "json"))["themes"][0]["label"] == "App crashes"
    slack = digest_render.slack_payload(d)
    assert slack["blocks"][0]["type"] == "header" and "new: App crashes" in slack["text"]
    assert "&lt;b&gt;update&lt;/b&gt; &amp; more" in json.dumps(slack["blocks"])


def test_cli_delivers_to_a_folder_over_smtp_and_to_a_webhook(ready: Path, tmp_path: Path, capsys) -> None:
    folder = tmp_path / "digests"
    folder.mkdir()
    with smtp_server() as (port, messages), webhook_receiver() as (url, posts):
        code = main(["digest", str(ready), "--since", "7d", "--for", "vic", "--format", "html",
                     "--to-folder", str(folder), "--smtp", f"127.0.0.1:{port}", "--mail-to", "team@example.com",
                     "--webhook", url])  # fmt: skip
    out = capsys.readouterr()
    assert code == 0, out.err
    (written,) = folder.iterdir()
    assert written.name == "digest-2025-08-28.html" and "App crashes" in written.read_text()
    (mail,) = messages
    assert [r.upper() for r in mail["rcpt"]] == ["RCPT TO:<TEAM@EXAMPLE.COM>"]
    message = email.message_from_bytes(mail["data"], policy=policy.default)
    assert message["Subject"].startswith("Digest: 2025-08-21 → 2025-08-28 (88 comments)")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "**New** — App crashes" in text and "App crashes" in html and "Late delivery" in html
    (post,) = posts
    assert post["type"] == "application/json" and "App crashes" in post["body"]["text"]
    assert any("App crashes" in b["text"]["text"] for b in post["body"]["blocks"] if b["type"] == "section")


def test_delivery_failures_are_clear_errors(tmp_path: Path) -> None:
    with webhook_receiver(status=500) as (url, _), pytest.raises(InputError, match="the webhook answered 500"):
        delivery.to_webhook(url, {"text": "x"})
    with pytest.raises(InputError, match="not an http"):
        delivery.to_webhook("file:///etc/passwd", {"text": "x"})
    with smtp_server() as (port, _):
        pass  # the server is gone: nothing listens on that port now
    with pytest.raises(InputError, match=f"could not send the digest through 127.0.0.1:{port}"):
        delivery.by_smtp("127.0.0.1", port, sender="a@b", recipients=["c@d"], subject="s", text="t", timeout=5)
    with pytest.raises(InputError, match="does not exist"):
        delivery.to_folder(tmp_path / "missing", "d.md", "x")
    assert delivery.to_folder(tmp_path, "../../escape.md", "x") == tmp_path / "escape.md"


def test_cli_prints_markdown_by_default_and_refuses_unknown_formats(ready: Path, capsys) -> None:
    assert main(["digest", str(ready), "--since", "7d"]) == 0
    assert "App crashes" in capsys.readouterr().out
    assert main(["digest", str(ready), "--format", "pdf"]) == 2
    assert "unknown --format 'pdf'" in capsys.readouterr().err


def test_the_digest_follows_the_workspace_alert_rules(ready: Path) -> None:
    """A workspace that asks for more evidence before an alert (``analytics.alert_min_count``) gets a digest that
    holds back the same theme the overview holds back; the default rules report it."""
    from empathic.analytics.settings import AnalyticsSettings

    with Store(ready) as store:
        default = digest.build_digest(store, since="7d")
        strict = digest.build_digest(store, since="7d", analytics=AnalyticsSettings(alert_min_count=23))
    assert [t["theme_id"] for t in default["themes"] if t["theme_id"] == "crash"] == ["crash"]  # 22 mentions
    assert not [t for t in strict["themes"] if t["theme_id"] == "crash"]
