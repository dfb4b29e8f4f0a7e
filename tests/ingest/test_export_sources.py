"""Real export shapes ingest as their owners expect, with no flags (issue 20)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from export_fixtures import COMMENTS, N
from typer.testing import CliRunner

from empathic import Workspace
from empathic.cli.main import app
from empathic.errors import InputError
from empathic.ingest import inspect

#: source → (profile, kind, {column: role prefix}) inferred with no flags.
EXPECTED = {
    "qualtrics": ("qualtrics", "feedback", {"ResponseId": "id", "StartDate": "date", "Q1": "score (nps",
                                            "Q2": "text", "Q5_1": "score (csat", "EndDate": "ignored"}),
    "surveymonkey": ("surveymonkey", "feedback", {"Respondent ID": "id", "Start Date": "date",
                     "What could we do better?": "text", "Please rate the following: — Price": "score (rating",
                     "How likely is it that you would recommend this product to a friend?": "score (nps"}),
    "zendesk": ("zendesk", "feedback", {"id": "id", "requester_id": "customer", "created_at": "date",
                "description": "text", "subject": "title", "satisfaction_rating.score": "score (recommend",
                "tags": "attribute", "custom_fields.360001": "attribute", "updated_at": "ignored"}),
    "zendesk-jsonl": ("zendesk", "feedback", {"requester_id": "customer", "satisfaction_rating.score": "score"}),
    "zendesk-csv": ("zendesk-csv", "feedback", {"Id": "id", "Requester id": "customer", "Created at": "date",
                    "Subject": "text", "Tags": "attribute (several values)", "Satisfaction Score": "score (recommend",
                    "Requester email": "ignored", "Updated at": "ignored"}),
    "google-play": ("google-play", "feedback", {"Review Text": "text", "Review Submit Date and Time": "date",
                    "Star Rating": "score (rating", "Reviewer Language": "attribute", "Package Name": "attribute",
                    "App Version Name": "attribute"}),
    "posthog": ("posthog", "events", {"distinct_id": "customer", "timestamp": "date", "event": "event"}),
    "hubspot": ("hubspot", "customers", {"Record ID": "customer", "Create Date": "date", "MRR": "value",
                "Plan": "attribute"}),
    "typeform": ("typeform", "feedback", {"#": "id", "Submit Date (UTC)": "date",
                 "How likely are you to recommend Acme to a friend?": "score (nps"}),
    "google-forms": ("google-forms", "feedback", {"Timestamp": "date", "Any other feedback?": "text",
                     "How satisfied are you with the course?": "score (csat"}),
    "intercom": ("intercom", "feedback", {"Conversation ID": "id", "User ID": "customer",
                 "Conversation started at": "date", "Conversation rating": "score (csat"}),
    "freshdesk": ("freshdesk", "feedback", {"Ticket ID": "id", "Created time": "date", "Description": "text",
                  "Unique external ID": "customer", "Last update time": "ignored"}),
    "app-store": ("app-store", "feedback", {"Review ID": "id", "Review": "text", "Rating": "score (rating",
                  "Nickname": "ignored"}),
    "trustpilot": ("trustpilot", "feedback", {"Review Content": "text", "Review Stars": "score (rating",
                   "Review Consumer User ID": "customer", "Review Language": "attribute"}),
    "delighted": ("delighted", "feedback", {"Score": "score (nps", "Comment": "text", "Email": "ignored"}),
    "amplitude": ("amplitude", "events", {"amplitude_id": "customer", "event_time": "date", "event_type": "event"}),
    "mixpanel": ("mixpanel", "events", {"properties.distinct_id": "customer", "properties.time": "date",
                 "event": "event"}),
    "segment": ("segment", "events", {"userId": "customer", "timestamp": "date", "event": "event"}),
    "salesforce": ("salesforce", "customers", {"Account ID": "customer", "Annual Revenue": "value"}),
}  # fmt: skip
EVENTS = {"posthog", "amplitude", "mixpanel", "segment"}


@pytest.mark.parametrize("source", sorted(EXPECTED))
def test_inferred_mapping_with_no_flags(exports: dict[str, Path], source: str) -> None:
    profile, kind, roles = EXPECTED[source]
    result = inspect(exports[source])
    assert result.profile == profile
    assert result.mapping.kind == kind
    got = result.mapping.roles()
    for column, role in roles.items():
        assert got.get(column, "ignored").startswith(role), (column, got.get(column))
    assert result.n_rows == (3 * N if source in EVENTS else N)
    assert not result.problems


def test_no_customer_from_a_language_column(exports: dict[str, Path]) -> None:
    result = inspect(exports["google-play"], source="none")
    assert result.mapping.customer is None
    assert result.mapping.date == "Review Submit Date and Time"  # not "Review Last Update ..."


def test_qualtrics_question_text_makes_q1_an_nps_without_the_profile(exports: dict[str, Path]) -> None:
    result = inspect(exports["qualtrics"], source="none")
    assert result.labels["Q1"].startswith("How likely")
    assert result.mapping.roles()["Q1"].startswith("score (nps")
    assert result.mapping.date == "StartDate"
    assert result.n_rows == N  # the question-text and ImportId rows are not answers
    assert any("skipped" in w for w in result.warnings)


def test_surveymonkey_us_dates_are_decided_and_stated(exports: dict[str, Path]) -> None:
    result = inspect(exports["surveymonkey"])
    assert result.mapping.date_format == "%m/%d/%Y %I:%M:%S %p"
    assert "month first" in result.mapping.reasons["Start Date"]


def test_round_trip_feedback(exports: dict[str, Path], tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "w.empathic") as ws:
        for source in ("qualtrics", "surveymonkey", "zendesk", "google-play"):
            summary = ws.ingest(exports[source])
            assert summary.n_inserted == N, source
        comments = ws.comments()
        assert len(comments) == 4 * N
        assert set(COMMENTS) <= set(comments.text.str.split(". ").str[-1]) | set(comments.text)
        scores = ws.sql("SELECT name, kind, count(*) AS n, min(value) AS lo, max(value) AS hi FROM feedback_scores "
                        "GROUP BY ALL ORDER BY name").set_index("name")  # fmt: skip
        assert scores.loc["Q1", "kind"] == "nps"
        good_bad = scores.loc["satisfaction_rating.score"]
        assert (good_bad.kind, good_bad.lo, good_bad.hi) == ("recommend", 0.0, 1.0)
        assert good_bad.n == sum(1 for i in range(N) if i % 3 != 2)  # "offered" is not an answer
        tags = ws.sql("SELECT value FROM feedback_attributes WHERE name = 'tags' ORDER BY value")["value"].tolist()
        assert "mobile; crash" in tags and not any("[" in t for t in tags)
        again = ws.ingest(exports["zendesk"])
        assert again.n_inserted == 0 and again.n_updated == 0


def test_title_that_prefixes_the_body_is_not_joined(exports: dict[str, Path], tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "w.empathic") as ws:
        ws.ingest(exports["zendesk-jsonl"])
        texts = ws.sql("SELECT text FROM feedback ORDER BY feedback_id")["text"].tolist()
    assert texts[1] == COMMENTS[1]  # subject "Billing charged me twice..." is the body's start
    assert texts[0] == "Question 0. " + COMMENTS[0]


def test_round_trip_events_and_customers(exports: dict[str, Path], tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "w.empathic") as ws:
        assert ws.ingest(exports["posthog"]).kind == "events"
        assert ws.sql("SELECT count(*) AS n FROM events")["n"][0] == 3 * N
        assert ws.ingest(exports["hubspot"]).kind == "customers"
        mrr = ws.sql("SELECT value_num FROM customer_attributes WHERE name = 'value' ORDER BY value_num")
        assert mrr["value_num"].tolist()[0] == pytest.approx(99.5)


def test_override_unsets_a_role_and_scores_add_up(exports: dict[str, Path]) -> None:
    result = inspect(exports["zendesk"], customer="none", title="")
    assert result.mapping.customer is None and result.mapping.title is None
    added = inspect(exports["qualtrics"], score=["Q5_2:rating"])
    kinds = {s.column: s.kind for s in added.mapping.scores}
    assert kinds["Q5_2"] == "rating" and kinds["Q1"] == "nps"
    only = inspect(exports["qualtrics"], score=["Q5_2:rating"], only_scores=True)
    assert [s.column for s in only.mapping.scores] == ["Q5_2"]


def test_header_and_skip_rows(tmp_path: Path) -> None:
    path = tmp_path / "preamble.csv"
    rows = ["Exported 2024-05-01", "", "Question,How did we do?", "sub,Comment"]
    rows += [f'{i},"{c}"' for i, c in enumerate(COMMENTS)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = inspect(path, skip_rows=2, header_rows=2, text=["How did we do? — Comment"])
    assert result.n_rows == N
    assert "Question — sub" in result.samples


def test_json_document_with_two_record_lists_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "two.json"
    path.write_text(json.dumps({"tickets": [{"a": "x y z w v"}], "users": [{"b": 1}]}, indent=1), encoding="utf-8")
    with pytest.raises(InputError, match="several lists of records"):
        inspect(path)


def test_own_profile_file(exports: dict[str, Path], tmp_path: Path) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text('title = "mine"\ndetect = ["id"]\nkind = "feedback"\n[roles]\ncustomer = "none"\n')
    result = inspect(exports["zendesk"], profile=mine)
    assert result.profile == "mine" and result.mapping.customer is None
    bad = tmp_path / "bad.toml"
    bad.write_text('detect = ["id"]\n[roles]\nwho = "x"\n')
    with pytest.raises(InputError, match="unknown key"):
        inspect(exports["zendesk"], profile=bad)


@pytest.mark.parametrize("source", sorted(EXPECTED))
def test_cli_inspect_names_the_profile(exports: dict[str, Path], source: str) -> None:
    out = CliRunner().invoke(app, ["inspect", str(exports[source])], terminal_width=200)
    assert out.exit_code == 0, out.output
    assert f"profile: {EXPECTED[source][0]} (" in out.output


@pytest.fixture(scope="module")
def analysed(exports: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Every fixture ingested with no flags through the CLI into one workspace, analysed once in fast mode, and
    exported (comments, customers): the round trip each source is checked on below."""
    folder = tmp_path_factory.mktemp("roundtrip")
    ws_path = folder / "all.empathic"
    runner = CliRunner()
    for source, path in sorted(exports.items()):
        out = runner.invoke(app, ["ingest", str(ws_path), str(path), "-q"], terminal_width=200)
        assert out.exit_code == 0, (source, out.output)
    env = {"EMPATHIC_THEMES__MODE": "fast", "EMPATHIC_FEELINGS__MODE": "fast"}
    out = runner.invoke(app, ["analyze", str(ws_path), "-q"], env=env, terminal_width=200)
    assert out.exit_code == 0 and "Traceback" not in out.output, out.output
    files = {}
    for what in ("comments", "customers"):
        files[what] = folder / f"{what}.csv"
        out = runner.invoke(app, ["export", str(ws_path), what, "-o", str(files[what])], terminal_width=200)
        assert out.exit_code == 0, out.output
    with Workspace.open(ws_path, read_only=True) as ws:
        sources = ws.sql("SELECT source_id, path, kind FROM sources")
        events = ws.sql("SELECT source_id, count(*) AS n FROM events GROUP BY 1")
        runs = set(ws.sql("SELECT stage FROM runs WHERE status = 'ok'")["stage"])
        epoch = ws.sql("SELECT min(ts) AS t FROM events WHERE event_id = 'ins0'")["t"][0]
    assert str(epoch).startswith("2024-03-01 10:00")  # Mixpanel's Unix seconds, read as UTC
    return {
        "comments": pd.read_csv(files["comments"], dtype=str, keep_default_na=False),
        "customers": pd.read_csv(files["customers"], dtype=str, keep_default_na=False),
        "sources": sources.assign(name=sources["path"].map(lambda p: Path(p).name)),
        "events": dict(zip(events["source_id"], events["n"], strict=True)),
        "runs": runs,
    }


