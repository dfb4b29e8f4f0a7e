""" "Ask why": which themes, emotions and empathy-map statements over- or under-index in a behavioural group's
feedback — and the reverse, how customers who mention a theme behave.

The unit is a **customer** with usage and at least one linked comment; a customer "mentions" an item when any of
their comments does. (Counting comments instead would treat a chatty customer's five comments as five independent
observations and report patterns in shuffled data.) Feedback without a customer id, and customers without
feedback, take no part (they cannot link words to behaviour). For each group and item we compare the share of the
group's customers who mention the item with the share among the other customers: lift, a pooled two-proportion
z-test and Benjamini–Hochberg q-values over all items of that group.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from empathic.errors import InputError
from empathic.stats import benjamini_hochberg, moments_variance, two_proportion_test, welch_test
from empathic.usage.settings import UsageSettings

WHY_COLUMNS = [
    "group_kind",
    "group_value",
    "item_kind",
    "item",
    "label",
    "n_group",
    "n_rest",
    "k_group",
    "k_rest",
    "share_group",
    "share_rest",
    "lift",
    "p_value",
    "q_value",
    "significant",
    "direction",
]


def ask_why(
    comments: pd.DataFrame,
    mentions: pd.DataFrame,
    members: pd.DataFrame,
    *,
    min_count: int = 5,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Over/under-indexing items for every group in ``members``.

    Args:
        comments: ``(feedback_id, customer_id)`` — the comments that can be linked (the universe).
        mentions: ``(feedback_id, item_kind, item, label)`` — one row per comment × item it mentions.
        members: ``(group_kind, group_value, customer_id)`` — who is in each group; the rest of the universe is
            the comparison.
        min_count: items mentioned by fewer customers in total are not tested (``p_value`` NaN).
        alpha: false-discovery rate for ``significant``.

    Returns:
        one row per group × item with :data:`WHY_COLUMNS` (``n_``/``k_`` count customers), most significant first
        within a group.
    """
    if comments.empty or mentions.empty or members.empty:
        return pd.DataFrame(columns=WHY_COLUMNS)
    comments = comments.drop_duplicates("feedback_id")
    speakers = pd.Series(sorted(comments["customer_id"].astype(str).unique()))
    linked = mentions.merge(comments, on="feedback_id").drop_duplicates(["customer_id", "item_kind", "item"])
    labels = mentions.groupby(["item_kind", "item"], sort=True)["label"].first()
    frames = []
    for (kind, value), grp in members.groupby(["group_kind", "group_value"], sort=True):
        in_group = set(grp["customer_id"])
        is_member = speakers.isin(in_group)
        n_group, n_rest = int(is_member.sum()), int((~is_member).sum())
        hit = linked["customer_id"].isin(in_group)
        k = linked.assign(g=hit, r=~hit).groupby(["item_kind", "item"], sort=True)[["g", "r"]].sum()
        frame = pd.DataFrame(
            {
                "group_kind": kind,
                "group_value": value,
                "item_kind": k.index.get_level_values(0),
                "item": k.index.get_level_values(1),
                "label": labels.reindex(k.index).to_numpy(),
                "n_group": n_group,
                "n_rest": n_rest,
                "k_group": k["g"].to_numpy(int),
                "k_rest": k["r"].to_numpy(int),
            }
        )
        frames.append(_test(frame, min_count, alpha))
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(
        ["group_kind", "group_value", "q_value", "p_value", "item_kind", "item"], na_position="last", kind="mergesort"
    ).reset_index(drop=True)[WHY_COLUMNS]


def _test(frame: pd.DataFrame, min_count: int, alpha: float) -> pd.DataFrame:
    """Add shares, lift, p, BH q, significance and direction to one group's counts."""
    with np.errstate(invalid="ignore", divide="ignore"):
        frame["share_group"] = frame["k_group"] / frame["n_group"].replace(0, np.nan)
        frame["share_rest"] = frame["k_rest"] / frame["n_rest"].replace(0, np.nan)
    lift, _z, p = two_proportion_test(frame["k_group"], frame["n_group"], frame["k_rest"], frame["n_rest"])
    p = np.where(frame["k_group"] + frame["k_rest"] >= min_count, p, np.nan)
    frame["lift"] = lift
    frame["p_value"] = p
    frame["q_value"] = benjamini_hochberg(p)
    frame["significant"] = np.nan_to_num(frame["q_value"].to_numpy(float), nan=1.0) <= alpha
    frame["direction"] = np.where(frame["share_group"] >= frame["share_rest"], "over", "under")
    return frame


