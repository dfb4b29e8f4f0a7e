"""The shortcuts that make masking by role cheap change nothing in what a viewer receives (issue 21).

:class:`~empathic.web.masking.PiiMasking` skips strings that no detector can match (``MAY_HOLD_PII``), masks each
distinct string once, and answers a body it has masked before from a cache. Each shortcut is checked here against
the plain way (every string through the redactor, every time): on texts with planted PII, on real reviews, on their
lower-case digit-free variants (which the gate skips: the detectors must find nothing in them), and on the real
responses of a workspace that keeps raw PII. Speed itself is measured in bench/masking.py.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import sys
from datetime import datetime, timedelta
from pathlib import Path

import fake_workspace
import pytest
from fastapi.testclient import TestClient
from web_helpers import PASSWORD, login, make_accounts

from empathic.config import Settings
from empathic.text.pii import Redactor
from empathic.web import create_app
from empathic.web.masking import MAY_HOLD_PII, PLAIN_VALUE, PiiMasking

sys.path.insert(0, str(Path(__file__).parents[1] / "privacy"))
from privacy_data import PLANTED, SURVIVORS, TEMPLATES, sample_reviews

_DIGITS_AND_AT = re.compile(r"[\d@]")


def _texts() -> list[str]:
    planted = [t.format(v) for t in TEMPLATES for v in PLANTED]
    return planted + SURVIVORS + sample_reviews(600)


def _skipped_variant(text: str) -> str:
    """``text`` lower-cased without digits and "@": mostly what the gate skips (unless it says "name", "http" …)."""
    return _DIGITS_AND_AT.sub(" ", text.lower())


def _reference(value, redactor: Redactor):
    """The plain masking of a JSON value: every string through the redactor."""
    if isinstance(value, str):
        return redactor.redact(value)
    if isinstance(value, dict):
        return {k: _reference(v, redactor) for k, v in value.items()}
    if isinstance(value, list):
        return [_reference(v, redactor) for v in value]
    return value


def test_the_gate_only_skips_texts_in_which_no_detector_finds_anything() -> None:
    redactor = Redactor(mode="all")
    texts = _texts()
    variants = [_skipped_variant(t) for t in texts]
    skipped = [v for v in variants if not MAY_HOLD_PII.search(v)]
    assert len(skipped) > 0.8 * len(variants)  # the variants really are what the gate skips
    found = [(v, redactor.spans(v)) for v in skipped if redactor.spans(v)]
    assert not found, found[:5]
    assert all(MAY_HOLD_PII.search(t.format(v)) for t in TEMPLATES for v in PLANTED)


def test_plain_numbers_and_dates_are_left_alone_and_no_detector_finds_pii_in_them() -> None:
    rng = random.Random(5)
    start = datetime(1900, 1, 1)
    stamps = [start + timedelta(seconds=rng.randrange(200 * 365 * 86400), microseconds=rng.randrange(10**6))
              for _ in range(3000)]  # fmt: skip
    values = [str(rng.randrange(10**6) * (-1) ** i) for i in range(3000)]
    values += [f"{rng.uniform(-1e6, 1e6):.{rng.randint(1, 4)}f}" for _ in range(3000)]
    values += [f(d) for d in stamps for f in (datetime.isoformat, str, lambda d: d.date().isoformat(),
                                               lambda d: d.strftime("%Y-%m-%dT%H:%M:%S+01:00"))]  # fmt: skip
    redactor, masking = Redactor(mode="all"), PiiMasking(None)
    assert all(PLAIN_VALUE.fullmatch(v) for v in values)
    assert [v for v in values if redactor.spans(v)] == []  # skipping them changes nothing
    assert [masking.text(v) for v in values] == values
    # a long decimal (a score in a CSV cell) reads as a phone to the detectors; masking keeps it
    assert redactor.redact("0.153202615") == "[PHONE]" and masking.text("0.153202615") == "0.153202615"
    for raw in ("07700900123", "+447700900123", "4111111111111111", "123-45-6789", "2024-01-01 call 07700 900123"):
        assert not PLAIN_VALUE.fullmatch(raw) and masking.text(raw) != raw


def test_memo_and_gate_mask_exactly_like_the_redactor_again_and_again() -> None:
    masking, redactor = PiiMasking(None), Redactor(mode="all")
    texts = _texts()
    expected = [redactor.redact(t) for t in texts]
    assert [masking.text(t) for t in texts] == expected
    assert [masking.text(t) for t in reversed(texts)] == expected[::-1]  # from the memo now
    # most planted texts really change (ORD-… needs a workspace pattern; some template/value pairs read oddly)
    assert sum(a != b for a, b in zip(texts, expected, strict=True)) > 0.75 * len(TEMPLATES) * len(PLANTED)


@pytest.fixture(scope="module")
def responses(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[bytes, str]]:
    """Raw bodies of a pii workspace's biggest responses, as a granted analyst receives them."""
    root = tmp_path_factory.mktemp("maskcost")
    acme = fake_workspace.build(root / "acme.empathic", n=60, pii=True)
    accounts = make_accounts(root / "u.sqlite")
    accounts.add_user("pia", PASSWORD, "analyst", None)
    accounts.set_grant("pia", "see_pii")
    app = create_app(Settings(), [acme], accounts=accounts, upload_dir=root / "up")
    client = TestClient(app)
    login(client, "pia")
    paths = ["/api/v1/w/acme/export/comments.csv", "/api/v1/w/acme/comments?page_size=100", "/w/acme/verbatims",
             "/api/v1/w/acme/customers", "/w/acme/customers"]  # fmt: skip
    out = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        out[path] = (response.content, response.headers["content-type"])
    client.close()
    for ws in app.state.ctx.workspaces.values():
        ws.close()
    return out


