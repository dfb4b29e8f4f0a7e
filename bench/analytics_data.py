# ruff: noqa: E501 - long SQL lines read better unbroken in this generator
"""Synthetic N-comment workspace for the analytics speed benchmark, generated entirely in DuckDB SQL.

Deterministic (hash-based pseudo-randomness, no RNG state): 30 themes, ~2 mentions per comment (one sentence
each), NPS + CSAT, three attributes (plan, region, channel), one year of dates, sentence and comment sentiment.
Theme 0 lowers NPS, theme 1 is over-represented on plan 'basic' — so the results are not all noise.

    .venv/bin/python bench/analytics_data.py /tmp/bench1m.empathic --n 1000000
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from empathic.store import Store

N_THEMES = 30


def u(expr: str, salt: str) -> str:
    """A deterministic uniform [0, 1) from a hash of ``expr`` and a salt (SQL expression)."""
    return f"((hash({expr}, '{salt}') % 1000003) / 1000003.0)"


def build(path: Path, n: int) -> Store:
    if path.exists():
        path.unlink()
    store = Store(path)
    with store.write() as con:
        con.execute(
            f"""CREATE TEMP TABLE base AS SELECT i, 'c' || lpad(CAST(i AS VARCHAR), 8, '0') AS fid,
            CAST(floor({u("i", "t1")} * {N_THEMES}) AS INTEGER) AS t1,
            CAST(floor({u("i", "t2")} * {N_THEMES}) AS INTEGER) AS t2,
            {u("i", "two")} < 0.6 AS has_two,
            CASE WHEN {u("i", "plan")} < 0.4 THEN 'basic' WHEN {u("i", "plan")} < 0.8 THEN 'pro' ELSE 'enterprise' END
                AS plan
            FROM range({n}) r(i)"""
        )
        con.execute(  # theme 1 twice as often on basic: re-draw t1 = 1 for 4 % of basic comments
            f"UPDATE base SET t1 = 1 WHERE plan = 'basic' AND {u('i', 'boost')} < 0.04"
        )
        con.execute(
            f"""INSERT INTO feedback SELECT fid, 'bench', 'u' || (i % 50000),
            'theme ' || t1 || ' words here' || CASE WHEN has_two AND t2 <> t1 THEN '. and theme ' || t2 ELSE '' END
              || ' refund delivery app price staff'[1 + CAST({u("i", "w")} * 25 AS INTEGER):],
            TIMESTAMP '2024-01-01' + to_seconds(CAST({u("i", "d")} * 365 * 86400 AS BIGINT)), fid,
            TIMESTAMP '2025-01-01' FROM base"""
        )
        con.execute(
            f"""INSERT INTO feedback_scores SELECT fid, 'nps', 'nps', 0, 10,
            CASE WHEN t1 = 0 OR (has_two AND t2 = 0) THEN floor({u("i", "s")} * 8)
                 ELSE floor({u("i", "s")} * 11) END FROM base
            UNION ALL SELECT fid, 'csat', 'csat', 1, 5, 1 + floor({u("i", "c")} * 5) FROM base"""
        )
        con.execute(
            f"""INSERT INTO feedback_attributes SELECT fid, 'plan', plan FROM base
            UNION ALL SELECT fid, 'region', ['north', 'south', 'east', 'west'][1 + CAST(floor({u("i", "r")} * 4) AS INTEGER)]
              FROM base
            UNION ALL SELECT fid, 'channel', ['web', 'app', 'email'][1 + CAST(floor({u("i", "ch")} * 3) AS INTEGER)]
              FROM base"""
        )
        con.execute(
            """CREATE TEMP TABLE mention AS
            SELECT fid, 0 AS idx, t1 AS t FROM base
            UNION ALL SELECT fid, 1, t2 FROM base WHERE has_two AND t2 <> t1"""
        )
        con.execute("INSERT INTO sentences SELECT fid, idx, 'theme ' || t, 0, 10 FROM mention")
        con.execute(
            f"""INSERT INTO themes SELECT 't' || lpad(CAST(k AS VARCHAR), 2, '0'), NULL, 1, 'theme ' || k, 0, 0, 0,
            false, CASE WHEN k = 29 THEN 'emerging' ELSE 'active' END, '[]', '[]', now(), now()
            FROM range({N_THEMES}) r(k)"""
        )
        con.execute(
            "INSERT INTO sentence_themes SELECT fid, idx, 't' || lpad(CAST(t AS VARCHAR), 2, '0'), NULL, 0.8 FROM mention"
        )
        con.execute(
            "INSERT INTO feedback_themes SELECT fid, 't' || lpad(CAST(t AS VARCHAR), 2, '0'), 1, idx = 0, 1 FROM mention"
        )
        con.execute(
            f"""INSERT INTO sentence_feelings SELECT fid, idx, 2 * {u("fid || idx", "sent")} - 1 - CAST(t = 0 AS INTEGER) * 0.5,
            'neutral', '', '{{}}', 'says_does', false, false, 'other' FROM mention"""
        )
        con.execute(
            """INSERT INTO feedback_feelings SELECT feedback_id, avg(sentiment),
            CASE WHEN avg(sentiment) < -0.2 THEN 'negative' WHEN avg(sentiment) > 0.2 THEN 'positive' ELSE 'neutral' END,
            '', '{}', 'says_does', 'other', false FROM sentence_feelings GROUP BY feedback_id"""
        )
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--n", type=int, default=1_000_000)
    args = parser.parse_args()
    t0 = time.perf_counter()
    store = build(args.path, args.n)
    print(f"built {store.count('feedback'):,} comments, {store.count('feedback_themes'):,} mentions "
          f"in {time.perf_counter() - t0:.1f} s")  # fmt: skip
    store.close()


if __name__ == "__main__":
    main()