# -- reading the inputs from a workspace connection -------------------------------------------------------------
def _has(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    rows = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]).fetchall()
    return bool(rows and rows[0][0])


def load_comments(con: duckdb.DuckDBPyConnection, *, need_usage: bool = True) -> pd.DataFrame:
    """Comments whose customer has usage: ``(feedback_id, customer_id)``; with ``need_usage=False`` every comment
    with a customer id (groups of customer attributes need no usage)."""
    if not need_usage:
        return con.sql("""SELECT feedback_id, customer_id FROM feedback WHERE customer_id IS NOT NULL
                          ORDER BY feedback_id""").df()
    return con.sql("""SELECT f.feedback_id, f.customer_id FROM feedback f
                      JOIN usage_customers u ON u.customer_id = f.customer_id ORDER BY f.feedback_id""").df()


def load_mentions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every comment × (theme | emotion | quadrant | pain | gain) it mentions, from whichever tables have rows."""
    parts = []
    if _has(con, "feedback_themes") and _has(con, "themes"):
        parts.append("""SELECT ft.feedback_id, 'theme' AS item_kind, ft.theme_id AS item, t.label
                        FROM feedback_themes ft JOIN themes t USING (theme_id)
                        WHERE ft.level = 1 AND coalesce(t.status, 'active') <> 'deleted'""")
    if _has(con, "feedback_emotions"):
        parts.append("SELECT feedback_id, 'emotion', emotion, emotion FROM feedback_emotions")
    if _has(con, "sentence_feelings"):
        parts.append("""SELECT DISTINCT feedback_id, 'quadrant', quadrant, replace(quadrant, '_', ' & ')
                        FROM sentence_feelings WHERE quadrant IS NOT NULL
                        UNION ALL SELECT DISTINCT feedback_id, 'quadrant', 'pains', 'pains'
                        FROM sentence_feelings WHERE pain
                        UNION ALL SELECT DISTINCT feedback_id, 'quadrant', 'gains', 'gains'
                        FROM sentence_feelings WHERE gain""")
    if not parts:
        return pd.DataFrame(columns=["feedback_id", "item_kind", "item", "label"])
    return con.sql(" UNION ALL ".join(f"({p})" for p in parts)).df()


#: group name accepted by :func:`parse_group` → SQL selecting (group_kind, group_value, customer_id).
GROUP_SQL = {
    "status": "SELECT 'status', status, customer_id FROM usage_customers",
    "time_used": "SELECT 'time_used', time_used_group, customer_id FROM usage_customers "
    "WHERE time_used_group IN ('low', 'high')",
    "daypart": "SELECT 'daypart', peak_daypart, customer_id FROM usage_customers WHERE peak_daypart IS NOT NULL",
    "cohort": "SELECT 'cohort', cohort, customer_id FROM usage_customers",
    "feature": """SELECT DISTINCT 'feature', e.event, CAST(e.customer_id AS VARCHAR) FROM events e
                  JOIN usage_customers u ON u.customer_id = CAST(e.customer_id AS VARCHAR)
                  WHERE e.event IN (SELECT event FROM usage_features WHERE adoption < 0.98)""",
    "top": """SELECT 'top', 'top 10%', customer_id FROM (SELECT customer_id, ntile(10) OVER (ORDER BY
              coalesce(value_total, 0) DESC, n_sessions DESC, customer_id) AS d FROM usage_customers) WHERE d = 1""",
    "early_adopters": """SELECT 'early_adopters', 'earliest 10%', customer_id FROM (SELECT customer_id,
              ntile(10) OVER (ORDER BY coalesce(signup_at, first_seen), customer_id) AS d FROM usage_customers)
              WHERE d = 1""",
}

#: Friendly names for one group: ``why --group churned`` etc.
ALIASES = {
    "churned": ("status", "churned"),
    "at_risk": ("status", "at_risk"),
    "active": ("status", "active"),
    "retained": ("status", "active"),
    "low_usage": ("time_used", "low"),
    "high_usage": ("time_used", "high"),
    "top": ("top", None),
    "early_adopters": ("early_adopters", None),
}


#: Customers in each value of an attribute (a customer attribute such as ``plan`` from a CRM file, or an attribute
#: of their comments): ``why plan:Enterprise``.
ATTRIBUTE_GROUP_SQL = """SELECT DISTINCT a.name, a.value, f.customer_id FROM comment_attributes a
                         JOIN feedback f USING (feedback_id) WHERE f.customer_id IS NOT NULL AND a.name = ?"""


def parse_group(spec: str, attributes: list[str] | tuple[str, ...] = ()) -> tuple[str, str | None]:
    """``'churned'`` → ``('status', 'churned')``; ``'feature:export'`` → ``('feature', 'export')``;
    ``'cohort'`` → ``('cohort', None)`` (every value); ``'plan:Enterprise'`` → ``('plan', 'Enterprise')`` when
    ``plan`` is one of ``attributes`` (the built-in group names win over an attribute of the same name)."""
    if spec in ALIASES:
        return ALIASES[spec]
    kind, _, value = spec.partition(":")
    if kind not in GROUP_SQL:
        by_lower = {a.lower(): a for a in attributes}
        if kind.lower() in by_lower:
            return by_lower[kind.lower()], (value or None)
        choices = ", ".join([*ALIASES, *(f"{k}[:VALUE]" for k in GROUP_SQL), *(f"{a}:VALUE" for a in attributes)])
        raise InputError(f"unknown group {spec!r}", hint=f"choose one of: {choices}")
    return kind, (value or None)


def load_members(con: duckdb.DuckDBPyConnection, kinds: list[tuple[str, str | None]]) -> pd.DataFrame:
    """``(group_kind, group_value, customer_id)`` for the requested groups (value None = every value); a kind
    that is not a built-in group is an attribute name."""
    frames = []
    for kind, value in kinds:
        df = con.sql(GROUP_SQL[kind]).df() if kind in GROUP_SQL else con.execute(ATTRIBUTE_GROUP_SQL, [kind]).df()
        df.columns = ["group_kind", "group_value", "customer_id"]
        if value is not None:
            exact = df["group_value"] == value
            # attribute values are matched case-insensitively when no value matches exactly (plan:enterprise)
            if kind not in GROUP_SQL and not exact.any():
                exact = df["group_value"].astype(str).str.lower() == value.lower()
            df = df[exact]
        frames.append(df)
    return (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=["group_kind", "group_value", "customer_id"])
    )


def attribute_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Attribute names usable as ``why`` groups: those of comments and of their customers."""
    if not _has(con, "comment_attributes"):
        return []
    return [r[0] for r in con.execute("SELECT DISTINCT name FROM comment_attributes ORDER BY name").fetchall()]


