"""A seeded fictional subscription company ("Chartwise", a reporting SaaS) whose usage and feedback are linked.

Real public data never joins product usage and feedback for the same customers, so this generator makes a
company with **planted patterns** that "ask why" and personas must recover (and that a shuffled control must not
show). Same seed → byte-identical frames.

Planted patterns (see ``PERSONAS`` for the numbers):

1. Four personas, each with its own plan (85 % of the time), time-of-day habit, features and topics:
   ``night_owl`` (pro plan, sessions 21:00–02:00 local, reports/exports, asks for dark mode),
   ``weekend_casual`` (basic plan, Saturday/Sunday daytime, short sessions, complains about price, churns most),
   ``enterprise_admin`` (enterprise plan, many seats, weekday office hours, admin/integrations, talks about
   integrations and support), ``new_explorer`` (free plan, recent signups, tutorials, finds onboarding confusing).
2. Churned customers (no activity in their last 45+ days) mention **reliability** about 3× as often as retained
   ones (30 % of their comments are switched to that topic).
3. NPS falls with price/reliability/onboarding complaints and rises with praise of reports.
4. Region (and so the customer's time zone) is independent of persona: it is noise a clusterer should ignore.
5. About 25 % of customers leave no feedback, and 3 % of responses have no customer id.

``generate()`` also returns ``truth`` (customer → persona, churned) and ``feedback_topics`` (response → topics),
which are never written to the CSVs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from empathic.sample.templates import SLOTS, TEMPLATES, TOPIC_NPS_EFFECT

END = datetime(2025, 6, 30)
REGIONS = {"North America": "America/New_York", "Europe": "Europe/London", "Asia Pacific": "Asia/Tokyo"}
PLANS = ("free", "basic", "pro", "enterprise")


@dataclass(frozen=True)
class Persona:
    """How one planted persona behaves and talks."""

    plan: str
    sessions_per_week: float
    events_per_session: float
    hours: tuple[float, float]  # mean and sd of the local session start hour
    weekdays: tuple[float, ...]  # weight of Monday … Sunday
    features: dict[str, float]
    topics: dict[str, float]
    churn_rate: float
    base_nps: float
    signup_days_ago: tuple[int, int]
    seats: tuple[int, int]


PERSONAS: dict[str, Persona] = {
    "night_owl": Persona(
        "pro",
        2.2,
        7,
        (23.5, 1.4),
        (1, 1, 1, 1, 1, 1, 1),
        {"dashboard_view": 0.25, "report_build": 0.35, "export_csv": 0.25, "api_call": 0.15},
        {"reporting": 0.4, "dark_mode": 0.3, "support": 0.1, "price": 0.1, "reliability": 0.1},
        0.12,
        8.5,
        (120, 330),
        (1, 3),
    ),
    "weekend_casual": Persona(
        "basic",
        0.9,
        3,
        (13.0, 2.0),
        (0.3, 0.3, 0.3, 0.3, 0.5, 3, 3),
        {"dashboard_view": 0.75, "share_link": 0.25},
        {"price": 0.55, "support": 0.15, "reporting": 0.2, "reliability": 0.1},
        0.45,
        6.5,
        (120, 330),
        (1, 2),
    ),
    "enterprise_admin": Persona(
        "enterprise",
        2.8,
        5,
        (11.5, 2.0),
        (1, 1, 1, 1, 1, 0.05, 0.05),
        {"dashboard_view": 0.3, "admin_settings": 0.25, "integration_sync": 0.35, "sso_login": 0.1},
        {"integrations": 0.5, "support": 0.3, "reporting": 0.1, "reliability": 0.1},
        0.1,
        7.5,
        (120, 330),
        (50, 500),
    ),
    "new_explorer": Persona(
        "free",
        1.8,
        4,
        (19.0, 1.5),
        (1, 1, 1, 1, 1, 0.6, 0.6),
        {"dashboard_view": 0.3, "tutorial_step": 0.4, "template_gallery": 0.3},
        {"onboarding": 0.55, "price": 0.2, "support": 0.15, "reliability": 0.1},
        0.3,
        6.0,
        (60, 110),
        (1, 5),
    ),
}
PERSONA_SHARES = {"night_owl": 0.25, "weekend_casual": 0.3, "enterprise_admin": 0.2, "new_explorer": 0.25}
CHURN_RELIABILITY_SWITCH = 0.3


def _choice(rng: np.random.Generator, weights: dict[str, float], size: int | None = None):
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return rng.choice(keys, size=size, p=p / p.sum())


def _customers(rng: np.random.Generator, n: int) -> pd.DataFrame:
    personas = _choice(rng, PERSONA_SHARES, n)
    rows = []
    for i, name in enumerate(personas):
        p = PERSONAS[name]
        plan = p.plan if rng.random() < 0.85 else str(rng.choice([x for x in PLANS if x != p.plan]))
        region = str(rng.choice(list(REGIONS)))
        signup = END - timedelta(days=int(rng.integers(*p.signup_days_ago)), seconds=int(rng.integers(0, 86400)))
        lifespan = (END - signup).days
        churned = bool(rng.random() < p.churn_rate and lifespan > 80)
        last_day = int(rng.integers(21, lifespan - 45)) if churned else lifespan
        rows.append(
            {
                "customer_id": f"C{i + 1:05d}",
                "signup_at": signup.replace(microsecond=0),
                "plan": plan,
                "region": region,
                "time_zone": REGIONS[region],
                "seats": int(rng.integers(*p.seats)),
                "persona": str(name),
                "churned": churned,
                "active_days_span": last_day,
            }
        )
    return pd.DataFrame(rows)


def _events_for(rng: np.random.Generator, cust: pd.Series, p: Persona) -> pd.DataFrame:
    """One customer's events in local time, converted to naive UTC."""
    weeks = max(cust["active_days_span"] / 7.0, 0.5)
    n_sessions = max(1, rng.poisson(p.sessions_per_week * weeks * rng.gamma(4.0, 0.25)))
    day_weights = np.array(p.weekdays, dtype=float)
    signup_local = pd.Timestamp(cust["signup_at"]).tz_localize("UTC").tz_convert(cust["time_zone"])
    first_day = signup_local.normalize().tz_localize(None)
    days = np.arange(int(cust["active_days_span"]) + 1)
    dows = (first_day.day_of_week + days) % 7
    w = day_weights[dows]
    session_days = rng.choice(days, size=n_sessions, p=w / w.sum())
    hours = rng.normal(p.hours[0], p.hours[1], n_sessions)
    starts = first_day + pd.to_timedelta(session_days, unit="D") + pd.to_timedelta(hours * 3600, unit="s")
    n_ev = 1 + rng.poisson(p.events_per_session - 1, n_sessions)
    sess = np.repeat(np.arange(n_sessions), n_ev)
    gaps = rng.exponential(80.0, len(sess))
    offs = pd.Series(gaps).groupby(sess).cumsum().to_numpy() - gaps[np.r_[0, np.cumsum(n_ev)[:-1]]][sess]
    local = starts[sess] + pd.to_timedelta(offs, unit="s")
    utc = (
        pd.DatetimeIndex(local)
        .tz_localize(cust["time_zone"], ambiguous="NaT", nonexistent="shift_forward")
        .tz_convert("UTC")
        .tz_localize(None)
        .floor("s")
    )
    keep = ~utc.isna() & (utc <= pd.Timestamp(END)) & (utc >= pd.Timestamp(cust["signup_at"]))
    return pd.DataFrame(
        {
            "customer_id": cust["customer_id"],
            "timestamp": utc[keep],
            "event": _choice(rng, p.features, len(sess))[keep],
            "duration_s": np.round(rng.exponential(45.0, len(sess)), 1)[keep],
        }
    )


