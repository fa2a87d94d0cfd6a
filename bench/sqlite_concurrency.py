"""Concurrent use of the embedded SQLite default: the `make run` configuration under parallel requests.

    cd /work/main && .venv/bin/python bench/sqlite_concurrency.py [--rounds 3]

Serves a fresh file database with `manage.py runserver` (as `make run` does), signs one coordinator in and,
each round, sends 16 parallel page views and 8 parallel check-in taps from that one session, every request
writing the session's "last seen". Prints each burst's answers and wall time. Target: no 5xx.
(Before WAL mode, IMMEDIATE transactions and the busy timeout: 8 of 16 page views and most taps failed.)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))

from tests.sqlite_server import SqliteServer  # noqa: E402  (after the path is set)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    failures = 0
    with SqliteServer(seniors=8 * args.rounds) as server:
        print(f"journal_mode={server.info['journal_mode']}")
        taps = list(server.info["taps"])
        for n in range(args.rounds):
            views = server.page_views(16)
            server.info["taps"] = taps[8 * n : 8 * (n + 1)]
            checkins = server.check_in_taps()
            print(f"round {n + 1}: {views.summary('16 GETs')}; {checkins.summary('8 check-in POSTs')}")
            failures += sum(1 for status in views.statuses + checkins.statuses if status >= 500 or status == 0)
    print(f"5xx or no answer: {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
