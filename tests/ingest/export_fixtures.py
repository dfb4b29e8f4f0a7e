"""Small synthetic exports in the exact shapes the tools produce, written from our own text (no customer data).

``write_fixtures(folder)`` writes one file per source and returns ``{source: path}``. Deterministic: the same
call writes the same bytes (except the XLSX zip timestamps).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

COMMENTS = [
    "The new dashboard is fast and the export finally works for our team",
    "Billing charged me twice this month and support took days to answer",
    "I love the mobile app but search misses half of my notes",
    "Onboarding was confusing; the setup guide skips the import step",
    "Great value for the price, the reports save me an hour every week",
    "The app crashes when I upload a large photo from my phone",
    "Customer support was friendly and fixed my login problem quickly",
    "Too expensive for a small team, we only use two features",
]
N = len(COMMENTS)


def _csv(rows: list[list[object]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def qualtrics(folder: Path) -> Path:
    """Qualtrics CSV: ids, then question text, then ImportId JSON; NPS Q1, CSAT matrix Q5_1..Q5_2, text Q2."""
    ids = ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)", "Finished",
           "RecordedDate", "ResponseId", "UserLanguage", "Q1", "Q2", "Q5_1", "Q5_2"]  # fmt: skip
    text = ["Start Date", "End Date", "Response Type", "IP Address", "Progress", "Duration (in seconds)", "Finished",
            "Recorded Date", "Response ID", "User Language",
            "How likely are you to recommend us to a friend or colleague?", "Why did you give that score?",
            "How satisfied are you with... - Speed", "How satisfied are you with... - Support"]  # fmt: skip
    imports = [json.dumps({"ImportId": i}) for i in
               ["startDate", "endDate", "status", "ipAddress", "progress", "duration", "finished", "recordedDate",
                "_recordId", "userLanguage", "QID1", "QID2_TEXT", "QID5_1", "QID5_2"]]  # fmt: skip
    rows = [ids, text, imports]
    for i, comment in enumerate(COMMENTS):
        rows.append([f"2024-03-{10 + i} 09:0{i}:00", f"2024-03-{10 + i} 09:1{i}:00", "IP Address", "10.0.0.1", 100,
                     300 + i, 1, f"2024-03-{10 + i} 09:1{i}:01", f"R_{i:04d}abc", "EN", i % 11 + 3 if i < 7 else 0,
                     comment, 1 + i % 5, 5 - i % 5])  # fmt: skip
    path = folder / "qualtrics.csv"
    path.write_text(_csv(rows), encoding="utf-8-sig")
    return path


def surveymonkey(folder: Path) -> Path:
    """SurveyMonkey XLSX: question row + sub-answer row, merged matrix cells, US dates with AM/PM."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address",
               "How likely is it that you would recommend this product to a friend?", "What could we do better?",
               "Please rate the following:", None])  # fmt: skip
    ws.append([None, None, None, None, None, None, "Response", "Open-Ended Response", "Price", "Quality"])
    for i, comment in enumerate(COMMENTS):
        ws.append([11400000000 + i, 400000 + i, f"03/{13 + i}/2024 07:1{i}:00 AM", f"03/{13 + i}/2024 07:2{i}:00 PM",
                   "10.0.0.2", "", 10 - i, comment, 1 + i % 5, 1 + (i + 2) % 5])  # fmt: skip
    path = folder / "surveymonkey.xlsx"
    wb.save(path)
    return path


def _tickets() -> list[dict]:
    out = []
    for i, comment in enumerate(COMMENTS):
        subject = comment[:24] + "..." if i % 2 else f"Question {i}"
        out.append({
            "url": f"https://example.zendesk.com/api/v2/tickets/{100 + i}.json", "id": 100 + i,
            "created_at": f"2024-02-0{1 + i}T08:00:00Z", "updated_at": f"2024-04-0{1 + i}T08:00:00Z",
            "subject": subject, "description": comment, "status": ["open", "solved"][i % 2],
            "requester_id": 9000 + i % 4, "tags": [["billing"], ["mobile", "crash"], []][i % 3],
            "satisfaction_rating": {"score": ["good", "bad", "offered"][i % 3]},
            "custom_fields": [{"id": 360001, "value": ["pro", "free"][i % 2]}],
            "via": {"channel": "email"},
        })  # fmt: skip
    return out


def zendesk_json(folder: Path) -> Path:
    path = folder / "zendesk.json"
    doc = {"tickets": _tickets(), "next_page": None, "previous_page": None, "count": N}
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return path


def zendesk_jsonl(folder: Path) -> Path:
    path = folder / "zendesk.jsonl"
    path.write_text("".join(json.dumps(t) + "\n" for t in _tickets()), encoding="utf-8")
    return path


