"""Column-role inference: look at names and a sample of values, the way an analyst would.

Every decision records a reason (shown by ``empathic inspect``), and every role can be overridden.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb
import pandas as pd

from empathic.errors import InputError
from empathic.ingest.dates import date_share as date_share_of
from empathic.ingest.dates import decide_day_order
from empathic.ingest.mapping import Mapping, ScoreColumn, normalise_overrides
from empathic.ingest.readers import RawTable
from empathic.ingest.word_scores import word_score
from empathic.store import ident

SAMPLE_ROWS = 5000


NAME = {
    "id": re.compile(r"^(id|uuid|key|.*[_ ]id|.*id)$|response.?id|review.?id|ticket.?id|comment.?id", re.I),
    "customer": re.compile(
        r"(customer|\bcust(_?id)?\b|user|client|member|account|buyer|subscriber|author|reviewer|requester|"
        r"distinct.?id|visitor|contact|person)",
        re.I,
    ),
    "date": re.compile(r"(date|time|created|submitted|timestamp|^ts$|_at$|day|month|when)", re.I),
    "nps": re.compile(r"(nps|likel|recommend.*(0|10)|ltr)", re.I),
    "csat": re.compile(r"(csat|satisf)", re.I),
    "rating": re.compile(r"(rating|stars?|score|grade|overall)", re.I),
    "recommend": re.compile(r"(recommend)", re.I),
    "title": re.compile(r"(title|subject|summary|headline|header|heading)", re.I),
    "text": re.compile(
        r"(text|comment|review|feedback|content|body|message|verbatim|response|answer|remark|note)", re.I
    ),
    "event": re.compile(r"(event|action|feature|activity|page|screen|description|stockcode|product|item)", re.I),
    "duration": re.compile(r"(duration|seconds|secs|time.?spent|minutes|length)", re.I),
    "value": re.compile(r"(amount|revenue|value|dollar|spend|total|sales)", re.I),
    "quantity": re.compile(r"(quantity|qty|units|count_items|number_of)", re.I),
    "price": re.compile(r"(price|unit.?cost)", re.I),
    "signup": re.compile(r"(signup|sign_up|registered|joined|created|first.?seen|since)", re.I),
}
#: Index columns written by pandas/R/spreadsheets: unique, but not a key worth trusting across files.
UNNAMED = re.compile(r"|column\d*|unnamed:? ?\d*|index|row|x|\.\.\.1", re.I)
BOOL_VALUES = {"0", "1", "yes", "no", "true", "false", "y", "n", "t", "f"}
#: Ideographs and kana: scripts written without spaces, where about two characters make a word.
UNSPACED = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: A word of a spaced script (Latin, Greek, Cyrillic, Hangul, Arabic, ...): two or more letters.
WORD = re.compile(rf"(?:(?![{UNSPACED}])[^\W\d_]){{2,}}")
UNSPACED_CHAR = re.compile(f"[{UNSPACED}]")


def word_count(value: str) -> int:
    """Words in ``value``: spaced words, plus one per two characters of Chinese or Japanese."""
    return len(WORD.findall(value)) + len(UNSPACED_CHAR.findall(value)) // 2


@dataclass
class ColumnProfile:
    """What a column's sampled values look like."""

    name: str
    n: int  # non-empty values in the sample
    distinct: int
    numeric: float  # share of values that parse as numbers
    integer: float
    vmin: float | None
    vmax: float | None
    mean_len: float
    mean_words: float
    date: float  # share parsing as a date with the best format
    date_format: str | None
    distinct_in_file: int = 0
    small_values: frozenset[str] = frozenset()  # lower-cased distinct values when there are at most 10
    unique_in_file: bool = False

    @property
    def distinct_ratio(self) -> float:
        return self.distinct / self.n if self.n else 0.0


