"""Load benchmark: the app as production runs it, under 1, 8 and 32 parallel requests.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sks_bench_load REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/load.py                       # 100,000 seniors, 5 s per cell
    .venv/bin/python bench/load.py --seniors 2000 --seconds 2  # a quick run

Prepares its database as bench/search.py does (creates it if missing, migrates, `seed_scale --seniors N`,
which adds only what is missing) plus the demo data (`seed_demo`, when its coordinator is missing), collects
the static files (production's manifest storage needs them), then starts gunicorn with 3 workers and
`DJANGO_ENV=production` (its own SECRET_KEY, ALLOWED_HOSTS, SITE_URL, DATABASE_URL, REDIS_URL;
SECURE_SSL_REDIRECT=False, the setting production offers for plain http behind a proxy, since the bench talks
plain http to gunicorn).

It signs in through the real pages: the login form (CSRF token and cookie), and for staff the
two-factor page with the TOTP code of the demo secret. Then, for each page, it sends requests from
1, 8 and 32 threads for `--seconds` each (a new connection per request: gunicorn's sync workers close
them) and prints requests/s, p50, p95 and p99 in ms, the non-2xx count and the ratio of the page's
requests/s to a trivial view's (`/healthz`, a `SELECT 1` through the whole middleware) at the same
parallelism. The client shares the machine's cores with the server, as in issue 17's measurements.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import math
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/sks_bench_load"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
SENIOR = "senior@demo.sks.example.jp"
COORDINATOR = "coordinator@demo.sks.example.jp"


def ensure_database(url: str) -> None:
    import psycopg2

    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username, password=parts.password, dbname="postgres"
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")
    conn.close()


def _has_demo(url: str) -> bool:
    import psycopg2

    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT 1 FROM participants_user WHERE email = %s", [COORDINATOR])
        return cur.fetchone() is not None


def manage(*args: str, env: dict[str, str]) -> str:
    return subprocess.run(  # noqa: S603  (our own interpreter on our own manage.py)
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True, capture_output=True, text=True
    ).stdout


# --- a minimal HTTP client: cookies kept by hand (the session cookie is Secure in production) ----------------
class Session:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}
        self.origin = f"http://{host}:{port}"

    def request(self, method: str, path: str, body: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        headers = {"Host": f"{self.host}:{self.port}", "Accept-Language": "ja"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers.update({"Origin": self.origin, "Referer": self.origin + path})
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            return response.status, {k.lower(): v for k, v in response.getheaders()}, text
        finally:
            conn.close()

    def get_status(self, path: str) -> int:
        """One GET with the session's cookies, without keeping any cookie it sets (threads share this)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        headers = {"Host": f"{self.host}:{self.port}", "Accept-Language": "ja"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()

    def follow(self, method: str, path: str, body: dict[str, str] | None = None) -> tuple[str, str]:
        """The request, then its redirects; the final path and page."""
        status, headers, text = self.request(method, path, body)
        for _ in range(5):
            if status not in (301, 302, 303):
                break
            path = urllib.parse.urlparse(headers["location"]).path or "/"
            status, headers, text = self.request("GET", path)
        if status != 200:
            raise RuntimeError(f"{method} {path}: HTTP {status}")
        return path, text