def zendesk_csv(folder: Path) -> Path:
    """Zendesk's CSV ticket export: no comment bodies (the subject is the text), tags separated by spaces."""
    header = ["Summation column", "Id", "Requester", "Requester id", "Requester external id", "Requester email",
              "Requester domain", "Submitter", "Assignee", "Group", "Subject", "Tags", "Status", "Priority", "Via",
              "Ticket type", "Created at", "Updated at", "Solved at", "Satisfaction Score", "Plan [list]"]  # fmt: skip
    tags = ["billing refund_request", "mobile crash", "", "billing"]
    rows = [header]
    for i, comment in enumerate(COMMENTS):
        rows.append(["", 500 + i, f"Requester {i % 4}", 7000 + i % 4, "", f"user{i % 4}@example.com", "example.com",
                     "Agent A", "Agent B", "Support", comment, tags[i % 4], ["Solved", "Open"][i % 2], "Normal",
                     "Mail", "Question", f"2024-03-0{1 + i} 09:00", f"2024-03-1{1 + i} 09:00", "",
                     ["Good", "Bad", "Offered", "Unoffered"][i % 4], ["pro", "free"][i % 2]])  # fmt: skip
    return _write_csv(folder, "zendesk.csv", rows)


def google_play(folder: Path) -> Path:
    """Google Play Console reviews CSV, UTF-16 with BOM."""
    header = ["Package Name", "App Version Code", "App Version Name", "Reviewer Language", "Device",
              "Review Submit Date and Time", "Review Submit Millis Since Epoch", "Review Last Update Date and Time",
              "Review Last Update Millis Since Epoch", "Star Rating", "Review Title", "Review Text",
              "Developer Reply Date and Time", "Developer Reply Millis Since Epoch", "Developer Reply Text",
              "Review Link"]  # fmt: skip
    rows = [header]
    for i, comment in enumerate(COMMENTS):
        rows.append(["com.example.notes", 40 + i % 2, f"4.{i % 2}.0", "en", "pixel7", f"2024-01-0{1 + i}T10:00:00Z",
                     1704103200000 + i, f"2024-05-0{1 + i}T10:00:00Z", 1714557600000 + i, 1 + i % 5, "", comment,
                     "", "", "", f"https://play.google.com/apps/publish?reviewId=gp:{i:04d}"])  # fmt: skip
    path = folder / "google_play.csv"
    path.write_text(_csv(rows), encoding="utf-16")
    return path


def posthog(folder: Path) -> Path:
    rows = [["uuid", "event", "properties", "timestamp", "distinct_id", "elements_chain", "created_at"]]
    for i in range(3 * N):
        rows.append([f"0189-{i:04d}", ["$pageview", "report_exported", "search"][i % 3],
                     json.dumps({"$browser": "Firefox"}), f"2024-03-0{1 + i % 9}T1{i % 10}:00:00.000Z",
                     f"user-{i % 5}", "", f"2024-03-0{1 + i % 9}T1{i % 10}:00:01.000Z"])  # fmt: skip
    path = folder / "posthog.csv"
    path.write_text(_csv(rows), encoding="utf-8")
    return path


def hubspot(folder: Path) -> Path:
    """A CRM customers file: one row per company, a plan, MRR and a creation date."""
    rows = [["Record ID", "Company name", "Create Date", "Plan", "Industry", "MRR"]]
    for i in range(N):
        rows.append([5000 + i, f"Company {i}", f"2023-0{1 + i % 9}-15 10:00", ["Enterprise", "Pro", "Free"][i % 3],
                     ["Retail", "Software"][i % 2], f"{(i + 1) * 99.5:.2f}"])  # fmt: skip
    path = folder / "hubspot.csv"
    path.write_text(_csv(rows), encoding="utf-8")
    return path


WRITERS = {
    "qualtrics": qualtrics,
    "surveymonkey": surveymonkey,
    "zendesk": zendesk_json,
    "zendesk-jsonl": zendesk_jsonl,
    "zendesk-csv": zendesk_csv,
    "google-play": google_play,
    "posthog": posthog,
    "hubspot": hubspot,
}


