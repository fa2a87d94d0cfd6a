"""The embedded SQLite default takes concurrent use without a 500 ("database is locked").

The `make run` configuration (runserver, DJANGO_ENV=development) on a file database: one coordinator's
session sends 16 parallel page views and 8 parallel check-in taps, every request writing the session's
"last seen". Before WAL mode, IMMEDIATE transactions and the busy timeout (sks/settings.py) 5 to 6 of the
8 taps answered 500; `bench/sqlite_concurrency.py` prints the figures.
"""

from __future__ import annotations

import pytest
from django.conf import settings

from matching.enums import AttendanceStatus
from tests.sqlite_server import SqliteServer

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="the embedded SQLite default only: PostgreSQL has its own concurrency",
)


@pytest.fixture(scope="module")
def server():
    with SqliteServer(seniors=8) as running:
        yield running


def test_sqlite_default_runs_in_wal_mode(server):
    assert server.info["journal_mode"] == "wal"


def test_sqlite_sixteen_parallel_page_views_of_one_session_all_answer_200(server):
    burst = server.page_views(16)

    print(burst.summary("16 GETs"))
    assert (burst.statuses, burst.errors) == ([200] * 16, [])


def test_sqlite_eight_parallel_check_in_taps_all_succeed(server):
    burst = server.check_in_taps()

    print(burst.summary("8 check-in POSTs"))
    assert (burst.statuses, burst.errors) == ([302] * 8, [])
    status, body = server.request("GET", server.info["checkin"])
    assert status == 200
    assert body.count(f"checkin-status-{AttendanceStatus.CHECKED_IN}") == 8


def test_sqlite_settings_take_immediate_transactions_and_wait():
    options = settings.DATABASES["default"]["OPTIONS"]

    assert (options["transaction_mode"], options["timeout"], options["init_command"]) == (
        "IMMEDIATE",
        20,
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    )
