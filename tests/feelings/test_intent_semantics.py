"""Requests and their look-alikes, bugs and complaints, by the customer-experience semantics of the labelling guide.

Issue 18 items 2, 3 and 7: a customer asking for something new or changed is a ``request`` however it is worded
("BA needs to refurbish …", "it's time they …", "I do miss the …"), while a moral "should" ("they should be
ashamed", "should be sacked") is a complaint and must not lead the ideas board. Every sentence here is our own
(docs/labelling-guide.md), never copied from shared or external data. ``test_real_units_floor`` reads our labelled
real units (``bench/data/intent_labels.csv``: ids and offsets into ../shared/data) and skips without the data.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from feelings_rows import insert_comments
from sklearn.metrics import f1_score

from empathic import Workspace
from empathic.feelings.heads import embedder_name
from empathic.feelings.intent import classify_intent, split_intents
from empathic.feelings.queries import ideas
from empathic.feelings.sentiment import score_sentiment
from empathic.feelings.textnorm import clean_texts
from empathic.report.export import export_frame
from empathic.text.embed import get_embedder

ROOT = Path(__file__).resolve().parents[2]
MODES = ("fast", "accurate")

#: Ways of asking for a change the earlier rules missed (each read as complaint, praise or nothing before).
REQUESTS = [
    "The airline needs to refurbish its lounges.",
    "They need to hire more staff at the check-in desks.",
    "It's time they brought back free meals on short flights.",
    "My one recommendation would be a separate queue for families.",
    "Other banks, please take note.",
    "I do miss the hot breakfast they used to serve.",
    "Free drinking water could easily be provided on long flights.",
    "Maybe the brand could make this dress in petite sizes?",
    "Won't renew unless they add an offline mode.",
    "The whole cabin is in need of an upgrade.",
]
#: Request-shaped words that judge, praise or advise other customers: never a request.
NOT_REQUESTS = [
    "They should be ashamed of how they treat customers.",
    "Whoever approved this menu should be sacked.",
    "The crew member who helped us should be the brand ambassador.",
    "Everyone should own one of these jackets.",
    "We should not have to chase them for a refund.",
    "The food could be better.",
    "It would be great on someone taller.",
    "I hope they enjoyed their bonuses.",
    "Add to that the rude staff at the gate.",
    "I should add that the ground staff were lovely.",
    "I would suggest you fly with another airline.",
]
#: Concrete failures the earlier rules filed as complaints (money that moved, things not working or wrong).
BUGS = [
    "There is a suspicious payment on my account.",
    "Someone used my card without my permission.",
    "The shuttle dropped us at the wrong hotel.",
    "The seat-back screen was inoperable for the whole flight.",
    "My top-up isn't working.",
    "I can't see my latest transfer in the app.",
]
#: Dissatisfaction without a concrete failure.
COMPLAINTS = [
    "They should be ashamed of the service in business class.",
    "The staff at the desk were rude and unhelpful.",
    "Paying extra to choose a seat is a rip-off.",
]
CHURN = ["They have lost my custom for good.", "I will never travel with them again."]


def _intents(texts: list[str], mode: str) -> list[set[str]]:
    vectors = get_embedder(embedder_name(mode)).embed(clean_texts(texts))
    scores, _ = score_sentiment(texts, vectors, embedder=mode)
    return [set(split_intents(v)) for v in classify_intent(texts, vectors, scores, embedder=mode)]


@pytest.mark.parametrize("mode", MODES)
def test_requests_by_cx_semantics_are_found(mode: str) -> None:
    got = _intents(REQUESTS, mode)
    assert [t for t, g in zip(REQUESTS, got, strict=True) if "request" not in g] == []


@pytest.mark.parametrize("mode", MODES)
def test_moral_should_praise_and_advice_are_not_requests(mode: str) -> None:
    got = _intents(NOT_REQUESTS, mode)
    assert [t for t, g in zip(NOT_REQUESTS, got, strict=True) if "request" in g] == []


@pytest.mark.parametrize("mode", MODES)
def test_failures_are_bugs_and_judgements_are_complaints(mode: str) -> None:
    bugs, complaints = _intents(BUGS, mode), _intents(COMPLAINTS, mode)
    assert [t for t, g in zip(BUGS, bugs, strict=True) if "bug" not in g or "complaint" in g] == []
    wrong = [t for t, g in zip(COMPLAINTS, complaints, strict=True) if g & {"bug", "request"} or "complaint" not in g]
    assert wrong == []


#: Plain questions, one of them with "should": neutral, and a question rather than a request.
QUESTIONS = ["Should we book the lounge in advance?", "Do you have a student discount?"]


@pytest.mark.parametrize("mode", MODES)
def test_these_problem_reports_are_negative_and_questions_neutral(mode: str) -> None:
    _, problems = score_sentiment(BUGS, embedder=mode)
    _, questions = score_sentiment(QUESTIONS, embedder=mode)
    assert [t for t, label in zip(BUGS, problems, strict=True) if label != "negative"] == []
    assert list(questions) == ["neutral"] * len(QUESTIONS)
    assert all(g == {"question"} for g in _intents(QUESTIONS, mode))


@pytest.mark.parametrize("mode", MODES)
def test_taking_custom_elsewhere_is_churn(mode: str) -> None:
    assert all("churn" in g for g in _intents(CHURN, mode))


@pytest.fixture(scope="module")
def judged_workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws = Workspace.open(tmp_path_factory.mktemp("judged") / "judged.empathic")
    insert_comments(
        ws,
        [
            ("m1", "They should be ashamed of the service.", 1),
            ("m2", "Whoever runs the lounge should be sacked.", 1),
            ("m3", "The lounges need to be refurbished. The carpets are worn.", 2),
            ("m4", "They need to add more legroom in economy.", 2),
            ("m5", "The shuttle dropped us at the wrong hotel.", 1),
            ("m6", "Do you fly to Porto in winter?", 3),
        ],
    )
    ws.analyze(stages=["feelings"])
    yield ws
    ws.close()


def test_export_intent_of_judgements_requests_and_bugs(judged_workspace: Workspace) -> None:
    frame = export_frame(judged_workspace.store, "comments")
    got = dict(zip(frame["id" if "id" in frame.columns else "feedback_id"], frame["intent"], strict=True))
    assert got["m1"] == got["m2"] == "complaint"
    assert "request" in got["m3"].split(";") and "request" in got["m4"].split(";")
    assert got["m5"] == "bug" and got["m6"] == "question"


def test_ideas_board_is_not_led_by_moral_should(judged_workspace: Workspace) -> None:
    board = ideas(judged_workspace.store, judged_workspace.settings.feelings)
    quotes = " ".join(q["text"] for qs in board["quotes"] for q in qs).lower()
    assert "legroom" in quotes and "refurbished" in quotes
    assert "ashamed" not in quotes and "sacked" not in quotes


def test_real_units_floor() -> None:
    """Request and bug F1 on the test split of our labelled real units (fast mode: the cheaper read). Floors a few
    points under docs/bench/feelings-intent.md (request 0.533, bug 0.571 on 454 test units; the rules of 6b03ff0
    give request 0.28 on the first 346 of them)."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import intent_set
    finally:
        sys.path.remove(str(ROOT / "bench"))
    try:
        df = intent_set.load()
    except FileNotFoundError:
        pytest.skip("needs ../shared/data")
    df = df[df["split"] == "test"]
    got = _intents(df["text"].tolist(), "fast")
    for name, floor in (("request", 0.40), ("bug", 0.45)):
        gold = np.array([name in split_intents(v) for v in df["intent"]])
        pred = np.array([name in g for g in got])
        assert f1_score(gold, pred) >= floor, name