def profile_columns(con: duckdb.DuckDBPyConnection, raw: RawTable) -> dict[str, ColumnProfile]:
    """Profile every column on a sample (first SAMPLE_ROWS rows) plus whole-file uniqueness."""
    table = ident(raw.name)
    sample = con.execute(
        f"SELECT * EXCLUDE (__row) FROM (SELECT * FROM {table} ORDER BY __row) "
        f"USING SAMPLE reservoir({int(SAMPLE_ROWS)} ROWS) REPEATABLE (42)"
    ).df()
    distinct_in_file = con.execute(
        "SELECT " + ", ".join(f"approx_count_distinct({ident(c)})" for c in raw.columns) + f" FROM {table}"
    ).fetchone()
    profiles = {}
    for col, file_distinct in zip(raw.columns, distinct_in_file, strict=True):
        values = sample[col].dropna().astype(str).str.strip()
        values = values[values != ""]
        n = len(values)
        nums = pd.to_numeric(values.str.replace(",", ".", regex=False), errors="coerce")
        numeric = float(nums.notna().mean()) if n else 0.0
        finite = nums.dropna()
        integer = float((finite == finite.round()).mean()) if len(finite) else 0.0
        words = values.map(word_count) if n else pd.Series(dtype=float)
        date_share, date_fmt = date_share_of(con, values.head(500).tolist(), numeric, col)
        profiles[col] = ColumnProfile(
            name=col,
            n=n,
            distinct=int(values.nunique()),
            numeric=numeric,
            integer=integer,
            vmin=float(finite.min()) if len(finite) else None,
            vmax=float(finite.max()) if len(finite) else None,
            mean_len=float(values.str.len().mean()) if n else 0.0,
            mean_words=float(words.mean()) if n else 0.0,
            date=date_share,
            date_format=date_fmt,
            distinct_in_file=int(file_distinct or 0),
            small_values=frozenset(values.str.lower().unique()) if values.nunique() <= 10 else frozenset(),
        )
    numeric_cols = [c for c, p in profiles.items() if p.numeric >= 0.98]
    if numeric_cols:  # whole-file ranges, so a rare 0 or 11 does not slip past the sample
        ranges = con.execute(
            "SELECT "
            + ", ".join(
                f"min(TRY_CAST(replace(trim({ident(c)}), ',', '.') AS DOUBLE)), "
                f"max(TRY_CAST(replace(trim({ident(c)}), ',', '.') AS DOUBLE))"
                for c in numeric_cols
            )
            + f" FROM {table}"
        ).fetchone()
        for i, c in enumerate(numeric_cols):
            lo, hi = ranges[2 * i], ranges[2 * i + 1]
            if lo is not None:
                profiles[c].vmin, profiles[c].vmax = float(lo), float(hi)
    for col, p in profiles.items():
        if p.n and p.distinct == p.n:
            qc = ident(col)
            total, distinct = con.execute(
                f"SELECT count({qc}), count(DISTINCT {qc}) FROM {table} WHERE trim({qc}) <> ''"
            ).fetchone()
            p.unique_in_file = total == distinct and total >= raw.n_rows * 0.99
    return profiles


def _score_kind(p: ColumnProfile, name: str, column: str | None = None) -> ScoreColumn | None:
    """Classify a numeric column as a score from its range and ``name`` (its name, and its question text when the
    file has one), or None."""
    column = column or name
    if NAME["recommend"].search(name) and p.small_values and p.small_values <= BOOL_VALUES:
        return ScoreColumn(column, "recommend", 0, 1)
    if p.numeric < 0.98 or p.vmin is None or (p.integer < 0.95 and not NAME["rating"].search(name)):
        return None
    lo, hi = p.vmin, p.vmax
    if NAME["recommend"].search(name) and lo >= 0 and hi <= 1:
        return ScoreColumn(column, "recommend", 0, 1)
    if NAME["nps"].search(name) and lo >= 0 and hi <= 10:
        return ScoreColumn(column, "nps", 0, 10)
    if NAME["recommend"].search(name) and lo >= 0 and 5 < hi <= 10:
        return ScoreColumn(column, "nps", 0, 10)
    if NAME["csat"].search(name) and lo >= 1 and hi <= 5:
        return ScoreColumn(column, "csat", 1, 5)
    if NAME["rating"].search(name) and lo >= 0 and hi <= 10:
        return ScoreColumn(column, "rating", 1 if lo >= 1 else 0, 5 if hi <= 5 else 10)
    return None


#: Creation dates beat update/end dates (Qualtrics StartDate over EndDate, Zendesk created_at over updated_at).
EARLY_DATE = re.compile(r"(start|creat|submit|open|received|posted|sent)", re.I)
LATER_DATE = re.compile(r"(updat|modif|end|last|finish|clos|solved|recorded|reply|resolv|changed)", re.I)
#: Columns named like a customer that hold something else: a language is never a customer.
NOT_A_CUSTOMER = re.compile(r"(country|type|name|location|timezone|segment|language|locale|lang\b|email_domain)", re.I)
#: Value columns of a customers file.
CUSTOMER_VALUE = re.compile(r"(mrr|arr|ltv|lifetime|revenue|amount|value|price|spend|acv|plan.?price)", re.I)

#: Names of small integer columns that are counts or demographics, not ratings.
NOT_A_RATING = re.compile(r"(^|_| )(age|counts?|number|num|qty|quantity|children|kids|size|year|nights)($|_| )", re.I)


