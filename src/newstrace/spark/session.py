"""The SparkSession a run uses: ``local[*]`` unless told otherwise, Arrow on, Python workers reused (so each
keeps its loaded spaCy pipeline between tasks) and the driver's own Python for the workers (the venv that has
newstrace installed)."""

from __future__ import annotations

import os
import sys
from typing import Any

DEFAULT_MASTER = "local[*]"


class SparkMissing(RuntimeError):
    """pyspark (the ``spark`` extra) or Java is not installed."""


def require_pyspark() -> None:
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise SparkMissing("pyspark is not installed: pip install 'newstrace[spark]' (and Java 17+, e.g. "
                           "apt-get install default-jre-headless)") from exc


def get_session(master: str | None = None, *, app: str = "newstrace", partitions: int | None = None,
                conf: dict[str, str] | None = None) -> Any:
    """A SparkSession on ``master`` (an existing one is reused, as under ``spark-submit``)."""
    require_pyspark()
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app)
    if master:
        builder = builder.master(master)
    elif not os.environ.get("SPARK_HOME") and "spark.master" not in (conf or {}):
        builder = builder.master(DEFAULT_MASTER)
    settings = {
        "spark.python.worker.reuse": "true",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.sql.session.timeZone": "UTC",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.sources.partitionOverwriteMode": "static",
    }
    if partitions:
        settings["spark.sql.shuffle.partitions"] = str(partitions)
    settings.update(conf or {})
    for key, value in settings.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()