def write_fixtures(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return {name: write(folder) for name, write in WRITERS.items()}


# -- the other profiles: one small export each -----------------------------------------------------------------------
def _write_csv(folder: Path, name: str, rows: list[list[object]], encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_text(_csv(rows), encoding=encoding)
    return path


def typeform(folder: Path) -> Path:
    rows = [["#", "How likely are you to recommend Acme to a friend?", "What is the main reason for your score?",
             "Start Date (UTC)", "Submit Date (UTC)", "Network ID"]]  # fmt: skip
    rows += [[f"tok{i:04d}", i % 11, c, f"2024-04-0{1 + i} 10:00:00", f"2024-04-0{1 + i} 10:05:00", f"net{i}"]
             for i, c in enumerate(COMMENTS)]  # fmt: skip
    return _write_csv(folder, "typeform.csv", rows)


def google_forms(folder: Path) -> Path:
    rows = [["Timestamp", "How satisfied are you with the course?", "Any other feedback?"]]
    rows += [[f"4/{1 + i}/2024 13:0{i}:00", 1 + i % 5, c] for i, c in enumerate(COMMENTS)]
    return _write_csv(folder, "google_forms.csv", rows)


def intercom(folder: Path) -> Path:
    rows = [["Conversation ID", "User ID", "Conversation started at", "Updated at", "Conversation rating",
             "Conversation rating remark", "Team assigned"]]  # fmt: skip
    rows += [[f"c{700 + i}", f"u{i % 3}", f"2024-02-1{i} 09:00:00", f"2024-03-1{i} 09:00:00", 1 + i % 5, c,
              ["Billing", "Support"][i % 2]] for i, c in enumerate(COMMENTS)]  # fmt: skip
    return _write_csv(folder, "intercom.csv", rows)


def freshdesk(folder: Path) -> Path:
    rows = [["Ticket ID", "Subject", "Description", "Status", "Priority", "Source", "Created time",
             "Last update time", "Resolution status", "Unique external ID", "Tags"]]  # fmt: skip
    rows += [[300 + i, f"Ticket {i}", c, "Closed", "Low", "Email", f"2024-01-1{i} 08:00:00",
              f"2024-02-1{i} 08:00:00", "Within SLA", f"ext-{i % 4}", "billing"]
             for i, c in enumerate(COMMENTS)]  # fmt: skip
    return _write_csv(folder, "freshdesk.csv", rows)


def app_store(folder: Path) -> Path:
    rows = [["Review ID", "Date", "Rating", "Title", "Review", "Nickname", "Territory", "Version"]]
    rows += [[f"as{i}", f"2024-05-0{1 + i}", 1 + i % 5, f"Title {i}", c, f"nick{i}", "USA", "2.1"]
             for i, c in enumerate(COMMENTS)]  # fmt: skip
    return _write_csv(folder, "app_store.csv", rows)


def trustpilot(folder: Path) -> Path:
    rows = [["Review ID", "Review Created (UTC)", "Review Consumer User ID", "Review Title", "Review Content",
             "Review Stars", "Source Of Review", "Review Language", "Reply Content"]]  # fmt: skip
    rows += [[f"tp{i}", f"2024-06-0{1 + i} 12:00:00", f"cons{i}", f"Title {i}", c, 1 + i % 5, "AFSv2", "en", ""]
             for i, c in enumerate(COMMENTS)]  # fmt: skip
    return _write_csv(folder, "trustpilot.csv", rows)


def delighted(folder: Path) -> Path:
    rows = [["Response ID", "Email", "Score", "Comment", "Response timestamp", "Plan"]]
    rows += [[f"d{i}", f"person{i}@example.com", i % 11, c, f"2024-07-0{1 + i} 12:00:00", "Pro"]
             for i, c in enumerate(COMMENTS)]  # fmt: skip
    return _write_csv(folder, "delighted.csv", rows)


def _events(n: int) -> list[tuple[int, str, str]]:
    return [(i, ["signup", "report_exported", "search"][i % 3], f"user-{i % 5}") for i in range(n)]


def amplitude(folder: Path) -> Path:
    path = folder / "amplitude.jsonl"
    lines = [{"uuid": f"a-{i}", "amplitude_id": 1000 + i % 5, "user_id": who, "event_type": ev,
              "event_time": f"2024-03-0{1 + i % 9} 10:00:00.000000", "event_properties": {"plan": "pro"},
              "server_upload_time": "2024-03-10 00:00:00.000000"} for i, ev, who in _events(3 * N)]  # fmt: skip
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return path


def mixpanel(folder: Path) -> Path:
    path = folder / "mixpanel.jsonl"
    lines = [{"event": ev, "properties": {"time": 1709287200 + 3600 * i, "distinct_id": who,
              "$insert_id": f"ins{i}", "$os": "Mac OS X"}} for i, ev, who in _events(3 * N)]  # fmt: skip
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return path


def segment(folder: Path) -> Path:
    path = folder / "segment.json"
    calls = [{"type": "track", "messageId": f"m{i}", "userId": who, "anonymousId": f"anon{i % 5}", "event": ev,
              "timestamp": f"2024-03-0{1 + i % 9}T10:00:00.000Z", "properties": {"plan": "pro"}}
             for i, ev, who in _events(3 * N)]  # fmt: skip
    path.write_text(json.dumps(calls, indent=1), encoding="utf-8")
    return path


def salesforce(folder: Path) -> Path:
    rows = [["Account ID", "Account Name", "Type", "Industry", "Annual Revenue", "Created Date"]]
    rows += [[f"001{i:05d}", f"Account {i}", "Customer", ["Retail", "Banking"][i % 2], 10000 * (i + 1),
              f"1/{1 + i}/2023"] for i in range(N)]  # fmt: skip
    return _write_csv(folder, "salesforce.csv", rows)


WRITERS.update(
    {
        "typeform": typeform,
        "google-forms": google_forms,
        "intercom": intercom,
        "freshdesk": freshdesk,
        "app-store": app_store,
        "trustpilot": trustpilot,
        "delighted": delighted,
        "amplitude": amplitude,
        "mixpanel": mixpanel,
        "segment": segment,
        "salesforce": salesforce,
    }
)
