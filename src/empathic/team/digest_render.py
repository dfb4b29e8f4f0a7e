"""A digest as Markdown, HTML (one self-contained page, autoescaped) or a Slack-compatible message."""

from __future__ import annotations

from typing import Any

from empathic.team.digest import to_json
from empathic.team.templating import TEMPLATES

FORMATS = ("md", "html", "json")
_KIND_WORD = {"new": "New", "rose": "Rose", "fell": "Fell"}


def title(digest: dict[str, Any]) -> str:
    """``Digest: 2025-08-23 → 2025-08-30 (87 comments)``."""
    w = digest["window"]
    return f"Digest: {w['start'][:10]} → {w['end'][:10]} ({w['n_comments']:,} comments)"


def _lines(digest: dict[str, Any]) -> list[str]:
    out = [f"# {title(digest)}", ""]
    out += ["## Themes: new, rising, falling", ""]
    out += [f"- **{_KIND_WORD[t['kind']]}** — {t['text']}" + _md_quotes(t["quotes"]) for t in digest["themes"]]
    out += [] if digest["themes"] else ["No theme changed significantly."]
    if digest["alerts"]:
        out += ["", "## Alerts of the last analysis", ""] + [f"- {a['message']}" for a in digest["alerts"]]
    for key, name in (("requests", "New requests"), ("bugs", "New bugs")):
        out += ["", f"## {name}: {digest[key]['n']:,}", ""] + [f"> {q['text']}" for q in digest[key]["quotes"]]
    if digest["fixes"]:
        out += ["", "## Effect of fixes", ""]
        out += [f"- **{f['label']}** (fixed {f['fixed_on']}): {f['message']}" + _md_quotes(f["quotes"])
                for f in digest["fixes"]]  # fmt: skip
    if digest["recipient"]:
        out += ["", f"## Notes mentioning @{digest['recipient']}", ""]
        out += [f"- {n['author']} on {n['object_kind']} {n['object_id']}: {n['body']}" for n in digest["notes"]]
        out += [] if digest["notes"] else ["None."]
    return out


def _md_quotes(quotes: list[dict[str, Any]]) -> str:
    return "".join(f"\n  > “{q['text']}”" for q in quotes)


def render(digest: dict[str, Any], fmt: str) -> str:
    """The digest in ``fmt`` (``md``, ``html`` or ``json``)."""
    if fmt == "json":
        return to_json(digest)
    if fmt == "md":
        return "\n".join(_lines(digest)) + "\n"
    if fmt == "html":
        return TEMPLATES.get_template("digest.html").render(d=digest, title=title(digest), kind_word=_KIND_WORD)
    raise ValueError(f"unknown format {fmt!r}")


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(digest: dict[str, Any]) -> dict[str, Any]:
    """A Slack-compatible incoming-webhook body: ``text`` (the fallback) plus ``blocks`` (header + sections)."""
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": title(digest)[:150]}}]
    sections = []
    for t in digest["themes"]:
        quotes = "".join(f"\n> {_slack_escape(q['text'])}" for q in t["quotes"])
        sections.append(f"*{_KIND_WORD[t['kind']]}* — {_slack_escape(t['text'])}{quotes}")
    for key, name in (("requests", "New requests"), ("bugs", "New bugs")):
        sections.append(f"*{name}: {digest[key]['n']:,}*" + "".join(f"\n> {_slack_escape(q['text'])}"
                                                                    for q in digest[key]["quotes"]))  # fmt: skip
    sections += [f"*Fix* {_slack_escape(f['label'])}: {_slack_escape(f['message'])}" for f in digest["fixes"]]
    sections += [f"*Note* from {_slack_escape(n['author'])}: {_slack_escape(n['body'])}" for n in digest["notes"]]
    for text in sections[:45]:  # Slack allows 50 blocks, 3000 characters per section
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text[:2990]}})
    summary = "; ".join(f"{_KIND_WORD[t['kind']].lower()}: {t['label']}" for t in digest["themes"][:5])
    return {"text": _slack_escape(f"{title(digest)}" + (f" — {summary}" if summary else "")), "blocks": blocks}