def _add_sub_ratings(m: Mapping, free: list[str], profiles: dict[str, ColumnProfile], taken: set[str]) -> None:
    """Beside a detected rating, integer columns on a 0/1–5 scale are aspect ratings ("seat_comfort",
    "value_for_money"): scores to explain, not segments to compare. Empty cells (aspect not rated) stay empty."""
    if not any(s.kind in ("rating", "nps", "csat") for s in m.scores):
        return
    main = next(s.name for s in m.scores if s.kind in ("rating", "nps", "csat"))
    for c in free:
        p = profiles[c]
        if p.numeric < 0.98 or p.integer < 0.98 or p.vmin is None or p.vmax is None or not p.small_values:
            continue
        try:
            values = {float(v.replace(",", ".")) for v in p.small_values}
        except ValueError:  # the 2% that are not numbers (a label row left in the data)
            continue
        missing = -1.0 if p.vmin == -1 and min(values - {-1.0}, default=-1) >= 0 else None
        lowest = p.vmin if missing is None else min(values - {-1.0})
        if not (lowest >= 0 and 3 <= p.vmax <= 5 and p.distinct_in_file <= 7):
            continue
        if NAME["id"].search(c) or NOT_A_RATING.search(c):
            continue
        lo = 1 if lowest >= 1 else 0
        m.scores.append(ScoreColumn(c, "rating", lo, 5, missing=missing))
        taken.add(c)
        unrated = "; -1 means not rated" if missing is not None else ""
        m.reasons[c] = f"values {lo}–5 beside the score {main!r}: an aspect rating{unrated}"


