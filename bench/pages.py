"""Server time of the typical signed-in pages, in process: what a page costs the server, without HTTP.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sks_bench_load .venv/bin/python bench/pages.py
    .venv/bin/python bench/pages.py --repeat 400 --profile "senior dashboard"   # where one page's time goes
    .venv/bin/python bench/pages.py --queries "senior dashboard"                # its SQL statements, with ms

Runs on bench/load.py's database (100,000 seniors plus the demo data; run bench/load.py once first, which
creates and seeds it) with production's settings (`DJANGO_ENV=production`: DEBUG off, cached templates,
the Redis cache). Signs in the demo senior and the demo coordinator (`force_login`, then the pages as the
browser asks for them) and sends each page `--repeat` GETs through Django's test Client, after `--warm`
unmeasured ones. Prints, for each page: median and p95 server time in ms, the median CPU time of the Django
process (without the database server's: steadier than wall time on a busy machine), the median time inside
template rendering (with the queries a template runs lazily), the number of SQL statements and their total
ms, and the median against `--baseline` when given (a JSON file an earlier run wrote with `--save`), so
that "at most half of today's" is a figure, not an impression. Two floor rows follow the pages: `/healthz`
signed in (the session, the user and the middleware, no page at all). To compare two commits:

    .venv/bin/python bench/pages.py --save /tmp/pages-before.json          # on the old commit
    .venv/bin/python bench/pages.py --baseline /tmp/pages-before.json      # on the new one

Exit status 1 when a page does not answer 200. Not a test: it refuses to run inside pytest.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import os
import pstats
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/sks_bench_load"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
SENIOR = "senior@demo.sks.example.jp"
COORDINATOR = "coordinator@demo.sks.example.jp"


def _setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    os.environ["DJANGO_ENV"] = "production"
    os.environ.setdefault("SECRET_KEY", "bench-pages-" + hashlib.sha256(url.encode()).hexdigest())
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    os.environ.setdefault("SITE_URL", "http://testserver")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "False")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sks.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)  # production's manifest storage needs them


def _pages(coordinator: Any) -> list[tuple[str, str, str]]:
    """(label, who, path) of the pages the issue names, plus the senior search."""
    # The coordinator's event page: the first event on their list, as bench/load.py picks it.
    listing = coordinator.get("/events/manage/").content.decode()
    match = re.search(r'href="(/events/manage/\d+/)"', listing)
    if not match:
        raise RuntimeError("no event on the coordinator's event list: run bench/load.py once to seed its database")
    event_path = match.group(1)
    from django.urls import reverse

    return [
        ("senior dashboard", "senior", reverse("dashboard")),
        ("senior event list", "senior", "/events/apply/"),
        ("coordinator dashboard", "coordinator", reverse("dashboard")),
        ("coordinator event list", "coordinator", "/events/manage/"),
        ("coordinator event page", "coordinator", event_path),
        ("senior search ?q=販路", "coordinator", "/seniors/search/?q=%E8%B2%A9%E8%B7%AF"),
        # The floor under every signed-in page: the session, the user, the middleware, no template.
        ("floor: senior /healthz", "senior", "/healthz"),
        ("floor: coordinator /healthz", "coordinator", "/healthz"),
    ]


# Time inside template rendering (outermost Template.render calls, queries run lazily by the template
# included), added up per request by _measure: what is left of a page's time is Python outside the templates.
_TEMPLATE_SECONDS = [0.0]


def _time_templates() -> None:
    from django.template import base

    render = base.Template.render
    depth = [0]

    def timed(self: Any, context: Any) -> Any:
        depth[0] += 1
        started = time.perf_counter()
        try:
            return render(self, context)
        finally:
            depth[0] -= 1
            if depth[0] == 0:
                _TEMPLATE_SECONDS[0] += time.perf_counter() - started

    base.Template.render = timed  # type: ignore[method-assign]  # a benchmark's instrument, never in the app


def _client(email: str) -> Any:
    from django.test import Client

    from participants.models import User

    client = Client(SERVER_NAME="testserver", secure=True)
    client.force_login(User.objects.get(email=email))
    return client


def _measure(client: Any, path: str, repeat: int, warm: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warm):
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
    times: list[float] = []
    cpu: list[float] = []
    templates: list[float] = []
    for _ in range(repeat):
        _TEMPLATE_SECONDS[0] = 0.0
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        templates.append(_TEMPLATE_SECONDS[0] * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    sql_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
    times.sort()
    return {
        "median": statistics.median(times),
        "cpu": statistics.median(cpu),
        "templates": statistics.median(templates),
        "p95": times[min(len(times) - 1, int(len(times) * 0.95))],
        "statements": len(queries.captured_queries),
        "sql_ms": sql_ms,
    }


def main() -> int:
    if "pytest" in sys.modules:
        print("bench/pages.py is a benchmark, not a test", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--warm", type=int, default=20)
    parser.add_argument("--only", default="", help="comma-separated parts of page labels to run")
    parser.add_argument("--save", default="", help="write the medians to this JSON file")
    parser.add_argument("--baseline", default="", help="compare with the medians of an earlier --save")
    parser.add_argument("--profile", default="", help="profile this page (its label) and print the top functions")
    parser.add_argument("--queries", default="", help="print this page's (its label) SQL statements and their ms")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        print("DATABASE_URL must point at PostgreSQL (bench/load.py's database)", file=sys.stderr)
        return 2
    _setup(url)
    _time_templates()
    # The test Client needs a connection that keeps its settings; production settings keep connections
    # open between requests (CONN_MAX_AGE), so every request below runs on the same one.
    clients = {"senior": _client(SENIOR), "coordinator": _client(COORDINATOR)}
    pages = _pages(clients["coordinator"])
    if args.only:
        wanted = [w.strip() for w in args.only.split(",") if w.strip()]
        pages = [p for p in pages if any(w in p[0] for w in wanted)]
    if args.queries:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        label, who, path = next(p for p in pages if p[0] == args.queries)
        for _ in range(args.warm):
            clients[who].get(path)
        with CaptureQueriesContext(connection) as queries:
            clients[who].get(path)
        for query in queries.captured_queries:
            print(f"{float(query['time']) * 1000:7.1f} ms  {query['sql'][:160]}")
        return 0
    if args.profile:
        label, who, path = next(p for p in pages if p[0] == args.profile)
        client = clients[who]
        for _ in range(args.warm):
            client.get(path)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.repeat):
            client.get(path)
        profiler.disable()
        stats = pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative"))
        stats.print_stats(int(os.environ.get("TOP", "60")))
        return 0
    baseline: dict[str, float] = json.loads(Path(args.baseline).read_text()) if args.baseline else {}
    header = f"{'page':<30}{'median ms':>10}{'p95 ms':>9}{'CPU ms':>8}{'tpl ms':>8}{'SQL':>5}{'SQL ms':>8}"
    if baseline:
        header += f"{'before':>9}{'now/before':>12}"
    print(f"in-process server time, DJANGO_ENV=production, {args.repeat} GETs per page; load {_load()}")
    print(header)
    print("-" * len(header))
    medians: dict[str, float] = {}
    for label, who, path in pages:
        figures = _measure(clients[who], path, args.repeat, args.warm)
        medians[label] = figures["median"]
        line = (
            f"{label:<30}{figures['median']:>10.2f}{figures['p95']:>9.2f}{figures['cpu']:>8.2f}"
            f"{figures['templates']:>8.2f}{figures['statements']:>5}{figures['sql_ms']:>8.2f}"
        )
        if label in baseline:
            line += f"{baseline[label]:>9.2f}{figures['median'] / baseline[label]:>12.2f}"
        print(line, flush=True)
    if args.save:
        Path(args.save).write_text(json.dumps(medians, ensure_ascii=False, indent=1))
    return 0


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