def test_masked_responses_equal_the_plain_masking_and_the_body_cache_returns_the_same(responses) -> None:
    masking, redactor = PiiMasking(None), Redactor(mode="all")
    for path, (body, ctype) in responses.items():
        first = masking.mask(body, ctype)
        assert masking.mask(body, ctype) == first  # from the cache of masked bodies
        if ctype.startswith("application/json"):
            assert json.loads(first) == _reference(json.loads(body), redactor), path
        elif ctype.startswith("text/csv"):  # cell by cell, and still a CSV with the same rows and columns
            raw_rows = list(csv.reader(io.StringIO(body.decode())))
            masked_rows = list(csv.reader(io.StringIO(first.decode())))
            expected = [[c if PLAIN_VALUE.fullmatch(c) else redactor.redact(c) for c in row] for row in raw_rows]
            assert masked_rows == expected and len(masked_rows) == 61, path
        planted = [v.encode() for i in range(60) for v in fake_workspace.pii_of(i)]
        assert any(v in body for v in planted) and not [v for v in planted if v in first], path
    html_body, ctype = responses["/w/acme/verbatims"]
    plain = PiiMasking(None)
    plain.text = lambda text: redactor.redact(text) if text else text  # type: ignore[method-assign]
    assert PiiMasking(None).mask(html_body, ctype) == plain.mask(html_body, ctype)


def test_only_a_users_own_delivery_settings_are_left_unmasked() -> None:
    from empathic.web.masking import OWN_SETTINGS

    own = ["/w/acme/digests", "/api/v1/w/acme/subscriptions", "/w/acme/digests/"]
    customer_data = ["/w/acme/verbatims", "/api/v1/w/acme/comments", "/w/acme/digests/s1/delete",
                     "/api/v1/w/acme/digest", "/w/acme/customers/digests",
                     "/api/v1/w/acme/export/comments.csv"]  # fmt: skip
    assert all(OWN_SETTINGS.match(p) for p in own)
    assert not [p for p in customer_data if OWN_SETTINGS.match(p)]