def infer_mapping(
    con: duckdb.DuckDBPyConnection,
    raw: RawTable,
    *,
    kind: str | None = None,
    overrides: dict | None = None,
) -> Mapping:
    """Infer the roles of ``raw``'s columns; ``overrides`` (already normalised) win over inference."""
    ov = normalise_overrides(overrides or {}, raw.columns, raw.label)
    profiles = profile_columns(con, raw)
    m = Mapping()
    taken: set[str] = set()

    def take(role: str, col: str, reason: str) -> None:
        setattr(m, role, col)
        taken.add(col)
        m.reasons[col] = reason

    unset = {role for role, col in ov.items() if col is None}  # --customer none: neither given nor inferred
    for role in ("id", "customer", "date", "title", "event", "duration", "value", "quantity", "price"):
        if ov.get(role) is not None:
            take(role, ov[role], "given")
    if "date_format" in ov:
        m.date_format = ov["date_format"]
    if "text" in ov:
        m.text = list(ov["text"])
        taken.update(m.text)
        m.reasons.update({c: "given" for c in m.text})
    if "score" in ov:
        for spec in ov["score"]:
            col, _, skind = spec.partition(":")
            m.scores.append(_explicit_score(col, skind, profiles[col], raw.label))
            taken.add(col)
            m.reasons[col] = "given"
    keep_detected_scores = "score" not in ov or not ov.get("only_scores")
    if "attr" in ov:
        m.attrs = [a for a in ov["attr"] if a not in taken]
        taken.update(m.attrs)
        m.reasons.update({c: "given" for c in m.attrs})
    ignore = set(ov.get("ignore", []))
    taken |= ignore
    free = [c for c in raw.columns if c not in taken]

    # text: long, varied, wordy columns
    if not m.text:
        cands = [
            c
            for c in free
            if profiles[c].mean_words >= 4
            and profiles[c].distinct_ratio > 0.5
            and profiles[c].numeric < 0.5
            and profiles[c].date < 0.5
        ]
        cands.sort(key=lambda c: (-(profiles[c].mean_words + (5 if NAME["text"].search(c) else 0)), c))
        if cands:
            body = cands[0]
            m.text = [body]
            taken.add(body)
            prof = profiles[body]
            m.reasons[body] = f"free text: {prof.mean_words:.0f} words on average, {prof.distinct_ratio:.0%} distinct"
    if m.text and not m.title and "title" not in unset:
        titles = [
            c
            for c in free
            if c not in taken
            and NAME["title"].search(c)
            and profiles[c].numeric < 0.5
            and profiles[c].distinct_ratio > 0.5
            and 1 <= profiles[c].mean_words < profiles[m.text[0]].mean_words
        ]
        if titles:
            take("title", titles[0], "short title-like text, joined before the body")

    free = [c for c in raw.columns if c not in taken]
    if not m.date and "date" not in unset:
        dates = [c for c in free if profiles[c].date >= 0.9]
        dates.sort(key=lambda c: (*_date_preference(c), -profiles[c].date, raw.columns.index(c)))
        if dates:
            fmt, note = decide_day_order(con, raw.name, dates[0], profiles[dates[0]].date_format)
            later = [c for c in dates[1:] if LATER_DATE.search(c)]
            why = f"; preferred over {', '.join(repr(c) for c in later)} (a creation date)" if later else ""
            take("date", dates[0], f"{profiles[dates[0]].date:.0%} of values parse as dates{note}{why}")
            m.date_format = fmt
    elif m.date and not m.date_format:
        m.date_format, note = decide_day_order(con, raw.name, m.date, profiles[m.date].date_format)
        m.reasons[m.date] = m.reasons.get(m.date, "given") + note
    if not m.customer and "customer" not in unset:
        custs = [
            c
            for c in free
            if c not in taken
            and NAME["customer"].search(c)
            and profiles[c].mean_words <= 3
            and profiles[c].n > 0
            and not NOT_A_CUSTOMER.search(c)
        ]
        custs.sort(key=lambda c: (not re.search(r"id\b|_id|id$", c, re.I), c))
        if custs:
            take("customer", custs[0], "name says customer/user/account")
    if not m.id and "id" not in unset:
        ids = [
            c
            for c in free
            if c not in taken
            and profiles[c].unique_in_file
            and profiles[c].mean_words <= 1
            and profiles[c].date < 0.5
            and not UNNAMED.fullmatch(c.strip())
        ]
        ids.sort(key=lambda c: (not NAME["id"].search(c), raw.columns.index(c)))
        if ids and (NAME["id"].search(ids[0]) or (m.text and profiles[ids[0]].numeric < 1.0)):
            take("id", ids[0], "unique in the file" + (" and named like an id" if NAME["id"].search(ids[0]) else ""))

    free = [c for c in raw.columns if c not in taken]
    chosen_kind = kind or (
        "feedback"
        if m.text
        else "customers"
        if m.customer and _one_row_per_customer(profiles[m.customer], raw)
        else "events"
        if m.customer and m.date
        else "customers"
        if m.customer
        else None
    )
    if chosen_kind is None:
        raise InputError(
            "no free-text column found (and no customer id + timestamp for events)",
            file=raw.label,
            hint="name the text column with --text COLUMN, or choose --kind events|customers with --customer/--date",
        )
    m.kind = chosen_kind
    if m.kind == "feedback" and not m.text:
        raise InputError(
            "no free-text column found",
            file=raw.label,
            hint=f"name it with --text COLUMN; columns are: {', '.join(raw.columns)}",
        )
    if m.kind == "events":
        _infer_event_roles(m, free, profiles, take, unset)
    if m.kind == "customers" and not m.value and "value" not in unset:
        values = [c for c in free if c not in taken and profiles[c].numeric >= 0.98 and CUSTOMER_VALUE.search(c)]
        if values:
            take("value", values[0], "numeric, name says revenue/MRR/ARR/LTV: the customer's value")
    if m.kind == "customers" and not m.customer:
        if not m.id:
            raise InputError(
                "a customers file needs a customer id column",
                file=raw.label,
                hint=f"name it with --customer COLUMN; columns are: {', '.join(raw.columns)}",
            )
        m.customer, m.id = m.id, None  # in a customers file the row id *is* the customer id
        m.reasons[m.customer] = m.reasons.get(m.customer, "") + " (the customer id of a customers file)"
    free = [c for c in raw.columns if c not in taken]
    if m.kind == "feedback" and keep_detected_scores:
        for c in free:
            label = raw.labels.get(c, "")
            sc = _score_kind(profiles[c], f"{c} {label}".strip(), c) or word_score(profiles[c], f"{c} {label}", c)
            if sc:
                m.scores.append(sc)
                taken.add(c)
                said = f" (question: {label[:60]!r})" if label else ""
                m.reasons[c] = (
                    f"values {sc.scale_min:g}–{sc.scale_max:g}, name suggests {sc.kind}{said}"
                    if not sc.labels
                    else f"answers {', '.join(sorted(k for k in sc.labels if k in profiles[c].small_values))} "
                    f"read as {sc.kind} {sc.scale_min:g}–{sc.scale_max:g}{said}"
                )
        _add_sub_ratings(m, [c for c in raw.columns if c not in taken], profiles, taken)
    free = [c for c in raw.columns if c not in taken]
    if "attr" not in ov:
        for c in free:
            p = profiles[c]
            many = p.distinct_in_file > 100 and p.distinct_in_file > 0.05 * raw.n_rows
            if p.n and not many and p.mean_words <= 6 and p.date < 0.9 and not (p.numeric > 0.98 and p.integer < 0.9):
                m.attrs.append(c)
                m.reasons[c] = f"about {p.distinct_in_file} distinct values: a segment"
            else:
                m.ignored.append(c)
                m.reasons.setdefault(c, "not a text, id, date, score or segment column" if p.n else "empty")
    else:
        m.ignored = [c for c in free if c not in m.attrs]
    m.ignored = sorted(set(m.ignored) | ignore, key=raw.columns.index)
    declared_specs = dict(str(c).partition(":")[::2] for c in ov.get("multi", []))
    declared = set(declared_specs)
    for c in sorted(declared - m.used_columns() - ignore, key=raw.columns.index):  # a declared list is an attribute
        m.attrs.append(c)
        m.ignored = [x for x in m.ignored if x != c]
        m.reasons[c] = "given"
    m.multi = [a for a in m.attrs if a in raw.list_columns or a in declared]
    m.multi_split = {a: declared_specs[a] for a in m.multi if declared_specs.get(a) and a not in raw.list_columns}
    for a in m.multi:
        m.reasons[a] = m.reasons.get(a, "") + (
            "; a list in the file: one segment per value"
            if a in raw.list_columns
            else "; several values per row, separated by spaces"
            if a in m.multi_split
            else "; several values per row"
        )
    return m