def needs_usage(con: duckdb.DuckDBPyConnection, group: str) -> bool:
    """Whether ``group`` is a usage group (status, feature…) rather than an attribute one."""
    return parse_group(group, attribute_names(con))[0] in GROUP_SQL


def why_for(con: duckdb.DuckDBPyConnection, groups: list[str], settings: UsageSettings) -> pd.DataFrame:
    """Ask why for named groups (see :func:`parse_group`) straight from a workspace connection."""
    kinds = [parse_group(g, attribute_names(con)) for g in groups]
    comments = load_comments(con, need_usage=any(kind in GROUP_SQL for kind, _ in kinds))
    if comments.empty:  # nothing linked: skip the membership queries
        return pd.DataFrame(columns=WHY_COLUMNS)
    members = load_members(con, kinds)
    if members.empty:
        kind = kinds[0][0]
        values = sorted({str(v) for v in load_members(con, [(kind, None)])["group_value"].dropna()})[:12]
        raise InputError(
            f"no customers in group {', '.join(groups)}",
            hint=f"{kind} values in this workspace: {', '.join(values) or '(none)'}",
        )
    return ask_why(comments, load_mentions(con), members, min_count=settings.why_min_count, alpha=settings.why_alpha)


def standard_why(con: duckdb.DuckDBPyConnection, settings: UsageSettings) -> pa.Table:
    """The groups stored by the usage stage: status, time used, daypart, feature adoption, top, early adopters."""
    df = why_for(con, ["status", "time_used", "daypart", "feature", "top", "early_adopters"], settings)
    return pa.Table.from_pandas(df, preserve_index=False)


