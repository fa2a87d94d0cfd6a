"""The `make run` configuration on a file SQLite database, for the concurrency test and its benchmark.

`SqliteServer` migrates a fresh database file, arranges one coordinator's event day in it (a published
timetable with `seniors` seniors, the coordinator signed in), serves it with `manage.py runserver` (threaded,
DJANGO_ENV=development, as `make run` does) and sends parallel requests from that one session.

Every request writes allauth's "last seen" of the session (SESSION_ACTIVITY_INTERVAL=0 switches off the
throttle), so the requests contend for SQLite's write lock as much as they can.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# Run by `manage.py shell -c` in the server's database: arranges the event day and prints what the
# requests need. Test data outside any request, arranged across institutions.
_ARRANGE = """
import json
from django.db import connection
from django.test import Client
from django.urls import reverse
from sks.roles import Role
from tests.access import arranging
from tests.factories import OrganizationFactory, enrol_company, make_event, make_timetable, pledged_senior, staff_user

with arranging():
    bank = OrganizationFactory(name="さくら信用金庫")
    coordinator = staff_user(Role.COORDINATOR)
    event = make_event(
        coordinator_org=coordinator.active_memberships[0].organization, hosts=[bank], status="timetabling", rounds=8
    )
    enrolments = [enrol_company(event, institution=bank) for _ in range(4)]
    seniors = [pledged_senior() for _ in range(SENIORS)]
    meetings = [(enrolments[i % 4], s, i // 4, "mutual") for i, s in enumerate(seniors)]
    timetable = make_timetable(event, meetings, status="published")
    client = Client()
    client.force_login(coordinator)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal_mode = cursor.fetchone()[0]
    print(json.dumps({
        "session": client.cookies["sessionid"].value,
        "journal_mode": journal_mode,
        "checkin": reverse("matching:checkin", args=[event.pk]),
        "taps": [reverse("matching:checkin_senior", args=[event.pk, s.pk]) for s in seniors],
        "pages": [
            reverse("dashboard"),
            reverse("events:event_detail", args=[event.pk]),
            reverse("matching:checkin", args=[event.pk]),
            reverse("matching:timetable_list", args=[event.pk]),
            reverse("matching:timetable_detail", args=[timetable.pk]),
            reverse("events:event_list"),
        ],
    }))
"""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


@dataclass
class Round:
    """One burst of parallel requests: each request's status, and the wall time of the burst."""

    statuses: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self, what: str) -> str:
        codes: dict[int, int] = {}
        for status in self.statuses:
            codes[status] = codes.get(status, 0) + 1
        answered = ", ".join(f"{n}×{code}" for code, n in sorted(codes.items()))
        return f"{what}: {len(self.statuses)} requests in {self.seconds:.2f} s: {answered}"


class SqliteServer:
    def __init__(self, *, seniors: int = 8, env: dict[str, str] | None = None) -> None:
        self.seniors = seniors
        self.extra_env = env or {}
        self._tmp = tempfile.TemporaryDirectory(prefix="sks-sqlite-")
        self.database = Path(self._tmp.name) / "db.sqlite3"
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._server: subprocess.Popen[bytes] | None = None
        self.info: dict[str, Any] = {}
        self.csrf = ""

    # --- lifecycle ----------------------------------------------------------------------------------
    def env(self) -> dict[str, str]:
        clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_ENV", "REDIS_URL"}}
        return {
            **clean,
            "DJANGO_ENV": "development",
            "DATABASE_URL": f"sqlite:///{self.database}",
            "SITE_URL": self.base,
            "SESSION_ACTIVITY_INTERVAL": "0",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
            **self.extra_env,
        }

    def _manage(self, *args: str) -> str:
        result = subprocess.run(  # noqa: S603 (fixed argv)
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def start(self) -> SqliteServer:
        self._manage("migrate", "--noinput")
        output = self._manage("shell", "-c", _ARRANGE.replace("SENIORS", str(self.seniors)))
        self.info = json.loads(output.strip().splitlines()[-1])
        self._server = subprocess.Popen(  # noqa: S603 (fixed argv)
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            cwd=ROOT,
            env=self.env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = self.request("GET", str(self.info["checkin"]))
            except OSError:
                status, body = 0, ""
            if status == 200:
                break
            if self._server.poll() is not None or time.monotonic() > deadline:
                stderr = self._server.stderr.read().decode() if self._server.stderr else ""
                self.stop()
                raise RuntimeError(f"runserver did not answer (last status {status}):\n{stderr}")
            time.sleep(0.2)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if match is None:
            raise RuntimeError("The check-in page has no CSRF token.")
        self.csrf = match.group(1)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.terminate()
            try:
                self._server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._server.kill()
                self._server.wait()
            self._server = None
        self._tmp.cleanup()

    def __enter__(self) -> SqliteServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- requests -----------------------------------------------------------------------------------
    def request(self, method: str, path: str, data: dict[str, str] | None = None) -> tuple[int, str]:
        cookie = f"sessionid={self.info['session']}"
        if self.csrf:
            cookie += f"; csrftoken={self._csrf_cookie}"
        headers = {"Cookie": cookie, "Referer": self.base + "/"}
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers=headers, method=method)  # noqa: S310
        try:
            with _OPENER.open(req, timeout=60) as response:
                if not self.csrf:
                    self._csrf_cookie = _cookie(response.headers.get_all("Set-Cookie") or [], "csrftoken")
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")

    _csrf_cookie = ""

    def burst(self, calls: list[tuple[str, str, dict[str, str] | None]]) -> Round:
        """Send every call at once (one thread each) and wait for all of them."""
        result = Round()
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=len(calls)) as pool:
            answers = list(pool.map(lambda call: self._safe(*call), calls))
        result.seconds = time.perf_counter() - started
        for status, body in answers:
            result.statuses.append(status)
            if status >= 500 or status == 0:
                result.errors.append(body[:500])
        return result

    def _safe(self, method: str, path: str, data: dict[str, str] | None) -> tuple[int, str]:
        try:
            return self.request(method, path, data)
        except OSError as exc:
            return 0, repr(exc)

    def check_in_taps(self) -> Round:
        """One check-in tap per senior, all at once (the POST of the 「受付する」 button)."""
        form = {"csrfmiddlewaretoken": self.csrf, "action": "check_in"}
        return self.burst([("POST", str(path), form) for path in self.info["taps"]])

    def page_views(self, count: int) -> Round:
        """`count` GETs of the coordinator's pages, all at once."""
        pages = list(self.info["pages"])
        return self.burst([("GET", str(pages[i % len(pages)]), None) for i in range(count)])


def _cookie(set_cookies: list[str], name: str) -> str:
    for header in set_cookies:
        match = re.match(rf"\s*{name}=([^;]+)", header)
        if match:
            return match.group(1)
    return ""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
