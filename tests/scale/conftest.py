"""One local Spark session for the Spark tests of a module: 127.0.0.1 only, no UI, two cores, one retry.

Skips cleanly when pyspark or Java is missing (``pip install "empathic[spark]"``; Java from
``scripts/install-system-deps.sh``).
"""

from __future__ import annotations

import shutil

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