def _csrf(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


def sign_in(session: Session, email: str, password: str, totp_secret: str | None) -> None:
    _, page = session.follow("GET", "/accounts/login/")
    path, page = session.follow(
        "POST", "/accounts/login/", {"csrfmiddlewaretoken": _csrf(page), "login": email, "password": password}
    )
    if "/2fa/authenticate" in path:
        if totp_secret is None:
            raise RuntimeError(f"{email}: asked for a second factor")
        from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

        code = format_hotp_value(hotp_value(totp_secret, int(time.time()) // 30))
        path, page = session.follow("POST", path, {"csrfmiddlewaretoken": _csrf(page), "code": code})
    if "/accounts/login" in path or "/2fa/" in path:
        raise RuntimeError(f"{email}: still on {path} after signing in")


# --- load --------------------------------------------------------------------------------------------------
@dataclass
class Cell:
    latencies: list[float] = field(default_factory=list)
    non_2xx: int = 0
    errors: int = 0
    elapsed: float = 0.0

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def pct(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(p * len(ordered)) - 1)] * 1000 if ordered else float("nan")


def hammer(session: Session, path: str, threads: int, seconds: float) -> Cell:
    cell = Cell()
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker() -> None:
        mine, bad, errors = [], 0, 0
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                status = session.get_status(path)
            except OSError:
                errors += 1
                continue
            mine.append(time.perf_counter() - started)
            bad += not 200 <= status < 300
        with lock:
            cell.latencies.extend(mine)
            cell.non_2xx += bad
            cell.errors += errors

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    cell.elapsed = time.perf_counter() - started
    return cell


def wait_for(session: Session, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if session.get_status("/healthz") == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer /healthz")


def main() -> int:
    if "pytest" in sys.modules:
        print("bench/load.py is a benchmark, not a test", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seniors", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each (page, parallelism) cell")
    parser.add_argument("--levels", default="1,8,32", help="parallel requests, comma-separated")
    parser.add_argument("--port", type=int, default=8301)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated page labels to run (default: all)")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        print("DATABASE_URL must point at PostgreSQL", file=sys.stderr)
        return 2
    ensure_database(url)
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sks.settings")
    os.environ.setdefault("DJANGO_ENV", "development")  # this process only reads the demo's constants
    import django

    django.setup()
    from participants.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

    redis_url = os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)
    setup_env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": redis_url, "DJANGO_ENV": "development"}
    started = time.perf_counter()
    manage("migrate", "--noinput", env=setup_env)
    if not _has_demo(url):  # seed_demo --if-empty would see the scale seniors and do nothing
        manage("seed_demo", env=setup_env)
    manage("seed_scale", f"--seniors={args.seniors}", env=setup_env)
    host = "127.0.0.1"
    site = f"http://{host}:{args.port}"
    production_env = {
        **os.environ,
        "DJANGO_ENV": "production",
        # One key per bench database, so that sessions left by an earlier run still decode (no warnings).
        "SECRET_KEY": "bench-load-" + hashlib.sha256(url.encode()).hexdigest(),
        "ALLOWED_HOSTS": f"{host},localhost",
        "SITE_URL": site,
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,
        "SECURE_SSL_REDIRECT": "False",
        "LOG_LEVEL": "WARNING",
    }
    manage("collectstatic", "--noinput", env=production_env)
    print(f"database ready ({args.seniors} seniors, demo data) in {time.perf_counter() - started:.1f} s", flush=True)

    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(  # noqa: S603  (the venv's gunicorn on our own WSGI application)
        [str(gunicorn), "sks.wsgi:application", "--workers", str(args.workers), "--bind", f"{host}:{args.port}"],
        cwd=BASE_DIR,
        env=production_env,
    )
    try:
        anonymous = Session(host, args.port)
        wait_for(anonymous)
        senior, coordinator = Session(host, args.port), Session(host, args.port)
        sign_in(senior, SENIOR, DEMO_PASSWORD, None)
        sign_in(coordinator, COORDINATOR, DEMO_PASSWORD, DEMO_TOTP_SECRET)
        event_path = _first_event_path(coordinator)
        pages = [
            ("trivial view (/healthz)", anonymous, "/healthz"),
            ("senior dashboard", senior, "/dashboard/"),
            ("senior event list", senior, "/events/apply/"),
            ("coordinator dashboard", coordinator, "/dashboard/"),
            ("coordinator event list", coordinator, "/events/manage/"),
            ("coordinator event page", coordinator, event_path),
            ("senior search ?q=販路", coordinator, "/seniors/search/?q=" + urllib.parse.quote("販路")),
        ]
        if args.only:
            wanted = {w.strip() for w in args.only.split(",")}
            pages = [p for p in pages if p[0] == pages[0][0] or any(w in p[0] for w in wanted)]
        levels = [int(x) for x in args.levels.split(",")]
        for label, session, path in pages:  # every page answers 200 before it is measured
            if session.get_status(path) != 200:
                raise RuntimeError(f"{label}: {path} does not answer 200")
        print(f"\ngunicorn {args.workers} workers, DJANGO_ENV=production; {args.seconds:g} s per cell; load {_load()}")
        header = f"{'page':<28}{'par':>4}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'non-2xx':>9}"
        header += f"{'÷ trivial':>11}"
        print(header)
        print("-" * len(header))
        trivial: dict[int, float] = {}
        total_bad = 0
        for label, session, path in pages:
            for level in levels:
                cell = hammer(session, path, level, args.seconds)
                if label == pages[0][0]:
                    trivial[level] = cell.rps
                ratio = cell.rps / trivial[level] if trivial.get(level) else float("nan")
                total_bad += cell.non_2xx + cell.errors
                print(
                    f"{label:<28}{level:>4}{cell.rps:>9.1f}{cell.pct(0.5):>9.1f}{cell.pct(0.95):>9.1f}"
                    f"{cell.pct(0.99):>9.1f}{cell.non_2xx + cell.errors:>9}{ratio:>11.3f}",
                    flush=True,
                )
        print(f"\nload after the run: {_load()}; non-2xx or failed requests in all: {total_bad}")
        return 0 if total_bad == 0 else 1
    finally:
        server.terminate()
        server.wait(timeout=30)


def _first_event_path(coordinator: Session) -> str:
    _, page = coordinator.follow("GET", "/events/manage/")
    match = re.search(r'href="(/events/manage/\d+/)"', page)
    if not match:
        raise RuntimeError("no event on the coordinator's event list")
    return match.group(1)


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
