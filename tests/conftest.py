"""Shared test set-up: one fixed date, and the optional real parts (PostgreSQL, Spark, Chromium).

A test that needs a part this machine lacks skips with a clear message on a laptop; with
DIVERT_REQUIRE_ALL=1 (set by CI) the same situation is a failure, so CI always runs everything.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

AS_OF = date(2026, 7, 2)
REPO = Path(__file__).resolve().parents[1]
FILINGS = REPO / "data" / "phl_filings_2021-08_2022-01.csv"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REQUIRE_ALL = os.environ.get("DIVERT_REQUIRE_ALL") == "1"


def missing_part(reason: str) -> None:
    """Skip on a laptop, fail in CI: a missing part must never pass silently there."""
    if REQUIRE_ALL:
        pytest.fail(f"{reason} (DIVERT_REQUIRE_ALL=1: CI must run every test)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def no_ambient_audit_key() -> Iterator[None]:
    """Tests that want an audit key pass their own: an empty DIVERT_AUDIT_KEY_FILE switches
    off the var/audit.key default, so a key left by a demo (or a test that runs one) in the
    working folder cannot change what another test's chain looks like."""
    before = os.environ.get("DIVERT_AUDIT_KEY_FILE")
    os.environ["DIVERT_AUDIT_KEY_FILE"] = ""
    yield
    if before is None:
        os.environ.pop("DIVERT_AUDIT_KEY_FILE", None)
    else:
        os.environ["DIVERT_AUDIT_KEY_FILE"] = before


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get("DIVERT_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    try:
        import sqlalchemy

        engine = sqlalchemy.create_engine(url)
        with engine.connect() as conn:
            conn.execute(sqlalchemy.text("select 1"))
        engine.dispose()
    except Exception as exc:  # any driver or connection failure means the part is missing
        missing_part(
            f"PostgreSQL at {url} is not reachable ({exc}); "
            "set DIVERT_TEST_POSTGRES_URL to a server you can use"
        )
    return url


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        missing_part("PySpark is not installed: pip install 'divert[spark]'")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        missing_part("Java is not installed: Spark needs Java 17")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("divert-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    missing_part("headless Chromium is not installed: apt-get install chromium chromium-driver")
    raise AssertionError("unreachable")
