"""A real Celery worker process for the reminder tests (tests/test_celery_reminders.py and
tests/test_celery_followup.py): started on a private queue with tests/reminder_worker_settings.py, mail to
files, against the test database (PostgreSQL: shared across processes) and the Redis broker.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path
from typing import IO

import pytest
from django.conf import settings
from django.db import connection

from sks.celery import app
from tests.conftest import cache_key_prefix, need, worker_database_url

ROOT = Path(__file__).resolve().parent.parent
SEPARATOR = b"-" * 79


def start_celery_worker(
    *, node: str, env: dict[str, str], log_path: Path, options: list[str], what: str
) -> tuple[subprocess.Popen, IO[str]]:
    """Start `celery worker` (this interpreter, the sks app, one process) named `node` with `env`, its output
    in `log_path`, and wait until it answers a ping (failing the test with its log if it does not start)."""
    log = open(log_path, "w")  # noqa: SIM115 (kept open for the worker's lifetime; the caller closes it)
    proc = subprocess.Popen(  # noqa: S603 (a fixed command line: this interpreter running celery)
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "sks",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            f"--hostname={node}",
            "--without-gossip",
            "--without-mingle",
            *options,
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while not app.control.ping(destination=[node], timeout=1.0):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"{what} did not start: " + log_path.read_text())
    return proc, log


@contextmanager
def worker_pool(queue: str, tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen]]:
    """`start(name, mail_dir, **env)` starts a worker on `queue`; all are stopped, and the queue is cleared
    of what a killed worker left, at the end."""
    need(bool(settings.REDIS_URL), "REDIS_URL is not set: no broker for a real Celery worker")
    need(connection.vendor == "postgresql", "the worker needs a database shared across processes (PostgreSQL)")
    started: list[tuple[subprocess.Popen, IO[str]]] = []

    def start(name: str, mail_dir: Path, **extra_env: str) -> subprocess.Popen:
        env = {
            **os.environ,
            "DJANGO_ENV": "test",
            "DJANGO_SETTINGS_MODULE": "tests.reminder_worker_settings",
            "SKS_TEST_QUEUE": queue,
            "DATABASE_URL": worker_database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "CACHE_KEY_PREFIX": cache_key_prefix(),
            "EMAIL_URL": "filemail://" + str(mail_dir),
            **extra_env,
        }
        log_path = tmp_path / f"{name}.log"
        proc, log = start_celery_worker(
            node=f"{name}@pytest",
            env=env,
            log_path=log_path,
            options=[f"--queues={queue}", "--without-heartbeat"],
            what=f"the Celery worker {name}",
        )
        started.append((proc, log))
        return proc

    try:
        yield start
    finally:
        for proc, log in started:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=30)
            log.close()
        _forget_queue(queue)


def _forget_queue(queue: str) -> None:
    """Drop what a killed worker left in Redis for `queue` (its unacknowledged task), so nothing lingers."""
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    for tag, payload in client.hgetall("unacked").items():
        try:
            routing_key = json.loads(payload)[2]
        except (ValueError, IndexError, TypeError):
            continue
        if routing_key == queue:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)
    client.delete(queue)


def wait_until(condition: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting for the worker")
        time.sleep(0.2)


def mails(mail_dir: Path) -> list[tuple[str, str]]:
    """(To, Subject) of every message the file backend wrote, one file per connection."""
    found = []
    for path in sorted(mail_dir.glob("*.log")):
        for chunk in path.read_bytes().split(SEPARATOR):
            if chunk.strip():
                message = message_from_bytes(chunk.strip())
                found.append((message["To"], str(make_header(decode_header(message["Subject"])))))
    return found