# -- the reverse: customers who mention a theme --------------------------------------------------------------
BEHAVIOUR_METRICS = ("time_used_s", "n_sessions", "active_days", "n_features")


def theme_behaviour(customers: pd.DataFrame, mentions: pd.DataFrame, *, alpha: float = 0.05) -> pd.DataFrame:
    """How customers who mention each theme behave compared with the other customers who left feedback.

    Args:
        customers: one row per customer with feedback and usage: ``customer_id, churned`` (bool) and
            :data:`BEHAVIOUR_METRICS` columns.
        mentions: ``(customer_id, item, label)`` — customer × theme mentioned.

    Returns:
        per theme: n customers, churn rate with/without, lift, p, BH q, and mean of each metric with/without plus
        Welch p-values. Sorted by churn q-value.
    """
    rows = []
    churned = customers["churned"].astype(bool).to_numpy()
    for (item, label), grp in mentions.groupby(["item", "label"], sort=True):
        has = customers["customer_id"].isin(set(grp["customer_id"])).to_numpy()
        row = {
            "theme_id": item,
            "theme": label,
            "n_customers": int(has.sum()),
            "n_others": int((~has).sum()),
            "churn_rate": churned[has].mean() if has.any() else np.nan,
            "churn_rate_others": churned[~has].mean() if (~has).any() else np.nan,
        }
        lift, _z, p = two_proportion_test(churned[has].sum(), has.sum(), churned[~has].sum(), (~has).sum())
        row.update(churn_lift=float(lift), churn_p=float(p))
        for metric in BEHAVIOUR_METRICS:
            a, b = customers.loc[has, metric].astype(float), customers.loc[~has, metric].astype(float)
            va = moments_variance(len(a), a.sum(), (a * a).sum())
            vb = moments_variance(len(b), b.sum(), (b * b).sum())
            _d, _t, pm = welch_test(len(a), a.mean(), va, len(b), b.mean(), vb)
            row.update({f"{metric}_mean": a.mean(), f"{metric}_mean_others": b.mean(), f"{metric}_p": float(pm)})
        rows.append(row)
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    out["churn_q"] = benjamini_hochberg(out["churn_p"].to_numpy())
    out["churn_significant"] = np.nan_to_num(out["churn_q"].to_numpy(float), nan=1.0) <= alpha
    return out.sort_values(["churn_q", "theme_id"], na_position="last", kind="mergesort").reset_index(drop=True)


def theme_behaviour_for(con: duckdb.DuckDBPyConnection, settings: UsageSettings) -> pd.DataFrame:
    """:func:`theme_behaviour` from a workspace connection (themes must have run)."""
    customers = con.sql(f"""SELECT u.customer_id, u.status = 'churned' AS churned,
                               {", ".join("u." + m for m in BEHAVIOUR_METRICS)}
                            FROM usage_customers u WHERE u.customer_id IN
                                 (SELECT customer_id FROM feedback WHERE customer_id IS NOT NULL)
                            ORDER BY u.customer_id""").df()
    mentions = load_mentions(con)
    mentions = (
        mentions[mentions["item_kind"] == "theme"]
        .merge(
            con.sql("SELECT feedback_id, customer_id FROM feedback WHERE customer_id IS NOT NULL").df(),
            on="feedback_id",
        )[["customer_id", "item", "label"]]
        .drop_duplicates()
    )
    return theme_behaviour(customers, mentions, alpha=settings.why_alpha)