def _comment(rng: np.random.Generator, topic: str) -> str:
    text = str(rng.choice(TEMPLATES[topic]))
    for slot, values in SLOTS.items():
        token = "{" + slot + "}"
        if token in text:
            text = text.replace(token, str(rng.choice(values)))
    return text


def _feedback(rng: np.random.Generator, customers: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, topics = [], []
    for cust in customers.itertuples():
        p = PERSONAS[cust.persona]
        n = rng.poisson(1.4) if rng.random() > 0.25 else 0
        for _ in range(n):
            main = str(_choice(rng, p.topics))
            if cust.churned and rng.random() < CHURN_RELIABILITY_SWITCH:
                main = "reliability"
            chosen = [main]
            if rng.random() < 0.3:
                extra = str(_choice(rng, p.topics))
                if extra not in chosen:
                    chosen.append(extra)
            at = pd.Timestamp(cust.signup_at) + pd.Timedelta(days=float(rng.uniform(3, cust.active_days_span + 3)))
            score = p.base_nps + sum(TOPIC_NPS_EFFECT[t] for t in chosen) / len(chosen) + rng.normal(0, 1.2)
            score -= 1.5 if cust.churned else 0.0
            rows.append(
                {
                    "customer_id": cust.customer_id,
                    "created_at": min(at, pd.Timestamp(END)).floor("s"),
                    "nps": int(np.clip(round(score), 0, 10)),
                    "comment": " ".join(_comment(rng, t) for t in chosen),
                }
            )
            topics.append(";".join(chosen))
    feedback = pd.DataFrame(rows)
    feedback["topics"] = topics
    n_anon = max(1, int(0.03 * len(feedback)))
    anon = feedback.sample(n=n_anon, random_state=int(rng.integers(1 << 30))).assign(customer_id=None)
    feedback = pd.concat([feedback, anon], ignore_index=True)
    feedback = feedback.sort_values(["created_at", "customer_id"], kind="mergesort", na_position="last")
    feedback = feedback.reset_index(drop=True)
    feedback.insert(0, "response_id", [f"R{i + 1:06d}" for i in range(len(feedback))])
    truth = feedback[["response_id", "topics"]].copy()
    return feedback.drop(columns=["topics"]), truth


def generate(seed: int = 7, n_customers: int = 1000) -> dict[str, pd.DataFrame]:
    """Make the company's tables.

    Returns:
        ``customers`` (customer_id, signup_at, plan, region, time_zone, seats), ``events`` (customer_id,
        timestamp naive UTC, event, duration_s), ``feedback`` (response_id, customer_id or None, created_at, nps,
        comment), and the hidden ``truth`` (customer_id, persona, churned) and ``feedback_topics``
        (response_id, topics ';'-joined).
    """
    if n_customers < 10:
        raise ValueError("n_customers must be at least 10")
    rng = np.random.default_rng(seed)
    customers = _customers(rng, n_customers)
    events = (
        pd.concat(
            [_events_for(rng, row, PERSONAS[row["persona"]]) for _, row in customers.iterrows()], ignore_index=True
        )
        .sort_values(["timestamp", "customer_id", "event"], kind="mergesort")
        .reset_index(drop=True)
    )
    feedback, feedback_topics = _feedback(rng, customers)
    truth = customers[["customer_id", "persona", "churned"]].copy()
    public = customers.drop(columns=["persona", "churned", "active_days_span"])
    return {
        "customers": public,
        "events": events,
        "feedback": feedback,
        "truth": truth,
        "feedback_topics": feedback_topics,
    }


def write_csvs(
    folder: str | Path, *, seed: int = 7, n_customers: int = 1000, frames: dict[str, pd.DataFrame] | None = None
) -> dict[str, Path]:
    """Write customers.csv, events.csv and feedback.csv (ingestible as they are) into ``folder``.

    ``frames`` (from :func:`generate`) are written instead of generating them again.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    frames = frames or generate(seed=seed, n_customers=n_customers)
    paths = {}
    for name in ("customers", "events", "feedback"):
        path = folder / f"{name}.csv"
        frames[name].to_csv(path, index=False, date_format="%Y-%m-%d %H:%M:%S")
        paths[name] = path
    return paths


def write_true_themes(store, frames: dict[str, pd.DataFrame]) -> None:
    """Store the planted topics as themes (``themes`` + ``feedback_themes``, level 1).

    Lets usage's "ask why" and personas be checked against the truth without depending on the themes stage (which
    would replace these rows when it runs). ``store`` is an :class:`empathic.store.Store` holding the ingested
    feedback.
    """
    topics = frames["feedback_topics"]
    names = sorted({t for row in topics["topics"] for t in row.split(";")})
    theme_rows = pd.DataFrame(
        {"theme_id": [f"planted_{t}" for t in names], "label": [t.replace("_", " ") for t in names]}
    )
    links = topics.assign(topic=topics["topics"].str.split(";")).explode("topic")
    links = pd.DataFrame({"feedback_id": links["response_id"], "theme_id": "planted_" + links["topic"]})
    with store.write() as con:
        con.register("planted_themes", theme_rows)
        con.register("planted_links", links)
        con.execute("DELETE FROM feedback_themes WHERE theme_id LIKE 'planted_%'")
        con.execute("DELETE FROM themes WHERE theme_id LIKE 'planted_%'")
        con.execute(
            "INSERT INTO themes (theme_id, parent_id, level, label, status, is_other) "
            "SELECT theme_id, NULL, 1, label, 'active', false FROM planted_themes"
        )
        con.execute(
            "INSERT INTO feedback_themes (feedback_id, theme_id, level, is_primary, n_mentions) "
            "SELECT DISTINCT l.feedback_id, l.theme_id, 1, false, 1 FROM planted_links l "
            "JOIN feedback f ON f.feedback_id = l.feedback_id"
        )
        con.unregister("planted_themes")
        con.unregister("planted_links")


def build_workspace(path: str | Path, *, seed: int = 7, n_customers: int = 1000, true_themes: bool = False):
    """Write the CSVs beside ``path``, ingest them into a new workspace and return it (not yet analysed).

    ``true_themes`` also stores the planted topics as themes (see :func:`write_true_themes`).
    """
    from empathic.workspace import Workspace

    path = Path(path)
    frames = generate(seed=seed, n_customers=n_customers)
    paths = write_csvs(path.parent / f"{path.stem}_csv", frames=frames)
    ws = Workspace.open(path)
    ws.ingest(paths["customers"], kind="customers", customer="customer_id", date="signup_at")
    ws.ingest(paths["events"], kind="events", customer="customer_id", date="timestamp", event="event")
    ws.ingest(
        paths["feedback"],
        kind="feedback",
        id="response_id",
        text="comment",
        customer="customer_id",
        date="created_at",
        score="nps",
    )
    if true_themes:
        write_true_themes(ws.store, frames)
    return ws