@pytest.mark.parametrize("source", sorted(EXPECTED))
def test_round_trip_ingest_analyze_export(exports: dict[str, Path], analysed: dict, source: str) -> None:
    """Each export shape, with no flags: ingest → analyze (fast) → export holds its rows, annotated."""
    assert {"themes", "feelings", "analytics"} <= analysed["runs"]
    sources = analysed["sources"]
    row = sources[sources["name"] == exports[source].name]
    assert len(row) == 1, source
    source_id, kind = row["source_id"].iloc[0], row["kind"].iloc[0]
    assert kind == EXPECTED[source][1]
    if kind == "events":
        assert analysed["events"][source_id] == 3 * N
        assert "usage" in analysed["runs"]
        return
    if kind == "customers":
        customers = analysed["customers"].set_index("customer_id")
        first, last, value = {"hubspot": ("5000", "5007", "99.50"), "salesforce": ("00100000", "00100007", "10000")}[
            source
        ]
        assert {first, last} <= set(customers.index)
        assert float(customers.loc[first, "attr_value"]) == float(value)  # MRR / Annual Revenue kept as value
        return
    comments = analysed["comments"]
    mine = comments[comments["source_id"] == source_id]
    if source == "zendesk-jsonl":  # same ticket ids as the JSON document: already in, counted under it
        assert mine.empty or len(mine) <= N
        return
    assert len(mine) == N, (source, len(mine))
    for text in COMMENTS:
        assert mine["text"].str.contains(text, regex=False).any(), (source, text)
    assert (mine["sentiment_label"] != "").all() and (mine["primary_theme"] != "").any()