def _date_preference(col: str) -> tuple[bool, bool, bool, bool]:
    """Sort key of date columns: dated names first, then creation/start/submit dates before update/end ones."""
    early = EARLY_DATE.search(col) is not None
    return (
        not NAME["date"].search(col),
        LATER_DATE.search(col) is not None,
        not early,
        NAME["signup"].search(col) is not None and not early,
    )


def _one_row_per_customer(p: ColumnProfile, raw: RawTable) -> bool:
    """A customers file: every row a different customer (a CRM export), not many events per customer, and no
    column named like an event (a tiny events file can have one event per user)."""
    has_event = any(NAME["event"].search(c) for c in raw.columns if c != p.name)
    return p.unique_in_file and raw.n_rows >= 2 and not has_event


def _infer_event_roles(
    m: Mapping,
    free: list[str],
    profiles: dict[str, ColumnProfile],
    take,
    unset: frozenset[str] | set[str] = frozenset(),
) -> None:
    if not m.customer or not m.date:
        missing = "a customer id" if not m.customer else "a timestamp"
        raise InputError(
            f"an events file needs {missing} column",
            hint="name it with --customer COLUMN / --date COLUMN",
        )
    numeric = [c for c in free if profiles[c].numeric >= 0.98]
    if not m.event and "event" not in unset:
        names = [c for c in free if profiles[c].numeric < 0.5 and NAME["event"].search(c)]
        names.sort(key=lambda c: (not re.search(r"event|action|feature", c, re.I), profiles[c].distinct, c))
        if names:
            take("event", names[0], "event/feature name")
    for role in ("duration", "quantity", "price", "value"):
        if getattr(m, role) or role in unset:
            continue
        hits = [c for c in numeric if NAME[role].search(c) and c not in m.used_columns()]
        if hits:
            take(role, hits[0], f"numeric, name suggests {role}")


def _explicit_score(col: str, skind: str, p: ColumnProfile, label: str) -> ScoreColumn:
    """A score column the user named; its kind from ``col:kind`` or from the values."""
    inferred = _score_kind(p, col)
    words = word_score(p, col, col) if p.numeric < 0.98 else None
    if words is not None and skind in ("", words.kind):
        return words  # good/bad, yes/no or emoji answers: read through their labels
    lo, hi = p.vmin, p.vmax
    if skind:
        defaults = {"nps": (0, 10), "csat": (1, 5), "recommend": (0, 1)}
        if skind not in ("nps", "csat", "rating", "recommend", "number"):
            raise InputError(
                f"unknown score kind {skind!r}",
                column=col,
                file=label,
                hint="use nps, csat, rating, recommend or number, e.g. --score 'Overall:rating'",
            )
        if skind in defaults:
            return ScoreColumn(col, skind, *defaults[skind])
        if skind == "rating":
            return ScoreColumn(col, "rating", 1, 5 if (hi or 5) <= 5 else 10)
        return ScoreColumn(col, "number", lo if lo is not None else 0, hi if hi is not None else 0)
    if inferred:
        return inferred
    if lo is not None and lo >= 0 and hi <= 10 and p.integer > 0.95:
        return ScoreColumn(col, "nps", 0, 10) if hi > 5 else ScoreColumn(col, "rating", 1, 5)
    return ScoreColumn(col, "number", lo if lo is not None else 0, hi if hi is not None else 0)
