"""What every Celery task of the project shares: the decorators, the retry policy and the way to enqueue.

    @task            a task that does not retry (a scan, a solve: running it again is the next beat's job)
    @mail_task       a task that sends mail: retried with backoff on transient mail errors (MAIL_ERRORS)
    enqueue_on_commit(task, **kwargs)    the only way a service enqueues: after its transaction commits

Tasks live in each app's tasks.py (tests/test_wiring.py checks it), take ids, load their row (log and
return if it is gone) and call one idempotent service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from smtplib import SMTPException
from typing import Any, ParamSpec, TypeVar

from celery import Task, shared_task
from django.db import transaction
from django.utils import timezone

__all__ = [
    "MAIL_ERRORS",
    "MAIL_MAX_RETRIES",
    "MAIL_RETRY_BACKOFF_MAX",
    "enqueue_on_commit",
    "mail_task",
    "scan_date",
    "task",
]

P = ParamSpec("P")
R = TypeVar("R")

# Transient mail errors: the server refused for now, the connection dropped, or it timed out. Anything
# else is a bug or bad data, and retrying it would only send the same failure again.
MAIL_ERRORS: tuple[type[BaseException], ...] = (SMTPException, ConnectionError, TimeoutError)
# Exponential backoff capped at 10 minutes, 8 tries: about half an hour in all. After that the failure is
# logged, and the exactly-once ledgers let a later run send what is still unsent.
MAIL_RETRY_BACKOFF_MAX = 600
MAIL_MAX_RETRIES = 8


def task(function: Callable[P, R]) -> Task[P, R]:
    """A Celery task with no retries."""
    return shared_task(function)


def mail_task(function: Callable[P, R]) -> Task[P, R]:
    """A Celery task that sends mail, retried on MAIL_ERRORS with backoff (the one retry policy)."""
    return shared_task(
        autoretry_for=MAIL_ERRORS,
        retry_backoff=True,
        retry_backoff_max=MAIL_RETRY_BACKOFF_MAX,
        max_retries=MAIL_MAX_RETRIES,
    )(function)


def enqueue_on_commit(task: Task[P, Any], /, *args: P.args, **kwargs: P.kwargs) -> None:
    """Enqueue `task` once the current transaction commits (at once outside one), so that a worker never
    looks for a row that is not committed yet, and a rolled-back write sends nothing. (What Celery's
    DjangoTask.delay_on_commit does, typed.)"""
    transaction.on_commit(lambda: task.delay(*args, **kwargs))


def scan_date(as_of: str | None) -> dt.date:
    """The day a daily scan runs for: `as_of` (an ISO date, to replay a day) or today in Asia/Tokyo."""
    return dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
