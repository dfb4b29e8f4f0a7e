"""One local Spark session for the Spark tests of a module: 127.0.0.1 only, no UI, two cores, one retry.

Skips cleanly when pyspark or Java is missing (``pip install "empathic[spark]"``; Java from
``scripts/install-system-deps.sh``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def spark():
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Spark needs Java (scripts/install-system-deps.sh installs openjdk-17-jre-headless)")
    from empathic.scale.spark import spark_session

    # local[2,2]: two cores, and a failed task is tried once more (local mode does not retry by default)
    session = spark_session(
        "local[2,2]",
        app_name="empathic-tests",
        conf={"spark.sql.shuffle.partitions": "4", "spark.default.parallelism": "2"},
    )
    yield session
    session.stop()


@pytest.fixture(scope="session")
def scored_workspace(tmp_path_factory) -> Path:
    """The subscription sample (60 customers, 13k events) analysed by the local pipeline, plus a 1–5 CSAT and a
    0–10 rating with gaps (every score kind): shared by the DuckDB-vs-Spark agreement tests."""
    import zlib

    from empathic.sample.subscription import build_workspace
    from empathic.workspace import Workspace

    path = tmp_path_factory.mktemp("agree") / "w.empathic"
    build_workspace(path, n_customers=60).close()
    with Workspace.open(path) as ws:
        ws.analyze()
        fids = ws.sql("SELECT feedback_id FROM feedback ORDER BY 1").feedback_id.tolist()
        rows = []
        for fid in fids:
            h = zlib.crc32(fid.encode())
            rows.append((fid, "csat_q", "csat", 1.0, 5.0, float(1 + h % 5)))
            if h % 7:  # some comments without a rating
                rows.append((fid, "stars", "rating", 0.0, 10.0, float(h % 11)))
        with ws.store.write() as con:
            con.executemany(
                "INSERT INTO feedback_scores (feedback_id, name, kind, scale_min, scale_max, value) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
    return path
