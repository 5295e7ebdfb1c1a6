"""A real Spark session on local[2], shared by the Spark tests (skipped when pyspark or Java is missing: CI
installs both, see .ci/run)."""

from __future__ import annotations

import shutil

import pytest


@pytest.fixture(scope="session")
def spark():
    pytest.importorskip("pyspark", reason="the spark extra is not installed: pip install -e '.[spark]'")
    if shutil.which("java") is None:
        pytest.skip("no Java on PATH (apt-get install default-jre-headless)")
    from newstrace.spark.session import get_session

    session = get_session("local[2]", app="newstrace-tests", partitions=2,
                          conf={"spark.ui.enabled": "false", "spark.driver.memory": "2g"})
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