def test_a_named_word_score_is_read_through_its_labels(exports: dict[str, Path]) -> None:
    given = inspect(exports["zendesk"], source="none", score=["satisfaction_rating.score"], only_scores=True)
    (score,) = given.mapping.scores
    assert (score.kind, score.labels["good"], score.labels["bad"], score.labels["offered"]) == ("recommend", 1, 0, None)
    assert not given.problems


HOSTILE = ['x" AS y, (SELECT 1) AS "z', "a'); DROP TABLE feedback; --", "[bold]b[/bold]", "c.d", "é ü"]


def test_hostile_nested_keys_stay_data(tmp_path: Path) -> None:
    """Struct fields and key/value ids from a file reach SQL only through ident()/lit(): names come out verbatim."""
    path = tmp_path / "hostile.jsonl"
    rows = [
        {
            "id": i,
            "body": COMMENTS[i],
            "meta": dict.fromkeys(HOSTILE, f"v{i}"),
            "custom_fields": [{"id": k, "value": f"w{i}"} for k in HOSTILE],
        }
        for i in range(4)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with Workspace.open(tmp_path / "w.empathic") as ws:
        summary = ws.ingest(path, source="none")
        names = set(ws.sql("SELECT DISTINCT name FROM feedback_attributes")["name"])
        assert ws.store.count("feedback") == 4
    for key in HOSTILE:
        assert f"meta.{key}" in summary.mapping.used_columns() | set(summary.mapping.ignored)
        assert f"custom_fields.{key}" in names


def test_source_ids_of_files_without_profile_or_word_scores_do_not_change() -> None:
    """The mapping JSON (hashed into the source id) only gains the new keys when they are used."""
    from empathic.ingest.mapping import Mapping, ScoreColumn

    plain = json.loads(Mapping(text=["a"], scores=[ScoreColumn("s", "nps", 0, 10)]).to_json())
    assert "source_profile" not in plain and "labels" not in plain["scores"][0]
    used = Mapping(text=["a"], scores=[ScoreColumn("s", "recommend", 0, 1, labels={"good": 1.0})])
    used.source_profile = "zendesk"
    data = json.loads(used.to_json())
    assert data["source_profile"] == "zendesk" and data["scores"][0]["labels"] == {"good": 1.0}


def test_a_crm_file_without_a_profile_is_customers_and_keeps_its_value(tmp_path: Path) -> None:
    crm = tmp_path / "crm.csv"
    crm.write_text("customer_id,signup_date,plan,mrr\nc1,2024-01-01,pro,99.5\nc2,2024-01-02,free,0\n"
                   "c3,2024-01-03,pro,99.5\n", encoding="utf-8")  # fmt: skip
    events = tmp_path / "ev.csv"
    events.write_text("user_id,timestamp,event\nc1,2024-01-01 10:00,login\nc2,2024-01-02 10:00,search\n"
                      "c3,2024-01-03 10:00,export\n", encoding="utf-8")  # fmt: skip
    found = inspect(crm)
    assert (found.profile, found.mapping.kind, found.mapping.value) == (None, "customers", "mrr")
    assert inspect(events).mapping.kind == "events"  # one event per user is still an events file
    assert inspect(crm, value="none").mapping.value is None
    with Workspace.open(tmp_path / "w.empathic") as ws:
        ws.ingest(crm)
        mrr = ws.sql("SELECT customer_id, value_num FROM customer_attributes WHERE name = 'value' ORDER BY 1")
    assert mrr["value_num"].tolist() == [99.5, 0.0, 99.5]


def test_zendesk_csv_tags_split_at_spaces_one_segment_per_tag(exports: dict[str, Path], tmp_path: Path) -> None:
    result = inspect(exports["zendesk-csv"])
    assert result.mapping.multi == ["Tags"] and result.mapping.multi_split == {"Tags": "space"}
    assert "separated by spaces" in result.mapping.reasons["Tags"]
    with Workspace.open(tmp_path / "zd.empathic") as ws:
        ws.ingest(exports["zendesk-csv"])
        values = ws.sql(
            "SELECT f.feedback_id, string_agg(v.value, ' ' ORDER BY v.value) AS tags FROM feedback f "
            "LEFT JOIN feedback_attribute_values v ON v.feedback_id = f.feedback_id AND v.name = 'Tags' "
            "GROUP BY 1 ORDER BY 1"
        )
        whole = ws.sql("SELECT value FROM feedback_attributes WHERE name = 'Tags' ORDER BY feedback_id")
    tags = [t if isinstance(t, str) else "" for t in values["tags"]]
    assert tags == ["billing refund_request", "crash mobile", "", "billing"] * (N // 4)
    assert list(whole["value"])[:2] == ["billing refund_request", "mobile crash"]  # the joined value is kept


def test_a_multi_column_declares_spaces_on_the_command_line_and_a_bad_separator_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,comment,labels\n" + "".join(
        f'{i},"Comment {i} about the export and the billing page",{["billing refund", "export", "billing"][i % 3]}\n'
        for i in range(6)), encoding="utf-8")  # fmt: skip
    ws_path = tmp_path / "w.empathic"
    with pytest.raises(InputError, match="unknown separator 'tab'") as refused:
        inspect(path, multi=["labels:tab"])
    assert refused.value.column == "labels" and "COLUMN:space" in refused.value.hint
    args = ["ingest", str(ws_path), str(path), "--multi", "labels:space", "-q"]
    out = CliRunner().invoke(app, args, terminal_width=200)
    assert out.exit_code == 0, out.output
    with Workspace.open(ws_path, read_only=True) as ws:
        values = ws.sql("SELECT value, count(*) AS n FROM feedback_attribute_values GROUP BY 1 ORDER BY 1")
    assert dict(zip(values["value"], values["n"], strict=True)) == {"billing": 4, "export": 2, "refund": 2}
