"""Online Retail and CDNOW as events: retention, stickiness and time of day equal a plain pandas implementation.

The pandas reference below is written from the definitions in docs (not from the SQL) and shares no code with
empathic.usage. Skipped when /work/shared/data is absent.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from empathic.config import Settings
from empathic.progress import silent
from empathic.store import Store
from empathic.usage import stage

DATA = Path("/work/shared/data")
RETAIL = DATA / "online_retail" / "online_retail_customers_sample50.csv"
CDNOW = DATA / "cdnow_transactions" / "CDNOW_master.txt"
KEY = ["customer_id", "ts", "event", "duration_s", "value"]


def load_retail() -> pd.DataFrame:
    raw = pd.read_csv(RETAIL, dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": str})
    return pd.DataFrame(
        {
            "customer_id": raw["CustomerID"],
            "ts": pd.to_datetime(raw["InvoiceDate"]),
            "event": raw["StockCode"],
            "duration_s": np.nan,
            "value": (raw["Quantity"] * raw["UnitPrice"]).astype(float),
        }
    )


def load_cdnow() -> pd.DataFrame:
    raw = pd.read_csv(CDNOW, sep=r"\s+", dtype={"customer_id": str, "date": str})
    return pd.DataFrame(
        {
            "customer_id": raw["customer_id"],
            "ts": pd.to_datetime(raw["date"], format="%Y%m%d"),
            "event": "purchase",
            "duration_s": np.nan,
            "value": raw["dollar_value"].astype(float),
        }
    )


def analysed_store(tmp_path: Path, events: pd.DataFrame) -> Store:
    store = Store(tmp_path / "w.empathic")
    frame = events.assign(event_id=[str(i) for i in range(len(events))], source_id="test", properties=None)
    with store.write() as con:
        con.register("raw_events", frame)
        con.execute(
            "INSERT INTO events BY NAME SELECT event_id, source_id, customer_id, ts, event, duration_s, "
            "value, CAST(properties AS JSON) AS properties FROM raw_events"
        )
        con.unregister("raw_events")
    stage.run(store, Settings(usage={"time_zone": "UTC"}), silent)
    return store


# -- the independent reference ---------------------------------------------------------------------------------
def ref_retention(ev: pd.DataFrame, unit: str, max_periods: int) -> pd.DataFrame:
    ev = ev.drop_duplicates(KEY)
    if unit == "month":
        period = ev["ts"].dt.to_period("M").dt.to_timestamp()
    else:
        period = ev["ts"].dt.normalize() - pd.to_timedelta(ev["ts"].dt.day_of_week, unit="D")
    act = pd.DataFrame({"customer_id": ev["customer_id"], "p": period}).drop_duplicates()
    cohort = act.groupby("customer_id")["p"].min().rename("c")
    act = act.join(cohort, on="customer_id")

    def index(c: pd.Series, p: pd.Series) -> pd.Series:
        if unit == "month":
            return (p.dt.year - c.dt.year) * 12 + (p.dt.month - c.dt.month)
        return (p - c).dt.days // 7

    act["k"] = index(act["c"], act["p"])
    last_p = act["p"].max()
    freq = "MS" if unit == "month" else "7D"
    rows = []
    for c in pd.date_range(cohort.min(), cohort.max(), freq=freq):
        members = act[act["c"] == c]
        size = members["customer_id"].nunique()
        last_k = members.groupby("customer_id")["k"].max()
        top = int(index(pd.Series([c]), pd.Series([last_p])).iloc[0])
        for k in range(min(max_periods, top) + 1):
            on = members.loc[members["k"] == k, "customer_id"].nunique()
            after = int((last_k >= k).sum())
            for mode, n in (("on", on), ("on_or_after", after)):
                rows.append(
                    {
                        "cohort": c.strftime("%Y-%m" if unit == "month" else "%Y-%m-%d"),
                        "period": k,
                        "mode": mode,
                        "cohort_size": size,
                        "n_retained": n,
                        "rate": n / size if size else np.nan,
                    }
                )
    return pd.DataFrame(rows)


def ref_stickiness(ev: pd.DataFrame) -> pd.DataFrame:
    days = ev.assign(day=ev["ts"].dt.normalize())[["customer_id", "day"]].drop_duplicates()
    span = pd.date_range(days["day"].min(), days["day"].max(), freq="D")
    dau = days.groupby("day")["customer_id"].nunique().reindex(span, fill_value=0)
    avg_dau = dau.groupby(dau.index.strftime("%Y-%m")).mean()
    mau = days.groupby(days["day"].dt.strftime("%Y-%m"))["customer_id"].nunique()
    week = days["day"] - pd.to_timedelta(days["day"].dt.day_of_week, unit="D")
    per_week = days.assign(week=week).groupby(["customer_id", "week"]).size().reset_index(name="n")
    per_week_month = per_week.groupby(per_week["week"].dt.strftime("%Y-%m"))["n"].mean()
    out = pd.DataFrame({"mau": mau, "avg_dau": avg_dau})
    out["dau_mau"] = out["avg_dau"] / out["mau"]
    out["avg_days_active_per_week"] = per_week_month
    return out.sort_index()


def ref_time_of_day(ev: pd.DataFrame) -> pd.DataFrame:
    ev = ev.drop_duplicates(KEY)
    g = ev.groupby([ev["ts"].dt.day_of_week.rename("weekday"), ev["ts"].dt.hour.rename("hour")])
    return pd.DataFrame({"n_events": g.size(), "n_customers": g["customer_id"].nunique()}).sort_index()


# -- the comparison ----------------------------------------------------------------------------------------------
def check_against_reference(store: Store, ev: pd.DataFrame, units: tuple[str, ...]) -> None:
    for unit in units:
        want = ref_retention(ev, unit, Settings().usage.max_periods[unit]).sort_values(["mode", "cohort", "period"])
        got = store.read_df(
            "SELECT mode, cohort, period, cohort_size, n_retained, rate FROM usage_retention "
            "WHERE period_unit = ? ORDER BY mode, cohort, period",
            [unit],
        )
        assert len(got) == len(want), unit
        for col in ("mode", "cohort", "period", "cohort_size", "n_retained"):
            assert got[col].tolist() == want[col].tolist(), (unit, col)
        np.testing.assert_allclose(got["rate"].to_numpy(float), want["rate"].to_numpy(float), rtol=1e-12)
    want = ref_stickiness(ev)
    got = store.read_df("SELECT * FROM usage_stickiness ORDER BY month").set_index("month")
    assert got.index.tolist() == want.index.tolist()
    for col in ("mau", "avg_dau", "dau_mau", "avg_days_active_per_week"):
        np.testing.assert_allclose(got[col].to_numpy(float), want[col].to_numpy(float), rtol=1e-12, err_msg=col)
    want = ref_time_of_day(ev)
    got = store.read_df("SELECT weekday, hour, n_events, n_customers FROM usage_time_of_day ORDER BY 1, 2")
    assert got.set_index(["weekday", "hour"])["n_events"].tolist() == want["n_events"].tolist()
    assert got["n_customers"].tolist() == want["n_customers"].tolist()
    assert len(got) == len(want)


@pytest.mark.skipif(not RETAIL.exists(), reason="/work/shared/data/online_retail is not available")
def test_online_retail_matches_pandas(tmp_path):
    ev = load_retail()
    store = analysed_store(tmp_path, ev)
    check_against_reference(store, ev, ("month", "week"))
    jan = store.read_df(
        "SELECT cohort_size FROM usage_retention WHERE period_unit = 'month' AND cohort = '2010-12' "
        "AND period = 0 AND mode = 'on'"
    )
    assert jan["cohort_size"].iloc[0] == ev.loc[ev["ts"] < "2011-01-01", "customer_id"].nunique()
    store.close()


@pytest.mark.skipif(not CDNOW.exists(), reason="/work/shared/data/cdnow_transactions is not available")
def test_cdnow_matches_pandas(tmp_path):
    ev = load_cdnow()
    store = analysed_store(tmp_path, ev)
    check_against_reference(store, ev, ("month", "week"))
    sizes = store.read_df(
        "SELECT cohort, cohort_size FROM usage_retention WHERE period_unit = 'month' "
        "AND period = 0 AND mode = 'on' ORDER BY cohort"
    )
    assert sizes["cohort"].tolist() == ["1997-01", "1997-02", "1997-03"]  # everyone's first purchase is in Q1 1997
    assert sizes["cohort_size"].sum() == 23570
    store.close()
