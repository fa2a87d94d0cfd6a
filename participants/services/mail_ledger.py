"""The send ledger: every mail the platform sends, exactly once, through worker deaths, retries and slow servers.

    mail_once(kind=, target=, recipient=, version=, build=, record=)

One row of `participants.MailDelivery` per mail, under a unique key (kind, target, recipient, version):

* `version` is derived from what the mail says that matters (`content_version(...)`, e.g. a second interview's
  date, duration and place). The same content is the same row, so a repeat sends nothing; a real change is a
  new row, sent once.
* **Claim.** One conditional UPDATE (not sent, and nobody's live claim) sets a fresh token and `claimed_at`,
  and commits at once (this function is deliberately not atomic). Of two tasks for the same mail at once, the
  database lets exactly one have the row; the other sees 0 rows and returns.
* **Send within a budget.** The whole send (connect, every SMTP step, the end of data) has
  MAIL_SEND_BUDGET_SECONDS, at most a quarter of the claim (REMINDER_CLAIM_SECONDS), so a send can never
  outlive its claim: a slow server is cut off (SIGALRM in a worker's main thread; elsewhere a watchdog that
  closes the socket), the claim released (status failed) and the error raised as a TimeoutError, which the
  mail task retries with backoff.
* **Mark** sent only if the row still carries this call's token, and record the in-app notification in the
  same transaction. If another worker took the claim over meanwhile (which the budget is there to prevent),
  the mail went out twice: the row's `duplicates` counts it and a warning is logged, so the figure is visible.

Redelivery: the row remembers the Celery task that sends it; `mail_redeliver_pending()` (every 15 minutes,
participants.tasks.task_redeliver_reminders) enqueues that task again for a row left unsent with an expired
claim (its worker died) or failed. The broker may also hand the unacknowledged task to another worker
(acks_late, after CELERY_VISIBILITY_TIMEOUT). Either way the claim lets one of them send.

The window that remains, as measured by tests/test_celery_faults.py (a real worker, a local SMTP server):
a worker killed after the server has accepted the message (its reply to the end of data) and before the mark
commits. The row stays unsent and the mail goes out again after the claim expires. That window is the
server's reply to the end of data, the QUIT exchange and one UPDATE. Measured (tests/participants/
test_mail_ledger.py, a local server answering at once, 20 sends): a mean of 0.4-0.7 ms and at most 7.2 ms on
PostgreSQL. Against a real server it is as long as the server takes to answer those two steps, often
hundreds of milliseconds; in the fault test (0.4 s per reply) about 0.8 s, and a kill -9 there gave exactly
one duplicate among 12 mails. Killed anywhere else, the mail was sent exactly once. The budget itself can cut
a send off inside that window too (the end of data sent, the reply not back): a server that slow may get the
mail twice.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import logging
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils import timezone

from ..enums import MailDeliveryStatus
from ..models import MailDelivery, User

__all__ = [
    "MailBudgetExceededError",
    "content_version",
    "mail_deliveries_due_for_redelivery",
    "mail_object_key",
    "mail_once",
    "mail_redeliver_pending",
    "mail_send_within_budget",
    "send_budget",
]

logger = logging.getLogger(__name__)

S = MailDeliveryStatus
# A mail refused this many times (an address the server rejects for good) is left for an operator.
MAIL_MAX_ATTEMPTS = 30
REDELIVER_BATCH = 1000


class MailBudgetExceededError(TimeoutError):
    """A send ran out of MAIL_SEND_BUDGET_SECONDS (a TimeoutError: the mail tasks retry it with backoff)."""


def mail_object_key(obj: models.Model) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


def content_version(*parts: object) -> str:
    """A short, stable digest of what a mail says that matters: the `version` of its ledger row."""
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()[:16]


def _budget() -> float:
    return float(min(settings.MAIL_SEND_BUDGET_SECONDS, settings.REMINDER_CLAIM_SECONDS / 4))


@contextlib.contextmanager
def send_budget(seconds: float, *, connection: Any = None) -> Iterator[None]:
    """Abort what runs inside after `seconds` in all, with MailBudgetExceededError.

    In a process's main thread (a Celery worker's task, a management command) an interval timer raises at
    the deadline wherever the send is blocked. In another thread (signals are main-thread only) a watchdog
    shuts the SMTP connection's socket at the deadline, which ends the blocked read or write. Either way
    the error smtplib makes of it (e.g. SMTPServerDisconnected) is reported as the budget running out."""
    expired = threading.Event()
    started = time.monotonic()
    message = f"the mail server took longer than {seconds:g} s"
    in_main = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    timer: threading.Timer | None = None
    previous: Any = None
    if in_main:

        def _alarm(signum: int, frame: object) -> None:
            expired.set()
            raise MailBudgetExceededError(message)

        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    else:

        def _cut() -> None:
            expired.set()
            sock = getattr(getattr(connection, "connection", None), "sock", None)
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(2)  # socket.SHUT_RDWR

        timer = threading.Timer(seconds, _cut)
        timer.daemon = True
        timer.start()
    try:
        yield
    except MailBudgetExceededError:
        raise
    except Exception as exc:
        # The per-step socket timeout (also the budget) may fire a moment before the timer does.
        if expired.is_set() or time.monotonic() - started >= seconds * 0.99:
            raise MailBudgetExceededError(message) from exc
        raise
    finally:
        if in_main:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        elif timer is not None:
            timer.cancel()


def mail_send_within_budget(message: EmailMessage) -> None:
    """Send `message` on its own connection, the whole send within MAIL_SEND_BUDGET_SECONDS (each network
    step's own timeout is the budget too)."""
    budget = _budget()
    connection = get_connection(timeout=budget)
    message.connection = connection
    with send_budget(budget, connection=connection):
        message.send()


def _current_task() -> tuple[str, dict[str, Any]]:
    """The Celery task running this send (name, keyword arguments), to enqueue again on redelivery."""
    from celery import current_task

    if current_task is None or not getattr(current_task, "name", None):
        return "", {}
    kwargs = getattr(current_task.request, "kwargs", None) or {}
    return str(current_task.name), dict(kwargs)


def mail_once(
    *,
    kind: str,
    target: models.Model | str,
    recipient: User,
    version: str,
    build: Callable[[], EmailMessage],
    record: Callable[[EmailMessage], object] | None = None,
) -> bool:
    """Send the mail (kind, target, recipient, version) unless it has been sent or is being sent; True if
    this call sent it. `build()` makes the message (addressed to `recipient`); `record(message)` runs in the
    transaction that marks the row sent (the in-app notification). Not atomic: see the module docstring."""
    if not recipient.is_active or not recipient.email:
        return False
    key = {
        "kind": kind,
        "target": target if isinstance(target, str) else mail_object_key(target),
        "recipient": recipient,
        "version": version,
    }
    task_name, task_kwargs = _current_task()
    try:
        with transaction.atomic():
            delivery, _created = MailDelivery.objects.get_or_create(
                **key, defaults={"task_name": task_name[:200], "task_kwargs": task_kwargs}
            )
    except IntegrityError:
        delivery = MailDelivery.objects.get(**key)  # a concurrent call inserted it first
    if delivery.status == S.SENT:
        return False

    token = uuid.uuid4().hex
    now = timezone.now()
    expired = now - dt.timedelta(seconds=settings.REMINDER_CLAIM_SECONDS)
    claimed = (
        MailDelivery.objects.filter(pk=delivery.pk)
        .exclude(status=S.SENT)
        .filter(Q(status=S.FAILED) | Q(claimed_at__isnull=True) | Q(claimed_at__lt=expired))
        .update(status=S.CLAIMED, claim_token=token, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        logger.info("mail %s is sent or being sent; nothing to do", delivery)
        return False

    try:
        message = build()
        mail_send_within_budget(message)
    except Exception as exc:
        # Release our claim (not a newer one): the retry, or the next redelivery, can take it at once.
        MailDelivery.objects.filter(pk=delivery.pk, claim_token=token, status=S.CLAIMED).update(
            status=S.FAILED, claim_token="", last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise

    with transaction.atomic():
        marked = MailDelivery.objects.filter(pk=delivery.pk, claim_token=token, status=S.CLAIMED).update(
            status=S.SENT, sent_at=timezone.now(), last_error=""
        )
        if marked and record is not None:
            record(message)
    if not marked:
        MailDelivery.objects.filter(pk=delivery.pk).update(duplicates=F("duplicates") + 1)
        logger.warning("mail %s was sent although another worker had taken its claim: a duplicate", delivery)
    return bool(marked)


def mail_deliveries_due_for_redelivery(*, now: dt.datetime) -> models.QuerySet[MailDelivery]:
    """Unsent rows whose claim has expired (the worker died) or whose last try failed long enough ago."""
    expired = now - dt.timedelta(seconds=settings.REMINDER_CLAIM_SECONDS)
    return (
        MailDelivery.objects.exclude(status=S.SENT)
        .exclude(task_name="")
        .filter(attempts__lt=MAIL_MAX_ATTEMPTS)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=expired))
        .order_by("pk")
    )


def mail_redeliver_pending() -> int:
    """Enqueue again the task of every unsent mail nobody is working on; returns how many tasks."""
    from celery import current_app

    tasks: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
    rows = mail_deliveries_due_for_redelivery(now=timezone.now()).values_list("task_name", "task_kwargs")
    for name, kwargs in rows[:REDELIVER_BATCH]:
        tasks.setdefault((name, repr(sorted(kwargs.items()))), (name, kwargs))
    for name, kwargs in tasks.values():
        task = current_app.tasks.get(name)
        if task is None:
            logger.warning("mail task %s is not registered; not redelivered", name)
            continue
        transaction.on_commit(functools.partial(task.delay, **kwargs))
    if tasks:
        logger.info("redelivering %s mail tasks", len(tasks))
    return len(tasks)
