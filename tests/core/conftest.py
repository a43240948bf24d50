"""Fixtures for tests that start a real Celery worker in a process of its own."""

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection


@pytest.fixture
def shared_database_url(transactional_db, tmp_path: Path) -> Iterator[str]:
    """A DATABASE_URL for this test's database that another process can open.

    PostgreSQL: the test database itself. SQLite: the test database lives in this process's
    memory, so for this test it is copied to a file and this process uses the file too."""
    details = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = quote(details["USER"] or "", safe="")
        if details["PASSWORD"]:
            auth += ":" + quote(details["PASSWORD"], safe="")
        host = details["HOST"] or "localhost"
        yield f"postgres://{auth}@{host}:{details['PORT'] or 5432}/{details['NAME']}"
        return
    if connection.vendor != "sqlite":
        pytest.skip(f"No way to share a {connection.vendor} test database with a worker.")
    if not connection.is_in_memory_db():
        yield f"sqlite:///{details['NAME']}"
        return
    connection.ensure_connection()
    memory = connection.connection
    path = tmp_path / "shared.sqlite3"
    copy = sqlite3.connect(path)
    memory.backup(copy)
    copy.close()
    # Keep the in-memory database open (it disappears with its last connection) but aside.
    connection.connection = None
    in_memory_name = details["NAME"]
    details["NAME"] = str(path)
    try:
        yield f"sqlite:///{path}"
    finally:
        connection.close()
        details["NAME"] = in_memory_name
        connection.connection = memory
